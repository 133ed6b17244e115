package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;

import md.forcefields.NeighborList;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.model.LearnedModel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An MD step of a GeomAtt model (orders 2 to 5, the dense ops) allocates nothing once warm: heap bytes per
 * {@link PlanExecutor#compute} call on the calling thread, best window of 10 calls (runs in the allocation
 * tests' own JVM, see pom.xml).
 */
@org.junit.jupiter.api.Tag("allocation") // in a JVM of its own: see pom.xml
class GeomAttPlanAllocationTest {
    /** A few bytes per call are the measurement's own noise (the MX bean), not the step's. */
    private static final long BOUND_BYTES_PER_STEP = 16;

    @Test
    void computeAllocatesNothingAfterWarmUp() {
        assertWarmStepsAllocateNothing("GeomAtt plan", GeomAttSymmetryAndCalculusTest.model(), GeomAttSymmetryAndCalculusTest.Z, GeomAttSymmetryAndCalculusTest.R);
    }

    /**
     * The same for features wide enough for the chain kernels' vectors (17 and 33 features: whole vectors and a
     * tail, 4 × 4 register blocks) on 11 atoms (4 × 4 blocks of pairs and their remainders): the small model above
     * has fewer features than lanes and runs their scalar code only.
     */
    @Test
    void wideFeaturesAllocateNothingAfterWarmUp() {
        GeomAtt arch = new GeomAtt(new int[] {1, 6, 8}, 8, List.of(
                new GeomAtt.Stream(2, 8, 1, false, true),
                new GeomAtt.Stream(3, 33, 1, false, true),
                new GeomAtt.Stream(4, 17, 1, false, true),
                new GeomAtt.Stream(5, 9, 1, true, false)), 6, 0.0, 0.25, 16, 2.0, 0.7, -3.0);
        LearnedModel model = new LearnedModel(arch, arch.initialParameters(new Random(5)));
        int n = 11;
        int[] z = new int[n];
        double[] r = new double[3 * n];
        Random rng = new Random(9);
        for (int i = 0; i < n; i++) z[i] = new int[] {1, 6, 8}[i % 3];
        for (int i = 0; i < r.length; i++) r[i] = 4 * rng.nextDouble();
        assertWarmStepsAllocateNothing("GeomAtt plan, wide features", model, z, r);
    }

    /**
     * The same for feature counts that are whole multiples of 4 vectors (32; 8 for order 2), the widths whose chain
     * ops run on dense copies ({@code denseProduct}, {@code denseContraction}, {@code weightedRowsDense}: blocks of 6
     * and 3 rows on 21 atoms), and 21 atoms × 32 features for the update and readout layers' 7-row blocks
     * ({@code DenseKernels.gemmRows8}), as in the paper-size model on aspirin.
     */
    @Test
    void vectorWidthsAllocateNothingAfterWarmUp() {
        GeomAtt arch = new GeomAtt(new int[] {1, 6, 8}, 32, List.of(
                new GeomAtt.Stream(2, 8, 1, false, true),
                new GeomAtt.Stream(3, 32, 1, false, true),
                new GeomAtt.Stream(4, 32, 1, false, true)), 6, 0.0, 0.25, 16, 2.0, 0.7, -3.0);
        LearnedModel model = new LearnedModel(arch, arch.initialParameters(new Random(5)));
        int n = 21;
        int[] z = new int[n];
        double[] r = new double[3 * n];
        Random rng = new Random(9);
        for (int i = 0; i < n; i++) z[i] = new int[] {1, 6, 8}[i % 3];
        for (int i = 0; i < r.length; i++) r[i] = 5 * rng.nextDouble();
        assertWarmStepsAllocateNothing("GeomAtt plan, vector widths", model, z, r);
    }

    private static void assertWarmStepsAllocateNothing(String what, LearnedModel model, int[] z, double[] x) {
        Assumptions.assumeTrue(DenseKernels.VECTORIZED, "allocation-free only with the Vector API kernels");
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        PlanExecutor plan = new PlanExecutor(model);
        int[] types = GeomAttSymmetryAndCalculusTest.types(model, z);
        NeighborList nl = NeighborList.allPairs(z.length, 2.0);
        double[] f = new double[x.length], virial = new double[9], atomic = new double[z.length];
        long best = Long.MAX_VALUE, id = Thread.currentThread().threadId();
        // warm-up until the JIT has compiled the kernels (their Vector API objects are only scalar-replaced
        // in C2 code): by time, not by step count, since on a loaded machine C2 can take longer than 4000
        // steps of this small model (~0.6 s)
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int w = 0; best >= BOUND_BYTES_PER_STEP && (w < 400 || System.nanoTime() < deadline); w++) {
            long before = mx.getThreadAllocatedBytes(id);
            for (int s = 0; s < 10; s++) plan.compute(x, types, nl, f, virial, atomic);
            best = Math.min(best, (mx.getThreadAllocatedBytes(id) - before) / 10);
        }
        System.out.printf("%s: %d bytes allocated per step after warm-up (%d step ops)%n", what, best, plan.stepOps());
        assertTrue(best < BOUND_BYTES_PER_STEP, what + ": a step still allocates " + best + " bytes after warm-up");
    }
}
