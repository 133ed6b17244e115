package md.forcefields.e3nn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wigner 3j symbols (real Clebsch–Gordan coefficients) in e3nn's real basis, exactly as e3nn 0.5's
 * {@code o3.wigner_3j(l1, l2, l3)}: the complex SU(2) Clebsch–Gordan tensor is transformed with
 * e3nn's real-to-complex change of basis (including its (-i)^l factor that makes the result real)
 * and scaled to Frobenius norm 1.
 *
 * <p>Consequences used throughout: the tensor C[a][b][c] (shape (2l1+1, 2l2+1, 2l3+1), stored
 * row-major) is invariant, Σ D^{l1}_{aa'} D^{l2}_{bb'} D^{l3}_{cc'} C[a'][b'][c'] = C[a][b][c], and
 * C^{0,l,l} = C^{l,0,l} = C^{l,l,0} = δ/√(2l+1), C^{1,1,1} = ε/√6. Another real basis (e.g. standard
 * real spherical harmonics with z as polar axis) gives different numbers: e3nn's polar axis is y.
 */
public final class Wigner3j {
    private Wigner3j() {}

    private static final ConcurrentHashMap<Long, double[]> CACHE = new ConcurrentHashMap<>();

    /** Whether (l1, l2, l3) satisfies the triangle condition |l1-l2| ≤ l3 ≤ l1+l2. */
    public static boolean allowed(int l1, int l2, int l3) {
        return l1 >= 0 && l2 >= 0 && l3 >= Math.abs(l1 - l2) && l3 <= l1 + l2;
    }

    /** The tensor as a row-major array (read-only; shared). Index [a*(2l2+1)*(2l3+1) + b*(2l3+1) + c]. */
    public static double[] get(int l1, int l2, int l3) {
        if (!allowed(l1, l2, l3))
            throw new IllegalArgumentException("wigner 3j (" + l1 + "," + l2 + "," + l3 + ") violates the triangle condition");
        return CACHE.computeIfAbsent(((long) l1 << 40) | ((long) l2 << 20) | l3, k -> compute(l1, l2, l3));
    }

    private static double[] compute(int l1, int l2, int l3) {
        int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
        double[][] q1r = new double[d1][d1], q1i = new double[d1][d1];
        double[][] q2r = new double[d2][d2], q2i = new double[d2][d2];
        double[][] q3r = new double[d3][d3], q3i = new double[d3][d3];
        realToComplex(l1, q1r, q1i);
        realToComplex(l2, q2r, q2i);
        realToComplex(l3, q3r, q3i);
        // out[j][l][m] = Σ_{i,k,n} Q1[i][j] Q2[k][l] conj(Q3[n][m]) CG[i][k][n]; CG is real and sparse.
        double[] re = new double[d1 * d2 * d3];
        for (int i = 0; i < d1; i++) {
            for (int k = 0; k < d2; k++) {
                int m1 = i - l1, m2 = k - l2, m3 = m1 + m2;
                if (Math.abs(m3) > l3) continue;
                int n = m3 + l3;
                double cg = su2ClebschGordan(l1, m1, l2, m2, l3, m3);
                if (cg == 0) continue;
                for (int j = 0; j < d1; j++) {
                    double ar = q1r[i][j], ai = q1i[i][j];
                    if (ar == 0 && ai == 0) continue;
                    for (int l = 0; l < d2; l++) {
                        double br = q2r[k][l], bi = q2i[k][l];
                        if (br == 0 && bi == 0) continue;
                        double abr = ar * br - ai * bi, abi = ar * bi + ai * br;
                        for (int m = 0; m < d3; m++) {
                            double cr = q3r[n][m], ci = -q3i[n][m];
                            // real part of (ab)·c
                            re[(j * d2 + l) * d3 + m] += (abr * cr - abi * ci) * cg;
                        }
                    }
                }
            }
        }
        double norm = 0;
        for (double v : re) norm += v * v;
        norm = Math.sqrt(norm);
        for (int i = 0; i < re.length; i++) re[i] /= norm;
        return re;
    }

    /** e3nn's {@code change_basis_real_to_complex(l)}: rows are complex m, columns real components. */
    static void realToComplex(int l, double[][] re, double[][] im) {
        double s = 1 / Math.sqrt(2);
        for (int m = -l; m < 0; m++) {
            re[l + m][l - m] = s;            // q[l+m, l+|m|] = 1/√2
            im[l + m][l + m] = -s;           // q[l+m, l-|m|] = -i/√2
        }
        re[l][l] = 1;
        for (int m = 1; m <= l; m++) {
            double sign = (m % 2 == 0) ? 1 : -1;
            re[l + m][l + m] = sign * s;     // q[l+m, l+|m|] = (-1)^m/√2
            im[l + m][l - m] = sign * s;     // q[l+m, l-|m|] = i(-1)^m/√2
        }
        // multiply by (-i)^l
        int r = l % 4;
        for (int a = 0; a < re.length; a++) {
            for (int b = 0; b < re.length; b++) {
                double x = re[a][b], y = im[a][b];
                switch (r) {
                    case 0 -> { }
                    case 1 -> { re[a][b] = y; im[a][b] = -x; }   // (x+iy)(-i) = y - ix
                    case 2 -> { re[a][b] = -x; im[a][b] = -y; }
                    default -> { re[a][b] = -y; im[a][b] = x; }  // (x+iy)(i) = -y + ix
                }
            }
        }
    }

    /** ⟨j1 m1 j2 m2 | j3 m3⟩ for integer spins (Racah's formula, exact rational arithmetic). */
    static double su2ClebschGordan(int j1, int m1, int j2, int m2, int j3, int m3) {
        if (m3 != m1 + m2) return 0;
        int vmin = Math.max(Math.max(-j1 + j2 + m3, -j1 + m1), 0);
        int vmax = Math.min(Math.min(j2 + j3 + m1, j3 - j1 + j2), j3 + m3);
        BigInteger num = f(j3 + j1 - j2).multiply(f(j3 - j1 + j2)).multiply(f(j1 + j2 - j3)).multiply(f(j3 + m3)).multiply(f(j3 - m3))
                .multiply(BigInteger.valueOf(2L * j3 + 1));
        BigInteger den = f(j1 + j2 + j3 + 1).multiply(f(j1 - m1)).multiply(f(j1 + m1)).multiply(f(j2 - m2)).multiply(f(j2 + m2));
        double c = Math.sqrt(ratio(num, den));
        BigInteger sNum = BigInteger.ZERO, sDen = BigInteger.ONE;
        for (int v = vmin; v <= vmax; v++) {
            BigInteger tn = f(j2 + j3 + m1 - v).multiply(f(j1 - m1 + v));
            BigInteger td = f(v).multiply(f(j3 - j1 + j2 - v)).multiply(f(j3 + m3 - v)).multiply(f(v + j1 - j2 - m3));
            if (((v + j2 + m2) & 1) != 0) tn = tn.negate();
            sNum = sNum.multiply(td).add(tn.multiply(sDen));
            sDen = sDen.multiply(td);
        }
        return c * ratio(sNum, sDen);
    }

    private static double ratio(BigInteger num, BigInteger den) {
        return new BigDecimal(num).divide(new BigDecimal(den), MathContext.DECIMAL128).doubleValue();
    }

    private static BigInteger f(int n) {
        if (n < 0) throw new IllegalArgumentException("factorial of " + n);
        BigInteger r = BigInteger.ONE;
        for (int i = 2; i <= n; i++) r = r.multiply(BigInteger.valueOf(i));
        return r;
    }
}
