package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipPeriodicTest;
import md.forcefields.nequip.NequipReference;

/**
 * The host executor in float32 ({@code precision: float32} with {@code device: java}: float32 arithmetic inside
 * NequIP's convolution and the matmuls, float64 buffers between ops):
 * <ul>
 *   <li>on the NequIP reference fixture (nequip 0.6.2, float64, aspirin, 12 frames) energies, per-atom energies
 *       and forces agree with nequip's values to float32 rounding, with the thresholds of the device backends'
 *       float32 (Float32DeviceTest): |dE| ≤ 2e-7·|E|, |dF| ≤ 1e-4·max|F|, on 1 and 2 threads; the float32 results
 *       differ from the float64 plan's (float32 really ran) and 2 threads repeat themselves exactly;</li>
 *   <li>random models of every l_max ≤ 3 (with 32 channels too, the vector kernels' blocked path) in a periodic
 *       cell: float32 equals the float64 plan to 1e-6 of the energy scale and 1e-5 of the largest force and virial
 *       element (observed: ~1e-9 and ~1e-7), on 1 and 2 threads;</li>
 *   <li>the float64 executor is untouched by the option: a float64 executor built after float32 ones gives the
 *       same bits as the default one.</li>
 * </ul>
 */
class NequipFloat32PlanTest {

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void referenceFixtureInFloat32(int threads) throws IOException {
        LearnedModel learned = NequipTapeReferenceParityTest.load();
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        int[] z = frames.get("z").asInts();
        int n = z.length;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = learned.architecture().typeOf(z[i]);
        double[] e = frames.get("E").data();
        double de = 0, da = 0, df = 0, fMax = 0, eMax = 0, d3264 = 0, de64 = 0;
        try (PlanExecutor f32 = new PlanExecutor(learned, threads, false, true); PlanExecutor f64 = new PlanExecutor(learned, threads)) {
            double[] forces = new double[3 * n], f64Forces = new double[3 * n], atomic = new double[n], again = new double[3 * n];
            for (int fr = 0; fr < e.length; fr++) {
                double[] r = frames.get("R").slice(fr), fRef = frames.get("F").slice(fr), aRef = frames.get("atomic_energy").slice(fr);
                NeighborList nl = NeighborList.allPairs(n, 5.0);
                double energy = f32.compute(r, types, nl, forces, null, atomic);
                double e64 = f64.compute(r, types, nl, f64Forces, null, null);
                assertEquals(energy, f32.compute(r, types, nl, again, null, null), 0.0, "float32 repeats itself");
                assertArrayEquals(forces, again, 0.0, "float32 forces repeat themselves");
                de = Math.max(de, Math.abs(energy - e[fr]));
                de64 = Math.max(de64, Math.abs(energy - e64));
                eMax = Math.max(eMax, Math.abs(e[fr]));
                for (int i = 0; i < n; i++) da = Math.max(da, Math.abs(atomic[i] - aRef[i]));
                for (int i = 0; i < 3 * n; i++) {
                    df = Math.max(df, Math.abs(forces[i] - fRef[i]));
                    fMax = Math.max(fMax, Math.abs(fRef[i]));
                    d3264 = Math.max(d3264, Math.abs(forces[i] - f64Forces[i]));
                }
            }
        }
        System.out.printf("host float32, %d thread(s), reference parity over %d frames: max|dE| %.2e eV (|E| %.1f, relative %.1e), "
                + "max|dE_atom| %.2e eV, max|dF| %.2e eV/A (max|F| %.2f, relative %.1e); vs float64 plan: |dE| %.2e, |dF| %.2e%n",
                threads, e.length, de, eMax, de / eMax, da, df, fMax, df / fMax, de64, d3264);
        assertTrue(d3264 > 0, "float32 kernels must differ from float64 in rounding");
        assertTrue(de <= 2e-7 * eMax, "float32 energy off by " + de);
        assertTrue(da <= 2e-7 * eMax, "float32 per-atom energies off by " + da);
        assertTrue(df <= 1e-4 * fMax, "float32 forces off by " + df);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("md.forcefields.ml.families.NequipPlanParityTest#randomModels")
    void randomModelsInFloat32MatchFloat64(String name, NequipConfig config) {
        LearnedModel learned = NequipConversion.toLearned(NequipModel.withRandomWeights(config, 17));
        Random rnd = new Random(31);
        int n = 5;
        double[] x = NequipPlanParityTest.periodicCluster(rnd, n);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rnd.nextInt(3);
        NeighborList nl = NequipPeriodicTest.halfList(x, n, NequipPlanParityTest.CELL, NequipPlanParityTest.R_MAX);
        double[] f64 = new double[3 * n], w64 = new double[9], a64 = new double[n], fDefault = new double[3 * n];
        double e64;
        try (PlanExecutor plan = new PlanExecutor(learned, 1, false, false)) {
            e64 = plan.compute(x, t, nl, f64, w64, a64);
        }
        for (int threads = 1; threads <= 2; threads++)
            try (PlanExecutor plan = new PlanExecutor(learned, threads, false, true)) {
                double[] f = new double[3 * n], w = new double[9], a = new double[n];
                double e = plan.compute(x, t, nl, f, w, a);
                double eScale = Math.max(1, Math.abs(e64)), fScale = Math.max(1, maxAbs(f64));
                double dE = Math.abs(e - e64), dA = maxDiff(a, a64), dF = maxDiff(f, f64), dW = maxDiff(w, w64);
                System.out.printf("%-30s %d thread(s) float32 vs float64: |dE| %.1e (E %.3f), max|dE_atom| %.1e, max|dF| %.1e (max|F| %.2f), "
                        + "max|dW| %.1e%n", name, threads, dE, e64, dA, dF, maxAbs(f64), dW);
                assertTrue(dE <= 1e-6 * eScale && dA <= 1e-6 * eScale, name + ": energies differ by " + dE + ", per atom " + dA);
                assertTrue(dF <= 1e-5 * fScale, name + ": forces differ by " + dF);
                assertTrue(dW <= 1e-5 * Math.max(1, maxAbs(w64)), name + ": virials differ by " + dW);
            }
        try (PlanExecutor plan = new PlanExecutor(learned)) { // float64 after float32 executors: the same bits
            assertEquals(e64, plan.compute(x, t, nl, fDefault, null, null), 0.0);
            assertArrayEquals(f64, fDefault, 0.0);
        }
    }
}
