package md.forcefields.ml.executors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import md.forcefields.NeighborList;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The MD executor: traces a model's forward pass once into a plan of op nodes, then evaluates energy,
 * forces and virial for any graph with no allocation once warm.
 *
 * <p>Planning: nodes that cannot reach the energy are dropped; nodes that depend only on parameters
 * (weight scalings, column selections) are evaluated once here and become constants; only nodes that
 * depend on the edge vectors get gradient buffers, so the backward pass computes dE/d(edge vectors)
 * and nothing else (no parameter gradients). Buffers and op workspaces grow to the largest graph seen
 * and are reused. With several threads, ops that have parallel kernels ({@link Op#parallel}) run in
 * parts on a fixed team of threads (the caller is part 0); the others run on the caller. Results do not
 * depend on timing: parts own disjoint outputs and shared contributions are added in part order.
 * Not thread-safe: one executor per simulation.
 */
public final class PlanExecutor implements AutoCloseable {
    private static final int PARAM = 0, VECTORS = 1, OP = 2;

    /** One value of the trace. */
    private static final class Node {
        final int id, kind;
        final Op op;
        final Node[] inputs;
        final Shape shape;
        boolean live, constant, needsGrad, parallel;
        double[] value, grad;
        double[][] inValues, inGrads;
        Workspace ws;

        Node(int id, int kind, Op op, Node[] inputs, Shape shape) {
            this.id = id;
            this.kind = kind;
            this.op = op;
            this.inputs = inputs;
            this.shape = shape;
        }
    }

    private final EquivariantModel model;
    private final List<Node> nodes = new ArrayList<>();
    private final Node output, vectors;
    private final Node[] forwardOrder, backwardOrder;
    private final Graph graph = new Graph();
    private double[] vectorBuffer;
    /** Per node: nanoseconds in forward and backward kernels since {@link #profile} was switched on (null: off). */
    private long[] forwardNanos, backwardNanos;

    private final int threads;
    private final PhaseWorkers workers;
    private Node current;
    private final java.util.function.IntConsumer forwardPartJob, backwardPartJob;

    /** A single-threaded executor. */
    public PlanExecutor(LearnedModel learned) { this(learned, 1); }

    /** An executor whose parallel kernels run on {@code threads} threads (the caller's and a fixed team). */
    public PlanExecutor(LearnedModel learned, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        forwardPartJob = part -> current.op.forwardPart(graph, current.ws, current.inValues, current.value, part, threads);
        backwardPartJob = part -> current.op.backwardPart(graph, current.ws, current.inValues, current.value, current.grad, current.inGrads, part, threads);
        this.model = learned.architecture();
        Tracer tracer = new Tracer(learned);
        vectors = tracer.vectors;
        output = model.atomicEnergies(tracer);
        if (!output.shape.equals(Shape.atoms(1)))
            throw new IllegalStateException(model.family() + " returned per-atom energies of shape " + output.shape);
        // live: reaches the output
        output.live = true;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.live) for (Node in : n.inputs) in.live = true;
        }
        // constant: parameters and ops on constants only (with fixed shapes); needsGrad: depends on the vectors
        Graph none = new Graph();
        List<Node> fwd = new ArrayList<>(), bwd = new ArrayList<>();
        for (Node n : nodes) {
            if (!n.live) continue;
            n.ws = new Workspace(Arrays.stream(n.inputs).map(x -> x.shape).toArray(Shape[]::new), n.shape);
            n.inValues = new double[n.inputs.length][];
            n.inGrads = new double[n.inputs.length][];
            if (n.kind == PARAM) { n.constant = true; continue; }
            if (n.kind == VECTORS) { n.needsGrad = true; continue; }
            boolean c = n.inputs.length > 0 && n.shape.rows() == Shape.Rows.FIXED;
            for (Node in : n.inputs) {
                c &= in.constant;
                n.needsGrad |= in.needsGrad;
            }
            if (c) {
                n.constant = true;
                n.value = new double[n.shape.fixedRows() * n.shape.width()];
                for (int i = 0; i < n.inputs.length; i++) n.inValues[i] = n.inputs[i].value;
                n.op.forward(none, n.ws, n.inValues, n.value);
                continue;
            }
            fwd.add(n);
            if (n.needsGrad) bwd.add(n);
        }
        if (!vectors.live) vectors.needsGrad = false;
        for (Node n : fwd) {
            boolean[] c = new boolean[n.inputs.length];
            for (int i = 0; i < c.length; i++) c[i] = n.inputs[i].constant;
            n.ws.setConstantInputs(c);
        }
        forwardOrder = fwd.toArray(new Node[0]);
        workers = threads > 1 ? new PhaseWorkers(threads) : null;
        java.util.Collections.reverse(bwd);
        backwardOrder = bwd.toArray(new Node[0]);
    }

    public EquivariantModel model() { return model; }

    public int threads() { return threads; }

    /** Ids of the executor's own worker threads (empty with one thread): for measuring their CPU time. */
    public long[] workerThreadIds() { return workers == null ? new long[0] : workers.workerIds(); }

    /** Stops the worker threads. */
    @Override public void close() { if (workers != null) workers.close(); }

    /** Live, non-constant op nodes evaluated per call (for tests and reports). */
    public int stepOps() { return forwardOrder.length; }

    /** The graph of the last call. */
    public Graph graph() { return graph; }

    /**
     * Energy (eV) of atoms of species {@code types} at {@code positions} (Å, 3N); writes forces (3N,
     * overwritten), the virial −Σ_edges r ⊗ ∂E/∂r (9, when non-null) and per-atom energies (N, when
     * non-null). Pairs come from {@code neighbors}; those at |r| ≥ cutoff are skipped.
     */
    public double compute(double[] positions, int[] types, NeighborList neighbors, double[] forces, double[] virial, double[] atomicEnergies) {
        vectorBuffer = graph.fromHalfList(types, positions, neighbors, model.cutoff(), vectorBuffer);
        vectors.value = vectorBuffer;
        int n = graph.atoms(), e = graph.edges();
        ensureBuffers();
        for (Node node : forwardOrder) {
            for (int i = 0; i < node.inputs.length; i++) node.inValues[i] = node.inputs[i].value;
            long t0 = forwardNanos == null ? 0 : System.nanoTime();
            if (workers != null && node.parallel) {
                current = node;
                workers.run(forwardPartJob);
            } else {
                node.op.forward(graph, node.ws, node.inValues, node.value);
            }
            if (forwardNanos != null) forwardNanos[node.id] += System.nanoTime() - t0;
        }
        double energy = 0;
        for (int a = 0; a < n; a++) {
            energy += output.value[a];
            if (atomicEnergies != null) atomicEnergies[a] = output.value[a];
        }
        // backward: dE/d(value) of every node that depends on the edge vectors
        Arrays.fill(vectors.grad, 0, 3 * e, 0.0);
        for (Node node : backwardOrder) Arrays.fill(node.grad, 0, node.shape.size(graph), 0.0);
        if (output.needsGrad) Arrays.fill(output.grad, 0, n, 1.0);
        for (Node node : backwardOrder) {
            for (int i = 0; i < node.inputs.length; i++) {
                node.inValues[i] = node.inputs[i].value;
                node.inGrads[i] = node.inputs[i].needsGrad ? node.inputs[i].grad : null;
            }
            long t0 = backwardNanos == null ? 0 : System.nanoTime();
            if (workers != null && node.parallel) {
                current = node;
                workers.run(backwardPartJob);
                node.op.backwardReduce(graph, node.ws, node.inGrads, threads);
            } else {
                node.op.backward(graph, node.ws, node.inValues, node.value, node.grad, node.inGrads);
            }
            if (backwardNanos != null) backwardNanos[node.id] += System.nanoTime() - t0;
        }
        Arrays.fill(forces, 0, 3 * n, 0.0);
        if (virial != null) Arrays.fill(virial, 0, 9, 0.0);
        int[] ctr = graph.centre(), nbr = graph.neighbour();
        double[] g = vectors.grad, v = vectorBuffer;
        for (int k = 0; k < e; k++) {
            double gx = g[3 * k], gy = g[3 * k + 1], gz = g[3 * k + 2];
            // vector = R_nbr − R_ctr (+ shift): F = −∂E/∂R
            forces[3 * ctr[k]] += gx; forces[3 * ctr[k] + 1] += gy; forces[3 * ctr[k] + 2] += gz;
            forces[3 * nbr[k]] -= gx; forces[3 * nbr[k] + 1] -= gy; forces[3 * nbr[k] + 2] -= gz;
            if (virial != null) {
                double vx = v[3 * k], vy = v[3 * k + 1], vz = v[3 * k + 2];
                virial[0] -= vx * gx; virial[1] -= vx * gy; virial[2] -= vx * gz;
                virial[3] -= vy * gx; virial[4] -= vy * gy; virial[5] -= vy * gz;
                virial[6] -= vz * gx; virial[7] -= vz * gy; virial[8] -= vz * gz;
            }
        }
        return energy;
    }

    /** Starts (or restarts) timing every op kernel of later calls. */
    public void profile() {
        forwardNanos = new long[nodes.size()];
        backwardNanos = new long[nodes.size()];
    }

    /** Milliseconds spent per op name since {@link #profile()}: {forward, backward} by op, largest first. */
    public java.util.Map<String, double[]> profileByOp() {
        java.util.Map<String, double[]> m = new java.util.TreeMap<>();
        if (forwardNanos == null) return m;
        for (Node n : forwardOrder) {
            double[] t = m.computeIfAbsent(n.op.name(), k -> new double[2]);
            t[0] += forwardNanos[n.id] / 1e6;
            t[1] += backwardNanos[n.id] / 1e6;
        }
        return m;
    }

    /**
     * Below this many elements in its largest operand an op runs on the caller alone: handing a phase to the
     * other threads costs microseconds, more than small ops take.
     */
    private static final int PARALLEL_MIN_ELEMENTS = 8192;

    private void ensureBuffers() {
        int needV = 3 * graph.edges();
        if (vectors.grad == null || vectors.grad.length < needV) vectors.grad = new double[Math.max(needV, vectorBuffer.length)];
        for (Node node : forwardOrder) {
            int size = node.shape.size(graph), largest = size;
            for (Node in : node.inputs) largest = Math.max(largest, in.shape.size(graph));
            node.parallel = node.op.parallel() && largest >= PARALLEL_MIN_ELEMENTS; // decided per graph, same for both passes
            if (node.value == null || node.value.length < size) node.value = new double[grow(node.value, size)];
            if (node.needsGrad && (node.grad == null || node.grad.length < size)) node.grad = new double[grow(node.grad, size)];
        }
    }

    private static int grow(double[] old, int size) { return Math.max(size, old == null ? 0 : old.length * 5 / 4 + 16); }

    /** Records the forward pass as nodes; parameters are the model's values, held as constants. */
    private final class Tracer extends Ops<Node> {
        private final LearnedModel learned;
        final Node vectors;

        Tracer(LearnedModel learned) {
            this.learned = learned;
            vectors = add(VECTORS, null, new Node[0], Shape.edges(3));
        }

        private Node add(int kind, Op op, Node[] in, Shape shape) {
            Node n = new Node(nodes.size(), kind, op, in, shape);
            nodes.add(n);
            return n;
        }

        @Override protected Node applyOp(Op op, List<Node> inputs) {
            Node[] in = inputs.toArray(new Node[0]);
            Shape[] shapes = new Shape[in.length];
            for (int i = 0; i < in.length; i++) shapes[i] = in[i].shape;
            return add(OP, op, in, op.outputShape(shapes));
        }

        @Override public Node parameter(String name) {
            EquivariantModel.ParameterSpec spec = model.parameters().get(name);
            if (spec == null) throw new IllegalArgumentException(model.family() + ": the forward pass asks for an undeclared parameter '" + name + "'");
            Node n = add(PARAM, null, new Node[0], spec.shape());
            n.value = learned.parameters().get(name);
            return n;
        }

        @Override public Node edgeVectors() { return vectors; }

        @Override public Shape shape(Node v) { return v.shape; }
    }
}
