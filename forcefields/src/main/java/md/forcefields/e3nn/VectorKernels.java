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

    /**
     * One tensor-product path of one edge, forward: out[c][:] += w ⊙ Σ_a Tt[c][a]·x1[a][:], with
     * mul = nv·L channels (nv ≤ 4) kept in registers.
     */
    static void tpForward(int d1, int d3, int nv, double[] tt, double[] x1, int xOff, double[] w, int wOff,
                          double[] out, int oOff, int ldo) {
        int mul = nv * L;
        DoubleVector w0 = DoubleVector.fromArray(S, w, wOff);
        DoubleVector w1 = nv > 1 ? DoubleVector.fromArray(S, w, wOff + L) : w0;
        DoubleVector w2 = nv > 2 ? DoubleVector.fromArray(S, w, wOff + 2 * L) : w0;
        DoubleVector w3 = nv > 3 ? DoubleVector.fromArray(S, w, wOff + 3 * L) : w0;
        for (int c = 0; c < d3; c++) {
            DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int a = 0; a < d1; a++) {
                double t = tt[c * d1 + a];
                if (t == 0) continue;
                DoubleVector x = DoubleVector.broadcast(S, t);
                int xa = xOff + a * mul;
                s0 = x.fma(DoubleVector.fromArray(S, x1, xa), s0);
                if (nv > 1) s1 = x.fma(DoubleVector.fromArray(S, x1, xa + L), s1);
                if (nv > 2) s2 = x.fma(DoubleVector.fromArray(S, x1, xa + 2 * L), s2);
                if (nv > 3) s3 = x.fma(DoubleVector.fromArray(S, x1, xa + 3 * L), s3);
            }
            int o = oOff + c * ldo;
            s0.fma(w0, DoubleVector.fromArray(S, out, o)).intoArray(out, o);
            if (nv > 1) s1.fma(w1, DoubleVector.fromArray(S, out, o + L)).intoArray(out, o + L);
            if (nv > 2) s2.fma(w2, DoubleVector.fromArray(S, out, o + 2 * L)).intoArray(out, o + 2 * L);
            if (nv > 3) s3.fma(w3, DoubleVector.fromArray(S, out, o + 3 * L)).intoArray(out, o + 3 * L);
        }
    }

    /**
     * One tensor-product path of one edge, backward. With G[a] = Σ_c T[a][c]·dOut[c]:
     * dw += Σ_a x1[a] ⊙ G[a], dx1[a] += w ⊙ G[a], dT[a][c] = s·Σ_u x1[a][u]·w[u]·dOut[c][u].
     */
    static void tpBackward(int d1, int d3, int nv, double[] t, double s, double[] x1, int xOff, double[] w, int wOff,
                           double[] dOut, int oOff, int ldo, double[] dx1, double[] dw, int dwOff, double[] dT, int dtOff) {
        int mul = nv * L;
        DoubleVector w0 = DoubleVector.fromArray(S, w, wOff);
        DoubleVector w1 = nv > 1 ? DoubleVector.fromArray(S, w, wOff + L) : w0;
        DoubleVector w2 = nv > 2 ? DoubleVector.fromArray(S, w, wOff + 2 * L) : w0;
        DoubleVector w3 = nv > 3 ? DoubleVector.fromArray(S, w, wOff + 3 * L) : w0;
        DoubleVector z = DoubleVector.zero(S), dw0 = z, dw1 = z, dw2 = z, dw3 = z;
        for (int a = 0; a < d1; a++) {
            int xa = xOff + a * mul;
            DoubleVector x0 = DoubleVector.fromArray(S, x1, xa);
            DoubleVector x1v = nv > 1 ? DoubleVector.fromArray(S, x1, xa + L) : z;
            DoubleVector x2 = nv > 2 ? DoubleVector.fromArray(S, x1, xa + 2 * L) : z;
            DoubleVector x3 = nv > 3 ? DoubleVector.fromArray(S, x1, xa + 3 * L) : z;
            DoubleVector xw0 = x0.mul(w0), xw1 = x1v.mul(w1), xw2 = x2.mul(w2), xw3 = x3.mul(w3);
            DoubleVector g0 = z, g1 = z, g2 = z, g3 = z;
            for (int c = 0; c < d3; c++) {
                int o = oOff + c * ldo;
                double tac = t[a * d3 + c];
                DoubleVector tb = DoubleVector.broadcast(S, tac);
                DoubleVector o0 = DoubleVector.fromArray(S, dOut, o);
                g0 = tb.fma(o0, g0);
                DoubleVector dot = xw0.mul(o0);
                if (nv > 1) { DoubleVector o1 = DoubleVector.fromArray(S, dOut, o + L); g1 = tb.fma(o1, g1); dot = xw1.fma(o1, dot); }
                if (nv > 2) { DoubleVector o2 = DoubleVector.fromArray(S, dOut, o + 2 * L); g2 = tb.fma(o2, g2); dot = xw2.fma(o2, dot); }
                if (nv > 3) { DoubleVector o3 = DoubleVector.fromArray(S, dOut, o + 3 * L); g3 = tb.fma(o3, g3); dot = xw3.fma(o3, dot); }
                dT[dtOff + a * d3 + c] = s * dot.reduceLanes(VectorOperators.ADD);
            }
            dw0 = x0.fma(g0, dw0);
            w0.fma(g0, DoubleVector.fromArray(S, dx1, xa)).intoArray(dx1, xa);
            if (nv > 1) { dw1 = x1v.fma(g1, dw1); w1.fma(g1, DoubleVector.fromArray(S, dx1, xa + L)).intoArray(dx1, xa + L); }
            if (nv > 2) { dw2 = x2.fma(g2, dw2); w2.fma(g2, DoubleVector.fromArray(S, dx1, xa + 2 * L)).intoArray(dx1, xa + 2 * L); }
            if (nv > 3) { dw3 = x3.fma(g3, dw3); w3.fma(g3, DoubleVector.fromArray(S, dx1, xa + 3 * L)).intoArray(dx1, xa + 3 * L); }
        }
        dw0.add(DoubleVector.fromArray(S, dw, dwOff)).intoArray(dw, dwOff);
        if (nv > 1) dw1.add(DoubleVector.fromArray(S, dw, dwOff + L)).intoArray(dw, dwOff + L);
        if (nv > 2) dw2.add(DoubleVector.fromArray(S, dw, dwOff + 2 * L)).intoArray(dw, dwOff + 2 * L);
        if (nv > 3) dw3.add(DoubleVector.fromArray(S, dw, dwOff + 3 * L)).intoArray(dw, dwOff + 3 * L);
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
}
