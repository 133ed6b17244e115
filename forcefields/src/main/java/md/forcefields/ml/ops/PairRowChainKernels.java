package md.forcefields.ml.ops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link PairRowChain}: {@link PairChainVectorKernels}' chain products with every operand addressed
 * through a table of row offsets, one per atom pair (a·N + b → the offset of that pair's row of {@code width}
 * values in the operand's array, or −1 for its diagonal row, a separate array), so that symmetric factors are read
 * from, and their gradients added to, the rows of the wide per-pair value directly (both orders of a pair share a
 * row). Outputs are added up in registers from zero and added to their rows at the end, one row after another, so
 * rows that several outputs share (a pair's two orders, the diagonal) receive every contribution. Vector API along
 * the features, 4 × 4 blocks of output pairs; fewer features than lanes take scalar code only (no vector values at
 * all, as in {@link PairChainVectorKernels}). Only loaded when the Vector API is.
 */
final class PairRowChainKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private PairRowChainKernels() {}

    /** The row at offset {@code o} (−1: the diagonal row), features f … f + L − 1. */
    private static DoubleVector row(double[] data, double[] diag, int o, int f) {
        double[] t = o < 0 ? diag : data; // the array and offset chosen, not a vector (a vector chosen by a conditional is boxed)
        return DoubleVector.fromArray(S, t, (o < 0 ? 0 : o) + f);
    }

    private static void addInto(double[] data, double[] diag, int o, int f, DoubleVector s) {
        double[] t = o < 0 ? diag : data;
        int at = (o < 0 ? 0 : o) + f;
        DoubleVector.fromArray(S, t, at).add(s).intoArray(t, at);
    }

    private static double value(double[] data, double[] diag, int o, int f) { return o < 0 ? diag[f] : data[o + f]; }

    private static void addValue(double[] data, double[] diag, int o, int f, double v) {
        if (o < 0) diag[f] += v;
        else data[o + f] += v;
    }

    /** Out(a, j) += Σ_i X(a, i) ⊙ Y(i, j) (rows: X at xm[a·N + i], Y at ym[i·N + j], Out at om[a·N + j]). */
    static void product(int n, int w, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym, double[] o, double[] odiag, int[] om) {
        int wv = w - w % L, a = 0;
        if (wv == 0) { // fewer features than lanes: scalar code only
            for (int b = 0; b < n; b++) for (int j = 0; j < n; j++) productTail(n, w, 0, b, j, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
            return;
        }
        for (; a + 4 <= n; a += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                for (int f = 0; f < wv; f += L) product4x4(n, f, a, j, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
                for (int q = 0; q < 4; q++) for (int r = 0; r < 4; r++) productTail(n, w, wv, a + q, j + r, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
            }
            for (int q = 0; q < 4; q++) for (int jj = j; jj < n; jj++) productEntry(n, w, wv, a + q, jj, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
        }
        for (; a < n; a++) for (int j = 0; j < n; j++) productEntry(n, w, wv, a, j, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
    }

    private static void product4x4(int n, int f, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym,
                                   double[] o, double[] odiag, int[] om) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int i = 0; i < n; i++) {
            DoubleVector x0 = row(x, xdiag, xm[(a + 0) * n + i], f);
            DoubleVector x1 = row(x, xdiag, xm[(a + 1) * n + i], f);
            DoubleVector x2 = row(x, xdiag, xm[(a + 2) * n + i], f);
            DoubleVector x3 = row(x, xdiag, xm[(a + 3) * n + i], f);
            DoubleVector y0 = row(y, ydiag, ym[i * n + j + 0], f);
            DoubleVector y1 = row(y, ydiag, ym[i * n + j + 1], f);
            DoubleVector y2 = row(y, ydiag, ym[i * n + j + 2], f);
            DoubleVector y3 = row(y, ydiag, ym[i * n + j + 3], f);
            s00 = x0.fma(y0, s00);
            s01 = x0.fma(y1, s01);
            s02 = x0.fma(y2, s02);
            s03 = x0.fma(y3, s03);
            s10 = x1.fma(y0, s10);
            s11 = x1.fma(y1, s11);
            s12 = x1.fma(y2, s12);
            s13 = x1.fma(y3, s13);
            s20 = x2.fma(y0, s20);
            s21 = x2.fma(y1, s21);
            s22 = x2.fma(y2, s22);
            s23 = x2.fma(y3, s23);
            s30 = x3.fma(y0, s30);
            s31 = x3.fma(y1, s31);
            s32 = x3.fma(y2, s32);
            s33 = x3.fma(y3, s33);
        }
        addInto(o, odiag, om[(a + 0) * n + j + 0], f, s00);
        addInto(o, odiag, om[(a + 0) * n + j + 1], f, s01);
        addInto(o, odiag, om[(a + 0) * n + j + 2], f, s02);
        addInto(o, odiag, om[(a + 0) * n + j + 3], f, s03);
        addInto(o, odiag, om[(a + 1) * n + j + 0], f, s10);
        addInto(o, odiag, om[(a + 1) * n + j + 1], f, s11);
        addInto(o, odiag, om[(a + 1) * n + j + 2], f, s12);
        addInto(o, odiag, om[(a + 1) * n + j + 3], f, s13);
        addInto(o, odiag, om[(a + 2) * n + j + 0], f, s20);
        addInto(o, odiag, om[(a + 2) * n + j + 1], f, s21);
        addInto(o, odiag, om[(a + 2) * n + j + 2], f, s22);
        addInto(o, odiag, om[(a + 2) * n + j + 3], f, s23);
        addInto(o, odiag, om[(a + 3) * n + j + 0], f, s30);
        addInto(o, odiag, om[(a + 3) * n + j + 1], f, s31);
        addInto(o, odiag, om[(a + 3) * n + j + 2], f, s32);
        addInto(o, odiag, om[(a + 3) * n + j + 3], f, s33);
    }

    /** One output pair (a, j): whole vectors, then the scalar tail. */
    private static void productEntry(int n, int w, int wv, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym,
                                     double[] o, double[] odiag, int[] om) {
        for (int f = 0; f < wv; f += L) {
            DoubleVector s = DoubleVector.zero(S);
            for (int i = 0; i < n; i++) s = row(x, xdiag, xm[a * n + i], f).fma(row(y, ydiag, ym[i * n + j], f), s);
            addInto(o, odiag, om[a * n + j], f, s);
        }
        productTail(n, w, wv, a, j, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
    }

    /** The features wv … w − 1 of the output pair (a, j). */
    private static void productTail(int n, int w, int wv, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym,
                                    double[] o, double[] odiag, int[] om) {
        for (int f = wv; f < w; f++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += value(x, xdiag, xm[a * n + i], f) * value(y, ydiag, ym[i * n + j], f);
            addValue(o, odiag, om[a * n + j], f, s);
        }
    }

    /** The scratch {@link #contraction} needs: 16 vectors. */
    static int contractionScratch() { return 16 * L; }

    /**
     * out[a·N + j] = c·Σ_i Σ_f X(a, i, f)·Y(i, j, f) (overwritten; out dense N × N). The sums leave their registers
     * through {@code scratch} and are added up lane by lane there (see {@link PairChainVectorKernels#contraction}).
     */
    static void contraction(int n, int w, double c, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym, double[] out, double[] scratch) {
        int wv = w - w % L, a = 0;
        if (wv == 0) {
            for (int b = 0; b < n; b++) for (int j = 0; j < n; j++) out[b * n + j] = c * contractionTail(n, w, 0, b, j, x, xdiag, xm, y, ydiag, ym);
            return;
        }
        for (; a + 4 <= n; a += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) contraction4x4(n, w, wv, c, a, j, x, xdiag, xm, y, ydiag, ym, out, scratch);
            for (int q = 0; q < 4; q++) for (int jj = j; jj < n; jj++) out[(a + q) * n + jj] = c * contractionEntry(n, w, wv, a + q, jj, x, xdiag, xm, y, ydiag, ym, scratch);
        }
        for (; a < n; a++) for (int j = 0; j < n; j++) out[a * n + j] = c * contractionEntry(n, w, wv, a, j, x, xdiag, xm, y, ydiag, ym, scratch);
    }

    private static void contraction4x4(int n, int w, int wv, double c, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym,
                                       double[] out, double[] scratch) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        for (int i = 0; i < n; i++) {
            int ox0 = xm[(a + 0) * n + i], ax0 = ox0 < 0 ? 0 : ox0;
            double[] tx0 = ox0 < 0 ? xdiag : x;
            int ox1 = xm[(a + 1) * n + i], ax1 = ox1 < 0 ? 0 : ox1;
            double[] tx1 = ox1 < 0 ? xdiag : x;
            int ox2 = xm[(a + 2) * n + i], ax2 = ox2 < 0 ? 0 : ox2;
            double[] tx2 = ox2 < 0 ? xdiag : x;
            int ox3 = xm[(a + 3) * n + i], ax3 = ox3 < 0 ? 0 : ox3;
            double[] tx3 = ox3 < 0 ? xdiag : x;
            int oy0 = ym[i * n + j + 0], ay0 = oy0 < 0 ? 0 : oy0;
            double[] ty0 = oy0 < 0 ? ydiag : y;
            int oy1 = ym[i * n + j + 1], ay1 = oy1 < 0 ? 0 : oy1;
            double[] ty1 = oy1 < 0 ? ydiag : y;
            int oy2 = ym[i * n + j + 2], ay2 = oy2 < 0 ? 0 : oy2;
            double[] ty2 = oy2 < 0 ? ydiag : y;
            int oy3 = ym[i * n + j + 3], ay3 = oy3 < 0 ? 0 : oy3;
            double[] ty3 = oy3 < 0 ? ydiag : y;
            for (int f = 0; f < wv; f += L) {
                DoubleVector x0 = DoubleVector.fromArray(S, tx0, ax0 + f);
                DoubleVector x1 = DoubleVector.fromArray(S, tx1, ax1 + f);
                DoubleVector x2 = DoubleVector.fromArray(S, tx2, ax2 + f);
                DoubleVector x3 = DoubleVector.fromArray(S, tx3, ax3 + f);
                DoubleVector y0 = DoubleVector.fromArray(S, ty0, ay0 + f);
                DoubleVector y1 = DoubleVector.fromArray(S, ty1, ay1 + f);
                DoubleVector y2 = DoubleVector.fromArray(S, ty2, ay2 + f);
                DoubleVector y3 = DoubleVector.fromArray(S, ty3, ay3 + f);
                s00 = x0.fma(y0, s00);
                s01 = x0.fma(y1, s01);
                s02 = x0.fma(y2, s02);
                s03 = x0.fma(y3, s03);
                s10 = x1.fma(y0, s10);
                s11 = x1.fma(y1, s11);
                s12 = x1.fma(y2, s12);
                s13 = x1.fma(y3, s13);
                s20 = x2.fma(y0, s20);
                s21 = x2.fma(y1, s21);
                s22 = x2.fma(y2, s22);
                s23 = x2.fma(y3, s23);
                s30 = x3.fma(y0, s30);
                s31 = x3.fma(y1, s31);
                s32 = x3.fma(y2, s32);
                s33 = x3.fma(y3, s33);
            }
        }
        s00.intoArray(scratch, 0 * L); s01.intoArray(scratch, 1 * L); s02.intoArray(scratch, 2 * L); s03.intoArray(scratch, 3 * L);
        s10.intoArray(scratch, 4 * L); s11.intoArray(scratch, 5 * L); s12.intoArray(scratch, 6 * L); s13.intoArray(scratch, 7 * L);
        s20.intoArray(scratch, 8 * L); s21.intoArray(scratch, 9 * L); s22.intoArray(scratch, 10 * L); s23.intoArray(scratch, 11 * L);
        s30.intoArray(scratch, 12 * L); s31.intoArray(scratch, 13 * L); s32.intoArray(scratch, 14 * L); s33.intoArray(scratch, 15 * L);
        for (int q = 0; q < 4; q++)
            for (int r = 0; r < 4; r++)
                out[(a + q) * n + j + r] = c * (laneSum(scratch, (4 * q + r) * L) + contractionTail(n, w, wv, a + q, j + r, x, xdiag, xm, y, ydiag, ym));
    }

    /** Σ of the L values at {@code off}, in lane order. */
    private static double laneSum(double[] a, int off) {
        double s = 0;
        for (int i = 0; i < L; i++) s += a[off + i];
        return s;
    }

    /** Σ_i Σ_f X(a, i, f)·Y(i, j, f) of one pair. */
    private static double contractionEntry(int n, int w, int wv, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym,
                                           double[] scratch) {
        DoubleVector s = DoubleVector.zero(S);
        for (int i = 0; i < n; i++) {
            int ox = xm[a * n + i], oy = ym[i * n + j], ax = ox < 0 ? 0 : ox, ay = oy < 0 ? 0 : oy;
            double[] tx = ox < 0 ? xdiag : x, ty = oy < 0 ? ydiag : y;
            for (int f = 0; f < wv; f += L) s = DoubleVector.fromArray(S, tx, ax + f).fma(DoubleVector.fromArray(S, ty, ay + f), s);
        }
        s.intoArray(scratch, 0);
        return laneSum(scratch, 0) + contractionTail(n, w, wv, a, j, x, xdiag, xm, y, ydiag, ym);
    }

    /** Σ_i Σ_{f ≥ wv} X(a, i, f)·Y(i, j, f). */
    private static double contractionTail(int n, int w, int wv, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym) {
        if (wv == w) return 0;
        double t = 0;
        for (int i = 0; i < n; i++) {
            int ox = xm[a * n + i], oy = ym[i * n + j];
            for (int f = wv; f < w; f++) t += value(x, xdiag, ox, f) * value(y, ydiag, oy, f);
        }
        return t;
    }

    /**
     * Out(u, v) += Σ_m K[u·N + m]·S(v, m) for a dense N × N matrix K of scalars (rows: S at sm[v·N + m], Out at
     * om[u·N + v]): the contraction's gradients. Four u at a time share each loaded row of S.
     */
    static void weightedRows(int n, int w, double[] k, double[] s, double[] sdiag, int[] sm, double[] o, double[] odiag, int[] om) {
        int wv = w - w % L, u = 0;
        if (wv == 0) {
            for (int b = 0; b < n; b++) for (int v = 0; v < n; v++) weightedTail(n, w, 0, b, v, k, s, sdiag, sm, o, odiag, om);
            return;
        }
        for (; u + 4 <= n; u += 4)
            for (int v = 0; v < n; v++) {
                for (int f = 0; f < wv; f += L) weighted4(n, f, u, v, k, s, sdiag, sm, o, odiag, om);
                for (int q = 0; q < 4; q++) weightedTail(n, w, wv, u + q, v, k, s, sdiag, sm, o, odiag, om);
            }
        for (; u < n; u++)
            for (int v = 0; v < n; v++) {
                for (int f = 0; f < wv; f += L) {
                    DoubleVector acc = DoubleVector.zero(S);
                    for (int m = 0; m < n; m++) acc = row(s, sdiag, sm[v * n + m], f).fma(DoubleVector.broadcast(S, k[u * n + m]), acc);
                    addInto(o, odiag, om[u * n + v], f, acc);
                }
                weightedTail(n, w, wv, u, v, k, s, sdiag, sm, o, odiag, om);
            }
    }

    private static void weighted4(int n, int f, int u, int v, double[] k, double[] s, double[] sdiag, int[] sm, double[] o, double[] odiag, int[] om) {
        DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int m = 0; m < n; m++) {
            DoubleVector r = row(s, sdiag, sm[v * n + m], f);
            a0 = r.fma(DoubleVector.broadcast(S, k[u * n + m]), a0);
            a1 = r.fma(DoubleVector.broadcast(S, k[(u + 1) * n + m]), a1);
            a2 = r.fma(DoubleVector.broadcast(S, k[(u + 2) * n + m]), a2);
            a3 = r.fma(DoubleVector.broadcast(S, k[(u + 3) * n + m]), a3);
        }
        addInto(o, odiag, om[u * n + v], f, a0);
        addInto(o, odiag, om[(u + 1) * n + v], f, a1);
        addInto(o, odiag, om[(u + 2) * n + v], f, a2);
        addInto(o, odiag, om[(u + 3) * n + v], f, a3);
    }

    /** The features wv … w − 1 of Out(u, v). */
    private static void weightedTail(int n, int w, int wv, int u, int v, double[] k, double[] s, double[] sdiag, int[] sm, double[] o, double[] odiag, int[] om) {
        for (int f = wv; f < w; f++) {
            double t = 0;
            for (int m = 0; m < n; m++) t += k[u * n + m] * value(s, sdiag, sm[v * n + m], f);
            addValue(o, odiag, om[u * n + v], f, t);
        }
    }
}
