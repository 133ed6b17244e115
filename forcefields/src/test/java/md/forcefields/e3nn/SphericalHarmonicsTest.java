package md.forcefields.e3nn;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.nequip.NequipReference;

class SphericalHarmonicsTest {

    /** e3nn's closed forms (l ≤ 3) as written in the reference fixture's README. */
    static double[] closedForm(double x, double y, double z) {
        double s15 = Math.sqrt(15), a = s15 * x * z, b = s15 / 2 * (z * z - x * x);
        return new double[] {
            1,
            Math.sqrt(3) * x, Math.sqrt(3) * y, Math.sqrt(3) * z,
            s15 * x * z, s15 * x * y, Math.sqrt(5) * (y * y - (x * x + z * z) / 2), s15 * y * z, s15 / 2 * (z * z - x * x),
            Math.sqrt(42) / 6 * (a * z + b * x), Math.sqrt(7) * a * y, Math.sqrt(168) / 8 * (4 * y * y - x * x - z * z) * x,
            Math.sqrt(7) / 2 * y * (2 * y * y - 3 * x * x - 3 * z * z), Math.sqrt(168) / 8 * z * (4 * y * y - x * x - z * z),
            Math.sqrt(7) * b * y, Math.sqrt(42) / 6 * (b * z - a * x)};
    }

