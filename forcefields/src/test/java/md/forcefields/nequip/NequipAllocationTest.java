package md.forcefields.nequip;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;

import md.forcefields.NeighborList;
import md.forcefields.e3nn.DenseKernels;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An MD step allocates nothing once the JIT has compiled the kernels: heap bytes allocated by the
 * calling thread and the evaluator's worker threads per {@code compute} call, for the two benchmark
 * models (32 features; l_max=1 with 4 layers and l_max=3 with 5 layers) on a 21-atom molecule, with 1
 * and 2 threads. Until C2 compiles them, Vector API code runs in a slow, allocating fallback, so the
 * test steps until a window of steps is below the bound (or gives up after a fixed number of steps).
 */
class NequipAllocationTest {
    private static final long BOUND_BYTES_PER_STEP = 1024;

    @ParameterizedTest(name = "l_max={0}, {1} layers, {2} thread(s)")
    @CsvSource({"1, 4, 1", "1, 4, 2", "3, 5, 1", "3, 5, 2"})
    void computeAllocatesNothingAfterWarmUp(int lmax, int layers, int threads) {
        Assumptions.assumeTrue(DenseKernels.VECTORIZED, "allocation-free only with the Vector API kernels");
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 6, 8}, 4.0, lmax, true, 32, layers, 8, 2, 64, 10.0,
                new double[] {1, 1, 1}, new double[] {-1, -2, -3}, 1.0);
        NequipModel model = NequipModel.withRandomWeights(cfg, 3);
        int n = 21;
        Random rnd = new Random(5);
        double[] x = NequipSymmetryTest.cluster(rnd, n);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = rnd.nextInt(3);
        NeighborList nl = NeighborList.allPairs(n, 4.0);
        double[] f = new double[3 * n], virial = new double[9], atomic = new double[n];
        NequipEvaluator ev = new NequipEvaluator(model, threads);
        try {
            ev.compute(x, types, nl, f, virial, atomic);
            long[] workers = ev.workerThreadIds();
            long[] ids = java.util.Arrays.copyOf(workers, threads);
            ids[threads - 1] = Thread.currentThread().threadId();
            int window = 10, maxWindows = lmax == 1 ? 400 : 120;
            long best = Long.MAX_VALUE;
            for (int w = 0; w < maxWindows && best >= BOUND_BYTES_PER_STEP; w++) {
                long before = sum(mx.getThreadAllocatedBytes(ids));
                for (int s = 0; s < window; s++) ev.compute(x, types, nl, f, virial, atomic);
                best = Math.min(best, (sum(mx.getThreadAllocatedBytes(ids)) - before) / window);
            }
            System.out.printf("l_max=%d, %d layers, %d thread(s): %d bytes allocated per step after warm-up%n", lmax, layers, threads, best);
            assertTrue(best < BOUND_BYTES_PER_STEP, "a step still allocates " + best + " bytes after warm-up");
        } finally {
            ev.close();
        }
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) s += x;
        return s;
    }
}
