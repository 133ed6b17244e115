package md.forcefields.ml.executors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import md.forcefields.NeighborList;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipSymmetryTest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An MD step of the plan executor allocates nothing once the JIT has compiled the kernels: heap bytes
 * allocated by the calling thread per {@link PlanExecutor#compute} call (energy, forces, virial and per-atom
 * energies), for the two benchmark NequIP models (32 features; l_max=1 with 4 layers and l_max=3 with 5
 * layers) on a 21-atom molecule, float64 and (one thread) float32. Until C2 compiles them, Vector API code runs in a slow, allocating fallback,
 * so the test steps until a window of steps is below the bound (or gives up after a fixed number of steps).
 */
@org.junit.jupiter.api.Tag("allocation") // in a JVM of its own: see pom.xml
class PlanAllocationTest {
    private static final long BOUND_BYTES_PER_STEP = 1024;

    @ParameterizedTest(name = "l_max={0}, {1} layers, {2} thread(s), float32={3}")
    @CsvSource({"1, 4, 1, false", "3, 5, 1, false", "1, 4, 2, false", "3, 5, 2, false", "1, 4, 1, true", "3, 5, 1, true"})
    void computeAllocatesNothingAfterWarmUp(int lmax, int layers, int threads, boolean float32) {
        Assumptions.assumeTrue(DenseKernels.VECTORIZED, "allocation-free only with the Vector API kernels");
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 6, 8}, 4.0, lmax, true, 32, layers, 8, 2, 64, 10.0,
                new double[] {1, 1, 1}, new double[] {-1, -2, -3}, 1.0);
        LearnedModel model = NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 3));
        PlanExecutor plan = new PlanExecutor(model, threads, false, float32);
        int n = 21;
        Random rnd = new Random(5);
        double[] x = NequipSymmetryTest.cluster(rnd, n);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = rnd.nextInt(3);
        NeighborList nl = NeighborList.allPairs(n, 4.0);
        double[] f = new double[3 * n], virial = new double[9], atomic = new double[n];
        plan.compute(x, types, nl, f, virial, atomic);
        long[] ids = java.util.Arrays.copyOf(plan.workerThreadIds(), threads);
        ids[threads - 1] = Thread.currentThread().threadId(); // the caller and the executor's workers
        int window = 10, maxWindows = lmax == 1 ? 400 : 120;
        long best = Long.MAX_VALUE;
        for (int w = 0; w < maxWindows && best >= BOUND_BYTES_PER_STEP; w++) {
            long before = sum(mx.getThreadAllocatedBytes(ids));
            for (int s = 0; s < window; s++) plan.compute(x, types, nl, f, virial, atomic);
            best = Math.min(best, (sum(mx.getThreadAllocatedBytes(ids)) - before) / window);
        }
        plan.close();
        System.out.printf("plan executor, l_max=%d, %d layers, %d thread(s), float32 %b: %d bytes allocated per step after warm-up (%d step ops)%n",
                lmax, layers, threads, float32, best, plan.stepOps());
        if (best >= BOUND_BYTES_PER_STEP) {
            // which ops allocate: each kernel of the step on its own, warm, in the same order and on the same graph
            List<String> report = allocationByOp(model, x, types, nl, mx);
            report.forEach(System.out::println);
            assertTrue(false, "a step still allocates " + best + " bytes after warm-up; by op (bytes per call): " + report);
        }
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) s += x;
        return s;
    }

    /** One value of a traced forward pass (what the plan executor records). */
    private static final class Value {
        final Op op;
        final Value[] in;
        final Shape shape;
        final boolean vectors, constant;
        boolean live, needsGrad;
        double[] value, grad;
        Workspace ws;

        Value(Op op, Value[] in, Shape shape, boolean vectors, boolean constant) {
            this.op = op;
            this.in = in;
            this.shape = shape;
            this.vectors = vectors;
            this.constant = constant;
        }
    }

    /**
     * Bytes allocated per call by each op's forward and backward kernel (those above 0), largest first, on the
     * step's graph: the model traced with the same rules as {@link PlanExecutor} (constants folded, gradients
     * only for values that depend on the edge vectors), every kernel warmed up on its own before it is measured.
     */
    static List<String> allocationByOp(LearnedModel model, double[] x, int[] types, NeighborList nl, com.sun.management.ThreadMXBean mx) {
        EquivariantModel arch = model.architecture();
        List<Value> values = new ArrayList<>();
        Value vectors = new Value(null, new Value[0], Shape.edges(3), true, false);
        values.add(vectors);
        Ops<Value> tracer = new Ops<>() {
            @Override protected Value applyOp(Op op, List<Value> inputs) {
                Shape out = op.outputShape(inputs.stream().map(v -> v.shape).toArray(Shape[]::new));
                boolean constant = !inputs.isEmpty() && out.rows() == Shape.Rows.FIXED && inputs.stream().allMatch(v -> v.constant);
                Value v = new Value(op, inputs.toArray(new Value[0]), out, false, constant);
                values.add(v);
                return v;
            }
            @Override public Value parameter(String name) {
                Value v = new Value(null, new Value[0], arch.parameters().get(name).shape(), false, true);
                v.value = model.parameter(name);
                values.add(v);
                return v;
            }
            @Override public Value edgeVectors() { return vectors; }
            @Override public Shape shape(Value v) { return v.shape; }
        };
        Value output = arch.atomicEnergies(tracer);
        output.live = true;
        for (int i = values.size() - 1; i >= 0; i--) if (values.get(i).live) for (Value in : values.get(i).in) in.live = true;
        Graph g = new Graph();
        vectors.value = g.fromHalfList(types, x, nl, arch.cutoff(), null);
        vectors.needsGrad = true;
        vectors.grad = new double[vectors.value.length];
        List<Value> steps = new ArrayList<>();
        for (Value v : values) {
            if (v.op == null || !v.live) continue;
            for (Value in : v.in) v.needsGrad |= in.needsGrad;
            v.ws = new Workspace(Arrays.stream(v.in).map(i -> i.shape).toArray(Shape[]::new), v.shape);
            v.value = new double[v.shape.rows() == Shape.Rows.FIXED ? v.shape.fixedRows() * v.shape.width() : v.shape.size(g)];
            v.op.forward(g, v.ws, inputs(v), v.value);
            if (v.constant) continue;
            if (v.needsGrad) v.grad = new double[v.value.length];
            steps.add(v);
        }
        record Entry(String what, long bytes) {}
        List<Entry> entries = new ArrayList<>();
        long id = Thread.currentThread().threadId();
        int warm = 300, measured = 50;
        for (Value v : steps) {
            double[][] in = inputs(v);
            for (int k = 0; k < warm; k++) v.op.forward(g, v.ws, in, v.value);
            long before = mx.getThreadAllocatedBytes(id);
            for (int k = 0; k < measured; k++) v.op.forward(g, v.ws, in, v.value);
            long fwd = (mx.getThreadAllocatedBytes(id) - before) / measured;
            if (fwd > 0) entries.add(new Entry(v.op.name() + " " + shapes(v) + " forward", fwd));
            if (!v.needsGrad) continue;
            double[][] gIn = new double[v.in.length][];
            for (int i = 0; i < v.in.length; i++) gIn[i] = v.in[i].needsGrad ? v.in[i].grad : null;
            for (int k = 0; k < warm; k++) v.op.backward(g, v.ws, in, v.value, v.grad, gIn);
            before = mx.getThreadAllocatedBytes(id);
            for (int k = 0; k < measured; k++) v.op.backward(g, v.ws, in, v.value, v.grad, gIn);
            long bwd = (mx.getThreadAllocatedBytes(id) - before) / measured;
            if (bwd > 0) entries.add(new Entry(v.op.name() + " " + shapes(v) + " backward", bwd));
        }
        entries.sort(Comparator.comparingLong(Entry::bytes).reversed());
        return entries.stream().map(e -> e.what() + ": " + e.bytes()).toList();
    }

    private static String shapes(Value v) { return Arrays.toString(Arrays.stream(v.in).map(i -> i.shape).toArray()) + " -> " + v.shape; }

    private static double[][] inputs(Value v) {
        double[][] in = new double[v.in.length][];
        for (int i = 0; i < in.length; i++) in[i] = v.in[i].value;
        return in;
    }
}
