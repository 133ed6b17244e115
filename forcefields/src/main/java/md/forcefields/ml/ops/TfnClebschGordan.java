package md.forcefields.ml.ops;

import java.util.Map;
import java.util.Random;

import md.forcefields.e3nn.SphericalHarmonics;
import md.forcefields.e3nn.Wigner3j;

/**
 * The Clebsch–Gordan change-of-basis matrices Q_J^{l_out l_in} of Tensor Field Networks and the
 * SE(3)-Transformer, in the real spherical-harmonic basis of the reference implementation
 * (Fuchs et al., {@code from_se3cnn}; conventions in the se3t-reference fixture README §3–4):
 * Q ∈ R^{(2l_out+1)(2l_in+1) × (2J+1)}, row (m_out, m_in) m_out-major, column M, the solution of
 * (D^{l_out} ⊗ D^{l_in}) Q = Q D^J with ‖Q‖_F = 1.
 *
 * <p>Derived from e3nn's Wigner 3j symbols (which satisfy the same equation in e3nn's basis) by the
 * orthogonal change of basis O_l with Y_ref^l = O_l Y_e3nn^l / √(4π): Q ∝ (O_out ⊗ O_in) C O_Jᵀ.
 * O_l is fitted once by least squares on fixed directions (exact to round-off: both are bases of the
 * same harmonic polynomials). The equation fixes Q only up to its sign; the reference takes an SVD
 * null vector, so its signs are arbitrary but fixed. {@link #REFERENCE_SIGNS} holds them (relative to the
 * canonical sign "first entry with |q| &gt; 1e−9 in row-major order is positive") for l_in, l_out ≤ 2;
 * pairs not in a model's sign table use the canonical sign.
 */
public final class TfnClebschGordan {
    private TfnClebschGordan() {}

    /**
     * The reference implementation's signs (fixture README §4), key "l_in,l_out", one sign per
     * J = |l_in − l_out| … l_in + l_out.
     */
    public static final Map<String, int[]> REFERENCE_SIGNS = Map.of(
            "0,0", new int[] {1}, "1,0", new int[] {1}, "2,0", new int[] {-1},
            "0,1", new int[] {1}, "1,1", new int[] {1, 1, 1}, "2,1", new int[] {-1, -1, -1},
            "0,2", new int[] {-1}, "1,2", new int[] {-1, 1, 1}, "2,2", new int[] {1, 1, -1, -1, -1});

    /** The sign key of a degree pair. */
    public static String key(int lIn, int lOut) { return lIn + "," + lOut; }

    /**
     * Q_J^{l_out l_in} in the reference basis with the canonical sign times {@code sign}, row-major
     * ((2l_out+1)(2l_in+1) × (2J+1)).
     */
    public static double[] q(int j, int lIn, int lOut, int sign) {
        int dOut = 2 * lOut + 1, dIn = 2 * lIn + 1, dJ = 2 * j + 1;
        double[] c = Wigner3j.get(lOut, lIn, j); // [(a·dIn + b)·dJ + k], e3nn basis
        double[] oOut = toReference(lOut), oIn = toReference(lIn), oJ = toReference(j);
        double[] q = new double[dOut * dIn * dJ];
        // q[(mo, mi), M] = Σ_{a,b,k} oOut[mo,a] oIn[mi,b] c[a,b,k] oJ[M,k]
        for (int mo = 0; mo < dOut; mo++)
            for (int mi = 0; mi < dIn; mi++)
                for (int a = 0; a < dOut; a++) {
                    double wa = oOut[mo * dOut + a];
                    if (wa == 0) continue;
                    for (int b = 0; b < dIn; b++) {
                        double wab = wa * oIn[mi * dIn + b];
                        if (wab == 0) continue;
                        for (int k = 0; k < dJ; k++) {
                            double ck = c[(a * dIn + b) * dJ + k];
                            if (ck == 0) continue;
                            for (int m = 0; m < dJ; m++) q[(mo * dIn + mi) * dJ + m] += wab * ck * oJ[m * dJ + k];
                        }
                    }
                }
        double norm = 0;
        for (double v : q) norm += v * v;
        norm = Math.sqrt(norm);
        double s = 0;
        for (double v : q) if (Math.abs(v) > 1e-9 * norm) { s = Math.signum(v); break; }
        for (int i = 0; i < q.length; i++) q[i] *= sign * s / norm;
        return q;
    }

    /** Q_J with the sign of {@code signs} (key "l_in,l_out"; canonical when the pair is absent). */
    public static double[] q(int j, int lIn, int lOut, Map<String, int[]> signs) {
        int[] s = signs.get(key(lIn, lOut));
        return q(j, lIn, lOut, s == null ? 1 : s[j - Math.abs(lIn - lOut)]);
    }

