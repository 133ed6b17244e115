package md.forcefields.nequip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;

import org.junit.jupiter.api.Test;

import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;

/**
 * The MD executor ({@link PlanExecutor}) on a NequIP model in a periodic cell through the engine's half
 * neighbour list with shifts: forces, wrapping, virial.
 */
public class NequipPeriodicTest {

    static final double A = 5.0; // cubic cell edge (Å); r_max 3.5 > A/2, so atoms see several images of a partner

    /** Half list with image shifts, brute force over neighbouring cells (also used by the ml tests). */
    public static NeighborList halfList(double[] x, int n, double cell, double cutoff) {
        java.util.List<int[]> pairs = new java.util.ArrayList<>();
        java.util.List<double[]> shifts = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
                for (int a = -2; a <= 2; a++)
                    for (int b = -2; b <= 2; b++)
                        for (int c = -2; c <= 2; c++) {
                            if (i == j && (a * 25 + b * 5 + c) <= 0) continue; // own images once, not at zero
                            double[] s = {a * cell, b * cell, c * cell};
                            double r2 = 0;
                            for (int d = 0; d < 3; d++) r2 += Math.pow(x[3 * j + d] + s[d] - x[3 * i + d], 2);
                            if (r2 < cutoff * cutoff) { pairs.add(new int[] {i, j}); shifts.add(s); }
                        }
        int[] f = new int[pairs.size()], g = new int[pairs.size()];
        double[] sh = new double[3 * pairs.size()];
        for (int p = 0; p < f.length; p++) { f[p] = pairs.get(p)[0]; g[p] = pairs.get(p)[1]; System.arraycopy(shifts.get(p), 0, sh, 3 * p, 3); }
        NeighborList nl = new NeighborList();
        nl.set(f, g, sh, f.length, cutoff);
        return nl;
    }

    @Test void forcesWrappingAndVirial() {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 8}, 3.5, 2, true, 8, 2, 8, 1, 16, 20.0,
                new double[] {1, 1}, new double[] {-0.1, -0.2}, 1.0);
        PlanExecutor ev = new PlanExecutor(NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 3)));
        Random rnd = new Random(9);
        int n = 6;
        double[] x = new double[3 * n];
        for (int i = 0; i < 3 * n; i++) x[i] = A * rnd.nextDouble();
        int[] t = {1, 0, 0, 1, 0, 0};
        double[] f = new double[3 * n], w = new double[9];
        double e = ev.compute(x, t, halfList(x, n, A, 3.5), f, w, null);
        double fmax = 0;
        for (double v : f) fmax = Math.max(fmax, Math.abs(v));
        assertTrue(fmax > 1e-3);

        double h = 1e-5;
        for (int k = 0; k < 3 * n; k++) {
            double[] xp = x.clone(), xm = x.clone();
            xp[k] += h;
            xm[k] -= h;
            double fd = -(ev.compute(xp, t, halfList(xp, n, A, 3.5), new double[3 * n], null, null)
                    - ev.compute(xm, t, halfList(xm, n, A, 3.5), new double[3 * n], null, null)) / (2 * h);
            assertEquals(fd, f[k], 1e-6 * Math.max(1, fmax), "force component " + k);
        }

        double[] wrapped = x.clone();
        wrapped[0] += A;
        wrapped[4] -= A;
        double[] fw = new double[3 * n];
        assertEquals(e, ev.compute(wrapped, t, halfList(wrapped, n, A, 3.5), fw, null, null), 1e-10 * (1 + Math.abs(e)));
        for (int k = 0; k < 3 * n; k++) assertEquals(f[k], fw[k], 1e-10 * fmax);

        // virial W_ab = −dE/dε_ba for the homogeneous strain x → (1+ε)x of atoms and cell
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double[] ep = new double[2];
                for (int sgn = 0; sgn < 2; sgn++) {
                    double eps = sgn == 0 ? h : -h;
                    double[] xs = x.clone();
                    for (int i = 0; i < n; i++) xs[3 * i + b] += eps * x[3 * i + a];
                    // a sheared cell: shifts transform like positions; build the list in the deformed cell
                    NeighborList nl = halfList(x, n, A, 3.5);
                    double[] sh = nl.shiftArray().clone();
                    for (int p = 0; p < nl.pairCount(); p++) sh[3 * p + b] += eps * nl.shift(p, a);
                    NeighborList deformed = new NeighborList();
                    deformed.set(nl.firstArray().clone(), nl.secondArray().clone(), sh, nl.pairCount(), 3.5);
                    ep[sgn] = ev.compute(xs, t, deformed, new double[3 * n], null, null);
                }
                double dEde = (ep[0] - ep[1]) / (2 * h);
                assertEquals(-dEde, w[3 * b + a], 1e-6 * Math.max(1, Math.abs(dEde)), "virial " + b + "," + a);
            }
    }
}