    @Test void matchesE3nnClosedFormsUpToL3() {
        SphericalHarmonics sh = new SphericalHarmonics(3);
        Random rnd = new Random(1);
        double[] y = new double[16];
        for (int t = 0; t < 50; t++) {
            double[] v = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            double r = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) * (0.5 + rnd.nextDouble() * 3);
            double scale = r / Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            sh.evaluate(v[0] * scale, v[1] * scale, v[2] * scale, y, 0, null, 0);
            double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            double[] ref = closedForm(v[0] / n, v[1] / n, v[2] / n);
            for (int k = 0; k < 16; k++) assertEquals(ref[k], y[k], 1e-14, "component " + k);
        }
    }

    @Test void componentNormalisationAndEquivarianceUpToL6() {
        int lmax = 6;
        SphericalHarmonics sh = new SphericalHarmonics(lmax);
        Irreps irreps = Irreps.sphericalHarmonics(lmax, true);
        Random rnd = new Random(2);
        int n = SphericalHarmonics.dim(lmax);
        double[] y = new double[n], yr = new double[n];
        for (int t = 0; t < 20; t++) {
            double[] v = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            sh.evaluate(v[0], v[1], v[2], y, 0, null, 0);
            for (int l = 0; l <= lmax; l++) {
                double s = 0;
                for (int c = 0; c < 2 * l + 1; c++) s += y[l * l + c] * y[l * l + c];
                assertEquals(2 * l + 1, s, 1e-11, "|Y^" + l + "|^2");
            }
            double[] q = t % 2 == 0 ? Rotations.random(rnd) : Rotations.randomImproper(rnd);
            double[] qv = Rotations.apply(q, v);
            sh.evaluate(qv[0], qv[1], qv[2], yr, 0, null, 0);
            double[] dy = Rotations.matVec(WignerD.of(irreps, q), y);
            for (int k = 0; k < n; k++) assertEquals(yr[k], dy[k], 1e-12, "D(Q)Y(x) = Y(Qx), component " + k);
        }
    }

    @Test void orthonormalOnTheSphere() {
        // Monte-Carlo-free check: a Lebedev-like average is not needed; use a fine product grid in (cos θ, φ).
        int lmax = 3, n = SphericalHarmonics.dim(lmax);
        SphericalHarmonics sh = new SphericalHarmonics(lmax);
        double[] gram = new double[n * n], y = new double[n];
        int nt = 64, np = 128;
        double[] gx = new double[nt], gw = new double[nt];
        gaussLegendre(nt, gx, gw);
        double total = 0;
        for (int i = 0; i < nt; i++)
            for (int j = 0; j < np; j++) {
                double ct = gx[i], st = Math.sqrt(1 - ct * ct), phi = 2 * Math.PI * j / np, w = gw[i] / np / 2;
                sh.evaluate(st * Math.cos(phi), ct, st * Math.sin(phi), y, 0, null, 0);
                total += w;
                for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) gram[a * n + b] += w * y[a] * y[b];
            }
        assertEquals(1, total, 1e-12);
        for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) assertEquals(a == b ? 1 : 0, gram[a * n + b], 1e-12, a + "," + b);
    }

    @Test void gradientMatchesFiniteDifferences() {
        int lmax = 4, n = SphericalHarmonics.dim(lmax);
        SphericalHarmonics sh = new SphericalHarmonics(lmax);
        Random rnd = new Random(3);
        double[] y = new double[n], g = new double[3 * n], yp = new double[n], ym = new double[n];
        double h = 1e-6;
        for (int t = 0; t < 10; t++) {
            double[] v = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            sh.evaluate(v[0], v[1], v[2], y, 0, g, 0);
            for (int d = 0; d < 3; d++) {
                double[] vp = v.clone(), vm = v.clone();
                vp[d] += h; vm[d] -= h;
                sh.evaluate(vp[0], vp[1], vp[2], yp, 0, null, 0);
                sh.evaluate(vm[0], vm[1], vm[2], ym, 0, null, 0);
                for (int k = 0; k < n; k++) assertEquals((yp[k] - ym[k]) / (2 * h), g[3 * k + d], 1e-7 * (1 + Math.abs(g[3 * k + d])));
            }
        }
    }

    @Test void wigner3jMatchesE3nnTables() throws IOException {
        Map<String, NpyArray> ref = Npz.read(NequipReference.aspirin("wigner3j.npz"));
        assertEquals(15, ref.size());
        for (var e : ref.entrySet()) {
            String[] p = e.getKey().split("_");
            double[] c = Wigner3j.get(Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]));
            assertEquals(e.getValue().data().length, c.length, e.getKey());
            for (int i = 0; i < c.length; i++) assertEquals(e.getValue().data()[i], c[i], 1e-15, e.getKey() + "[" + i + "]");
        }
    }

    @Test void wigner3jIsInvariantAndNormalised() {
        Random rnd = new Random(4);
        for (int l1 = 0; l1 <= 3; l1++)
            for (int l2 = 0; l2 <= 3; l2++)
                for (int l3 = Math.abs(l1 - l2); l3 <= l1 + l2; l3++) {
                    double[] c = Wigner3j.get(l1, l2, l3);
                    double s = 0;
                    for (double v : c) s += v * v;
                    assertEquals(1, s, 1e-13);
                    double[] q = Rotations.random(rnd);
                    double[] d1 = WignerD.forRotation(l1, q), d2 = WignerD.forRotation(l2, q), d3 = WignerD.forRotation(l3, q);
                    int n1 = 2 * l1 + 1, n2 = 2 * l2 + 1, n3 = 2 * l3 + 1;
                    for (int a = 0; a < n1; a++)
                        for (int b = 0; b < n2; b++)
                            for (int cc = 0; cc < n3; cc++) {
                                double acc = 0;
                                for (int a2 = 0; a2 < n1; a2++)
                                    for (int b2 = 0; b2 < n2; b2++)
                                        for (int c2 = 0; c2 < n3; c2++)
                                            acc += d1[a * n1 + a2] * d2[b * n2 + b2] * d3[cc * n3 + c2] * c[(a2 * n2 + b2) * n3 + c2];
                                assertEquals(c[(a * n2 + b) * n3 + cc], acc, 1e-13);
                            }
                }
        double e = 1 / Math.sqrt(6);
        double[] c111 = Wigner3j.get(1, 1, 1);
        assertEquals(e, c111[(0 * 3 + 1) * 3 + 2], 1e-15); // ε_xyz
        assertEquals(-e, c111[(1 * 3 + 0) * 3 + 2], 1e-15);
    }

    @Test void wignerDIsOrthogonalHomomorphism() {
        Random rnd = new Random(5);
        for (int l = 0; l <= 4; l++) {
            double[] q1 = Rotations.random(rnd), q2 = Rotations.random(rnd);
            double[] q12 = new double[9];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) q12[i * 3 + j] += q1[i * 3 + k] * q2[k * 3 + j];
            double[] d1 = WignerD.forRotation(l, q1), d2 = WignerD.forRotation(l, q2), d12 = WignerD.forRotation(l, q12);
            int n = 2 * l + 1;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    double prod = 0, orth = 0;
                    for (int k = 0; k < n; k++) { prod += d1[i * n + k] * d2[k * n + j]; orth += d1[i * n + k] * d1[j * n + k]; }
                    assertEquals(d12[i * n + j], prod, 1e-13);
                    assertEquals(i == j ? 1 : 0, orth, 1e-13);
                }
        }
    }

    private static void gaussLegendre(int n, double[] x, double[] w) {
        for (int i = 0; i < n; i++) {
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5)), dp = 0;
            for (int it = 0; it < 100; it++) {
                double p0 = 1, p1 = z;
                for (int k = 2; k <= n; k++) { double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p2; }
                dp = n * (z * p1 - p0) / (z * z - 1);
                double dz = p1 / dp;
                z -= dz;
                if (Math.abs(dz) < 1e-16) break;
            }
            x[i] = z;
            w[i] = 2 / ((1 - z * z) * dp * dp);
        }
    }
}
