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
        plan = new Plan(learned);
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

    /** As {@link md.forcefields.ml.executors.PlanExecutor#compute}. */
    public double compute(double[] positions, int[] types, NeighborList neighbors, double[] forces, double[] virial, double[] atomicEnergies) {
        vectorBuffer = graph.fromHalfList(types, positions, neighbors, model.cutoff(), vectorBuffer);
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
        Plan.edgeForces(graph, vectorBuffer, vectorGrad, forces, virial);
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
