package md.forcefields.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import md.forcefields.NeighborList;
import md.forcefields.backend.KernelBackend.OpKernel;
import md.forcefields.backend.KernelBackend.RealBuffer;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.Plan;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;

/**
 * The MD executor on an accelerator backend: runs a model's {@link Plan} with the backend's kernels,
 * found by op name ({@link KernelBackend#kernel}), with every value and gradient resident in the
 * backend's memory. Parameters are uploaded once. A step builds the graph on the host (from the
 * engine's neighbour list), uploads its indices and edge vectors, runs the forward and backward
 * kernels, and reads back the per-atom energies and dE/d(edge vectors), from which forces and virial
 * are summed on the host. An op the backend has no kernel for runs with its own Java kernels on host
 * copies ({@link #hostOps()} names them). With the Java backend every op is its own kernel, so any model
 * runs there with no other code. Not thread-safe: one executor per simulation.
 */
public final class DeviceExecutor implements AutoCloseable {

    private static final class Slot {
        final Plan.Node node;
        final Slot[] inputs;
        OpKernel kernel;
        RealBuffer value, grad;
        int valueCap, gradCap;
        final RealBuffer[] inValues, inGrads;

        Slot(Plan.Node node, Slot[] inputs) {
            this.node = node;
            this.inputs = inputs;
            inValues = new RealBuffer[inputs.length];
            inGrads = new RealBuffer[inputs.length];
        }
    }

    private final KernelBackend backend;
    private final Plan plan;
    private final EquivariantModel model;
    private final Slot[] forwardOrder, backwardOrder;
    private final Slot output, vectors;
    private final List<String> hostOps = new ArrayList<>();
    private final Graph graph = new Graph();
    private final DeviceGraph deviceGraph;
    private double[] vectorBuffer, vectorGrad = new double[0], energies = new double[0], ones = new double[0];

    public DeviceExecutor(LearnedModel learned, KernelBackend backend) {
        this.backend = backend;
        plan = new Plan(learned, backend::hasKernel); // fused ops without a kernel here run as their parts
        model = plan.model();
        Slot[] slots = new Slot[plan.nodes().size()];
        TreeSet<String> host = new TreeSet<>();
        for (Plan.Node n : plan.nodes()) {
            Slot[] in = new Slot[n.inputs.length];
            for (int i = 0; i < in.length; i++) in[i] = slots[n.inputs[i].id];
            Slot s = slots[n.id] = new Slot(n, in);
            if (n.constant() && n.constantValue() != null) { // parameters and folded constants: uploaded once
                s.value = backend.reals(Math.max(1, n.constantValue().length));
                backend.write(s.value, n.constantValue(), n.constantValue().length);
            }
        }
        forwardOrder = Arrays.stream(plan.forward()).map(n -> slots[n.id]).toArray(Slot[]::new);
        backwardOrder = Arrays.stream(plan.backward()).map(n -> slots[n.id]).toArray(Slot[]::new);
        for (Slot s : forwardOrder) {
            s.kernel = backend.kernel(s.node.op, s.node.workspace());
            if (s.kernel == null) {
                s.kernel = new HostFallbackKernel(backend, s.node.op, s.node.workspace(), s.inputs.length);
                host.add(s.node.op.name());
            }
        }
        hostOps.addAll(host);
        output = slots[plan.output().id];
        vectors = slots[plan.vectors().id];
        deviceGraph = new DeviceGraph(backend);
    }

    public KernelBackend backend() { return backend; }
    public EquivariantModel model() { return model; }

    /** Names of the model's ops this backend has no kernel for (they run on the host, with copies). */
    public List<String> hostOps() { return List.copyOf(hostOps); }

    /**
     * One system of a batch: positions (Å, 3N), species indices, its neighbour list, and where to write
     * forces (3N), virial (9, or null) and per-atom energies (N, or null).
     */
    public record Replica(double[] positions, int[] types, NeighborList neighbors,
                          double[] forcesOut, double[] virialOut, double[] atomicEnergiesOut) {}

