package md.forcefields.ml.ops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The chain products of {@link PairChainProduct} and {@link PairChainContraction} directly on the row-major dense
 * pair values (atomPairs × F, features fastest), with the Vector API along the features: no feature-major copies and
 * no short matrix rows, which is what small molecules need (N ≈ 10–60: the N × N products per feature are too small
 * for the dense kernel's register blocks). Blocks of 4 × 4 output pairs (a … a + 3, j … j + 3) keep
 * 16 sums in registers, each step loading 4 vectors of X and 4 of Y for 16 multiply-adds (the dense kernel's ratio);
 * the rest of the rows go 1 × 4.
 * Only loaded when the Vector API is (see {@link md.forcefields.e3nn.DenseKernels#VECTORIZED}).
 */
final class PairChainVectorKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private PairChainVectorKernels() {}

    private static DoubleVector load(double[] a, int i) { return DoubleVector.fromArray(S, a, i); }

    /** out[a, j, ·] += Σ_i X'[a, i, ·] ⊙ Y'[i, j, ·] (X', Y' transposed in the atom indices where asked). */
    static void product(int n, int w, double[] x, boolean tx, double[] y, boolean ty, double[] out) {
        int wv = w - w % L, a = 0;
        if (wv == 0) { // fewer features than lanes: scalar code only, no vector values at all
            for (int b = 0; b < n; b++) for (int j = 0; j < n; j++) scalarTail(n, w, 0, b, j, x, tx, y, ty, out);
            return;
        }
        for (; a + 4 <= n; a += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                for (int f = 0; f < wv; f += L) product4x4(n, w, f, a, j, x, tx, y, ty, out);
                for (int q = 0; q < 4; q++) for (int r = 0; r < 4; r++) scalarTail(n, w, wv, a + q, j + r, x, tx, y, ty, out);
            }
            for (int q = 0; q < 4; q++) productRow(n, w, wv, a + q, j, x, tx, y, ty, out);
        }
        for (; a < n; a++) productRow(n, w, wv, a, 0, x, tx, y, ty, out);
    }

    private static int xRow(int n, int w, int a, int i, boolean tx) { return (tx ? i * n + a : a * n + i) * w; }

    private static int yRow(int n, int w, int i, int j, boolean ty) { return (ty ? j * n + i : i * n + j) * w; }

    private static void product4x4(int n, int w, int f, int a, int j, double[] x, boolean tx, double[] y, boolean ty, double[] out) {
        int o0 = (a * n + j) * w + f, o1 = o0 + n * w, o2 = o1 + n * w, o3 = o2 + n * w;
        DoubleVector s00 = load(out, o0), s01 = load(out, o0 + w), s02 = load(out, o0 + 2 * w), s03 = load(out, o0 + 3 * w);
        DoubleVector s10 = load(out, o1), s11 = load(out, o1 + w), s12 = load(out, o1 + 2 * w), s13 = load(out, o1 + 3 * w);
        DoubleVector s20 = load(out, o2), s21 = load(out, o2 + w), s22 = load(out, o2 + 2 * w), s23 = load(out, o2 + 3 * w);
        DoubleVector s30 = load(out, o3), s31 = load(out, o3 + w), s32 = load(out, o3 + 2 * w), s33 = load(out, o3 + 3 * w);
        for (int i = 0; i < n; i++) {
            DoubleVector x0 = load(x, xRow(n, w, a, i, tx) + f), x1 = load(x, xRow(n, w, a + 1, i, tx) + f);
            DoubleVector x2 = load(x, xRow(n, w, a + 2, i, tx) + f), x3 = load(x, xRow(n, w, a + 3, i, tx) + f);
            DoubleVector y0 = load(y, yRow(n, w, i, j, ty) + f), y1 = load(y, yRow(n, w, i, j + 1, ty) + f);
            DoubleVector y2 = load(y, yRow(n, w, i, j + 2, ty) + f), y3 = load(y, yRow(n, w, i, j + 3, ty) + f);
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
        s00.intoArray(out, o0); s01.intoArray(out, o0 + w); s02.intoArray(out, o0 + 2 * w); s03.intoArray(out, o0 + 3 * w);
        s10.intoArray(out, o1); s11.intoArray(out, o1 + w); s12.intoArray(out, o1 + 2 * w); s13.intoArray(out, o1 + 3 * w);
        s20.intoArray(out, o2); s21.intoArray(out, o2 + w); s22.intoArray(out, o2 + 2 * w); s23.intoArray(out, o2 + 3 * w);
        s30.intoArray(out, o3); s31.intoArray(out, o3 + w); s32.intoArray(out, o3 + 2 * w); s33.intoArray(out, o3 + 3 * w);
    }

    /** Row a of the product for columns j0 … n − 1: four columns at a time, then one. */
    private static void productRow(int n, int w, int wv, int a, int j0, double[] x, boolean tx, double[] y, boolean ty, double[] out) {
        int j = j0;
        for (; j + 4 <= n; j += 4) {
            int o0 = (a * n + j) * w, o1 = o0 + w, o2 = o1 + w, o3 = o2 + w;
            for (int f = 0; f < wv; f += L) {
                DoubleVector s0 = load(out, o0 + f), s1 = load(out, o1 + f), s2 = load(out, o2 + f), s3 = load(out, o3 + f);
                for (int i = 0; i < n; i++) {
                    DoubleVector xv = load(x, xRow(n, w, a, i, tx) + f);
                    s0 = xv.fma(load(y, yRow(n, w, i, j, ty) + f), s0);
                    s1 = xv.fma(load(y, yRow(n, w, i, j + 1, ty) + f), s1);
                    s2 = xv.fma(load(y, yRow(n, w, i, j + 2, ty) + f), s2);
                    s3 = xv.fma(load(y, yRow(n, w, i, j + 3, ty) + f), s3);
                }
                s0.intoArray(out, o0 + f);
                s1.intoArray(out, o1 + f);
                s2.intoArray(out, o2 + f);
                s3.intoArray(out, o3 + f);
            }
            for (int q = 0; q < 4; q++) scalarTail(n, w, wv, a, j + q, x, tx, y, ty, out);
        }
        for (; j < n; j++) {
            int o = (a * n + j) * w;
            for (int f = 0; f < wv; f += L) {
                DoubleVector s = load(out, o + f);
                for (int i = 0; i < n; i++) s = load(x, xRow(n, w, a, i, tx) + f).fma(load(y, yRow(n, w, i, j, ty) + f), s);
                s.intoArray(out, o + f);
            }
            scalarTail(n, w, wv, a, j, x, tx, y, ty, out);
        }
    }

    /** The features wv … w − 1 (fewer than a vector) of the product's pair (a, j). */
    private static void scalarTail(int n, int w, int wv, int a, int j, double[] x, boolean tx, double[] y, boolean ty, double[] out) {
        int o = (a * n + j) * w;
        for (int f = wv; f < w; f++) {
            double s = out[o + f];
            for (int i = 0; i < n; i++) s += x[xRow(n, w, a, i, tx) + f] * y[yRow(n, w, i, j, ty) + f];
            out[o + f] = s;
        }
    }

    /** The scratch {@link #contraction} needs: 16 vectors. */
    static int contractionScratch() { return 16 * L; }

    /**
     * out[a, j] = c·Σ_i Σ_f X[a, i, f]·Y[i, j, f] (overwritten). The sums leave their registers through {@code scratch}
     * (at least {@link #contractionScratch()} long) and are added up lane by lane there: a vector handed to a method
     * that the JIT does not inline (this kernel is large) would be allocated, and an MD step must allocate nothing.
     */
    static void contraction(int n, int w, double c, double[] x, double[] y, double[] out, double[] scratch) {
        int wv = w - w % L, a = 0;
        if (wv == 0) { // fewer features than lanes: scalar code only, no vector values at all
            for (int b = 0; b < n; b++) for (int j = 0; j < n; j++) out[b * n + j] = c * contractionTail(n, w, 0, b, j, x, y);
            return;
        }
        for (; a + 4 <= n; a += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) contraction4x4(n, w, wv, c, a, j, x, y, out, scratch);
            for (int q = 0; q < 4; q++) for (int jj = j; jj < n; jj++) out[(a + q) * n + jj] = c * contractionEntry(n, w, wv, a + q, jj, x, y, scratch);
        }
        for (; a < n; a++) for (int j = 0; j < n; j++) out[a * n + j] = c * contractionEntry(n, w, wv, a, j, x, y, scratch);
    }

    private static void contraction4x4(int n, int w, int wv, double c, int a, int j, double[] x, double[] y, double[] out, double[] scratch) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        DoubleVector s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        int nw = n * w;
        for (int i = 0; i < n; i++)
            for (int f = 0; f < wv; f += L) {
                int xa = a * nw + i * w + f, yj = (i * n + j) * w + f;
                DoubleVector x0 = load(x, xa), x1 = load(x, xa + nw), x2 = load(x, xa + 2 * nw), x3 = load(x, xa + 3 * nw);
                DoubleVector y0 = load(y, yj), y1 = load(y, yj + w), y2 = load(y, yj + 2 * w), y3 = load(y, yj + 3 * w);
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
        s00.intoArray(scratch, 0); s01.intoArray(scratch, L); s02.intoArray(scratch, 2 * L); s03.intoArray(scratch, 3 * L);
        s10.intoArray(scratch, 4 * L); s11.intoArray(scratch, 5 * L); s12.intoArray(scratch, 6 * L); s13.intoArray(scratch, 7 * L);
        s20.intoArray(scratch, 8 * L); s21.intoArray(scratch, 9 * L); s22.intoArray(scratch, 10 * L); s23.intoArray(scratch, 11 * L);
        s30.intoArray(scratch, 12 * L); s31.intoArray(scratch, 13 * L); s32.intoArray(scratch, 14 * L); s33.intoArray(scratch, 15 * L);
        for (int q = 0; q < 4; q++)
            for (int r = 0; r < 4; r++) out[(a + q) * n + j + r] = c * (laneSum(scratch, (4 * q + r) * L) + contractionTail(n, w, wv, a + q, j + r, x, y));
    }

    /** Σ of the L values at {@code off}, in lane order (as {@code VectorKernels.sumLanes} adds a vector's lanes). */
    private static double laneSum(double[] a, int off) {
        double s = 0;
        for (int i = 0; i < L; i++) s += a[off + i];
        return s;
    }

    /** Σ_i Σ_f X[a, i, f]·Y[i, j, f] of one pair (the rows and columns beyond the 4 × 4 blocks). */
    private static double contractionEntry(int n, int w, int wv, int a, int j, double[] x, double[] y, double[] scratch) {
        DoubleVector s = DoubleVector.zero(S), u = s;
        for (int i = 0; i < n; i++) {
            int xo = (a * n + i) * w, yo = (i * n + j) * w, f = 0;
            for (; f + 2 * L <= wv; f += 2 * L) {
                s = load(x, xo + f).fma(load(y, yo + f), s);
                u = load(x, xo + f + L).fma(load(y, yo + f + L), u);
            }
            for (; f < wv; f += L) s = load(x, xo + f).fma(load(y, yo + f), s);
        }
        s.add(u).intoArray(scratch, 0);
        return laneSum(scratch, 0) + contractionTail(n, w, wv, a, j, x, y);
    }

    /** Σ_i Σ_{f ≥ wv} X[a, i, f]·Y[i, j, f]: the features beyond the last whole vector (none when w is a multiple of the lanes). */
    private static double contractionTail(int n, int w, int wv, int a, int j, double[] x, double[] y) {
        if (wv == w) return 0;
        double t = 0;
        for (int i = 0; i < n; i++) {
            int xo = (a * n + i) * w, yo = (i * n + j) * w;
            for (int f = wv; f < w; f++) t += x[xo + f] * y[yo + f];
        }
        return t;
    }
}
