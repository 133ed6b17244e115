package md.forcefields.torchmdnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.model.LearnedModel;

/**
 * The host executor in float32 on the TorchMD-Net Equivariant Transformer (fixture ethanol-et, torchmd-net 2.4.10 in
 * float64, all 12 frames): the distance filters (AffineActivation: product, bias and SiLU in float32), the linear
 * layers (Affine) and the vector projections (ComponentLinear) in float32. Thresholds, float32-sized, against torchmd-net's own values and against the float64
 * plan: |dE| ≤ 1e-5 kcal/mol (4e-7 eV; the fixture's |E| is only ~1.5 kcal/mol, a sum of larger per-atom terms, so
 * the bound is absolute: float32 rounding 6e-8 of features O(1), summed over 32 channels, 3 layers and 9 atoms) and
 * max|dF| ≤ 1e-4·max|F| (the device backends' float32 bound). Observed: |dE| 7.6e-7, max|dF| 2.6e-6 of max|F| 2.3
 * (1.1e-6 relative). The float32 results differ from float64 (float32 really ran), repeat themselves
 * exactly, and 2 threads give the same values as 1 (rows do not depend on the split); a float64 executor built after
 * the float32 ones gives the same bits as before.
 */
class EquivariantTransformerFloat32PlanTest {

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void referenceFixtureInFloat32(int threads) throws IOException {
        LearnedModel model = EtReference.model();
        Map<String, NpyArray> frames = Npz.read(EtReference.file("frames.npz"));
        int[] z = frames.get("z").asInts();
        int n = z.length;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = model.architecture().typeOf(z[i]);
        double[] e = frames.get("E").data();
        double deRef = 0, dfRef = 0, de64 = 0, df64 = 0, eMax = 0, fMax = 0, dThreads = 0;
        double[][] f64First = new double[e.length][];
        double[] e64First = new double[e.length];
        try (PlanExecutor f32 = new PlanExecutor(model, threads, false, true); PlanExecutor one = new PlanExecutor(model, 1, false, true);
             PlanExecutor f64 = new PlanExecutor(model, threads)) {
            double[] forces = new double[3 * n], again = new double[3 * n], single = new double[3 * n];
            for (int fr = 0; fr < e.length; fr++) {
                double[] r = frames.get("R").slice(fr), fRef = frames.get("F").slice(fr);
                NeighborList nl = NeighborList.allPairs(n, 6.0);
                double energy = f32.compute(r, types, nl, forces, null, null);
                f64First[fr] = new double[3 * n];
                e64First[fr] = f64.compute(r, types, nl, f64First[fr], null, null);
                assertEquals(energy, f32.compute(r, types, nl, again, null, null), 0.0, "float32 repeats itself");
                assertArrayEquals(forces, again, 0.0, "float32 forces repeat themselves");
                double eOne = one.compute(r, types, nl, single, null, null);
                dThreads = Math.max(dThreads, Math.abs(eOne - energy));
                deRef = Math.max(deRef, Math.abs(energy - e[fr]));
                de64 = Math.max(de64, Math.abs(energy - e64First[fr]));
                eMax = Math.max(eMax, Math.abs(e[fr]));
                for (int i = 0; i < 3 * n; i++) {
                    dfRef = Math.max(dfRef, Math.abs(forces[i] - fRef[i]));
                    df64 = Math.max(df64, Math.abs(forces[i] - f64First[fr][i]));
                    fMax = Math.max(fMax, Math.abs(fRef[i]));
                    dThreads = Math.max(dThreads, Math.abs(single[i] - forces[i]));
                }
            }
        }
        System.out.printf("ET host float32, %d thread(s), 12 frames: vs torchmd-net max|dE| %.2e kcal/mol (|E| %.1f, relative %.1e), "
                + "max|dF| %.2e kcal/mol/A (max|F| %.1f, relative %.1e); vs float64 plan |dE| %.2e, |dF| %.2e; 1 vs %d threads %.1e%n",
                threads, deRef, eMax, deRef / eMax, dfRef, fMax, dfRef / fMax, de64, df64, threads, dThreads);
        assertTrue(df64 > 0, "float32 kernels must differ from float64 in rounding");
        assertEquals(0.0, dThreads, "float32 results must not depend on the number of threads");
        assertTrue(deRef <= 1e-5 && de64 <= 1e-5, "float32 energy off by " + deRef + " (float64 plan: " + de64 + ")");
        assertTrue(dfRef <= 1e-4 * fMax && df64 <= 1e-4 * fMax, "float32 forces off by " + dfRef + " (float64 plan: " + df64 + ")");
        try (PlanExecutor f64 = new PlanExecutor(model, threads)) { // float64 after float32 executors: the same bits
            double[] forces = new double[3 * n];
            for (int fr = 0; fr < e.length; fr++) {
                assertEquals(e64First[fr], f64.compute(frames.get("R").slice(fr), types, NeighborList.allPairs(n, 6.0), forces, null, null), 0.0);
                assertArrayEquals(f64First[fr], forces, 0.0);
            }
        }
    }
}