    /** As {@link md.forcefields.ml.executors.PlanExecutor#compute}. */
    public double compute(double[] positions, int[] types, NeighborList neighbors, double[] forces, double[] virial, double[] atomicEnergies) {
        if (!Plan.finite(positions, 3 * types.length)) return Plan.nonFinite(types.length, forces, virial, atomicEnergies);
        vectorBuffer = graph.fromHalfList(types, positions, neighbors, model.cutoff(), vectorBuffer);
        double energy = evaluate(atomicEnergies);
        Plan.edgeForces(graph, vectorBuffer, vectorGrad, forces, virial);
        return energy;
    }

    // the batch as one system: replicas' atoms and neighbour-list pairs concatenated (atoms offset)
    private double[] batchPositions = new double[0], batchShifts = new double[0], batchForces = new double[0], batchAtomic = new double[0];
    private int[] batchTypes = new int[0], batchFirst = new int[0], batchSecond = new int[0];
    private final NeighborList batchList = new NeighborList();

    /**
     * Energies (eV) of independent systems evaluated together as one disjoint graph (one launch sequence
     * for all); forces etc. go to each replica's arrays. Each replica's edges are those it has alone, in the
     * same order, and every kernel computes a row from that row's edges only, so a replica's results do not
     * depend on the others in its batch. A replica with non-finite positions gets NaN results (and the others
     * are evaluated without it).
     */
    public double[] computeBatch(List<Replica> replicas) {
        int n = 0, pairs = 0;
        double cutoff = 0;
        for (Replica r : replicas) {
            if (!Plan.finite(r.positions(), 3 * r.types().length)) continue;
            n += r.types().length;
            pairs += r.neighbors().pairCount();
            cutoff = Math.max(cutoff, r.neighbors().listCutoffAngstrom());
        }
        if (batchTypes.length != n) batchTypes = new int[n]; // exact: the graph takes the atom count from it (replaced only when replicas end)
        if (batchPositions.length < 3 * n) { batchPositions = new double[3 * n]; batchForces = new double[3 * n]; batchAtomic = new double[n]; }
        if (batchFirst.length < pairs) { batchFirst = new int[pairs]; batchSecond = new int[pairs]; batchShifts = new double[3 * pairs]; }
        int o = 0, q = 0;
        int[] atomStart = new int[replicas.size()];
        for (int k = 0; k < replicas.size(); k++) {
            Replica r = replicas.get(k);
            atomStart[k] = o;
            int m = r.types().length;
            if (!Plan.finite(r.positions(), 3 * m)) continue;
            System.arraycopy(r.types(), 0, batchTypes, o, m);
            System.arraycopy(r.positions(), 0, batchPositions, 3 * o, 3 * m);
            NeighborList nl = r.neighbors();
            for (int p = 0; p < nl.pairCount(); p++, q++) {
                batchFirst[q] = nl.firstArray()[p] + o;
                batchSecond[q] = nl.secondArray()[p] + o;
                System.arraycopy(nl.shiftArray(), 3 * p, batchShifts, 3 * q, 3);
            }
            o += m;
        }
        batchList.set(batchFirst, batchSecond, batchShifts, q, cutoff);
        vectorBuffer = graph.fromHalfList(batchTypes, batchPositions, batchList, model.cutoff(), vectorBuffer);
        evaluate(batchAtomic);
        Plan.edgeForces(graph, vectorBuffer, vectorGrad, batchForces, null);
        double[] energies = new double[replicas.size()];
        int[] edgeStart = graph.edgeStart();
        for (int k = 0; k < replicas.size(); k++) {
            Replica r = replicas.get(k);
            int m = r.types().length, a0 = atomStart[k];
            if (!Plan.finite(r.positions(), 3 * m)) {
                energies[k] = Plan.nonFinite(m, r.forcesOut(), r.virialOut(), r.atomicEnergiesOut());
                continue;
            }
            double e = 0;
            for (int a = 0; a < m; a++) e += batchAtomic[a0 + a];
            energies[k] = e;
            if (r.atomicEnergiesOut() != null) System.arraycopy(batchAtomic, a0, r.atomicEnergiesOut(), 0, m);
            System.arraycopy(batchForces, 3 * a0, r.forcesOut(), 0, 3 * m);
            if (r.virialOut() != null) Plan.edgeVirial(vectorBuffer, vectorGrad, edgeStart[a0], edgeStart[a0 + m], r.virialOut());
        }
        return energies;
    }

