package md.forcefields.ml.executors;

import java.util.Arrays;

import md.forcefields.NeighborList;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The MD executor on the host: runs a model's {@link Plan} with the ops' own array kernels, evaluating
 * energy, forces and virial for any graph with no allocation once warm. Buffers and op workspaces grow
 * to the largest graph seen and are reused. With several threads, ops that have parallel kernels ({@link Op#parallel}) run in
 * parts on a fixed team of threads (the caller is part 0); the others run on the caller. Results do not
 * depend on timing: parts own disjoint outputs and shared contributions are added in part order.
 *
 * <p>Phases: every hand-over to the team costs a few microseconds on each side and the ops of a small
 * molecule take tens, so consecutive {@linkplain Op#rowLocal row-local} ops on the same rows (a radial
 * MLP: matmul, SiLU, matmul, …; a layer's node update: linear, add, gate, linear) run as one phase, each
 * thread going through its own rows of all of them. The ops are evaluated in a topological order that
 * keeps such ops together (e.g. the radial MLPs of all layers, which depend only on the pair lengths, run
 * back to back). The order depends on the plan only, not on the thread count.
 * Not thread-safe: one executor per simulation.
 */
public final class PlanExecutor implements AutoCloseable {

    /** Per-call state of one op node of the plan. */
    private static final class Slot {
        final Plan.Node node;
        final Op op;
        final Slot[] inputs;
        final Workspace ws;
        final double[][] inValues, inGrads;
        double[] value, grad;
        /** Elements of the largest operand on the current graph. */
        int elements;
        /**
         * Inputs whose gradient this op's backward writes first (no op before it in the backward order adds to it):
         * zeroed just before it runs, in the part's own rows when its phase is row-local.
         */
        Slot[] firstGrads = new Slot[0];

        Slot(Plan.Node node, Slot[] inputs) {
            this.node = node;
            this.op = node.op;
            this.inputs = inputs;
            this.ws = node.workspace();
            this.value = node.constantValue();
            inValues = new double[inputs.length][];
            inGrads = new double[inputs.length][];
        }
    }

    private final Plan plan;
    private final EquivariantModel model;
    private final Slot output, vectors;
    /** The direct force head's output, or null when forces are −∂E/∂r. */
    private final Slot direct;
    private final Slot[] forwardOrder, backwardOrder;
    /** Gradients that no op's backward adds to: zeroed before the backward pass (the others: see Slot.firstGrads). */
    private final Slot[] unwrittenGrads;
    /** Runs of forwardOrder / backwardOrder handed to the threads as one phase (see the class comment). */
    private final Phase[] forwardPhases, backwardPhases;
    private final int nodeCount;
    private final Graph graph = new Graph();
    private double[] vectorBuffer;
    /** Per node: nanoseconds in forward and backward kernels since {@link #profile} was switched on (null: off). */
    private long[] forwardNanos, backwardNanos;

    private final int threads;
    private final PhaseWorkers workers;
    private Phase current;
    private Slot reducing;
    private final java.util.function.IntConsumer forwardPartJob, backwardPartJob, reducePartJob;

    /** A single-threaded executor. */
    public PlanExecutor(LearnedModel learned) { this(learned, 1); }

    /** An executor whose parallel kernels run on {@code threads} threads (the caller's and a fixed team). */
    public PlanExecutor(LearnedModel learned, int threads) { this(learned, threads, false); }

    /**
     * With {@code directForces}, forces are the model's direct force head (one forward pass, no backward;
     * not −∂E/∂r, so not conservative) and the virial is not defined (NaN).
     */
    public PlanExecutor(LearnedModel learned, int threads, boolean directForces) { this(learned, threads, directForces, false); }

    /**
     * With {@code float32}, ops that have float32 kernels (NequIP's convolution, the matmuls) run them: float32
     * arithmetic inside the op, every buffer between ops float64 (as are the energy and force sums here).
     */
    public PlanExecutor(LearnedModel learned, int threads, boolean directForces, boolean float32) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        forwardPartJob = part -> {
            for (Slot s : current.ops) s.op.forwardPart(graph, s.ws, s.inValues, s.value, part, threads);
        };
        reducePartJob = part -> reducing.op.backwardReducePart(graph, reducing.ws, reducing.inGrads, part, threads);
        backwardPartJob = part -> {
            boolean rowLocal = current.rowLocal;
            zeroRows(current.zeroAhead, part, threads);
            for (Slot s : current.ops) {
                if (rowLocal) zeroFirstGrads(s, part, threads);
                s.op.backwardPart(graph, s.ws, s.inValues, s.value, s.grad, s.inGrads, part, threads);
            }
        };
        plan = new Plan(learned, op -> true, directForces);
        model = plan.model();
        nodeCount = plan.nodes().size();
        this.float32 = float32;
        // The loops over the plan's nodes live in methods of their own: C2 compiled this constructor (with the tracing
        // and slot set-up inlined into its loops) in 1-2 s a time, five times in the test suite's JVM.
        Slot[] slots = slots(plan, float32);
        output = slots[plan.output().id];
        vectors = slots[plan.vectors().id];
        direct = directForces ? slots[plan.directForces().id] : null;
        forwardOrder = phaseOrder(Arrays.stream(plan.forward()).map(n -> slots[n.id]).toArray(Slot[]::new));
        backwardOrder = backwardOrder(forwardOrder);
        unwrittenGrads = assignFirstGrads(backwardOrder, output);
        forwardPhases = phases(forwardOrder);
        backwardPhases = phases(backwardOrder);
        zeroAhead(backwardPhases);
        workers = threads > 1 ? new PhaseWorkers(threads) : null;
    }

    /** A slot (buffers and workspace) per node of the plan, indexed by node id. */
    private static Slot[] slots(Plan plan, boolean float32) {
        Slot[] slots = new Slot[plan.nodes().size()];
        for (Plan.Node n : plan.nodes()) {
            Slot[] in = new Slot[n.inputs.length];
            for (int i = 0; i < in.length; i++) in[i] = slots[n.inputs[i].id];
            slots[n.id] = new Slot(n, in);
        }
        for (Slot s : slots) if (s.ws != null) s.ws.setFloat32(float32);
        return slots;
    }

    /** The nodes that need a gradient, in reverse forward order. */
    private static Slot[] backwardOrder(Slot[] forwardOrder) {
        java.util.List<Slot> bwd = new java.util.ArrayList<>();
        for (int i = forwardOrder.length - 1; i >= 0; i--) if (forwardOrder[i].node.needsGrad()) bwd.add(forwardOrder[i]);
        return bwd.toArray(new Slot[0]);
    }

    /** The traced plan this executor runs. */
    public Plan plan() { return plan; }

    public EquivariantModel model() { return model; }

    public int threads() { return threads; }

    /** Whether ops with float32 kernels use them. */
    public boolean float32() { return float32; }
    private final boolean float32;

    /** Ids of the executor's own worker threads (empty with one thread): for measuring their CPU time. */
    public long[] workerThreadIds() { return workers == null ? new long[0] : workers.workerIds(); }

    /** Stops the worker threads. */
    @Override public void close() { if (workers != null) workers.close(); }

    /** Live, non-constant op nodes evaluated per call (for tests and reports). */
    public int stepOps() { return forwardOrder.length; }

    /** Whether forces are the model's direct force head rather than −∂E/∂r. */
    public boolean directForces() { return direct != null; }

    /**
     * The op nodes of each forward ({@code backward} false) or backward phase, in evaluation order: a
     * phase of several ops runs as one hand-over to the threads (for tests and reports).
     */
    public java.util.List<Plan.Node[]> phases(boolean backward) {
        java.util.List<Plan.Node[]> out = new java.util.ArrayList<>();
        for (Phase p : backward ? backwardPhases : forwardPhases) out.add(Arrays.stream(p.ops).map(s -> s.node).toArray(Plan.Node[]::new));
        return out;
    }

    /** The graph of the last call. */
    public Graph graph() { return graph; }

    /**
     * Energy (eV) of atoms of species {@code types} at {@code positions} (Å, 3N); writes forces (3N,
     * overwritten), the virial −Σ_edges r ⊗ ∂E/∂r (9, when non-null) and per-atom energies (N, when
     * non-null). Pairs come from {@code neighbors}; those at |r| ≥ cutoff are skipped. With direct forces
     * the forces are the model's force head and the virial is NaN.
     */
    public double compute(double[] positions, int[] types, NeighborList neighbors, double[] forces, double[] virial, double[] atomicEnergies) {
        if (!Plan.finite(positions, 3 * types.length)) return Plan.nonFinite(types.length, forces, virial, atomicEnergies);
        if (workers == null) return evaluate(positions, types, neighbors, forces, virial, atomicEnergies);
        workers.beginBurst();
        try {
            return evaluate(positions, types, neighbors, forces, virial, atomicEnergies);
        } finally {
            workers.endBurst();
        }
    }

    private double evaluate(double[] positions, int[] types, NeighborList neighbors, double[] forces, double[] virial, double[] atomicEnergies) {
        vectorBuffer = graph.fromHalfList(types, positions, neighbors, model.cutoff(), vectorBuffer);
        vectors.value = vectorBuffer;
        int n = graph.atoms(), e = graph.edges();
        ensureBuffers();
        for (Phase phase : forwardPhases) {
            for (Slot node : phase.ops) for (int i = 0; i < node.inputs.length; i++) node.inValues[i] = node.inputs[i].value;
            if (phase.parallel) {
                long t0 = forwardNanos == null ? 0 : System.nanoTime();
                current = phase;
                workers.run(forwardPartJob);
                if (forwardNanos != null) forwardNanos[phase.ops[0].node.id] += System.nanoTime() - t0; // booked on the phase's first op
                continue;
            }
            for (Slot node : phase.ops) {
                long t0 = forwardNanos == null ? 0 : System.nanoTime();
                node.op.forward(graph, node.ws, node.inValues, node.value);
                if (forwardNanos != null) forwardNanos[node.node.id] += System.nanoTime() - t0;
            }
        }
        double energy = 0;
        for (int a = 0; a < n; a++) {
            energy += output.value[a];
            if (atomicEnergies != null) atomicEnergies[a] = output.value[a];
        }
        if (direct != null) {
            System.arraycopy(direct.value, 0, forces, 0, 3 * n);
            if (virial != null) Arrays.fill(virial, 0, 9, Double.NaN); // no −∂E/∂(strain) without the energy's gradient
            return energy;
        }
        // backward: dE/d(value) of every node that depends on the edge vectors; each op's first-written input
        // gradients are zeroed just before it runs (cache-warm, and in parts on the threads) rather than all here
        Arrays.fill(vectors.grad, 0, 3 * e, 0.0);
        for (Slot node : unwrittenGrads) Arrays.fill(node.grad, 0, node.node.shape.size(graph), 0.0);
        if (output.node.needsGrad()) Arrays.fill(output.grad, 0, n, 1.0);
        for (Phase phase : backwardPhases) {
            for (Slot node : phase.ops)
                for (int i = 0; i < node.inputs.length; i++) {
                    node.inValues[i] = node.inputs[i].value;
                    node.inGrads[i] = node.inputs[i].node.needsGrad() ? node.inputs[i].grad : null;
                }
            if (phase.parallel) {
                long t0 = backwardNanos == null ? 0 : System.nanoTime();
                if (!phase.rowLocal) for (Slot node : phase.ops) zeroFirstGrads(node, 0, 1); // parts may write any row (see zeroAhead)
                current = phase;
                workers.run(backwardPartJob);
                for (Slot node : phase.ops) {
                    if (!node.op.parallelReduce()) {
                        node.op.backwardReduce(graph, node.ws, node.inGrads, threads);
                        continue;
                    }
                    reducing = node;
                    workers.run(reducePartJob);
                }
                if (backwardNanos != null) backwardNanos[phase.ops[0].node.id] += System.nanoTime() - t0;
                continue;
            }
            zeroRows(phase.zeroAhead, 0, 1);
            for (Slot node : phase.ops) {
                long t0 = backwardNanos == null ? 0 : System.nanoTime();
                zeroFirstGrads(node, 0, 1);
                node.op.backward(graph, node.ws, node.inValues, node.value, node.grad, node.inGrads);
                if (backwardNanos != null) backwardNanos[node.node.id] += System.nanoTime() - t0;
            }
        }
        Plan.edgeForces(graph, vectorBuffer, vectors.grad, forces, virial);
        return energy;
    }

    /** Zeroes rows [partStart(part), partStart(part + 1)) of the gradients that {@code node}'s backward writes first. */
    private void zeroFirstGrads(Slot node, int part, int parts) { zeroRows(node.firstGrads, part, parts); }

    /** Zeroes rows [partStart(part), partStart(part + 1)) of these gradients. */
    private void zeroRows(Slot[] grads, int part, int parts) {
        for (Slot in : grads) {
            int rows = in.node.shape.rowCount(graph), width = in.node.shape.width();
            Arrays.fill(in.grad, Op.partStart(rows, part, parts) * width, Op.partStart(rows, part + 1, parts) * width, 0.0);
        }
    }

    /**
     * Gives every gradient of {@code backward} (ops in backward order) to the first op whose backward adds to it
     * ({@link Slot#firstGrads}); returns those no op adds to (zeroed up front). The output's gradient is set to 1
     * up front and is nobody's first.
     */
    private static Slot[] assignFirstGrads(Slot[] backward, Slot output) {
        java.util.Set<Slot> assigned = new java.util.HashSet<>();
        assigned.add(output);
        for (Slot s : backward) {
            java.util.List<Slot> first = new java.util.ArrayList<>();
            for (Slot in : s.inputs)
                if (in.node.needsGrad() && in.node.op != null && assigned.add(in)) first.add(in);
            s.firstGrads = first.toArray(new Slot[0]);
        }
        return Arrays.stream(backward).filter(s -> !assigned.contains(s)).toArray(Slot[]::new);
    }

    /**
     * The first-written gradients of an op whose parts may add to any row (a convolution's pair weights) would be
     * zeroed whole on the caller before its phase, while the other thread waits: they are zeroed instead by the
     * parts of the nearest earlier phase that can split (each part its own rows, which with a pair split are the
     * rows the same thread then writes). Nothing touches a gradient before its first writer, so any earlier phase will do.
     */
    private static void zeroAhead(Phase[] phases) {
        for (int k = 0; k < phases.length; k++) {
            if (phases[k].rowLocal) continue;
            int j = k - 1;
            while (j >= 0 && !phases[j].canSplit) j--;
            if (j < 0) continue;
            java.util.List<Slot> ahead = new java.util.ArrayList<>(Arrays.asList(phases[j].zeroAhead));
            for (Slot op : phases[k].ops) {
                ahead.addAll(Arrays.asList(op.firstGrads));
                op.firstGrads = new Slot[0];
            }
            phases[j].zeroAhead = ahead.toArray(new Slot[0]);
        }
    }

    /** Starts (or restarts) timing every op kernel of later calls. */
    public void profile() {
        forwardNanos = new long[nodeCount];
        backwardNanos = new long[nodeCount];
    }

    /** Milliseconds spent per op name since {@link #profile()}: {forward, backward} by op, largest first. */
    public java.util.Map<String, double[]> profileByOp() {
        java.util.Map<String, double[]> m = new java.util.TreeMap<>();
        if (forwardNanos == null) return m;
        for (Slot n : forwardOrder) {
            double[] t = m.computeIfAbsent(n.op.name(), k -> new double[2]);
            t[0] += forwardNanos[n.node.id] / 1e6;
            t[1] += backwardNanos[n.node.id] / 1e6;
        }
        return m;
    }

    /**
     * Below this many elements (the largest operand of each op, summed over the phase) a phase runs on the
     * caller alone: handing it to the other threads costs microseconds, more than small ops take.
     */
    private static final int PARALLEL_MIN_ELEMENTS = 8192;

    private void ensureBuffers() {
        int needV = 3 * graph.edges();
        if (vectors.grad == null || vectors.grad.length < needV) vectors.grad = new double[Math.max(needV, vectorBuffer.length)];
        for (Slot node : forwardOrder) {
            int size = node.node.shape.size(graph), largest = size;
            for (Plan.Node in : node.node.inputs) largest = Math.max(largest, in.shape.size(graph));
            node.elements = largest;
            if (node.value == null || node.value.length < size) node.value = new double[grow(node.value, size)];
            if (node.node.needsGrad() && (node.grad == null || node.grad.length < size)) node.grad = new double[grow(node.grad, size)];
        }
        decideSplits(forwardPhases); // per graph
        decideSplits(backwardPhases);
    }

    private void decideSplits(Phase[] phases) {
        for (Phase phase : phases) {
            long elements = 0;
            for (Slot node : phase.ops) elements += node.elements;
            phase.parallel = workers != null && phase.canSplit && elements >= PARALLEL_MIN_ELEMENTS;
        }
    }

    /** A run of ops evaluated together: split over the threads (each part in op order), or all on the caller. */
    private static final class Phase {
        final Slot[] ops;
        /** All ops have parallel kernels and may run in one phase. */
        final boolean canSplit;
        /** Every op is row-local on the same rows ({@link #chainable}): a part touches only its own rows. */
        final boolean rowLocal;
        boolean parallel;
        /** Gradients first written by a later phase, zeroed by this one (in parts when parallel): see zeroAhead. */
        Slot[] zeroAhead = new Slot[0];

        Phase(Slot[] ops, boolean canSplit, boolean rowLocal) {
            this.ops = ops;
            this.canSplit = canSplit;
            this.rowLocal = rowLocal;
        }
    }

    /** Row-local with every non-constant input on the output's rows: may share a phase with others on those rows. */
    private static boolean chainable(Slot s) {
        if (!s.op.parallel() || !s.op.rowLocal()) return false;
        Shape.Rows rows = s.node.shape.rows();
        if (rows == Shape.Rows.FIXED || rows == Shape.Rows.GRAPH) return false;
        for (Plan.Node in : s.node.inputs) if (!in.constant() && in.shape.rows() != rows) return false;
        return true;
    }

    /**
     * The ops in an order that keeps chainable ops on the same rows together: list scheduling that, among
     * the ops whose inputs are ready, takes the first (in the plan's order) that continues the current
     * chain, else the first ready one.
     */
    private static Slot[] phaseOrder(Slot[] plan) {
        int n = plan.length;
        java.util.Map<Plan.Node, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) index.put(plan[i].node, i);
        int[] waiting = new int[n];
        java.util.List<java.util.List<Integer>> users = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) users.add(new java.util.ArrayList<>());
        for (int i = 0; i < n; i++)
            for (Plan.Node in : plan[i].node.inputs) {
                Integer j = index.get(in);
                if (j != null) { waiting[i]++; users.get(j).add(i); }
            }
        java.util.TreeSet<Integer> ready = new java.util.TreeSet<>();
        for (int i = 0; i < n; i++) if (waiting[i] == 0) ready.add(i);
        Slot[] order = new Slot[n];
        Shape.Rows chain = null; // rows of the chain being continued, null when the last op is not chainable
        for (int k = 0; k < n; k++) {
            Integer pick = null;
            if (chain != null)
                for (int i : ready) if (chainable(plan[i]) && plan[i].node.shape.rows() == chain) { pick = i; break; }
            if (pick == null) pick = ready.first();
            ready.remove(pick);
            Slot s = plan[pick];
            order[k] = s;
            chain = chainable(s) ? s.node.shape.rows() : null;
            for (int u : users.get(pick)) if (--waiting[u] == 0) ready.add(u);
        }
        return order;
    }

    /** Consecutive chainable ops on the same rows form one phase; every other op is a phase of its own. */
    private static Phase[] phases(Slot[] order) {
        java.util.List<Phase> phases = new java.util.ArrayList<>();
        for (int i = 0; i < order.length; ) {
            int j = i + 1;
            if (chainable(order[i])) while (j < order.length && chainable(order[j]) && order[j].node.shape.rows() == order[i].node.shape.rows()) j++;
            phases.add(new Phase(Arrays.copyOfRange(order, i, j), order[i].op.parallel(), chainable(order[i])));
            i = j;
        }
        return phases.toArray(new Phase[0]);
    }

    private static int grow(double[] old, int size) { return Math.max(size, old == null ? 0 : old.length * 5 / 4 + 16); }
}
