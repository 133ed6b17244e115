package md.integrators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import md.core.Units;
import md.thermostats.KineticEnergy;
import md.thermostats.Langevin;

/**
 * Fully flexible C-rescale against a model whose flexible-cell NPT distribution has a closed form.
 *
 * <p>The target ensemble is V^{−2} exp(−(K + U + P₀V)/k_BT) dh over the nine entries of the cell matrix
 * h (columns a, b, c). Written as h = Q L (rotation Q, upper-triangular L with positive diagonal, the cell
 * the barostat keeps) the measure is dh = L₁₁² L₂₂ dL dQ, so for N ideal-gas atoms (the momenta and scaled
 * positions integrate to V^N) plus a cell energy U(L) the density of the six entries of L is
 * <pre>
 *   a_x^N b_y^(N−1) c_z^(N−2) exp(−(P₀ a_x b_y c_z + U(L))/k_BT)
 * </pre>
 * (a_x = L₁₁, b_y = L₂₂, c_z = L₃₃; b_x, c_x, c_y the off-diagonal entries). The model cell energy is
 * U = ½k_shear(b_x² + c_x² + c_y²) + ½k_edge Σ(L_ii − L₀)², a function of the cell's lengths and angles only
 * (L is the Cholesky factor of the metric hᵀh), so rotation-invariant as a physical energy must be. Then
 * each off-diagonal entry is exactly Gaussian with variance k_BT/k_shear, and the means of the diagonal
 * entries follow by quadrature of a three-dimensional integral. The powers N, N−1, N−2 make the three
 * diagonal means differ by about 0.1 Å here: that is the Jacobian of removing rotations, which a barostat
 * with a wrong Itô or rotation term would miss. Its virial is U's derivative along a deformation of the
 * cell (below), the way a force field's virial enters the pressure.
 */
class FlexibleCellRescalingTest {
    static final double T = 100, KT = Units.KB_EV_PER_K * T, P0_BAR = 20, L0 = 10;
    static final double K_EDGE = KT, K_SHEAR = KT;   // eV/Å²: spreads of 1 Å
    static final int N = 8;

    /**
     * N non-interacting atoms in a cell with the energy U(L) above; the cell is kept as rows a = (a_x, 0, 0),
     * b = (b_x, b_y, 0), c = (c_x, c_y, c_z), whose column matrix is L.
     */
    static final class ElasticCell implements CellForceEvaluator {
        final double[] h;
        private final double[] virial = new double[9];

        ElasticCell(double[] rows) { h = rows.clone(); }

        double[] l() { return new double[] {h[0], h[3], h[6], 0, h[4], h[7], 0, 0, h[8]}; }   // row-major L

        @Override
        public double evaluate(double[] positions, double[] forcesOut) {
            java.util.Arrays.fill(forcesOut, 0);
            double[] l = l();
            // G = ∂U/∂L (upper triangle)
            double[] g = new double[9];
            double u = 0;
            for (int i = 0; i < 3; i++) {
                double d = l[4 * i] - L0;
                g[4 * i] = K_EDGE * d;
                u += 0.5 * K_EDGE * d * d;
            }
            for (int k : new int[] {1, 2, 5}) {
                g[k] = K_SHEAR * l[k];
                u += 0.5 * K_SHEAR * l[k] * l[k];
            }
            // Along a deformation L → (1 + E) L = (1 + Ω)(1 + T) L, Ω antisymmetric and T upper triangular
            // (T_pp = E_pp, T_pq = E_pq + E_qp for p < q), L changes by T L, so dU/dE_ab = (G Lᵀ)_pq with
            // (p, q) = (min, max)(a, b); the virial (P = (2K + W)/V) is W = −dU/dE, symmetric.
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) {
                    int p = Math.min(a, b), q = Math.max(a, b);
                    double glt = 0;
                    for (int j = 0; j < 3; j++) glt += g[3 * p + j] * l[3 * q + j];
                    virial[3 * a + b] = -glt;
                }
            return u;
        }