    /** Forward and backward on the current {@link #graph}: per-atom energies into {@code atomicEnergies} (may be null), dE/dvectors into {@link #vectorGrad}. */
    private double evaluate(double[] atomicEnergies) {
        deviceGraph.upload(graph);
        int n = graph.atoms(), e = graph.edges();
        ensureBuffers();
        if (3 * e > 0) backend.write(vectors.value, vectorBuffer, 3 * e);
        for (Slot s : forwardOrder) {
            for (int i = 0; i < s.inputs.length; i++) s.inValues[i] = s.inputs[i].value;
            s.kernel.forward(deviceGraph, s.inValues, s.value);
        }
        if (energies.length < n) { energies = new double[n]; ones = new double[n]; Arrays.fill(ones, 1.0); }
        if (n > 0) backend.read(output.value, energies, n);
        double energy = 0;
        for (int a = 0; a < n; a++) {
            energy += energies[a];
            if (atomicEnergies != null) atomicEnergies[a] = energies[a];
        }
        if (3 * e > 0) backend.zero(vectors.grad, 3 * e);
        for (Slot s : backwardOrder) backend.zero(s.grad, s.node.shape.size(graph));
        if (output.node.needsGrad() && n > 0) backend.write(output.grad, ones, n);
        for (Slot s : backwardOrder) {
            for (int i = 0; i < s.inputs.length; i++) {
                s.inValues[i] = s.inputs[i].value;
                s.inGrads[i] = s.inputs[i].node.needsGrad() ? s.inputs[i].grad : null;
            }
            s.kernel.backward(deviceGraph, s.inValues, s.value, s.grad, s.inGrads);
        }
        if (vectorGrad.length < 3 * e) vectorGrad = new double[Math.max(3 * e, vectorBuffer.length)];
        if (3 * e > 0) backend.read(vectors.grad, vectorGrad, 3 * e);
        return energy;
    }

    private void ensureBuffers() {
        int ve = Math.max(3 * graph.edges(), 1);
        if (vectors.valueCap < ve) {
            replace(vectors.value);
            vectors.valueCap = grow(vectors.valueCap, ve);
            vectors.value = backend.reals(vectors.valueCap);
        }
        if (vectors.gradCap < ve) {
            replace(vectors.grad);
            vectors.gradCap = grow(vectors.gradCap, ve);
            vectors.grad = backend.reals(vectors.gradCap);
        }
        for (Slot s : forwardOrder) {
            int size = Math.max(s.node.shape.size(graph), 1);
            if (s.valueCap < size) {
                replace(s.value);
                s.valueCap = grow(s.valueCap, size);
                s.value = backend.reals(s.valueCap);
            }
            if (s.node.needsGrad() && s.gradCap < size) {
                replace(s.grad);
                s.gradCap = grow(s.gradCap, size);
                s.grad = backend.reals(s.gradCap);
            }
        }
    }

    private void replace(RealBuffer b) { if (b != null) backend.release(b); }

    private static int grow(int old, int size) { return Math.max(size, old * 5 / 4 + 16); }

    /** Frees the graph buffers; values, constants and kernel tables are freed with the backend, which the caller owns. */
    @Override public void close() { deviceGraph.close(); }
}
