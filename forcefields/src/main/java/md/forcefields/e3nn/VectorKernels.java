package md.forcefields.e3nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API bodies of {@link DenseKernels}; loaded only when the incubator module is present. */
final class VectorKernels {
    private VectorKernels() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static int lanes() { return L; }

    static void gemm(int m, int n, int kk, double alpha,
                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     double[] c, int cOff, int ldc, boolean acc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
            int c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
                for (int k = 0; k < kk; k++) {
                    int bk = bOff + k * ldb + j;
                    DoubleVector b0 = DoubleVector.fromArray(S, b, bk), b1 = DoubleVector.fromArray(S, b, bk + L);
                    DoubleVector x = DoubleVector.broadcast(S, a[a0 + k]);
                    s00 = x.fma(b0, s00); s01 = x.fma(b1, s01);
                    x = DoubleVector.broadcast(S, a[a1 + k]);
                    s10 = x.fma(b0, s10); s11 = x.fma(b1, s11);
                    x = DoubleVector.broadcast(S, a[a2 + k]);
                    s20 = x.fma(b0, s20); s21 = x.fma(b1, s21);
                    x = DoubleVector.broadcast(S, a[a3 + k]);
                    s30 = x.fma(b0, s30); s31 = x.fma(b1, s31);
                }
                store(s00, alpha, c, c0 + j, acc); store(s01, alpha, c, c0 + j + L, acc);
                store(s10, alpha, c, c1 + j, acc); store(s11, alpha, c, c1 + j + L, acc);
                store(s20, alpha, c, c2 + j, acc); store(s21, alpha, c, c2 + j + L, acc);
                store(s30, alpha, c, c3 + j, acc); store(s31, alpha, c, c3 + j + L, acc);
            }
            for (; j + L <= n; j += L) {
                DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                for (int k = 0; k < kk; k++) {
                    DoubleVector b0 = DoubleVector.fromArray(S, b, bOff + k * ldb + j);
                    s0 = DoubleVector.broadcast(S, a[a0 + k]).fma(b0, s0);
                    s1 = DoubleVector.broadcast(S, a[a1 + k]).fma(b0, s1);
                    s2 = DoubleVector.broadcast(S, a[a2 + k]).fma(b0, s2);
                    s3 = DoubleVector.broadcast(S, a[a3 + k]).fma(b0, s3);
                }
                store(s0, alpha, c, c0 + j, acc); store(s1, alpha, c, c1 + j, acc);
                store(s2, alpha, c, c2 + j, acc); store(s3, alpha, c, c3 + j, acc);
            }
            if (j < n) scalarBlock(i, i + 4, j, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc);
        }
        for (; i < m; i++) {
            int ai = aOff + i * lda, ci = cOff + i * ldc;
            int j = 0;
            for (; j + L <= n; j += L) {
                DoubleVector s0 = DoubleVector.zero(S);
                for (int k = 0; k < kk; k++)
                    s0 = DoubleVector.broadcast(S, a[ai + k]).fma(DoubleVector.fromArray(S, b, bOff + k * ldb + j), s0);
                store(s0, alpha, c, ci + j, acc);
            }
            if (j < n) scalarBlock(i, i + 1, j, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc);
        }
    }

    private static void store(DoubleVector s, double alpha, double[] c, int off, boolean acc) {
        DoubleVector v = s.mul(alpha);
        if (acc) v = v.add(DoubleVector.fromArray(S, c, off));
        v.intoArray(c, off);
    }

    private static void scalarBlock(int i0, int i1, int j0, int n, int kk, double alpha,
                                    double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                                    double[] c, int cOff, int ldc, boolean acc) {
        for (int i = i0; i < i1; i++)
            for (int j = j0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < kk; k++) s += a[aOff + i * lda + k] * b[bOff + k * ldb + j];
                int ci = cOff + i * ldc + j;
                c[ci] = (acc ? c[ci] : 0) + alpha * s;
            }
    }

    /**
     * C[i][:] (+)= Σ_k A[i][k]·B[k][:] for few rows and n = nv·L ≤ 4L columns: the whole output row
     * stays in registers while k runs (the shape of a tensor-product path: d_out × mul from d_in).
     */
    static void fewRows(int m, int n, int kk, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                        double[] c, int cOff, int ldc, boolean acc) {
        int nv = n / L;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda, ci = cOff + i * ldc;
            DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int k = 0; k < kk; k++) {
                double av = a[ai + k];
                if (av == 0) continue;
                DoubleVector x = DoubleVector.broadcast(S, av);
                int bk = bOff + k * ldb;
                s0 = x.fma(DoubleVector.fromArray(S, b, bk), s0);
                if (nv > 1) s1 = x.fma(DoubleVector.fromArray(S, b, bk + L), s1);
                if (nv > 2) s2 = x.fma(DoubleVector.fromArray(S, b, bk + 2 * L), s2);
                if (nv > 3) s3 = x.fma(DoubleVector.fromArray(S, b, bk + 3 * L), s3);
            }
            if (acc) s0 = s0.add(DoubleVector.fromArray(S, c, ci));
            s0.intoArray(c, ci);
            if (nv > 1) { if (acc) s1 = s1.add(DoubleVector.fromArray(S, c, ci + L)); s1.intoArray(c, ci + L); }
            if (nv > 2) { if (acc) s2 = s2.add(DoubleVector.fromArray(S, c, ci + 2 * L)); s2.intoArray(c, ci + 2 * L); }
            if (nv > 3) { if (acc) s3 = s3.add(DoubleVector.fromArray(S, c, ci + 3 * L)); s3.intoArray(c, ci + 3 * L); }
        }
    }

    static void gemmTransB(int m, int n, int kk, double alpha,
                           double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                           double[] c, int cOff, int ldc) {
        int kv = kk - kk % L;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int j = 0;
            for (; j + 2 <= n; j += 2) {
                int b0 = bOff + j * ldb, b1 = b0 + ldb;
                DoubleVector s0 = DoubleVector.zero(S), s1 = s0;
                for (int k = 0; k < kv; k += L) {
                    DoubleVector x = DoubleVector.fromArray(S, a, ai + k);
                    s0 = x.fma(DoubleVector.fromArray(S, b, b0 + k), s0);
                    s1 = x.fma(DoubleVector.fromArray(S, b, b1 + k), s1);
                }
                double r0 = s0.reduceLanes(VectorOperators.ADD), r1 = s1.reduceLanes(VectorOperators.ADD);
                for (int k = kv; k < kk; k++) { r0 += a[ai + k] * b[b0 + k]; r1 += a[ai + k] * b[b1 + k]; }
                c[cOff + i * ldc + j] = alpha * r0;
                c[cOff + i * ldc + j + 1] = alpha * r1;
            }
            for (; j < n; j++) {
                int b0 = bOff + j * ldb;
                DoubleVector s0 = DoubleVector.zero(S);
                for (int k = 0; k < kv; k += L) s0 = DoubleVector.fromArray(S, a, ai + k).fma(DoubleVector.fromArray(S, b, b0 + k), s0);
                double r0 = s0.reduceLanes(VectorOperators.ADD);
                for (int k = kv; k < kk; k++) r0 += a[ai + k] * b[b0 + k];
                c[cOff + i * ldc + j] = alpha * r0;
            }
        }
    }

    static void axpy(int n, double alpha, double[] x, int xOff, double[] y, int yOff) {
        DoubleVector al = DoubleVector.broadcast(S, alpha);
        int j = 0;
        for (; j + L <= n; j += L)
            DoubleVector.fromArray(S, x, xOff + j).fma(al, DoubleVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
        for (; j < n; j++) y[yOff + j] += alpha * x[xOff + j];
    }

    static double dot(int n, double[] x, int xOff, double[] y, int yOff) {
        DoubleVector s = DoubleVector.zero(S);
        int j = 0;
        for (; j + L <= n; j += L)
            s = DoubleVector.fromArray(S, x, xOff + j).fma(DoubleVector.fromArray(S, y, yOff + j), s);
        double r = s.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) r += x[xOff + j] * y[yOff + j];
        return r;
    }
}
