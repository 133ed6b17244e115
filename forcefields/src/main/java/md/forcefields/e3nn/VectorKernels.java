package md.forcefields.e3nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API bodies of {@link DenseKernels}; loaded only when the incubator module is present.
 *
 * <p>Rule for every method here: vector values never cross a method boundary and never merge at a
 * conditional. Each method loads, computes and stores its vectors in its own frame, with calls between
 * methods carrying only arrays and offsets; then C2 keeps every vector in a register even when it
 * does not inline a helper, and a step allocates nothing. (A vector passed to a non-inlined helper,
 * or chosen by {@code cond ? v : w}, is boxed on the heap: about 100 bytes per use.) Register blocks
 * of a fixed width get their own method rather than one method with {@code if (nv > k)} branches.
 */
public final class VectorKernels {
    private VectorKernels() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    public static int lanes() { return L; }

    /**
     * Σ of the lanes in lane order. {@code reduceLanes(ADD)} may add them in another order in JIT-compiled code
     * than in the interpreter, so a result would depend on when the JIT compiled the caller: MD runs (and
     * repeated calls of one evaluator) would not be reproducible bit for bit.
     */
    public static double sumLanes(DoubleVector v) {
        double s = 0;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    /**
     * C (+)= α·A·B: 4-row × 4-vector register blocks, then 4 × 1; the last rows in 2-row and 1-row blocks of 4
     * vectors (a single row and a single vector would be one dependent chain of FMAs, several times slower per
     * row: rows split between threads end in such rows); scalar column tail. Every element is the same chain of
     * FMAs over k whatever block computes it, so results do not depend on m or on where a row range starts.
     */
    static void gemm(int m, int n, int kk, double alpha,
                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     double[] c, int cOff, int ldc, boolean acc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int ai = aOff + i * lda, ci = cOff + i * ldc, j = 0;
            for (; j + 4 * L <= n; j += 4 * L) block4x4(kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
            for (; j + L <= n; j += L) block4x1(kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
            if (j < n) scalarBlock(4, n - j, kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
        }
        for (; i + 2 <= m; i += 2) {
            int ai = aOff + i * lda, ci = cOff + i * ldc, j = 0;
            for (; j + 4 * L <= n; j += 4 * L) block2x4(kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
            for (; j + L <= n; j += L) {
                block1x1(kk, alpha, a, ai, b, bOff + j, ldb, c, ci + j, acc);
                block1x1(kk, alpha, a, ai + lda, b, bOff + j, ldb, c, ci + ldc + j, acc);
            }
            if (j < n) scalarBlock(2, n - j, kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
        }
        for (; i < m; i++) {
            int ai = aOff + i * lda, ci = cOff + i * ldc, j = 0;
            for (; j + 4 * L <= n; j += 4 * L) block1x4(kk, alpha, a, ai, b, bOff + j, ldb, c, ci + j, acc);
            for (; j + L <= n; j += L) block1x1(kk, alpha, a, ai, b, bOff + j, ldb, c, ci + j, acc);
            if (j < n) scalarBlock(1, n - j, kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
        }
    }

    /**
     * C = A·B + (a bias row, or with {@code acc} C itself) for exactly 8 rows, row i of C at {@code c[rows[r0 + i] + j]}
     * or, without the table, at {@code c[cOff + i·ldc + j]}: register blocks of 8 rows
     * × 3 vectors (24 sums), then 8 × 1 vector, so each vector of B is loaded once for all 8 rows (the 4-row blocks of
     * {@link #gemm} load it twice; in a wide product with a short k, such as the Gaussians' window times GeomAtt's
     * overlap weights, B streams from the L2 cache and its loads bound the speed). The last n mod L columns
     * in scalar sums of products, as {@link #gemm}'s scalar tail: every element is the same sum over k from zero as in
     * {@link #gemm} (FMAs in the vector columns), then added to the bias or to C (as {@link #gemm} with α = 1 adds it
     * to C), so the results are those of {@link #gemm} bit for bit.
     */
    static void gemm8(int n, int kk, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] bias, boolean acc, double[] c, int cOff, int ldc, int[] rows, int r0) {
        int j = 0;
        for (; j + 3 * L <= n; j += 3 * L) block8x3(kk, a, aOff, lda, b, bOff + j, ldb, bias, acc, j, c, cOff, ldc, rows, r0);
        for (; j + L <= n; j += L) block8x1(kk, a, aOff, lda, b, bOff + j, ldb, bias, acc, j, c, cOff, ldc, rows, r0);
        for (; j < n; j++) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (int k = 0; k < kk; k++) {
                double bk = b[bOff + k * ldb + j];
                s0 += a[aOff + k] * bk;
                s1 += a[aOff + lda + k] * bk;
                s2 += a[aOff + 2 * lda + k] * bk;
                s3 += a[aOff + 3 * lda + k] * bk;
                s4 += a[aOff + 4 * lda + k] * bk;
                s5 += a[aOff + 5 * lda + k] * bk;
                s6 += a[aOff + 6 * lda + k] * bk;
                s7 += a[aOff + 7 * lda + k] * bk;
            }
            int c0 = row(0, cOff, ldc, rows, r0) + j, c1 = row(1, cOff, ldc, rows, r0) + j, c2 = row(2, cOff, ldc, rows, r0) + j, c3 = row(3, cOff, ldc, rows, r0) + j;
            int c4 = row(4, cOff, ldc, rows, r0) + j, c5 = row(5, cOff, ldc, rows, r0) + j, c6 = row(6, cOff, ldc, rows, r0) + j, c7 = row(7, cOff, ldc, rows, r0) + j;
            if (bias != null) {
                double bj = bias[j];
                c[c0] = s0 + bj; c[c1] = s1 + bj; c[c2] = s2 + bj; c[c3] = s3 + bj; c[c4] = s4 + bj; c[c5] = s5 + bj; c[c6] = s6 + bj; c[c7] = s7 + bj;
            } else if (acc) {
                c[c0] = s0 + c[c0]; c[c1] = s1 + c[c1]; c[c2] = s2 + c[c2]; c[c3] = s3 + c[c3]; c[c4] = s4 + c[c4]; c[c5] = s5 + c[c5]; c[c6] = s6 + c[c6]; c[c7] = s7 + c[c7];
            } else {
                c[c0] = s0; c[c1] = s1; c[c2] = s2; c[c3] = s3; c[c4] = s4; c[c5] = s5; c[c6] = s6; c[c7] = s7;
            }
        }
    }

    /**
     * C (+)= A·B for exactly 7 rows (α = 1, no bias): register blocks of 7 rows × 3 vectors (21 sums), then 7 × 1, then
     * scalar columns, so that 21 rows (a 21-atom molecule) are three blocks that load each vector of B once for 7 rows
     * instead of two 8-row blocks and 4-row and 1-row blocks (the 1-row block loads every vector of B for one row).
     * Every element is the chain of FMAs over k from zero, then added to C with {@code acc}: the same values as
     * {@link #gemm8} and {@link #gemm}.
     */
    static void gemm7(int n, int kk, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, boolean acc, double[] c, int cOff, int ldc) {
        int j = 0;
        for (; j + 3 * L <= n; j += 3 * L) block7x3(kk, a, aOff, lda, b, bOff + j, ldb, acc, c, cOff + j, ldc);
        for (; j + L <= n; j += L) block7x1(kk, a, aOff, lda, b, bOff + j, ldb, acc, c, cOff + j, ldc);
        for (; j < n; j++)
            for (int q = 0; q < 7; q++) {
                double t = 0;
                for (int k = 0; k < kk; k++) t += a[aOff + q * lda + k] * b[bOff + k * ldb + j];
                int at = cOff + q * ldc + j;
                c[at] = acc ? t + c[at] : t;
            }
    }

    private static void block7x3(int kk, double[] a, int a0, int lda, double[] b, int bOff, int ldb, boolean acc, double[] c, int c0, int ldc) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00, s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00, s40 = s00, s41 = s00, s42 = s00, s50 = s00, s51 = s00, s52 = s00, s60 = s00, s61 = s00, s62 = s00;
        for (int k = 0; k < kk; k++) {
            int bk = bOff + k * ldb;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk + 0 * L);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bk + 1 * L);
            DoubleVector b2 = DoubleVector.fromArray(S, b, bk + 2 * L);
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + 0 * lda + k]);
            s00 = x0.fma(b0, s00); s01 = x0.fma(b1, s01); s02 = x0.fma(b2, s02);
            DoubleVector x1 = DoubleVector.broadcast(S, a[a0 + 1 * lda + k]);
            s10 = x1.fma(b0, s10); s11 = x1.fma(b1, s11); s12 = x1.fma(b2, s12);
            DoubleVector x2 = DoubleVector.broadcast(S, a[a0 + 2 * lda + k]);
            s20 = x2.fma(b0, s20); s21 = x2.fma(b1, s21); s22 = x2.fma(b2, s22);
            DoubleVector x3 = DoubleVector.broadcast(S, a[a0 + 3 * lda + k]);
            s30 = x3.fma(b0, s30); s31 = x3.fma(b1, s31); s32 = x3.fma(b2, s32);
            DoubleVector x4 = DoubleVector.broadcast(S, a[a0 + 4 * lda + k]);
            s40 = x4.fma(b0, s40); s41 = x4.fma(b1, s41); s42 = x4.fma(b2, s42);
            DoubleVector x5 = DoubleVector.broadcast(S, a[a0 + 5 * lda + k]);
            s50 = x5.fma(b0, s50); s51 = x5.fma(b1, s51); s52 = x5.fma(b2, s52);
            DoubleVector x6 = DoubleVector.broadcast(S, a[a0 + 6 * lda + k]);
            s60 = x6.fma(b0, s60); s61 = x6.fma(b1, s61); s62 = x6.fma(b2, s62);
        }
        { int at = c0 + 0 * ldc + 0 * L; (acc ? s00.add(DoubleVector.fromArray(S, c, at)) : s00).intoArray(c, at); }
        { int at = c0 + 0 * ldc + 1 * L; (acc ? s01.add(DoubleVector.fromArray(S, c, at)) : s01).intoArray(c, at); }
        { int at = c0 + 0 * ldc + 2 * L; (acc ? s02.add(DoubleVector.fromArray(S, c, at)) : s02).intoArray(c, at); }
        { int at = c0 + 1 * ldc + 0 * L; (acc ? s10.add(DoubleVector.fromArray(S, c, at)) : s10).intoArray(c, at); }
        { int at = c0 + 1 * ldc + 1 * L; (acc ? s11.add(DoubleVector.fromArray(S, c, at)) : s11).intoArray(c, at); }
        { int at = c0 + 1 * ldc + 2 * L; (acc ? s12.add(DoubleVector.fromArray(S, c, at)) : s12).intoArray(c, at); }
        { int at = c0 + 2 * ldc + 0 * L; (acc ? s20.add(DoubleVector.fromArray(S, c, at)) : s20).intoArray(c, at); }
        { int at = c0 + 2 * ldc + 1 * L; (acc ? s21.add(DoubleVector.fromArray(S, c, at)) : s21).intoArray(c, at); }
        { int at = c0 + 2 * ldc + 2 * L; (acc ? s22.add(DoubleVector.fromArray(S, c, at)) : s22).intoArray(c, at); }
        { int at = c0 + 3 * ldc + 0 * L; (acc ? s30.add(DoubleVector.fromArray(S, c, at)) : s30).intoArray(c, at); }
        { int at = c0 + 3 * ldc + 1 * L; (acc ? s31.add(DoubleVector.fromArray(S, c, at)) : s31).intoArray(c, at); }
        { int at = c0 + 3 * ldc + 2 * L; (acc ? s32.add(DoubleVector.fromArray(S, c, at)) : s32).intoArray(c, at); }
        { int at = c0 + 4 * ldc + 0 * L; (acc ? s40.add(DoubleVector.fromArray(S, c, at)) : s40).intoArray(c, at); }
        { int at = c0 + 4 * ldc + 1 * L; (acc ? s41.add(DoubleVector.fromArray(S, c, at)) : s41).intoArray(c, at); }
        { int at = c0 + 4 * ldc + 2 * L; (acc ? s42.add(DoubleVector.fromArray(S, c, at)) : s42).intoArray(c, at); }
        { int at = c0 + 5 * ldc + 0 * L; (acc ? s50.add(DoubleVector.fromArray(S, c, at)) : s50).intoArray(c, at); }
        { int at = c0 + 5 * ldc + 1 * L; (acc ? s51.add(DoubleVector.fromArray(S, c, at)) : s51).intoArray(c, at); }
        { int at = c0 + 5 * ldc + 2 * L; (acc ? s52.add(DoubleVector.fromArray(S, c, at)) : s52).intoArray(c, at); }
        { int at = c0 + 6 * ldc + 0 * L; (acc ? s60.add(DoubleVector.fromArray(S, c, at)) : s60).intoArray(c, at); }
        { int at = c0 + 6 * ldc + 1 * L; (acc ? s61.add(DoubleVector.fromArray(S, c, at)) : s61).intoArray(c, at); }
        { int at = c0 + 6 * ldc + 2 * L; (acc ? s62.add(DoubleVector.fromArray(S, c, at)) : s62).intoArray(c, at); }
    }

    private static void block7x1(int kk, double[] a, int a0, int lda, double[] b, int bOff, int ldb, boolean acc, double[] c, int c0, int ldc) {
        DoubleVector s00 = DoubleVector.zero(S), s10 = s00, s20 = s00, s30 = s00, s40 = s00, s50 = s00, s60 = s00;
        for (int k = 0; k < kk; k++) {
            int bk = bOff + k * ldb;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk + 0 * L);
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + 0 * lda + k]);
            s00 = x0.fma(b0, s00);
            DoubleVector x1 = DoubleVector.broadcast(S, a[a0 + 1 * lda + k]);
            s10 = x1.fma(b0, s10);
            DoubleVector x2 = DoubleVector.broadcast(S, a[a0 + 2 * lda + k]);
            s20 = x2.fma(b0, s20);
            DoubleVector x3 = DoubleVector.broadcast(S, a[a0 + 3 * lda + k]);
            s30 = x3.fma(b0, s30);
            DoubleVector x4 = DoubleVector.broadcast(S, a[a0 + 4 * lda + k]);
            s40 = x4.fma(b0, s40);
            DoubleVector x5 = DoubleVector.broadcast(S, a[a0 + 5 * lda + k]);
            s50 = x5.fma(b0, s50);
            DoubleVector x6 = DoubleVector.broadcast(S, a[a0 + 6 * lda + k]);
            s60 = x6.fma(b0, s60);
        }
        { int at = c0 + 0 * ldc + 0 * L; (acc ? s00.add(DoubleVector.fromArray(S, c, at)) : s00).intoArray(c, at); }
        { int at = c0 + 1 * ldc + 0 * L; (acc ? s10.add(DoubleVector.fromArray(S, c, at)) : s10).intoArray(c, at); }
        { int at = c0 + 2 * ldc + 0 * L; (acc ? s20.add(DoubleVector.fromArray(S, c, at)) : s20).intoArray(c, at); }
        { int at = c0 + 3 * ldc + 0 * L; (acc ? s30.add(DoubleVector.fromArray(S, c, at)) : s30).intoArray(c, at); }
        { int at = c0 + 4 * ldc + 0 * L; (acc ? s40.add(DoubleVector.fromArray(S, c, at)) : s40).intoArray(c, at); }
        { int at = c0 + 5 * ldc + 0 * L; (acc ? s50.add(DoubleVector.fromArray(S, c, at)) : s50).intoArray(c, at); }
        { int at = c0 + 6 * ldc + 0 * L; (acc ? s60.add(DoubleVector.fromArray(S, c, at)) : s60).intoArray(c, at); }
    }

    private static void block8x3(int kk, double[] a, int a0, int lda, double[] b, int bOff, int ldb, double[] bias, boolean acc, int j, double[] c, int cOff, int ldc, int[] rows, int r0) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00, s20 = s00, s21 = s00, s22 = s00;
        DoubleVector s30 = s00, s31 = s00, s32 = s00, s40 = s00, s41 = s00, s42 = s00, s50 = s00, s51 = s00, s52 = s00;
        DoubleVector s60 = s00, s61 = s00, s62 = s00, s70 = s00, s71 = s00, s72 = s00;
        for (int k = 0; k < kk; k++) {
            int bk = bOff + k * ldb;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk), b1 = DoubleVector.fromArray(S, b, bk + L), b2 = DoubleVector.fromArray(S, b, bk + 2 * L);
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + k]);
            s00 = x.fma(b0, s00); s01 = x.fma(b1, s01); s02 = x.fma(b2, s02);
            x = DoubleVector.broadcast(S, a[a0 + lda + k]);
            s10 = x.fma(b0, s10); s11 = x.fma(b1, s11); s12 = x.fma(b2, s12);
            x = DoubleVector.broadcast(S, a[a0 + 2 * lda + k]);
            s20 = x.fma(b0, s20); s21 = x.fma(b1, s21); s22 = x.fma(b2, s22);
            x = DoubleVector.broadcast(S, a[a0 + 3 * lda + k]);
            s30 = x.fma(b0, s30); s31 = x.fma(b1, s31); s32 = x.fma(b2, s32);
            x = DoubleVector.broadcast(S, a[a0 + 4 * lda + k]);
            s40 = x.fma(b0, s40); s41 = x.fma(b1, s41); s42 = x.fma(b2, s42);
            x = DoubleVector.broadcast(S, a[a0 + 5 * lda + k]);
            s50 = x.fma(b0, s50); s51 = x.fma(b1, s51); s52 = x.fma(b2, s52);
            x = DoubleVector.broadcast(S, a[a0 + 6 * lda + k]);
            s60 = x.fma(b0, s60); s61 = x.fma(b1, s61); s62 = x.fma(b2, s62);
            x = DoubleVector.broadcast(S, a[a0 + 7 * lda + k]);
            s70 = x.fma(b0, s70); s71 = x.fma(b1, s71); s72 = x.fma(b2, s72);
        }
        int c0 = row(0, cOff, ldc, rows, r0) + j, c1 = row(1, cOff, ldc, rows, r0) + j, c2 = row(2, cOff, ldc, rows, r0) + j, c3 = row(3, cOff, ldc, rows, r0) + j;
        int c4 = row(4, cOff, ldc, rows, r0) + j, c5 = row(5, cOff, ldc, rows, r0) + j, c6 = row(6, cOff, ldc, rows, r0) + j, c7 = row(7, cOff, ldc, rows, r0) + j;
        if (bias != null) {
            DoubleVector b0 = DoubleVector.fromArray(S, bias, j), b1 = DoubleVector.fromArray(S, bias, j + L), b2 = DoubleVector.fromArray(S, bias, j + 2 * L);
            s00 = s00.add(b0); s01 = s01.add(b1); s02 = s02.add(b2); s10 = s10.add(b0); s11 = s11.add(b1); s12 = s12.add(b2);
            s20 = s20.add(b0); s21 = s21.add(b1); s22 = s22.add(b2); s30 = s30.add(b0); s31 = s31.add(b1); s32 = s32.add(b2);
            s40 = s40.add(b0); s41 = s41.add(b1); s42 = s42.add(b2); s50 = s50.add(b0); s51 = s51.add(b1); s52 = s52.add(b2);
            s60 = s60.add(b0); s61 = s61.add(b1); s62 = s62.add(b2); s70 = s70.add(b0); s71 = s71.add(b1); s72 = s72.add(b2);
        } else if (acc) {
            s00 = s00.add(DoubleVector.fromArray(S, c, c0)); s01 = s01.add(DoubleVector.fromArray(S, c, c0 + L)); s02 = s02.add(DoubleVector.fromArray(S, c, c0 + 2 * L));
            s10 = s10.add(DoubleVector.fromArray(S, c, c1)); s11 = s11.add(DoubleVector.fromArray(S, c, c1 + L)); s12 = s12.add(DoubleVector.fromArray(S, c, c1 + 2 * L));
            s20 = s20.add(DoubleVector.fromArray(S, c, c2)); s21 = s21.add(DoubleVector.fromArray(S, c, c2 + L)); s22 = s22.add(DoubleVector.fromArray(S, c, c2 + 2 * L));
            s30 = s30.add(DoubleVector.fromArray(S, c, c3)); s31 = s31.add(DoubleVector.fromArray(S, c, c3 + L)); s32 = s32.add(DoubleVector.fromArray(S, c, c3 + 2 * L));
            s40 = s40.add(DoubleVector.fromArray(S, c, c4)); s41 = s41.add(DoubleVector.fromArray(S, c, c4 + L)); s42 = s42.add(DoubleVector.fromArray(S, c, c4 + 2 * L));
            s50 = s50.add(DoubleVector.fromArray(S, c, c5)); s51 = s51.add(DoubleVector.fromArray(S, c, c5 + L)); s52 = s52.add(DoubleVector.fromArray(S, c, c5 + 2 * L));
            s60 = s60.add(DoubleVector.fromArray(S, c, c6)); s61 = s61.add(DoubleVector.fromArray(S, c, c6 + L)); s62 = s62.add(DoubleVector.fromArray(S, c, c6 + 2 * L));
            s70 = s70.add(DoubleVector.fromArray(S, c, c7)); s71 = s71.add(DoubleVector.fromArray(S, c, c7 + L)); s72 = s72.add(DoubleVector.fromArray(S, c, c7 + 2 * L));
        }
        s00.intoArray(c, c0); s01.intoArray(c, c0 + L); s02.intoArray(c, c0 + 2 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L);
        s40.intoArray(c, c4); s41.intoArray(c, c4 + L); s42.intoArray(c, c4 + 2 * L);
        s50.intoArray(c, c5); s51.intoArray(c, c5 + L); s52.intoArray(c, c5 + 2 * L);
        s60.intoArray(c, c6); s61.intoArray(c, c6 + L); s62.intoArray(c, c6 + 2 * L);
        s70.intoArray(c, c7); s71.intoArray(c, c7 + L); s72.intoArray(c, c7 + 2 * L);
    }

    /** The offset of row i of a block of 8 output rows: from the table {@code rows} (from r0) or, without one, cOff + i·ldc. */
    private static int row(int i, int cOff, int ldc, int[] rows, int r0) { return rows == null ? cOff + i * ldc : rows[r0 + i]; }

    private static void block8x1(int kk, double[] a, int a0, int lda, double[] b, int bOff, int ldb, double[] bias, boolean acc, int j, double[] c, int cOff, int ldc, int[] rows, int r0) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int k = 0; k < kk; k++) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bOff + k * ldb);
            s0 = DoubleVector.broadcast(S, a[a0 + k]).fma(b0, s0);
            s1 = DoubleVector.broadcast(S, a[a0 + lda + k]).fma(b0, s1);
            s2 = DoubleVector.broadcast(S, a[a0 + 2 * lda + k]).fma(b0, s2);
            s3 = DoubleVector.broadcast(S, a[a0 + 3 * lda + k]).fma(b0, s3);
            s4 = DoubleVector.broadcast(S, a[a0 + 4 * lda + k]).fma(b0, s4);
            s5 = DoubleVector.broadcast(S, a[a0 + 5 * lda + k]).fma(b0, s5);
            s6 = DoubleVector.broadcast(S, a[a0 + 6 * lda + k]).fma(b0, s6);
            s7 = DoubleVector.broadcast(S, a[a0 + 7 * lda + k]).fma(b0, s7);
        }
        int c0 = row(0, cOff, ldc, rows, r0) + j, c1 = row(1, cOff, ldc, rows, r0) + j, c2 = row(2, cOff, ldc, rows, r0) + j, c3 = row(3, cOff, ldc, rows, r0) + j;
        int c4 = row(4, cOff, ldc, rows, r0) + j, c5 = row(5, cOff, ldc, rows, r0) + j, c6 = row(6, cOff, ldc, rows, r0) + j, c7 = row(7, cOff, ldc, rows, r0) + j;
        if (bias != null) {
            DoubleVector bv = DoubleVector.fromArray(S, bias, j);
            s0 = s0.add(bv); s1 = s1.add(bv); s2 = s2.add(bv); s3 = s3.add(bv); s4 = s4.add(bv); s5 = s5.add(bv); s6 = s6.add(bv); s7 = s7.add(bv);
        } else if (acc) {
            s0 = s0.add(DoubleVector.fromArray(S, c, c0)); s1 = s1.add(DoubleVector.fromArray(S, c, c1)); s2 = s2.add(DoubleVector.fromArray(S, c, c2)); s3 = s3.add(DoubleVector.fromArray(S, c, c3));
            s4 = s4.add(DoubleVector.fromArray(S, c, c4)); s5 = s5.add(DoubleVector.fromArray(S, c, c5)); s6 = s6.add(DoubleVector.fromArray(S, c, c6)); s7 = s7.add(DoubleVector.fromArray(S, c, c7));
        }
        s0.intoArray(c, c0); s1.intoArray(c, c1); s2.intoArray(c, c2); s3.intoArray(c, c3);
        s4.intoArray(c, c4); s5.intoArray(c, c5); s6.intoArray(c, c6); s7.intoArray(c, c7);
    }

    private static void block2x4(int kk, double alpha, double[] a, int a0, int lda, double[] b, int bOff, int ldb,
                                 double[] c, int c0, int ldc, boolean acc) {
        int a1 = a0 + lda;
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int k = 0; k < kk; k++) {
            int bk = bOff + k * ldb;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk), b1 = DoubleVector.fromArray(S, b, bk + L);
            DoubleVector b2 = DoubleVector.fromArray(S, b, bk + 2 * L), b3 = DoubleVector.fromArray(S, b, bk + 3 * L);
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + k]);
            s00 = x.fma(b0, s00); s01 = x.fma(b1, s01); s02 = x.fma(b2, s02); s03 = x.fma(b3, s03);
            x = DoubleVector.broadcast(S, a[a1 + k]);
            s10 = x.fma(b0, s10); s11 = x.fma(b1, s11); s12 = x.fma(b2, s12); s13 = x.fma(b3, s13);
        }
        int c1 = c0 + ldc;
        if (acc) {
            s00.mul(alpha).add(DoubleVector.fromArray(S, c, c0)).intoArray(c, c0);
            s01.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            s02.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            s03.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
            s10.mul(alpha).add(DoubleVector.fromArray(S, c, c1)).intoArray(c, c1);
            s11.mul(alpha).add(DoubleVector.fromArray(S, c, c1 + L)).intoArray(c, c1 + L);
            s12.mul(alpha).add(DoubleVector.fromArray(S, c, c1 + 2 * L)).intoArray(c, c1 + 2 * L);
            s13.mul(alpha).add(DoubleVector.fromArray(S, c, c1 + 3 * L)).intoArray(c, c1 + 3 * L);
        } else {
            s00.mul(alpha).intoArray(c, c0); s01.mul(alpha).intoArray(c, c0 + L);
            s02.mul(alpha).intoArray(c, c0 + 2 * L); s03.mul(alpha).intoArray(c, c0 + 3 * L);
            s10.mul(alpha).intoArray(c, c1); s11.mul(alpha).intoArray(c, c1 + L);
            s12.mul(alpha).intoArray(c, c1 + 2 * L); s13.mul(alpha).intoArray(c, c1 + 3 * L);
        }
    }

    private static void block1x4(int kk, double alpha, double[] a, int a0, double[] b, int bOff, int ldb,
                                 double[] c, int c0, boolean acc) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int k = 0; k < kk; k++) {
            int bk = bOff + k * ldb;
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + k]);
            s0 = x.fma(DoubleVector.fromArray(S, b, bk), s0);
            s1 = x.fma(DoubleVector.fromArray(S, b, bk + L), s1);
            s2 = x.fma(DoubleVector.fromArray(S, b, bk + 2 * L), s2);
            s3 = x.fma(DoubleVector.fromArray(S, b, bk + 3 * L), s3);
        }
        if (acc) {
            s0.mul(alpha).add(DoubleVector.fromArray(S, c, c0)).intoArray(c, c0);
            s1.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            s2.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            s3.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
        } else {
            s0.mul(alpha).intoArray(c, c0); s1.mul(alpha).intoArray(c, c0 + L);
            s2.mul(alpha).intoArray(c, c0 + 2 * L); s3.mul(alpha).intoArray(c, c0 + 3 * L);
        }
    }

    private static void block4x4(int kk, double alpha, double[] a, int a0, int lda, double[] b, int bOff, int ldb,
                                 double[] c, int c0, int ldc, boolean acc) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        DoubleVector s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int k = 0; k < kk; k++) {
            int bk = bOff + k * ldb;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk), b1 = DoubleVector.fromArray(S, b, bk + L);
            DoubleVector b2 = DoubleVector.fromArray(S, b, bk + 2 * L), b3 = DoubleVector.fromArray(S, b, bk + 3 * L);
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + k]);
            s00 = x.fma(b0, s00); s01 = x.fma(b1, s01); s02 = x.fma(b2, s02); s03 = x.fma(b3, s03);
            x = DoubleVector.broadcast(S, a[a1 + k]);
            s10 = x.fma(b0, s10); s11 = x.fma(b1, s11); s12 = x.fma(b2, s12); s13 = x.fma(b3, s13);
            x = DoubleVector.broadcast(S, a[a2 + k]);
            s20 = x.fma(b0, s20); s21 = x.fma(b1, s21); s22 = x.fma(b2, s22); s23 = x.fma(b3, s23);
            x = DoubleVector.broadcast(S, a[a3 + k]);
            s30 = x.fma(b0, s30); s31 = x.fma(b1, s31); s32 = x.fma(b2, s32); s33 = x.fma(b3, s33);
        }
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        if (acc) {
            s00.mul(alpha).add(DoubleVector.fromArray(S, c, c0)).intoArray(c, c0);
            s01.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + L)).intoArray(c, c0 + L);
            s02.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + 2 * L)).intoArray(c, c0 + 2 * L);
            s03.mul(alpha).add(DoubleVector.fromArray(S, c, c0 + 3 * L)).intoArray(c, c0 + 3 * L);
            s10.mul(alpha).add(DoubleVector.fromArray(S, c, c1)).intoArray(c, c1);
            s11.mul(alpha).add(DoubleVector.fromArray(S, c, c1 + L)).intoArray(c, c1 + L);
            s12.mul(alpha).add(DoubleVector.fromArray(S, c, c1 + 2 * L)).intoArray(c, c1 + 2 * L);
            s13.mul(alpha).add(DoubleVector.fromArray(S, c, c1 + 3 * L)).intoArray(c, c1 + 3 * L);
            s20.mul(alpha).add(DoubleVector.fromArray(S, c, c2)).intoArray(c, c2);
            s21.mul(alpha).add(DoubleVector.fromArray(S, c, c2 + L)).intoArray(c, c2 + L);
            s22.mul(alpha).add(DoubleVector.fromArray(S, c, c2 + 2 * L)).intoArray(c, c2 + 2 * L);
            s23.mul(alpha).add(DoubleVector.fromArray(S, c, c2 + 3 * L)).intoArray(c, c2 + 3 * L);
            s30.mul(alpha).add(DoubleVector.fromArray(S, c, c3)).intoArray(c, c3);
            s31.mul(alpha).add(DoubleVector.fromArray(S, c, c3 + L)).intoArray(c, c3 + L);
            s32.mul(alpha).add(DoubleVector.fromArray(S, c, c3 + 2 * L)).intoArray(c, c3 + 2 * L);
            s33.mul(alpha).add(DoubleVector.fromArray(S, c, c3 + 3 * L)).intoArray(c, c3 + 3 * L);
        } else {
            s00.mul(alpha).intoArray(c, c0); s01.mul(alpha).intoArray(c, c0 + L);
            s02.mul(alpha).intoArray(c, c0 + 2 * L); s03.mul(alpha).intoArray(c, c0 + 3 * L);
            s10.mul(alpha).intoArray(c, c1); s11.mul(alpha).intoArray(c, c1 + L);
            s12.mul(alpha).intoArray(c, c1 + 2 * L); s13.mul(alpha).intoArray(c, c1 + 3 * L);
            s20.mul(alpha).intoArray(c, c2); s21.mul(alpha).intoArray(c, c2 + L);
            s22.mul(alpha).intoArray(c, c2 + 2 * L); s23.mul(alpha).intoArray(c, c2 + 3 * L);
            s30.mul(alpha).intoArray(c, c3); s31.mul(alpha).intoArray(c, c3 + L);
            s32.mul(alpha).intoArray(c, c3 + 2 * L); s33.mul(alpha).intoArray(c, c3 + 3 * L);
        }
    }

    private static void block4x1(int kk, double alpha, double[] a, int a0, int lda, double[] b, int bOff, int ldb,
                                 double[] c, int c0, int ldc, boolean acc) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int k = 0; k < kk; k++) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bOff + k * ldb);
            s0 = DoubleVector.broadcast(S, a[a0 + k]).fma(b0, s0);
            s1 = DoubleVector.broadcast(S, a[a1 + k]).fma(b0, s1);
            s2 = DoubleVector.broadcast(S, a[a2 + k]).fma(b0, s2);
            s3 = DoubleVector.broadcast(S, a[a3 + k]).fma(b0, s3);
        }
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        if (acc) {
            s0.mul(alpha).add(DoubleVector.fromArray(S, c, c0)).intoArray(c, c0);
            s1.mul(alpha).add(DoubleVector.fromArray(S, c, c1)).intoArray(c, c1);
            s2.mul(alpha).add(DoubleVector.fromArray(S, c, c2)).intoArray(c, c2);
            s3.mul(alpha).add(DoubleVector.fromArray(S, c, c3)).intoArray(c, c3);
        } else {
            s0.mul(alpha).intoArray(c, c0); s1.mul(alpha).intoArray(c, c1);
            s2.mul(alpha).intoArray(c, c2); s3.mul(alpha).intoArray(c, c3);
        }
    }

    private static void block1x1(int kk, double alpha, double[] a, int a0, double[] b, int bOff, int ldb,
                                 double[] c, int c0, boolean acc) {
        DoubleVector s0 = DoubleVector.zero(S);
        for (int k = 0; k < kk; k++)
            s0 = DoubleVector.broadcast(S, a[a0 + k]).fma(DoubleVector.fromArray(S, b, bOff + k * ldb), s0);
        if (acc) s0.mul(alpha).add(DoubleVector.fromArray(S, c, c0)).intoArray(c, c0);
        else s0.mul(alpha).intoArray(c, c0);
    }

    /**
     * C (+)= α·Aᵀ·B with A stored (kk × m) row-major at stride lda: element (i, k) of Aᵀ is a[aOff + k·lda + i], so a
     * product with a transposed operand needs no transposed copy. 4-row × 4-vector register blocks (the four A values
     * of a k are adjacent), then 4 × 1, single rows by vectors, scalar column tail; every element is the chain of FMAs
     * over k from zero times α (then added to C), as {@link #gemm} computes it on a transposed copy of A.
     */
    static void gemmTransA(int m, int n, int kk, double alpha, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                           double[] c, int cOff, int ldc, boolean acc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int ai = aOff + i, ci = cOff + i * ldc, j = 0;
            for (; j + 4 * L <= n; j += 4 * L) block4x4T(kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
            for (; j + L <= n; j += L) block4x1T(kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
            if (j < n) scalarBlockT(4, n - j, kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
        }
        for (; i < m; i++) {
            int ai = aOff + i, ci = cOff + i * ldc, j = 0;
            for (; j + L <= n; j += L) block1x1T(kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, acc);
            if (j < n) scalarBlockT(1, n - j, kk, alpha, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc, acc);
        }
    }

    private static void block4x4T(int kk, double alpha, double[] a, int a0, int lda, double[] b, int bOff, int ldb,
                                  double[] c, int c0, int ldc, boolean acc) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        DoubleVector s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int k = 0; k < kk; k++) {
            int bk = bOff + k * ldb, ak = a0 + k * lda;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bk), b1 = DoubleVector.fromArray(S, b, bk + L);
            DoubleVector b2 = DoubleVector.fromArray(S, b, bk + 2 * L), b3 = DoubleVector.fromArray(S, b, bk + 3 * L);
            DoubleVector x = DoubleVector.broadcast(S, a[ak]);
            s00 = x.fma(b0, s00); s01 = x.fma(b1, s01); s02 = x.fma(b2, s02); s03 = x.fma(b3, s03);
            x = DoubleVector.broadcast(S, a[ak + 1]);
            s10 = x.fma(b0, s10); s11 = x.fma(b1, s11); s12 = x.fma(b2, s12); s13 = x.fma(b3, s13);
            x = DoubleVector.broadcast(S, a[ak + 2]);
            s20 = x.fma(b0, s20); s21 = x.fma(b1, s21); s22 = x.fma(b2, s22); s23 = x.fma(b3, s23);
            x = DoubleVector.broadcast(S, a[ak + 3]);
            s30 = x.fma(b0, s30); s31 = x.fma(b1, s31); s32 = x.fma(b2, s32); s33 = x.fma(b3, s33);
        }
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        store(s00, alpha, c, c0, acc); store(s01, alpha, c, c0 + L, acc); store(s02, alpha, c, c0 + 2 * L, acc); store(s03, alpha, c, c0 + 3 * L, acc);
        store(s10, alpha, c, c1, acc); store(s11, alpha, c, c1 + L, acc); store(s12, alpha, c, c1 + 2 * L, acc); store(s13, alpha, c, c1 + 3 * L, acc);
        store(s20, alpha, c, c2, acc); store(s21, alpha, c, c2 + L, acc); store(s22, alpha, c, c2 + 2 * L, acc); store(s23, alpha, c, c2 + 3 * L, acc);
        store(s30, alpha, c, c3, acc); store(s31, alpha, c, c3 + L, acc); store(s32, alpha, c, c3 + 2 * L, acc); store(s33, alpha, c, c3 + 3 * L, acc);
    }

    private static void block4x1T(int kk, double alpha, double[] a, int a0, int lda, double[] b, int bOff, int ldb,
                                  double[] c, int c0, int ldc, boolean acc) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int k = 0; k < kk; k++) {
            int ak = a0 + k * lda;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bOff + k * ldb);
            s0 = DoubleVector.broadcast(S, a[ak]).fma(b0, s0);
            s1 = DoubleVector.broadcast(S, a[ak + 1]).fma(b0, s1);
            s2 = DoubleVector.broadcast(S, a[ak + 2]).fma(b0, s2);
            s3 = DoubleVector.broadcast(S, a[ak + 3]).fma(b0, s3);
        }
        store(s0, alpha, c, c0, acc); store(s1, alpha, c, c0 + ldc, acc); store(s2, alpha, c, c0 + 2 * ldc, acc); store(s3, alpha, c, c0 + 3 * ldc, acc);
    }

    private static void block1x1T(int kk, double alpha, double[] a, int a0, int lda, double[] b, int bOff, int ldb,
                                  double[] c, int c0, boolean acc) {
        DoubleVector s0 = DoubleVector.zero(S);
        for (int k = 0; k < kk; k++) s0 = DoubleVector.broadcast(S, a[a0 + k * lda]).fma(DoubleVector.fromArray(S, b, bOff + k * ldb), s0);
        store(s0, alpha, c, c0, acc);
    }

    /** α·s (+ C) into C at c0, as the blocks of {@link #gemm} store their sums. */
    private static void store(DoubleVector s, double alpha, double[] c, int c0, boolean acc) {
        if (acc) s.mul(alpha).add(DoubleVector.fromArray(S, c, c0)).intoArray(c, c0);
        else s.mul(alpha).intoArray(c, c0);
    }

    private static void scalarBlockT(int rows, int cols, int kk, double alpha, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                                     double[] c, int cOff, int ldc, boolean acc) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < kk; k++) s += a[aOff + k * lda + i] * b[bOff + k * ldb + j];
                int ci = cOff + i * ldc + j;
                c[ci] = (acc ? c[ci] : 0) + alpha * s;
            }
    }

    private static void scalarBlock(int rows, int cols, int kk, double alpha,
                                    double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                                    double[] c, int cOff, int ldc, boolean acc) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int k = 0; k < kk; k++) s += a[aOff + i * lda + k] * b[bOff + k * ldb + j];
                int ci = cOff + i * ldc + j;
                c[ci] = (acc ? c[ci] : 0) + alpha * s;
            }
    }

    /**
     * C[i][:] (+)= Σ_k A[i][k]·B[k][:] for few rows and n a multiple of L: the output row stays in
     * registers while k runs (the shape of a tensor-product path: d_out × mul from d_in). Zero
     * entries of A are skipped.
     */
    static void fewRows(int m, int n, int kk, double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                        double[] c, int cOff, int ldc, boolean acc) {
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda, ci = cOff + i * ldc, j = 0;
            for (; j + 4 * L <= n; j += 4 * L) row4(kk, a, ai, b, bOff + j, ldb, c, ci + j, acc);
            for (; j < n; j += L) row1(kk, a, ai, b, bOff + j, ldb, c, ci + j, acc);
        }
    }

    private static void row4(int kk, double[] a, int ai, double[] b, int bOff, int ldb, double[] c, int ci, boolean acc) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int k = 0; k < kk; k++) {
            double av = a[ai + k];
            if (av == 0) continue;
            DoubleVector x = DoubleVector.broadcast(S, av);
            int bk = bOff + k * ldb;
            s0 = x.fma(DoubleVector.fromArray(S, b, bk), s0);
            s1 = x.fma(DoubleVector.fromArray(S, b, bk + L), s1);
            s2 = x.fma(DoubleVector.fromArray(S, b, bk + 2 * L), s2);
            s3 = x.fma(DoubleVector.fromArray(S, b, bk + 3 * L), s3);
        }
        if (acc) {
            s0.add(DoubleVector.fromArray(S, c, ci)).intoArray(c, ci);
            s1.add(DoubleVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
            s2.add(DoubleVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
            s3.add(DoubleVector.fromArray(S, c, ci + 3 * L)).intoArray(c, ci + 3 * L);
        } else {
            s0.intoArray(c, ci); s1.intoArray(c, ci + L); s2.intoArray(c, ci + 2 * L); s3.intoArray(c, ci + 3 * L);
        }
    }

    private static void row1(int kk, double[] a, int ai, double[] b, int bOff, int ldb, double[] c, int ci, boolean acc) {
        DoubleVector s0 = DoubleVector.zero(S);
        for (int k = 0; k < kk; k++) {
            double av = a[ai + k];
            if (av == 0) continue;
            s0 = DoubleVector.broadcast(S, av).fma(DoubleVector.fromArray(S, b, bOff + k * ldb), s0);
        }
        if (acc) s0 = s0.add(DoubleVector.fromArray(S, c, ci));
        s0.intoArray(c, ci);
    }

    /**
     * One tensor-product path of one edge, forward: out[c][:] += w ⊙ Σ_a Tt[c][a]·x1[a][:], for mul a
     * multiple of L; 4·L channels at a time in registers.
     */
    static void tpForward(int d1, int d3, int mul, double[] tt, double[] x1, int xOff, double[] w, int wOff,
                          double[] out, int oOff, int ldo) {
        int j = 0;
        for (; j + 4 * L <= mul; j += 4 * L) tpForward4(d1, d3, mul, tt, x1, xOff + j, w, wOff + j, out, oOff + j, ldo);
        for (; j < mul; j += L) tpForward1(d1, d3, mul, tt, x1, xOff + j, w, wOff + j, out, oOff + j, ldo);
    }

    private static void tpForward4(int d1, int d3, int mul, double[] tt, double[] x1, int xOff, double[] w, int wOff,
                                   double[] out, int oOff, int ldo) {
        DoubleVector w0 = DoubleVector.fromArray(S, w, wOff), w1 = DoubleVector.fromArray(S, w, wOff + L);
        DoubleVector w2 = DoubleVector.fromArray(S, w, wOff + 2 * L), w3 = DoubleVector.fromArray(S, w, wOff + 3 * L);
        for (int c = 0; c < d3; c++) {
            DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int a = 0; a < d1; a++) {
                double t = tt[c * d1 + a];
                if (t == 0) continue;
                DoubleVector x = DoubleVector.broadcast(S, t);
                int xa = xOff + a * mul;
                s0 = x.fma(DoubleVector.fromArray(S, x1, xa), s0);
                s1 = x.fma(DoubleVector.fromArray(S, x1, xa + L), s1);
                s2 = x.fma(DoubleVector.fromArray(S, x1, xa + 2 * L), s2);
                s3 = x.fma(DoubleVector.fromArray(S, x1, xa + 3 * L), s3);
            }
            int o = oOff + c * ldo;
            s0.fma(w0, DoubleVector.fromArray(S, out, o)).intoArray(out, o);
            s1.fma(w1, DoubleVector.fromArray(S, out, o + L)).intoArray(out, o + L);
            s2.fma(w2, DoubleVector.fromArray(S, out, o + 2 * L)).intoArray(out, o + 2 * L);
            s3.fma(w3, DoubleVector.fromArray(S, out, o + 3 * L)).intoArray(out, o + 3 * L);
        }
    }

    private static void tpForward1(int d1, int d3, int mul, double[] tt, double[] x1, int xOff, double[] w, int wOff,
                                   double[] out, int oOff, int ldo) {
        DoubleVector w0 = DoubleVector.fromArray(S, w, wOff);
        for (int c = 0; c < d3; c++) {
            DoubleVector s0 = DoubleVector.zero(S);
            for (int a = 0; a < d1; a++) {
                double t = tt[c * d1 + a];
                if (t != 0) s0 = DoubleVector.broadcast(S, t).fma(DoubleVector.fromArray(S, x1, xOff + a * mul), s0);
            }
            int o = oOff + c * ldo;
            s0.fma(w0, DoubleVector.fromArray(S, out, o)).intoArray(out, o);
        }
    }

    /** C[i][j] = α Σ_k A[i][k]·B[j][k]: one dot product per entry, vectorised along k. */
    static void gemmTransB(int m, int n, int kk, double alpha,
                           double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                           double[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) dots4(kk, alpha, a, aOff + i * lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j);
            for (; j < n; j++) c[cOff + i * ldc + j] = alpha * dot(kk, a, aOff + i * lda, b, bOff + j * ldb);
        }
    }

    /**
     * Four dot products of one row of A with rows j … j + 3 of B, side by side: four independent chains of FMAs (one
     * alone waits for each FMA before the next), each the same chain as {@link #dot}, so the values are its own.
     */
    private static void dots4(int kk, double alpha, double[] a, int ai, double[] b, int bj, int ldb, double[] c, int ci) {
        int kv = kk - kk % L;
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int k = 0; k < kv; k += L) {
            DoubleVector x = DoubleVector.fromArray(S, a, ai + k);
            s0 = x.fma(DoubleVector.fromArray(S, b, bj + k), s0);
            s1 = x.fma(DoubleVector.fromArray(S, b, bj + ldb + k), s1);
            s2 = x.fma(DoubleVector.fromArray(S, b, bj + 2 * ldb + k), s2);
            s3 = x.fma(DoubleVector.fromArray(S, b, bj + 3 * ldb + k), s3);
        }
        double r0 = sumLanes(s0), r1 = sumLanes(s1), r2 = sumLanes(s2), r3 = sumLanes(s3);
        for (int k = kv; k < kk; k++) {
            r0 += a[ai + k] * b[bj + k];
            r1 += a[ai + k] * b[bj + ldb + k];
            r2 += a[ai + k] * b[bj + 2 * ldb + k];
            r3 += a[ai + k] * b[bj + 3 * ldb + k];
        }
        c[ci] = alpha * r0;
        c[ci + 1] = alpha * r1;
        c[ci + 2] = alpha * r2;
        c[ci + 3] = alpha * r3;
    }

    /** Σ_k a[ai + k]·b[bj + k] with four vector sums (a long dot product is then not one dependent chain of FMAs). */
    public static double dot4(int kk, double[] a, int ai, double[] b, int bj) {
        int kv = kk - kk % (4 * L), k = 0;
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (; k < kv; k += 4 * L) {
            s0 = DoubleVector.fromArray(S, a, ai + k).fma(DoubleVector.fromArray(S, b, bj + k), s0);
            s1 = DoubleVector.fromArray(S, a, ai + k + L).fma(DoubleVector.fromArray(S, b, bj + k + L), s1);
            s2 = DoubleVector.fromArray(S, a, ai + k + 2 * L).fma(DoubleVector.fromArray(S, b, bj + k + 2 * L), s2);
            s3 = DoubleVector.fromArray(S, a, ai + k + 3 * L).fma(DoubleVector.fromArray(S, b, bj + k + 3 * L), s3);
        }
        for (; k + L <= kk; k += L) s0 = DoubleVector.fromArray(S, a, ai + k).fma(DoubleVector.fromArray(S, b, bj + k), s0);
        double r = sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; k < kk; k++) r = Math.fma(a[ai + k], b[bj + k], r);
        return r;
    }

    private static double dot(int kk, double[] a, int ai, double[] b, int bj) {
        int kv = kk - kk % L;
        DoubleVector s0 = DoubleVector.zero(S);
        for (int k = 0; k < kv; k += L) s0 = DoubleVector.fromArray(S, a, ai + k).fma(DoubleVector.fromArray(S, b, bj + k), s0);
        double r = sumLanes(s0);
        for (int k = kv; k < kk; k++) r += a[ai + k] * b[bj + k];
        return r;
    }

    // exp(y) = 2^k·e^r, k = round(y/ln 2), |r| ≤ ln 2 / 2, e^r by its Taylor series to r^13 (truncation below
    // 1e−17 relative). Only IEEE basic operations and bit moves: the JIT's intrinsic and the interpreter's
    // fallback give the same bits, unlike lanewise(EXP) (SVML when compiled, per-lane Math.exp when not),
    // which made a result depend on when the JIT compiled the caller.
    private static final double LOG2E = 1.4426950408889634, LN2_HI = 0.6931471803691238, LN2_LO = 1.9082149292705877e-10;
    private static final double ROUND = 6755399441055744.0; // 1.5·2^52: adding it rounds to an integer in the low bits
    private static final double[] TAYLOR = new double[14];
    static {
        double f = 1;
        for (int i = 0; i < TAYLOR.length; i++) {
            if (i > 0) f *= i;
            TAYLOR[i] = 1 / f;
        }
    }

    /**
     * σ(x) = 1/(1 + e^−x) for n values at offsets, with the exponential of {@link #silu} (the same σ bit for bit), the
     * last partial vector masked as there.
     */
    public static void sigmoid(double[] x, int xOff, double[] out, int outOff, int n) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        DoubleVector lo = DoubleVector.broadcast(S, -700.0), hi = DoubleVector.broadcast(S, 700.0), round = DoubleVector.broadcast(S, ROUND);
        for (int i = 0; i < n; i += L) {
            jdk.incubator.vector.VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i, m);
            DoubleVector y = v.neg().max(lo).min(hi);
            DoubleVector t = y.fma(DoubleVector.broadcast(S, LOG2E), round);
            DoubleVector k = t.sub(round);
            DoubleVector r = k.fma(DoubleVector.broadcast(S, -LN2_HI), y);
            r = k.fma(DoubleVector.broadcast(S, -LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(S, TAYLOR[13]);
            for (int j = 12; j >= 0; j--) p = p.fma(r, DoubleVector.broadcast(S, TAYLOR[j]));
            jdk.incubator.vector.LongVector bits = t.reinterpretAsLongs()
                    .sub(Double.doubleToRawLongBits(ROUND) - 1023L).lanewise(VectorOperators.LSHL, 52);
            DoubleVector e = p.mul(bits.reinterpretAsDoubles());
            one.div(e.add(one)).intoArray(out, outOff + i, m);
        }
    }

    /**
     * out = c·x·σ(x) and d = c·σ(x)·(1 + x·(1 − σ(x))) (its derivative) for n values at offsets; σ(x) = 1/(1 + e^−x).
     * The last partial vector is masked, not scalar: every element goes through the same arithmetic, so a value
     * does not depend on its position in the array (batched replicas equal single runs bit for bit).
     */
    public static void silu(double[] x, int xOff, double[] out, int outOff, double[] d, int dOff, double c, int n) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0), cv = DoubleVector.broadcast(S, c);
        DoubleVector lo = DoubleVector.broadcast(S, -700.0), hi = DoubleVector.broadcast(S, 700.0), round = DoubleVector.broadcast(S, ROUND);
        for (int i = 0; i < n; i += L) {
            jdk.incubator.vector.VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i, m);
            // e^−v
            DoubleVector y = v.neg().max(lo).min(hi);
            DoubleVector t = y.fma(DoubleVector.broadcast(S, LOG2E), round);
            DoubleVector k = t.sub(round);
            DoubleVector r = k.fma(DoubleVector.broadcast(S, -LN2_HI), y);
            r = k.fma(DoubleVector.broadcast(S, -LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(S, TAYLOR[13]);
            for (int j = 12; j >= 0; j--) p = p.fma(r, DoubleVector.broadcast(S, TAYLOR[j]));
            jdk.incubator.vector.LongVector bits = t.reinterpretAsLongs()
                    .sub(Double.doubleToRawLongBits(ROUND) - 1023L).lanewise(VectorOperators.LSHL, 52);
            DoubleVector e = p.mul(bits.reinterpretAsDoubles());
            DoubleVector sg = one.div(e.add(one));
            v.mul(sg).mul(cv).intoArray(out, outOff + i, m);
            sg.mul(one.add(v.mul(one.sub(sg)))).mul(cv).intoArray(d, dOff + i, m);
        }
    }

    /**
     * out[o + c − c0] = e^(−γ(d − μ_c)²) for the centres c0 … c1 − 1 (the exponent clamped at −700 from below: the
     * value is then 0 to double precision anyway). The same exponential as {@link #silu}; the last partial vector
     * masked, so a value does not depend on where its window starts.
     */
    public static void gaussians(double d, double[] mu, int c0, int c1, double gamma, double[] out, int o) {
        DoubleVector dv = DoubleVector.broadcast(S, d), ng = DoubleVector.broadcast(S, -gamma);
        DoubleVector lo = DoubleVector.broadcast(S, -700.0), round = DoubleVector.broadcast(S, ROUND);
        int n = c1 - c0;
        for (int i = 0; i < n; i += L) {
            jdk.incubator.vector.VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector t = dv.sub(DoubleVector.fromArray(S, mu, c0 + i, m));
            DoubleVector y = t.mul(t).mul(ng).max(lo);
            DoubleVector q = y.fma(DoubleVector.broadcast(S, LOG2E), round);
            DoubleVector k = q.sub(round);
            DoubleVector r = k.fma(DoubleVector.broadcast(S, -LN2_HI), y);
            r = k.fma(DoubleVector.broadcast(S, -LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(S, TAYLOR[13]);
            for (int j = 12; j >= 0; j--) p = p.fma(r, DoubleVector.broadcast(S, TAYLOR[j]));
            jdk.incubator.vector.LongVector bits = q.reinterpretAsLongs()
                    .sub(Double.doubleToRawLongBits(ROUND) - 1023L).lanewise(VectorOperators.LSHL, 52);
            p.mul(bits.reinterpretAsDoubles()).intoArray(out, o + i, m);
        }
    }

    private static final double SQRT2 = 1.4142135623730951, LN2 = 0.6931471805599453;

    /**
     * out = c·ssp(x) = c·(max(x, 0) + log1p(e^−|x|) − ln 2) and d = c·σ(x) (its derivative) for n values at offsets.
     * e^−|x| is the exponential of {@link #silu}; log1p(u) = log(1 + u)·u/((1 + u) − 1) (exact to round-off: the
     * rounding of 1 + u cancels), log on (1, 2] as 2·atanh(s) by its series to s^23 (|s| ≤ 0.172: truncation below
     * 1e−19). Only IEEE basic operations and bit moves, masked tail: the same bits whenever and wherever it runs.
     */
    public static void shiftedSoftplus(double[] x, int xOff, double[] out, int outOff, double[] d, int dOff, double c, int n) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0), zero = DoubleVector.zero(S), cv = DoubleVector.broadcast(S, c);
        DoubleVector lo = DoubleVector.broadcast(S, -700.0), round = DoubleVector.broadcast(S, ROUND);
        for (int i = 0; i < n; i += L) {
            jdk.incubator.vector.VectorMask<Double> m = S.indexInRange(i, n);
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + i, m);
            // u = e^−|x|
            DoubleVector y = v.abs().neg().max(lo);
            DoubleVector t = y.fma(DoubleVector.broadcast(S, LOG2E), round);
            DoubleVector k = t.sub(round);
            DoubleVector r = k.fma(DoubleVector.broadcast(S, -LN2_HI), y);
            r = k.fma(DoubleVector.broadcast(S, -LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(S, TAYLOR[13]);
            for (int j = 12; j >= 0; j--) p = p.fma(r, DoubleVector.broadcast(S, TAYLOR[j]));
            jdk.incubator.vector.LongVector bits = t.reinterpretAsLongs()
                    .sub(Double.doubleToRawLongBits(ROUND) - 1023L).lanewise(VectorOperators.LSHL, 52);
            DoubleVector u = p.mul(bits.reinterpretAsDoubles());
            // log(w), w = 1 + u in (1, 2]: w = 2^h·a with a in (1/√2, √2], log a = 2·atanh(s), s = (a − 1)/(a + 1)
            DoubleVector w = one.add(u);
            jdk.incubator.vector.VectorMask<Double> big = w.compare(VectorOperators.GT, SQRT2);
            DoubleVector a = w.blend(w.mul(0.5), big), h = zero.blend(one, big);
            DoubleVector s = a.sub(one).div(a.add(one)), s2 = s.mul(s);
            DoubleVector q = DoubleVector.broadcast(S, 1.0 / 23);
            for (int j = 21; j >= 1; j -= 2) q = q.fma(s2, DoubleVector.broadcast(S, 1.0 / j));
            DoubleVector logw = h.fma(DoubleVector.broadcast(S, LN2_HI), s.add(s).fma(q, h.mul(LN2_LO)));
            // log1p(u) = log(w)·u/(w − 1), and u itself where w rounded to 1
            DoubleVector wm1 = w.sub(one);
            DoubleVector log1p = logw.mul(u).div(wm1.blend(one, wm1.eq(0.0))).blend(u, wm1.eq(0.0));
            v.max(zero).add(log1p).sub(LN2).mul(cv).intoArray(out, outOff + i, m);
            // σ(x) = 1/(1 + u) for x ≥ 0, u/(1 + u) below
            DoubleVector inv = one.div(w);
            inv.blend(u.mul(inv), v.compare(VectorOperators.LT, 0.0)).mul(cv).intoArray(d, dOff + i, m);
        }
    }
}
