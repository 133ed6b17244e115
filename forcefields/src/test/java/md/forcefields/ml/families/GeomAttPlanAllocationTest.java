package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import md.forcefields.NeighborList;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.model.LearnedModel;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An MD step of a GeomAtt model (orders 2 to 5, the dense ops) allocates nothing once warm: heap bytes per
 * {@link PlanExecutor#compute} call on the calling thread, best window of 10 calls (runs in the allocation
 * tests' own JVM, see forcefields/pom.xml).
 */
class GeomAttPlanAllocationTest {
    /** A few bytes per call are the measurement's own noise (the MX bean), not the step's. */
    private static final long BOUND_BYTES_PER_STEP = 16;

    @Test
    void computeAllocatesNothingAfterWarmUp() {
        Assumptions.assumeTrue(DenseKernels.VECTORIZED, "allocation-free only with the Vector API kernels");
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        LearnedModel model = GeomAttSymmetryAndCalculusTest.model();
        PlanExecutor plan = new PlanExecutor(model);
        int[] z = GeomAttSymmetryAndCalculusTest.Z, types = GeomAttSymmetryAndCalculusTest.types(model, z);
        double[] x = GeomAttSymmetryAndCalculusTest.R;
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
        System.out.printf("GeomAtt plan: %d bytes allocated per step after warm-up (%d step ops)%n", best, plan.stepOps());
        assertTrue(best < BOUND_BYTES_PER_STEP, "a step still allocates " + best + " bytes after warm-up");
    }
}
