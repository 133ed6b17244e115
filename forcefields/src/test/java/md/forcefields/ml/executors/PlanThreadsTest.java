package md.forcefields.ml.executors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import md.forcefields.NeighborList;
import md.forcefields.ml.Shape;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipSymmetryTest;

/**
 * The plan on several threads computes the same energy, forces, virial and per-atom energies as on one
 * (up to the order of floating-point sums, which the parts change), and is deterministic: repeated calls
 * with the same thread count agree bit for bit.
 */
// runs models on 2 worker threads: alone, not beside another test class (pom.xml runs two at a time; 3 busy threads
// on 2 cores make it 3-5x slower)
@org.junit.jupiter.api.parallel.Isolated
class PlanThreadsTest {

    @ParameterizedTest(name = "l_max={0}, parity {1}, {2} threads")
    @CsvSource({"0, false, 2", "1, true, 2", "2, true, 3", "3, true, 2", "3, false, 4"})
    void severalThreadsGiveTheSingleThreadResult(int lmax, boolean parity, int threads) {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 6, 8}, 4.0, lmax, parity, 16, 3, 8, 2, 32, 10.0,
                new double[] {1.1, 0.9, 1.3}, new double[] {-1, -2, -3}, 0.8);
        LearnedModel model = NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 9));
        int n = 23;
        Random rnd = new Random(lmax + 11L * threads);
        double[] x = NequipSymmetryTest.cluster(rnd, n);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = rnd.nextInt(3);
        NeighborList nl = NeighborList.allPairs(n, 4.0);
        double[] f1 = new double[3 * n], v1 = new double[9], a1 = new double[n];
        double[] f2 = new double[3 * n], v2 = new double[9], a2 = new double[n];
        double[] f3 = new double[3 * n], v3 = new double[9], a3 = new double[n];
        double e1, e2, e3;
        try (PlanExecutor one = new PlanExecutor(model); PlanExecutor many = new PlanExecutor(model, threads)) {
            e1 = one.compute(x, types, nl, f1, v1, a1);
            e2 = many.compute(x, types, nl, f2, v2, a2);
            e3 = many.compute(x, types, nl, f3, v3, a3);
        }
        double scale = 0, dF = 0, dV = 0, dA = 0;
        for (int i = 0; i < 3 * n; i++) { scale = Math.max(scale, Math.abs(f1[i])); dF = Math.max(dF, Math.abs(f1[i] - f2[i])); }
        for (int i = 0; i < 9; i++) dV = Math.max(dV, Math.abs(v1[i] - v2[i]));
        for (int i = 0; i < n; i++) dA = Math.max(dA, Math.abs(a1[i] - a2[i]));
        System.out.printf("plan, l_max=%d, %d threads vs 1: |dE| %.1e, max|dF| %.1e (max|F| %.2f), max|dW| %.1e, max|dE_atom| %.1e%n",
                lmax, threads, Math.abs(e1 - e2), dF, scale, dV, dA);
        assertTrue(Math.abs(e1 - e2) <= 1e-12 * Math.max(1, Math.abs(e1)), "energy " + e1 + " vs " + e2);
        assertTrue(dF <= 1e-12 * Math.max(1, scale), "forces differ by " + dF);
        assertTrue(dV <= 1e-12 * Math.max(1, scale), "virial differs by " + dV);
        assertTrue(dA <= 1e-12 * Math.max(1, Math.abs(e1)), "per-atom energies differ by " + dA);
        assertEquals(e2, e3, 0.0, "repeated call");
        assertArrayEquals(f2, f3, 0.0, "repeated call: forces");
        assertArrayEquals(v2, v3, 0.0, "repeated call: virial");
    }

    /**
     * Gradients are zeroed just before the op that adds to them first (in each thread's rows, or a phase ahead),
     * not all up front: nothing of one call may leak into the next. An executor that evaluated other systems first
     * (larger, then smaller: its buffers hold stale values beyond the current graph and within it) gives the result
     * of a fresh executor bit for bit, on 1, 2 and 3 threads.
     */
    @ParameterizedTest(name = "{0} thread(s)")
    @CsvSource({"1", "2", "3"})
    void noGradientCarriesOverFromEarlierCalls(int threads) {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 6, 8}, 4.0, 1, true, 16, 3, 8, 2, 32, 10.0,
                new double[] {1.1, 0.9, 1.3}, new double[] {-1, -2, -3}, 0.8);
        LearnedModel model = NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 5));
        int[] sizes = {27, 19, 23};
        double[][] xs = new double[sizes.length][];
        int[][] types = new int[sizes.length][];
        Random rnd = new Random(31);
        for (int s = 0; s < sizes.length; s++) {
            xs[s] = NequipSymmetryTest.cluster(rnd, sizes[s]);
            types[s] = new int[sizes[s]];
            for (int i = 0; i < sizes[s]; i++) types[s][i] = rnd.nextInt(3);
        }
        try (PlanExecutor used = new PlanExecutor(model, threads)) {
            for (int s = 0; s < sizes.length; s++) {
                int n = sizes[s];
                NeighborList nl = NeighborList.allPairs(n, 4.0);
                double[] f = new double[3 * n], v = new double[9], fFresh = new double[3 * n], vFresh = new double[9];
                double e = used.compute(xs[s], types[s], nl, f, v, null), eFresh;
                try (PlanExecutor fresh = new PlanExecutor(model, threads)) {
                    eFresh = fresh.compute(xs[s], types[s], nl, fFresh, vFresh, null);
                }
                assertEquals(eFresh, e, 0.0, "energy of system " + s);
                assertArrayEquals(fFresh, f, 0.0, "forces of system " + s);
                assertArrayEquals(vFresh, v, 0.0, "virial of system " + s);
            }
        }
    }

    /**
     * Bit for bit the same result before and after the JIT compiled the kernels (the first call runs them
     * interpreted): MD runs must not depend on when compilation happened. Catches reductions whose order
     * differs between compiled and interpreted code (e.g. Vector API lane reductions).
     */
    @ParameterizedTest(name = "{0} thread(s)")
    @CsvSource({"1", "2"})
    void firstCallEqualsCallsAfterCompilation(int threads) {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 6, 8}, 4.0, 2, true, 32, 2, 8, 2, 32, 10.0,
                new double[] {1, 1, 1}, new double[] {-1, -2, -3}, 1.0);
        LearnedModel model = NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 4));
        int n = 21;
        Random rnd = new Random(8);
        double[] x = NequipSymmetryTest.cluster(rnd, n);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = rnd.nextInt(3);
        NeighborList nl = NeighborList.allPairs(n, 4.0);
        double[] f0 = new double[3 * n], f = new double[3 * n], v0 = new double[9], v = new double[9];
        try (PlanExecutor plan = new PlanExecutor(model, threads)) {
            double e0 = plan.compute(x, types, nl, f0, v0, null);
            for (int k = 0; k < 1500; k++) {
                double e = plan.compute(x, types, nl, f, v, null);
                assertEquals(e0, e, 0.0, "energy at call " + (k + 2));
                assertArrayEquals(f0, f, 0.0, "forces at call " + (k + 2));
                assertArrayEquals(v0, v, 0.0, "virial at call " + (k + 2));
            }
        }
    }

    /**
     * The phases handed to the threads: the ops come in a topological order (every op after the ops it
     * reads, in both passes), a phase of several ops holds only row-local ops on one kind of rows, and the
     * radial MLPs of all layers (pair rows, depending only on the pair lengths) share one forward phase, so
     * there are far fewer hand-overs than ops.
     */
    @Test
    void rowLocalOpsShareAPhaseInATopologicalOrder() {
        int layers = 3;
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 6, 8}, 4.0, 1, true, 16, layers, 8, 2, 32, 10.0,
                new double[] {1, 1, 1}, new double[] {-1, -2, -3}, 1.0);
        LearnedModel model = NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 2));
        try (PlanExecutor plan = new PlanExecutor(model, 2)) {
            for (boolean backward : new boolean[] {false, true}) {
                java.util.List<Plan.Node[]> phases = plan.phases(backward);
                java.util.Set<Plan.Node> done = new java.util.HashSet<>(), live = new java.util.HashSet<>();
                for (Plan.Node[] p : phases) live.addAll(java.util.List.of(p));
                int ops = 0;
                for (Plan.Node[] p : phases) {
                    for (Plan.Node n : p) {
                        if (!backward) for (Plan.Node in : n.inputs) assertTrue(!live.contains(in) || done.contains(in), () -> n.op.name() + " before its input " + in.op.name());
                        else for (Plan.Node in : n.inputs) assertTrue(!live.contains(in) || !done.contains(in), () -> "backward of " + in.op.name() + " before its user " + n.op.name());
                        if (p.length > 1) {
                            assertTrue(n.op.rowLocal(), n.op.name() + " shares a phase but is not row-local");
                            assertEquals(p[0].shape.rows(), n.shape.rows(), "rows within a phase");
                        }
                        done.add(n);
                        ops++;
                    }
                }
                assertTrue(phases.size() * 2 < ops, (backward ? "backward" : "forward") + ": " + phases.size() + " phases for " + ops + " ops");
                if (!backward) {
                    long radialPhase = phases.stream().filter(p -> p[0].shape.rows() == Shape.Rows.PAIRS)
                            .mapToLong(p -> java.util.Arrays.stream(p).filter(n -> n.op.name().equals("matmul")).count()).max().orElse(0);
                    assertTrue(radialPhase >= 3L * layers, "the radial MLPs' " + 3 * layers + " matmuls in one phase, found at most " + radialPhase);
                }
            }
        }
    }

    /**
     * Between evaluations the worker threads park (after a short spin): an MD run on several threads must not keep
     * a core busy while it writes output or waits, and a busy machine must get its cores back.
     */
    @Test
    void idleWorkersDoNotSpin() throws Exception {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 6, 8}, 4.0, 1, true, 16, 2, 8, 2, 32, 10.0,
                new double[] {1, 1, 1}, new double[] {-1, -2, -3}, 1.0);
        LearnedModel model = NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 3));
        int n = 21;
        Random rnd = new Random(4);
        double[] x = NequipSymmetryTest.cluster(rnd, n);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = rnd.nextInt(3);
        NeighborList nl = NeighborList.allPairs(n, 4.0);
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        try (PlanExecutor plan = new PlanExecutor(model, 2)) {
            double[] f = new double[3 * n];
            for (int k = 0; k < 20; k++) plan.compute(x, types, nl, f, null, null);
            long worker = plan.workerThreadIds()[0];
            long cpu0 = mx.getThreadCpuTime(worker);
            Thread.sleep(300);
            long idleCpuMs = (mx.getThreadCpuTime(worker) - cpu0) / 1_000_000;
            assertTrue(idleCpuMs < 30, "the idle worker used " + idleCpuMs + " ms of CPU in 300 ms");
        }
    }
}