        @Override public double volumeA3() { return Math.abs(CellDeformation.determinant(h)); }
        @Override public double[] virialEv() { return virial; }
        @Override public void scaleCell(double[] f) { for (int i = 0; i < 9; i++) h[i] *= f[i % 3]; }
        @Override public double[] cellVectorsA() { return h.clone(); }
        @Override public void deformCell(double[] m) {
            for (int row = 0; row < 3; row++) System.arraycopy(CellDeformation.apply(m, new double[] {h[3 * row], h[3 * row + 1], h[3 * row + 2]}), 0, h, 3 * row, 3);
        }
    }

    private static MdState gas(int n, long seed) {
        double[] m = new double[n];
        java.util.Arrays.fill(m, 39.948);
        java.util.Random r = new java.util.Random(seed);
        double[] x = new double[3 * n];
        for (int i = 0; i < x.length; i++) x[i] = 10 * r.nextDouble();
        return new MdState(x, new double[3 * n], m);
    }

    /**
     * ⟨a_x⟩, ⟨b_y⟩, ⟨c_z⟩, ⟨V⟩ of the density above, by quadrature over the diagonal (the off-diagonals factor out).
     * The trapezoid rule on a smooth density that decays over ±7 spreads converges exponentially in 1/step: a step of
     * 0.1 Å (1 Å spreads) gives the same means as 0.04 Å to 1e-11 relative, in 1/15 of the time (2.8 M points, not 43 M).
     */
    static double[] diagonalMeans() {
        double p0 = P0_BAR / Units.BAR_PER_EV_PER_A3, step = 0.1, lo = L0 - 7, hi = L0 + 7;
        int n = (int) Math.round((hi - lo) / step) + 1;
        double[] logW = new double[n * n * n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) {
                    double ax = lo + i * step, by = lo + j * step, cz = lo + k * step;
                    double u = 0.5 * K_EDGE * ((ax - L0) * (ax - L0) + (by - L0) * (by - L0) + (cz - L0) * (cz - L0));
                    double w = N * Math.log(ax) + (N - 1) * Math.log(by) + (N - 2) * Math.log(cz) - (p0 * ax * by * cz + u) / KT;
                    logW[(i * n + j) * n + k] = w;
                    max = Math.max(max, w);
                }
        double z = 0, sx = 0, sy = 0, sz = 0, sv = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) {
                    double ax = lo + i * step, by = lo + j * step, cz = lo + k * step, w = Math.exp(logW[(i * n + j) * n + k] - max);
                    z += w; sx += w * ax; sy += w * by; sz += w * cz; sv += w * ax * by * cz;
                }
        return new double[] {sx / z, sy / z, sz / z, sv / z};
    }

    @Test
    void elasticCellHasTheFlexibleIsobaricDistribution() {
        ElasticCell cell = new ElasticCell(new double[] {L0, 0, 0, 1, L0, 0, -1, 0.5, L0});
        MdState s = gas(N, 1);
        // β/τ chosen so the cell relaxes in about 50 barostat steps (the model's stiffness is about 1400 bar)
        Barostat b = new StochasticCellRescaling(P0_BAR, 500, 4.3e-3, T, Barostat.Coupling.FLEXIBLE, 42);
        IsobaricIntegrator integrator = new IsobaricIntegrator(new VelocityVerlet(5, new Langevin(T, 5, 3 * N, 7)), b, 1, cell.volumeA3());
        s.potentialEnergyEv = cell.evaluate(s.positions, s.forces);
        int steps = 1_500_000, every = 5, samples = steps / every;
        double[][] series = new double[7][samples];
        for (int i = 0; i < 20_000; i++) integrator.step(s, cell);
        for (int i = 0; i < steps; i++) {
            integrator.step(s, cell);
            if (i % every == 0) {
                int k = i / every;
                double[] h = cell.h;
                series[0][k] = h[0];
                series[1][k] = h[4];
                series[2][k] = h[8];
                series[3][k] = h[3] * h[3];
                series[4][k] = h[6] * h[6];
                series[5][k] = h[7] * h[7];
                series[6][k] = cell.volumeA3();
            }
        }
        assertArrayEquals(new double[] {0, 0, 0}, new double[] {cell.h[1], cell.h[2], cell.h[5]}, 0.0, "the cell stays triangular, exactly");

        double[] expected = diagonalMeans();
        double shearVariance = KT / K_SHEAR;
        String[] names = {"a_x", "b_y", "c_z", "b_x²", "c_x²", "c_y²", "V"};
        double[] want = {expected[0], expected[1], expected[2], shearVariance, shearVariance, shearVariance, expected[3]};
        StringBuilder report = new StringBuilder();
        BlockStatistics[] stats = new BlockStatistics[7];
        for (int q = 0; q < 7; q++) {
            stats[q] = BlockStatistics.of(series[q], 50);
            report.append(String.format("%s: %s (expected %.4f, z %.1f); ", names[q], stats[q], want[q], stats[q].zScore(want[q])));
        }
        System.out.println("FlexibleCellRescalingTest: " + report);
        // the diagonal means differ by the Jacobian's powers: the test must be able to see that
        assertTrue(expected[0] - expected[2] > 6 * Math.max(stats[0].standardError(), stats[2].standardError()),
                "precise enough to see the L11² L22 Jacobian: " + report);
        for (int q = 0; q < 7; q++) {
            // the Euler–Maruyama step widens the variances by about θh/2 ≈ 1% (θ the relaxation rate per step)
            double slack = q >= 3 && q <= 5 ? 0.02 * want[q] : 0;
            assertTrue(Math.abs(stats[q].mean() - want[q]) < 4 * stats[q].standardError() + slack, names[q] + ": " + report);
        }
    }

    /** The work bookkeeping: the effective energy K + U + P₀V − heat − work stays constant for a model without particle forces. */
    @Test
    void effectiveEnergyIsConstantAndTheOrientationKept() {
        // a cell in a general orientation: the deformation keeps a's direction and the a–b plane
        double[] rows = {9, 2, 1, -1, 8, 3, 2, -2, 10};
        StochasticCellRescalingTest.IdealGasBox box = new StochasticCellRescalingTest.IdealGasBox(1);
        System.arraycopy(rows, 0, box.h, 0, 9);
        MdState s = gas(N, 2);
        IsobaricIntegrator integrator = new IsobaricIntegrator(new VelocityVerlet(5, new Langevin(T, 5, 3 * N, 7)),
                new StochasticCellRescaling(100, 500, 1e-4, T, Barostat.Coupling.FLEXIBLE, 3), 1, box.volumeA3());
        double e0 = KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu) + integrator.conservedEnergyExtraEv(s);
        double maxWork = 0;
        for (int i = 0; i < 5_000; i++) {
            integrator.step(s, box);
            double e = KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu) + integrator.conservedEnergyExtraEv(s);
            assertEquals(e0, e, 1e-9, "step " + i);
            maxWork = Math.max(maxWork, Math.abs(integrator.barostatWorkEv()));
        }
        assertTrue(maxWork > 0.1 * KT, "the barostat did work: " + maxWork);
        double[] a0 = unit(new double[] {rows[0], rows[1], rows[2]}), n0 = unit(cross(rows, 0, 3));
        double[] a = unit(new double[] {box.h[0], box.h[1], box.h[2]}), n = unit(cross(box.h, 0, 3));
        assertArrayEquals(a0, a, 1e-12, "a keeps its direction");
        assertArrayEquals(n0, n, 1e-12, "the a-b plane keeps its orientation");
        double shear = Math.abs(box.h[3] * a[0] + box.h[4] * a[1] + box.h[5] * a[2]) / Math.sqrt(box.h[3] * box.h[3] + box.h[4] * box.h[4] + box.h[5] * box.h[5]);
        assertTrue(Math.abs(shear - Math.abs(rows[0] * rows[3] + rows[1] * rows[4] + rows[2] * rows[5]) / Math.sqrt(81 + 4 + 1) / Math.sqrt(1 + 64 + 9)) > 1e-3,
                "the angle between a and b changed (the shape is flexible)");
    }

    /** The deformation step maps positions by M and velocities by M^{−T}: scaled coordinates and momenta (v·h for each lattice vector) are unchanged. */
    @Test
    void deformationKeepsScaledCoordinatesAndMomenta() {
        double[] rows = {9, 2, 1, -1, 8, 3, 2, -2, 10};
        double[] mu = CellDeformation.exp(new double[] {0.01, 0.003, -0.002, 0.004, -0.006, 0.001, 0.002, -0.003, 0.005});
        double[] m = CellDeformation.withoutRotation(rows, mu);
        double[] mit = CellDeformation.inverseTranspose(m);
        double[] r = {1.5, -2, 0.7}, v = {0.3, 0.1, -0.2};
        double[] r2 = CellDeformation.apply(m, r), v2 = CellDeformation.apply(mit, v);
        double[] newRows = new double[9];
        for (int row = 0; row < 3; row++) System.arraycopy(CellDeformation.apply(m, new double[] {rows[3 * row], rows[3 * row + 1], rows[3 * row + 2]}), 0, newRows, 3 * row, 3);
        assertArrayEquals(fractional(rows, r), fractional(newRows, r2), 1e-13);
        for (int row = 0; row < 3; row++) {
            double before = v[0] * rows[3 * row] + v[1] * rows[3 * row + 1] + v[2] * rows[3 * row + 2];
            double after = v2[0] * newRows[3 * row] + v2[1] * newRows[3 * row + 1] + v2[2] * newRows[3 * row + 2];
            assertEquals(before, after, 1e-13, "momentum along lattice vector " + row);
        }
        // M differs from μ by a rotation only: Mᵀ M = μᵀ μ
        double[] mtm = CellDeformation.multiply(transpose(m), m), utu = CellDeformation.multiply(transpose(mu), mu);
        assertArrayEquals(utu, mtm, 1e-14);
        // det exp(X) = exp(tr X)
        assertEquals(Math.exp(0.01 - 0.006 + 0.005), CellDeformation.determinant(mu), 1e-15);
        // a triangular cell stays triangular, exactly
        double[] tri = {9, 0, 0, -1, 8, 0, 2, -2, 10};
        double[] mt = CellDeformation.withoutRotation(tri, mu);
        assertEquals(0.0, mt[3]);
        assertEquals(0.0, mt[6]);
        assertEquals(0.0, mt[7]);
        assertArrayEquals(CellDeformation.multiply(transpose(mu), mu), CellDeformation.multiply(transpose(mt), mt), 1e-14);
    }

    @Test
    void berendsenFlexibleRelaxesShearStress() {
        BerendsenBarostat b = new BerendsenBarostat(1, 1000, 4.5e-5, Barostat.Coupling.FLEXIBLE);
        double[] mu = new double[9];
        // P_xy = 300 bar (symmetrised from 200 and 400), diagonal at P₀: only the xy shear responds
        b.deformation(new double[] {1, 200, 0, 400, 1, 0, 0, 0, 1}, 1000, 10, mu);
        double r = 4.5e-5 * 0.01 / 3;
        assertArrayEquals(new double[] {1, r * 300, 0, r * 300, 1, 0, 0, 0, 1}, mu, 1e-15);
    }

    private static double[] fractional(double[] rows, double[] x) {
        double[] inv = CellDeformation.inverseTranspose(rows);
        double[] out = new double[x.length];
        // r = Σ s_k row_k  ⇒  s = r H⁻¹; (H⁻¹)ᵀ = inverseTranspose(H), so s_k = Σ_a r_a (H⁻¹)_{a k} = Σ_a r_a inv[3k + a]
        for (int i = 0; i < x.length; i += 3)
            for (int k = 0; k < 3; k++) out[i + k] = x[i] * inv[3 * k] + x[i + 1] * inv[3 * k + 1] + x[i + 2] * inv[3 * k + 2];
        return out;
    }

    private static double[] transpose(double[] m) { return new double[] {m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]}; }

    private static double[] cross(double[] h, int i, int j) {
        return new double[] {h[i + 1] * h[j + 2] - h[i + 2] * h[j + 1], h[i + 2] * h[j] - h[i] * h[j + 2], h[i] * h[j + 1] - h[i + 1] * h[j]};
    }

    private static double[] unit(double[] u) {
        double n = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        return new double[] {u[0] / n, u[1] / n, u[2] / n};
    }
}