    private static final java.util.concurrent.ConcurrentHashMap<Integer, double[]> BASIS_CHANGE = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The orthogonal O_l ((2l+1)², row-major) with Y_ref^l(u) = O_l·Y_e3nn^l(u)/√(4π) for every unit u
     * (e3nn: 'component' normalisation, |Y|² = 2l+1; reference: orthonormal on the sphere).
     */
    public static double[] toReference(int l) { return BASIS_CHANGE.computeIfAbsent(l, TfnClebschGordan::fitBasisChange).clone(); }

    private static double[] fitBasisChange(int l) {
        int d = 2 * l + 1, samples = 8 * d + 16;
        SphericalHarmonics e3nn = new SphericalHarmonics(l);
        double[] y = new double[SphericalHarmonics.dim(l)];
        double[] yy = new double[d * d], ry = new double[d * d]; // Σ Y_e Y_eᵀ, Σ Y_ref Y_eᵀ
        Random rng = new Random(20251205);
        for (int s = 0; s < samples; s++) {
            double x = rng.nextGaussian(), v = rng.nextGaussian(), z = rng.nextGaussian(), r = Math.sqrt(x * x + v * v + z * z);
            e3nn.evaluate(x, v, z, y, 0, null, 0);
            double[] ref = referenceHarmonics(l, x / r, v / r, z / r);
            int off = l * l;
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) {
                    yy[a * d + b] += y[off + a] * y[off + b];
                    ry[a * d + b] += ref[a] * Math.sqrt(4 * Math.PI) * y[off + b];
                }
        }
        // O = ry · yy⁻¹
        double[] inv = invert(yy, d), o = new double[d * d];
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) {
                double t = 0;
                for (int k = 0; k < d; k++) t += ry[a * d + k] * inv[k * d + b];
                o[a * d + b] = t;
            }
        return o;
    }

    /** Gauss–Jordan inverse with partial pivoting of a small (n × n) matrix. */
    private static double[] invert(double[] m, int n) {
        double[] a = m.clone(), inv = new double[n * n];
        for (int i = 0; i < n; i++) inv[i * n + i] = 1;
        for (int col = 0; col < n; col++) {
            int p = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[p * n + col])) p = r;
            for (int k = 0; k < n; k++) {
                double t = a[col * n + k]; a[col * n + k] = a[p * n + k]; a[p * n + k] = t;
                t = inv[col * n + k]; inv[col * n + k] = inv[p * n + k]; inv[p * n + k] = t;
            }
            double piv = a[col * n + col];
            for (int k = 0; k < n; k++) { a[col * n + k] /= piv; inv[col * n + k] /= piv; }
            for (int r = 0; r < n; r++) {
                if (r == col) continue;
                double f = a[r * n + col];
                if (f == 0) continue;
                for (int k = 0; k < n; k++) { a[r * n + k] -= f * a[col * n + k]; inv[r * n + k] -= f * inv[col * n + k]; }
            }
        }
        return inv;
    }

    /**
     * The reference's real spherical harmonics Y_{l,m}(u), m = −l…l (orthonormal, Condon–Shortley phase),
     * in its frame X = u2, Y = u0, Z = −u1 (fixture README §3): N_{l|m|} P_l^{|m|}(Z)·{cos mφ, 1, sin|m|φ}.
     */
    public static double[] referenceHarmonics(int l, double u0, double u1, double u2) {
        double bigX = u2, bigY = u0, z = -u1, phi = Math.atan2(bigY, bigX), s = Math.sqrt(Math.max(0, 1 - z * z));
        double[] out = new double[2 * l + 1];
        for (int k = 0; k <= l; k++) {
            // P_k^k = (−1)^k (2k−1)!! s^k, then upward in degree
            double pkk = 1;
            for (int i = 1; i <= k; i++) pkk *= -(2 * i - 1) * s;
            double p = pkk;
            if (l > k) {
                double pPrev = pkk, pCur = z * (2 * k + 1) * pkk;
                for (int n = k + 2; n <= l; n++) {
                    double next = ((2 * n - 1) * z * pCur - (n + k - 1) * pPrev) / (n - k);
                    pPrev = pCur;
                    pCur = next;
                }
                p = pCur;
            }
            double norm = Math.sqrt((2 * l + 1) / (4 * Math.PI));
            if (k > 0) {
                double ratio = 1; // (l−k)!/(l+k)!
                for (int i = l - k + 1; i <= l + k; i++) ratio /= i;
                norm *= Math.sqrt(2 * ratio);
                out[l + k] = norm * p * Math.cos(k * phi);
                out[l - k] = norm * p * Math.sin(k * phi);
            } else {
                out[l] = norm * p;
            }
        }
        return out;
    }
}
