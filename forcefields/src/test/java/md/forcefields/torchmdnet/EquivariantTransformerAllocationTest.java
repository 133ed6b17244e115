package md.forcefields.torchmdnet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Random;

import md.forcefields.NeighborList;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.families.EquivariantTransformerHyperparameters;
import md.forcefields.ml.model.LearnedModel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An MD step of the plan executor on an Equivariant Transformer (64 channels, 3 layers, 8 heads, 32 RBF,
 * r_c 5 Å) allocates nothing once warm: heap bytes allocated by the calling thread per
 * {@link PlanExecutor#compute} on a 21-atom molecule (runs in its own JVM, as the other allocation tests), in float64
 * and with the host's float32 kernels ({@code precision: float32}: float32 slots and tables live in the workspace too).
 */
@org.junit.jupiter.api.Tag("allocation") // in a JVM of its own: see pom.xml
class EquivariantTransformerAllocationTest {
    private static final long BOUND_BYTES_PER_STEP = 1024;

    @ParameterizedTest(name = "float32 {0}")
    @ValueSource(booleans = {false, true})
    void computeAllocatesNothingAfterWarmUp(boolean float32) {
        Assumptions.assumeTrue(DenseKernels.VECTORIZED, "allocation-free only with the Vector API kernels");
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        EquivariantTransformer et = new EquivariantTransformer(new EquivariantTransformerHyperparameters(64, 3, 32, 8, 5.0, 10, true, "both",
                "silu", "silu", true, true, false), new int[] {1, 6, 8});
        Map<String, double[]> v = et.initialParameters(new Random(1));
        LearnedModel model = new LearnedModel(et, v);
        int n = 21;
        Random rnd = new Random(5);
        double[] x = EquivariantTransformerPhysicsTest.molecule(n, rnd);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = rnd.nextInt(3);
        NeighborList nl = NeighborList.allPairs(n, 5.0);
        double[] f = new double[3 * n], virial = new double[9], atomic = new double[n];
        long id = Thread.currentThread().threadId();
        long best = Long.MAX_VALUE;
        double msPerStep = 0;
        try (PlanExecutor plan = new PlanExecutor(model, 1, false, float32)) {
            plan.compute(x, types, nl, f, virial, atomic);
            for (int w = 0; w < 300 && best >= BOUND_BYTES_PER_STEP; w++) {
                long before = mx.getThreadAllocatedBytes(id), t0 = System.nanoTime();
                for (int s = 0; s < 10; s++) plan.compute(x, types, nl, f, virial, atomic);
                msPerStep = (System.nanoTime() - t0) / 1e7;
                best = Math.min(best, (mx.getThreadAllocatedBytes(id) - before) / 10);
            }
            System.out.printf("ET plan (64 ch, 3 layers, 21 atoms, %d edges, %d step ops, %s): %d bytes allocated per step after warm-up, %.2f ms per step%n",
                    plan.graph().edges(), plan.stepOps(), float32 ? "float32" : "float64", best, msPerStep);
        }
        assertTrue(best < BOUND_BYTES_PER_STEP, "a step still allocates " + best + " bytes after warm-up");
    }
}
