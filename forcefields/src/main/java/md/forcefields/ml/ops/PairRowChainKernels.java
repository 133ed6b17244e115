package md.forcefields.ml.ops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The chain products of GeomAtt's overlaps (Z(a, j) = Σ_i X(a, i) ⊙ Y(i, j) per feature, and its contraction over
 * the features) for small molecules (N ≤ {@link PairChainProduct#DIRECT_MAX_ATOMS}), with every operand addressed
 * through a table of row offsets, one per atom pair (a·N + b → the offset of that pair's row of {@code width} values
 * in the operand's array, or −1 for its diagonal row, a separate array). {@link PairRowChain} reads symmetric factors
 * from, and adds their gradients to, the rows of the wide per-pair value directly (both orders of a pair share a
 * row); {@link PairChainProduct} and {@link PairChainContraction} pass the tables of their dense arrays
 * ({@link #denseOffsets}), so one set of kernels serves both. Outputs are added up in registers from zero and added
 * to their rows at the end, one row after another, so rows that several outputs share (a pair's two orders, the
 * diagonal) receive every contribution. Vector API along the features: blocks of 4 × 4 output pairs keep 16 sums in
 * registers, each step loading 4 vectors of X and 4 of Y for 16 multiply-adds (the N × N products per feature are
 * too small for the dense kernel's register blocks); fewer features than lanes take scalar code only (no vector
 * values at all). Only loaded when the Vector API is.
 *
 * <p>The blocks are written out by hand, loads, multiply-adds and stores alike: a vector handed to or returned from a
 * helper method that the JIT does not inline is allocated, and in kernels this large it does not (helpers for the
 * row loads and the stores, or one loop over the five parts of {@code product4x4}, made a warm GeomAtt step allocate
 * 0.1–0.4 MB; {@code GeomAttPlanAllocationTest}).
 */
final class PairRowChainKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private PairRowChainKernels() {}

    static int lanes() { return L; }

    /**
     * The row offsets of a dense row-major atomPairs × w array, (a·N + b)·w at a·N + b, or (b·N + a)·w when
     * {@code transposed}: dense operands (no diagonal rows) for these kernels ({@link PairChainProduct},
     * {@link PairChainContraction}).
     */
    static int[] denseOffsets(int n, int w, boolean transposed, int[] table) {
        for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) table[a * n + b] = (transposed ? b * n + a : a * n + b) * w;
        return table;
    }

    private static double value(double[] data, double[] diag, int o, int f) { return o < 0 ? diag[f] : data[o + f]; }

    private static void addValue(double[] data, double[] diag, int o, int f, double v) {
        if (o < 0) diag[f] += v;
        else data[o + f] += v;
    }

    /**
     * Z(a, j) = Σ_i X(a, i) ⊙ Y(i, j) (overwritten) for dense row-major N × N × w arrays, w a multiple of the lanes:
     * the chain product on copies of its factors. Blocks of 4 × 4 output pairs per vector of features (then 4 × 1,
     * 1 × 4, 1 × 1); the offsets are affine in i, so the loads need no table and no choice of array, which makes this
     * about twice as fast per multiply-add as {@link #product} on the pair rows, more than paying for the copies (GeomAtt
     * on aspirin: 21 atoms, 32 features). Each element is the same sum over i, in the same order, as in {@link #product}.
     */
    static void denseProduct(int n, int w, double[] x, double[] y, double[] z) {
        int a = 0;
        for (; a + 4 <= n; a += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) for (int f = 0; f < w; f += L) dense4x4(n, w, f, a, j, x, y, z);
            for (; j < n; j++) for (int f = 0; f < w; f += L) dense4x1(n, w, f, a, j, x, y, z);
        }
        for (; a < n; a++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) for (int f = 0; f < w; f += L) dense1x4(n, w, f, a, j, x, y, z);
            for (; j < n; j++) for (int f = 0; f < w; f += L) dense1x1(n, w, f, a, j, x, y, z);
        }
    }

    private static void dense4x4(int n, int w, int f, int a, int j, double[] x, double[] y, double[] z) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        int rs = n * w, xa = a * rs + f, yj = j * w + f;
        for (int i = 0; i < n; i++) {
            int xo = xa + i * w, yo = yj + i * rs;
            DoubleVector y0 = DoubleVector.fromArray(S, y, yo + 0 * w);
            DoubleVector y1 = DoubleVector.fromArray(S, y, yo + 1 * w);
            DoubleVector y2 = DoubleVector.fromArray(S, y, yo + 2 * w);
            DoubleVector y3 = DoubleVector.fromArray(S, y, yo + 3 * w);
            DoubleVector x0 = DoubleVector.fromArray(S, x, xo + 0 * rs);
            s00 = x0.fma(y0, s00); s01 = x0.fma(y1, s01); s02 = x0.fma(y2, s02); s03 = x0.fma(y3, s03);
            DoubleVector x1 = DoubleVector.fromArray(S, x, xo + 1 * rs);
            s10 = x1.fma(y0, s10); s11 = x1.fma(y1, s11); s12 = x1.fma(y2, s12); s13 = x1.fma(y3, s13);
            DoubleVector x2 = DoubleVector.fromArray(S, x, xo + 2 * rs);
            s20 = x2.fma(y0, s20); s21 = x2.fma(y1, s21); s22 = x2.fma(y2, s22); s23 = x2.fma(y3, s23);
            DoubleVector x3 = DoubleVector.fromArray(S, x, xo + 3 * rs);
            s30 = x3.fma(y0, s30); s31 = x3.fma(y1, s31); s32 = x3.fma(y2, s32); s33 = x3.fma(y3, s33);
        }
        int o = a * rs + j * w + f;
        s00.intoArray(z, o + 0 * rs + 0 * w); s01.intoArray(z, o + 0 * rs + 1 * w); s02.intoArray(z, o + 0 * rs + 2 * w); s03.intoArray(z, o + 0 * rs + 3 * w);
        s10.intoArray(z, o + 1 * rs + 0 * w); s11.intoArray(z, o + 1 * rs + 1 * w); s12.intoArray(z, o + 1 * rs + 2 * w); s13.intoArray(z, o + 1 * rs + 3 * w);
        s20.intoArray(z, o + 2 * rs + 0 * w); s21.intoArray(z, o + 2 * rs + 1 * w); s22.intoArray(z, o + 2 * rs + 2 * w); s23.intoArray(z, o + 2 * rs + 3 * w);
        s30.intoArray(z, o + 3 * rs + 0 * w); s31.intoArray(z, o + 3 * rs + 1 * w); s32.intoArray(z, o + 3 * rs + 2 * w); s33.intoArray(z, o + 3 * rs + 3 * w);
    }

    private static void dense4x1(int n, int w, int f, int a, int j, double[] x, double[] y, double[] z) {
        DoubleVector s00 = DoubleVector.zero(S), s10 = s00, s20 = s00, s30 = s00;
        int rs = n * w, xa = a * rs + f, yj = j * w + f;
        for (int i = 0; i < n; i++) {
            int xo = xa + i * w, yo = yj + i * rs;
            DoubleVector y0 = DoubleVector.fromArray(S, y, yo + 0 * w);
            DoubleVector x0 = DoubleVector.fromArray(S, x, xo + 0 * rs);
            s00 = x0.fma(y0, s00);
            DoubleVector x1 = DoubleVector.fromArray(S, x, xo + 1 * rs);
            s10 = x1.fma(y0, s10);
            DoubleVector x2 = DoubleVector.fromArray(S, x, xo + 2 * rs);
            s20 = x2.fma(y0, s20);
            DoubleVector x3 = DoubleVector.fromArray(S, x, xo + 3 * rs);
            s30 = x3.fma(y0, s30);
        }
        int o = a * rs + j * w + f;
        s00.intoArray(z, o + 0 * rs + 0 * w);
        s10.intoArray(z, o + 1 * rs + 0 * w);
        s20.intoArray(z, o + 2 * rs + 0 * w);
        s30.intoArray(z, o + 3 * rs + 0 * w);
    }

    private static void dense1x4(int n, int w, int f, int a, int j, double[] x, double[] y, double[] z) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        int rs = n * w, xa = a * rs + f, yj = j * w + f;
        for (int i = 0; i < n; i++) {
            int xo = xa + i * w, yo = yj + i * rs;
            DoubleVector y0 = DoubleVector.fromArray(S, y, yo + 0 * w);
            DoubleVector y1 = DoubleVector.fromArray(S, y, yo + 1 * w);
            DoubleVector y2 = DoubleVector.fromArray(S, y, yo + 2 * w);
            DoubleVector y3 = DoubleVector.fromArray(S, y, yo + 3 * w);
            DoubleVector x0 = DoubleVector.fromArray(S, x, xo + 0 * rs);
            s00 = x0.fma(y0, s00); s01 = x0.fma(y1, s01); s02 = x0.fma(y2, s02); s03 = x0.fma(y3, s03);
        }
        int o = a * rs + j * w + f;
        s00.intoArray(z, o + 0 * rs + 0 * w); s01.intoArray(z, o + 0 * rs + 1 * w); s02.intoArray(z, o + 0 * rs + 2 * w); s03.intoArray(z, o + 0 * rs + 3 * w);
    }

    private static void dense1x1(int n, int w, int f, int a, int j, double[] x, double[] y, double[] z) {
        DoubleVector s00 = DoubleVector.zero(S);
        int rs = n * w, xa = a * rs + f, yj = j * w + f;
        for (int i = 0; i < n; i++) {
            int xo = xa + i * w, yo = yj + i * rs;
            DoubleVector y0 = DoubleVector.fromArray(S, y, yo + 0 * w);
            DoubleVector x0 = DoubleVector.fromArray(S, x, xo + 0 * rs);
            s00 = x0.fma(y0, s00);
        }
        int o = a * rs + j * w + f;
        s00.intoArray(z, o + 0 * rs + 0 * w);
    }

    /**
     * Adds dense rows ({@code dense[s·w …]}, s = a·N + b) into their pair rows ({@code wide[index[s]·wideWidth + start
     * …]}) or, for the diagonal (index −1), into {@code diagonal} (skipped when null); w a multiple of the lanes. The
     * same additions in the same order as a scalar loop, a vector at a time.
     */
    static void foldRows(int[] index, int n, int w, double[] dense, double[] wide, int wideWidth, int start, double[] diagonal) {
        for (int s = 0; s < n * n; s++) {
            int p = index[s];
            double[] target = p < 0 ? diagonal : wide;
            if (target == null) continue;
            int t = p < 0 ? 0 : p * wideWidth + start, d = s * w;
            for (int f = 0; f < w; f += L)
                DoubleVector.fromArray(S, target, t + f).add(DoubleVector.fromArray(S, dense, d + f)).intoArray(target, t + f);
        }
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
            for (int jj = j; jj < n; jj++) {
                for (int f = 0; f < wv; f += L) product4x1(n, f, a, jj, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
                for (int q = 0; q < 4; q++) productTail(n, w, wv, a + q, jj, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
            }
        }
        for (; a < n; a++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                for (int f = 0; f < wv; f += L) product1x4(n, f, a, j, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
                for (int r = 0; r < 4; r++) productTail(n, w, wv, a, j + r, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
            }
            for (; j < n; j++) productEntry(n, w, wv, a, j, x, xdiag, xm, y, ydiag, ym, o, odiag, om);
        }
    }

    /**
     * The 4 × 4 block of output pairs (a … a + 3, j … j + 3), features f … f + L − 1. Only the intermediate atoms
     * i = a … a + 3 and j … j + 3 can meet a diagonal row (X(a + q, i) with i = a + q, Y(i, j + r) with i = j + r), so
     * the sum runs in five stretches of i, and only the two short ones choose between the arrays.
     */
    private static void product4x4(int n, int f, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym,
                                   double[] o, double[] odiag, int[] om) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        // stretches of i: [0, p) plain, [p, p + 4) may meet a diagonal, [p + 4, qs) plain, [qs, qe) may, [qe, n) plain
        int p = Math.min(a, j), q = Math.max(a, j), qs = q == p ? p + 4 : q, qe = q == p ? p + 4 : q + 4;
        for (int i = 0; i < p; i++) {
            DoubleVector x0 = DoubleVector.fromArray(S, x, xm[(a + 0) * n + i] + f);
            DoubleVector x1 = DoubleVector.fromArray(S, x, xm[(a + 1) * n + i] + f);
            DoubleVector x2 = DoubleVector.fromArray(S, x, xm[(a + 2) * n + i] + f);
            DoubleVector x3 = DoubleVector.fromArray(S, x, xm[(a + 3) * n + i] + f);
            DoubleVector y0 = DoubleVector.fromArray(S, y, ym[i * n + j + 0] + f);
            DoubleVector y1 = DoubleVector.fromArray(S, y, ym[i * n + j + 1] + f);
            DoubleVector y2 = DoubleVector.fromArray(S, y, ym[i * n + j + 2] + f);
            DoubleVector y3 = DoubleVector.fromArray(S, y, ym[i * n + j + 3] + f);
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
        for (int i = p; i < p + 4; i++) {
            int ox0 = xm[(a + 0) * n + i];
            DoubleVector x0 = DoubleVector.fromArray(S, ox0 < 0 ? xdiag : x, Math.max(ox0, 0) + f);
            int ox1 = xm[(a + 1) * n + i];
            DoubleVector x1 = DoubleVector.fromArray(S, ox1 < 0 ? xdiag : x, Math.max(ox1, 0) + f);
            int ox2 = xm[(a + 2) * n + i];
            DoubleVector x2 = DoubleVector.fromArray(S, ox2 < 0 ? xdiag : x, Math.max(ox2, 0) + f);
            int ox3 = xm[(a + 3) * n + i];
            DoubleVector x3 = DoubleVector.fromArray(S, ox3 < 0 ? xdiag : x, Math.max(ox3, 0) + f);
            int oy0 = ym[i * n + j + 0];
            DoubleVector y0 = DoubleVector.fromArray(S, oy0 < 0 ? ydiag : y, Math.max(oy0, 0) + f);
            int oy1 = ym[i * n + j + 1];
            DoubleVector y1 = DoubleVector.fromArray(S, oy1 < 0 ? ydiag : y, Math.max(oy1, 0) + f);
            int oy2 = ym[i * n + j + 2];
            DoubleVector y2 = DoubleVector.fromArray(S, oy2 < 0 ? ydiag : y, Math.max(oy2, 0) + f);
            int oy3 = ym[i * n + j + 3];
            DoubleVector y3 = DoubleVector.fromArray(S, oy3 < 0 ? ydiag : y, Math.max(oy3, 0) + f);
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
        for (int i = p + 4; i < qs; i++) {
            DoubleVector x0 = DoubleVector.fromArray(S, x, xm[(a + 0) * n + i] + f);
            DoubleVector x1 = DoubleVector.fromArray(S, x, xm[(a + 1) * n + i] + f);
            DoubleVector x2 = DoubleVector.fromArray(S, x, xm[(a + 2) * n + i] + f);
            DoubleVector x3 = DoubleVector.fromArray(S, x, xm[(a + 3) * n + i] + f);
            DoubleVector y0 = DoubleVector.fromArray(S, y, ym[i * n + j + 0] + f);
            DoubleVector y1 = DoubleVector.fromArray(S, y, ym[i * n + j + 1] + f);
            DoubleVector y2 = DoubleVector.fromArray(S, y, ym[i * n + j + 2] + f);
            DoubleVector y3 = DoubleVector.fromArray(S, y, ym[i * n + j + 3] + f);
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
        for (int i = qs; i < qe; i++) {
            int ox0 = xm[(a + 0) * n + i];
            DoubleVector x0 = DoubleVector.fromArray(S, ox0 < 0 ? xdiag : x, Math.max(ox0, 0) + f);
            int ox1 = xm[(a + 1) * n + i];
            DoubleVector x1 = DoubleVector.fromArray(S, ox1 < 0 ? xdiag : x, Math.max(ox1, 0) + f);
            int ox2 = xm[(a + 2) * n + i];
            DoubleVector x2 = DoubleVector.fromArray(S, ox2 < 0 ? xdiag : x, Math.max(ox2, 0) + f);
            int ox3 = xm[(a + 3) * n + i];
            DoubleVector x3 = DoubleVector.fromArray(S, ox3 < 0 ? xdiag : x, Math.max(ox3, 0) + f);
            int oy0 = ym[i * n + j + 0];
            DoubleVector y0 = DoubleVector.fromArray(S, oy0 < 0 ? ydiag : y, Math.max(oy0, 0) + f);
            int oy1 = ym[i * n + j + 1];
            DoubleVector y1 = DoubleVector.fromArray(S, oy1 < 0 ? ydiag : y, Math.max(oy1, 0) + f);
            int oy2 = ym[i * n + j + 2];
            DoubleVector y2 = DoubleVector.fromArray(S, oy2 < 0 ? ydiag : y, Math.max(oy2, 0) + f);
            int oy3 = ym[i * n + j + 3];
            DoubleVector y3 = DoubleVector.fromArray(S, oy3 < 0 ? ydiag : y, Math.max(oy3, 0) + f);
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
        for (int i = qe; i < n; i++) {
            DoubleVector x0 = DoubleVector.fromArray(S, x, xm[(a + 0) * n + i] + f);
            DoubleVector x1 = DoubleVector.fromArray(S, x, xm[(a + 1) * n + i] + f);
            DoubleVector x2 = DoubleVector.fromArray(S, x, xm[(a + 2) * n + i] + f);
            DoubleVector x3 = DoubleVector.fromArray(S, x, xm[(a + 3) * n + i] + f);
            DoubleVector y0 = DoubleVector.fromArray(S, y, ym[i * n + j + 0] + f);
            DoubleVector y1 = DoubleVector.fromArray(S, y, ym[i * n + j + 1] + f);
            DoubleVector y2 = DoubleVector.fromArray(S, y, ym[i * n + j + 2] + f);
            DoubleVector y3 = DoubleVector.fromArray(S, y, ym[i * n + j + 3] + f);
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
        { int o1 = om[(a + 0) * n + j + 0], at1 = (o1 < 0 ? 0 : o1) + f; double[] t1 = o1 < 0 ? odiag : o; DoubleVector.fromArray(S, t1, at1).add(s00).intoArray(t1, at1); }
        { int o2 = om[(a + 0) * n + j + 1], at2 = (o2 < 0 ? 0 : o2) + f; double[] t2 = o2 < 0 ? odiag : o; DoubleVector.fromArray(S, t2, at2).add(s01).intoArray(t2, at2); }
        { int o3 = om[(a + 0) * n + j + 2], at3 = (o3 < 0 ? 0 : o3) + f; double[] t3 = o3 < 0 ? odiag : o; DoubleVector.fromArray(S, t3, at3).add(s02).intoArray(t3, at3); }
        { int o4 = om[(a + 0) * n + j + 3], at4 = (o4 < 0 ? 0 : o4) + f; double[] t4 = o4 < 0 ? odiag : o; DoubleVector.fromArray(S, t4, at4).add(s03).intoArray(t4, at4); }
        { int o5 = om[(a + 1) * n + j + 0], at5 = (o5 < 0 ? 0 : o5) + f; double[] t5 = o5 < 0 ? odiag : o; DoubleVector.fromArray(S, t5, at5).add(s10).intoArray(t5, at5); }
        { int o6 = om[(a + 1) * n + j + 1], at6 = (o6 < 0 ? 0 : o6) + f; double[] t6 = o6 < 0 ? odiag : o; DoubleVector.fromArray(S, t6, at6).add(s11).intoArray(t6, at6); }
        { int o7 = om[(a + 1) * n + j + 2], at7 = (o7 < 0 ? 0 : o7) + f; double[] t7 = o7 < 0 ? odiag : o; DoubleVector.fromArray(S, t7, at7).add(s12).intoArray(t7, at7); }
        { int o8 = om[(a + 1) * n + j + 3], at8 = (o8 < 0 ? 0 : o8) + f; double[] t8 = o8 < 0 ? odiag : o; DoubleVector.fromArray(S, t8, at8).add(s13).intoArray(t8, at8); }
        { int o9 = om[(a + 2) * n + j + 0], at9 = (o9 < 0 ? 0 : o9) + f; double[] t9 = o9 < 0 ? odiag : o; DoubleVector.fromArray(S, t9, at9).add(s20).intoArray(t9, at9); }
        { int o10 = om[(a + 2) * n + j + 1], at10 = (o10 < 0 ? 0 : o10) + f; double[] t10 = o10 < 0 ? odiag : o; DoubleVector.fromArray(S, t10, at10).add(s21).intoArray(t10, at10); }
        { int o11 = om[(a + 2) * n + j + 2], at11 = (o11 < 0 ? 0 : o11) + f; double[] t11 = o11 < 0 ? odiag : o; DoubleVector.fromArray(S, t11, at11).add(s22).intoArray(t11, at11); }
        { int o12 = om[(a + 2) * n + j + 3], at12 = (o12 < 0 ? 0 : o12) + f; double[] t12 = o12 < 0 ? odiag : o; DoubleVector.fromArray(S, t12, at12).add(s23).intoArray(t12, at12); }
        { int o13 = om[(a + 3) * n + j + 0], at13 = (o13 < 0 ? 0 : o13) + f; double[] t13 = o13 < 0 ? odiag : o; DoubleVector.fromArray(S, t13, at13).add(s30).intoArray(t13, at13); }
        { int o14 = om[(a + 3) * n + j + 1], at14 = (o14 < 0 ? 0 : o14) + f; double[] t14 = o14 < 0 ? odiag : o; DoubleVector.fromArray(S, t14, at14).add(s31).intoArray(t14, at14); }
        { int o15 = om[(a + 3) * n + j + 2], at15 = (o15 < 0 ? 0 : o15) + f; double[] t15 = o15 < 0 ? odiag : o; DoubleVector.fromArray(S, t15, at15).add(s32).intoArray(t15, at15); }
        { int o16 = om[(a + 3) * n + j + 3], at16 = (o16 < 0 ? 0 : o16) + f; double[] t16 = o16 < 0 ? odiag : o; DoubleVector.fromArray(S, t16, at16).add(s33).intoArray(t16, at16); }
    }

    /** Rows a … a + 3 of column j (the columns beyond the 4 × 4 blocks). */
    private static void product4x1(int n, int f, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym, double[] o, double[] odiag, int[] om) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < n; i++) {
            int oy0 = ym[i * n + j];
            DoubleVector y0 = DoubleVector.fromArray(S, oy0 < 0 ? ydiag : y, Math.max(oy0, 0) + f);
            int ox0 = xm[(a + 0) * n + i];
            DoubleVector x0 = DoubleVector.fromArray(S, ox0 < 0 ? xdiag : x, Math.max(ox0, 0) + f);
            int ox1 = xm[(a + 1) * n + i];
            DoubleVector x1 = DoubleVector.fromArray(S, ox1 < 0 ? xdiag : x, Math.max(ox1, 0) + f);
            int ox2 = xm[(a + 2) * n + i];
            DoubleVector x2 = DoubleVector.fromArray(S, ox2 < 0 ? xdiag : x, Math.max(ox2, 0) + f);
            int ox3 = xm[(a + 3) * n + i];
            DoubleVector x3 = DoubleVector.fromArray(S, ox3 < 0 ? xdiag : x, Math.max(ox3, 0) + f);
            s0 = x0.fma(y0, s0);
            s1 = x1.fma(y0, s1);
            s2 = x2.fma(y0, s2);
            s3 = x3.fma(y0, s3);
        }
        { int o0 = om[(a + 0) * n + j], at0 = (o0 < 0 ? 0 : o0) + f; double[] t0 = o0 < 0 ? odiag : o; DoubleVector.fromArray(S, t0, at0).add(s0).intoArray(t0, at0); }
        { int o1 = om[(a + 1) * n + j], at1 = (o1 < 0 ? 0 : o1) + f; double[] t1 = o1 < 0 ? odiag : o; DoubleVector.fromArray(S, t1, at1).add(s1).intoArray(t1, at1); }
        { int o2 = om[(a + 2) * n + j], at2 = (o2 < 0 ? 0 : o2) + f; double[] t2 = o2 < 0 ? odiag : o; DoubleVector.fromArray(S, t2, at2).add(s2).intoArray(t2, at2); }
        { int o3 = om[(a + 3) * n + j], at3 = (o3 < 0 ? 0 : o3) + f; double[] t3 = o3 < 0 ? odiag : o; DoubleVector.fromArray(S, t3, at3).add(s3).intoArray(t3, at3); }
    }

    /** Columns j … j + 3 of row a (the rows beyond the 4 × 4 blocks). */
    private static void product1x4(int n, int f, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym, double[] o, double[] odiag, int[] om) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < n; i++) {
            int ox0 = xm[a * n + i];
            DoubleVector x0 = DoubleVector.fromArray(S, ox0 < 0 ? xdiag : x, Math.max(ox0, 0) + f);
            int oy0 = ym[i * n + j + 0];
            DoubleVector y0 = DoubleVector.fromArray(S, oy0 < 0 ? ydiag : y, Math.max(oy0, 0) + f);
            int oy1 = ym[i * n + j + 1];
            DoubleVector y1 = DoubleVector.fromArray(S, oy1 < 0 ? ydiag : y, Math.max(oy1, 0) + f);
            int oy2 = ym[i * n + j + 2];
            DoubleVector y2 = DoubleVector.fromArray(S, oy2 < 0 ? ydiag : y, Math.max(oy2, 0) + f);
            int oy3 = ym[i * n + j + 3];
            DoubleVector y3 = DoubleVector.fromArray(S, oy3 < 0 ? ydiag : y, Math.max(oy3, 0) + f);
            s0 = x0.fma(y0, s0);
            s1 = x0.fma(y1, s1);
            s2 = x0.fma(y2, s2);
            s3 = x0.fma(y3, s3);
        }
        { int o0 = om[a * n + j + 0], at0 = (o0 < 0 ? 0 : o0) + f; double[] t0 = o0 < 0 ? odiag : o; DoubleVector.fromArray(S, t0, at0).add(s0).intoArray(t0, at0); }
        { int o1 = om[a * n + j + 1], at1 = (o1 < 0 ? 0 : o1) + f; double[] t1 = o1 < 0 ? odiag : o; DoubleVector.fromArray(S, t1, at1).add(s1).intoArray(t1, at1); }
        { int o2 = om[a * n + j + 2], at2 = (o2 < 0 ? 0 : o2) + f; double[] t2 = o2 < 0 ? odiag : o; DoubleVector.fromArray(S, t2, at2).add(s2).intoArray(t2, at2); }
        { int o3 = om[a * n + j + 3], at3 = (o3 < 0 ? 0 : o3) + f; double[] t3 = o3 < 0 ? odiag : o; DoubleVector.fromArray(S, t3, at3).add(s3).intoArray(t3, at3); }
    }

    /** One output pair (a, j): whole vectors, then the scalar tail. */
    private static void productEntry(int n, int w, int wv, int a, int j, double[] x, double[] xdiag, int[] xm, double[] y, double[] ydiag, int[] ym,
                                     double[] o, double[] odiag, int[] om) {
        for (int f = 0; f < wv; f += L) {
            DoubleVector s = DoubleVector.zero(S);
            for (int i = 0; i < n; i++) s = DoubleVector.fromArray(S, xm[a * n + i] < 0 ? xdiag : x, Math.max(xm[a * n + i], 0) + f).fma(DoubleVector.fromArray(S, ym[i * n + j] < 0 ? ydiag : y, Math.max(ym[i * n + j], 0) + f), s);
            { int o17 = om[a * n + j], at17 = (o17 < 0 ? 0 : o17) + f; double[] t17 = o17 < 0 ? odiag : o; DoubleVector.fromArray(S, t17, at17).add(s).intoArray(t17, at17); }
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

    /**
     * out[a·N + j] = c·Σ_i Σ_f X(a, i, f)·Y(j, i, f) (overwritten) for dense row-major N × N × w arrays, w a multiple of
     * the lanes: the contraction with a symmetric Y (Y(i, j) = Y(j, i)) on copies of its factors, each output the dot
     * product of row a of X with row j of Y (N·w values each, no table, no choice of array). Blocks of 4 × 4 outputs
     * (then 4 × 1, 1 × 4, 1 × 1). The lanes add up the terms in the order of {@link #contraction} (i, then f), so
     * the results are the same bit for bit.
     */
    static void denseContraction(int n, int w, double c, double[] x, double[] y, double[] out, double[] scratch) {
        int a = 0;
        for (; a + 4 <= n; a += 4) {
            int j = 0;
            for (; j + 4 <= n; j += 4) contractDense4x4(n, w, c, a, j, x, y, out, scratch);
            for (; j < n; j++) contractDense4x1(n, w, c, a, j, x, y, out, scratch);
        }
        for (; a < n; a++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) contractDense1x4(n, w, c, a, j, x, y, out, scratch);
            for (; j < n; j++) contractDense1x1(n, w, c, a, j, x, y, out, scratch);
        }
    }

    private static void contractDense4x4(int n, int w, double c, int a, int j, double[] x, double[] y, double[] out, double[] scratch) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00, s20 = s00, s21 = s00, s22 = s00, s23 = s00, s30 = s00, s31 = s00, s32 = s00, s33 = s00;
        int rs = n * w, xo = a * rs, yo = j * rs;
        for (int k = 0; k < rs; k += L) {
            DoubleVector y0 = DoubleVector.fromArray(S, y, yo + 0 * rs + k);
            DoubleVector y1 = DoubleVector.fromArray(S, y, yo + 1 * rs + k);
            DoubleVector y2 = DoubleVector.fromArray(S, y, yo + 2 * rs + k);
            DoubleVector y3 = DoubleVector.fromArray(S, y, yo + 3 * rs + k);
            DoubleVector x0 = DoubleVector.fromArray(S, x, xo + 0 * rs + k);
            s00 = x0.fma(y0, s00); s01 = x0.fma(y1, s01); s02 = x0.fma(y2, s02); s03 = x0.fma(y3, s03);
            DoubleVector x1 = DoubleVector.fromArray(S, x, xo + 1 * rs + k);
            s10 = x1.fma(y0, s10); s11 = x1.fma(y1, s11); s12 = x1.fma(y2, s12); s13 = x1.fma(y3, s13);
            DoubleVector x2 = DoubleVector.fromArray(S, x, xo + 2 * rs + k);
            s20 = x2.fma(y0, s20); s21 = x2.fma(y1, s21); s22 = x2.fma(y2, s22); s23 = x2.fma(y3, s23);
            DoubleVector x3 = DoubleVector.fromArray(S, x, xo + 3 * rs + k);
            s30 = x3.fma(y0, s30); s31 = x3.fma(y1, s31); s32 = x3.fma(y2, s32); s33 = x3.fma(y3, s33);
        }
        s00.intoArray(scratch, 0 * L); s01.intoArray(scratch, 1 * L); s02.intoArray(scratch, 2 * L); s03.intoArray(scratch, 3 * L);
        s10.intoArray(scratch, 4 * L); s11.intoArray(scratch, 5 * L); s12.intoArray(scratch, 6 * L); s13.intoArray(scratch, 7 * L);
        s20.intoArray(scratch, 8 * L); s21.intoArray(scratch, 9 * L); s22.intoArray(scratch, 10 * L); s23.intoArray(scratch, 11 * L);
        s30.intoArray(scratch, 12 * L); s31.intoArray(scratch, 13 * L); s32.intoArray(scratch, 14 * L); s33.intoArray(scratch, 15 * L);
        for (int q = 0; q < 4; q++) for (int r = 0; r < 4; r++) out[(a + q) * n + j + r] = c * laneSum(scratch, (q * 4 + r) * L);
    }

    private static void contractDense4x1(int n, int w, double c, int a, int j, double[] x, double[] y, double[] out, double[] scratch) {
        DoubleVector s00 = DoubleVector.zero(S), s10 = s00, s20 = s00, s30 = s00;
        int rs = n * w, xo = a * rs, yo = j * rs;
        for (int k = 0; k < rs; k += L) {
            DoubleVector y0 = DoubleVector.fromArray(S, y, yo + 0 * rs + k);
            DoubleVector x0 = DoubleVector.fromArray(S, x, xo + 0 * rs + k);
            s00 = x0.fma(y0, s00);
            DoubleVector x1 = DoubleVector.fromArray(S, x, xo + 1 * rs + k);
            s10 = x1.fma(y0, s10);
            DoubleVector x2 = DoubleVector.fromArray(S, x, xo + 2 * rs + k);
            s20 = x2.fma(y0, s20);
            DoubleVector x3 = DoubleVector.fromArray(S, x, xo + 3 * rs + k);
            s30 = x3.fma(y0, s30);
        }
        s00.intoArray(scratch, 0 * L);
        s10.intoArray(scratch, 1 * L);
        s20.intoArray(scratch, 2 * L);
        s30.intoArray(scratch, 3 * L);
        for (int q = 0; q < 4; q++) for (int r = 0; r < 1; r++) out[(a + q) * n + j + r] = c * laneSum(scratch, (q * 1 + r) * L);
    }

    private static void contractDense1x4(int n, int w, double c, int a, int j, double[] x, double[] y, double[] out, double[] scratch) {
        DoubleVector s00 = DoubleVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
        int rs = n * w, xo = a * rs, yo = j * rs;
        for (int k = 0; k < rs; k += L) {
            DoubleVector y0 = DoubleVector.fromArray(S, y, yo + 0 * rs + k);
            DoubleVector y1 = DoubleVector.fromArray(S, y, yo + 1 * rs + k);
            DoubleVector y2 = DoubleVector.fromArray(S, y, yo + 2 * rs + k);
            DoubleVector y3 = DoubleVector.fromArray(S, y, yo + 3 * rs + k);
            DoubleVector x0 = DoubleVector.fromArray(S, x, xo + 0 * rs + k);
            s00 = x0.fma(y0, s00); s01 = x0.fma(y1, s01); s02 = x0.fma(y2, s02); s03 = x0.fma(y3, s03);
        }
        s00.intoArray(scratch, 0 * L); s01.intoArray(scratch, 1 * L); s02.intoArray(scratch, 2 * L); s03.intoArray(scratch, 3 * L);
        for (int q = 0; q < 1; q++) for (int r = 0; r < 4; r++) out[(a + q) * n + j + r] = c * laneSum(scratch, (q * 4 + r) * L);
    }

    private static void contractDense1x1(int n, int w, double c, int a, int j, double[] x, double[] y, double[] out, double[] scratch) {
        DoubleVector s00 = DoubleVector.zero(S);
        int rs = n * w, xo = a * rs, yo = j * rs;
        for (int k = 0; k < rs; k += L) {
            DoubleVector y0 = DoubleVector.fromArray(S, y, yo + 0 * rs + k);
            DoubleVector x0 = DoubleVector.fromArray(S, x, xo + 0 * rs + k);
            s00 = x0.fma(y0, s00);
        }
        s00.intoArray(scratch, 0 * L);
        for (int q = 0; q < 1; q++) for (int r = 0; r < 1; r++) out[(a + q) * n + j + r] = c * laneSum(scratch, (q * 1 + r) * L);
    }

    /** The scratch {@link #contraction} needs: 16 vectors. */
    static int contractionScratch() { return 16 * L; }

    /**
     * out[a·N + j] = c·Σ_i Σ_f X(a, i, f)·Y(i, j, f) (overwritten; out dense N × N). The sums leave their registers
     * through {@code scratch} (at least {@link #contractionScratch()} long) and are added up lane by lane there: a
     * vector handed to a method that the JIT does not inline (this kernel is large) would be allocated, and an MD step
     * must allocate nothing.
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
            for (int jj = j; jj < n; jj++) contractionStrip(n, w, wv, c, a, jj, true, x, xdiag, xm, y, ydiag, ym, out, scratch);
        }
        for (; a < n; a++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) contractionStrip(n, w, wv, c, a, j, false, x, xdiag, xm, y, ydiag, ym, out, scratch);
            for (; j < n; j++) out[a * n + j] = c * contractionEntry(n, w, wv, a, j, x, xdiag, xm, y, ydiag, ym, scratch);
        }
    }

    /**
     * Four output pairs beyond the 4 × 4 blocks: rows a … a + 3 of column j ({@code down}) or columns j … j + 3 of row a.
     */
    private static void contractionStrip(int n, int w, int wv, double c, int a, int j, boolean down, double[] x, double[] xdiag, int[] xm, double[] y,
                                         double[] ydiag, int[] ym, double[] out, double[] scratch) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int da = down ? 1 : 0, dj = down ? 0 : 1;
        for (int i = 0; i < n; i++) {
            int ox0 = xm[a * n + i], ox1 = xm[(a + da) * n + i], ox2 = xm[(a + 2 * da) * n + i], ox3 = xm[(a + 3 * da) * n + i];
            int oy0 = ym[i * n + j], oy1 = ym[i * n + j + dj], oy2 = ym[i * n + j + 2 * dj], oy3 = ym[i * n + j + 3 * dj];
            double[] tx0 = ox0 < 0 ? xdiag : x, tx1 = ox1 < 0 ? xdiag : x, tx2 = ox2 < 0 ? xdiag : x, tx3 = ox3 < 0 ? xdiag : x;
            double[] ty0 = oy0 < 0 ? ydiag : y, ty1 = oy1 < 0 ? ydiag : y, ty2 = oy2 < 0 ? ydiag : y, ty3 = oy3 < 0 ? ydiag : y;
            int ax0 = Math.max(ox0, 0), ax1 = Math.max(ox1, 0), ax2 = Math.max(ox2, 0), ax3 = Math.max(ox3, 0);
            int ay0 = Math.max(oy0, 0), ay1 = Math.max(oy1, 0), ay2 = Math.max(oy2, 0), ay3 = Math.max(oy3, 0);
            for (int f = 0; f < wv; f += L) {
                s0 = DoubleVector.fromArray(S, tx0, ax0 + f).fma(DoubleVector.fromArray(S, ty0, ay0 + f), s0);
                s1 = DoubleVector.fromArray(S, tx1, ax1 + f).fma(DoubleVector.fromArray(S, ty1, ay1 + f), s1);
                s2 = DoubleVector.fromArray(S, tx2, ax2 + f).fma(DoubleVector.fromArray(S, ty2, ay2 + f), s2);
                s3 = DoubleVector.fromArray(S, tx3, ax3 + f).fma(DoubleVector.fromArray(S, ty3, ay3 + f), s3);
            }
        }
        s0.intoArray(scratch, 0); s1.intoArray(scratch, L); s2.intoArray(scratch, 2 * L); s3.intoArray(scratch, 3 * L);
        for (int k = 0; k < 4; k++) {
            int pa = a + k * da, pj = j + k * dj;
            out[pa * n + pj] = c * (laneSum(scratch, k * L) + contractionTail(n, w, wv, pa, pj, x, xdiag, xm, y, ydiag, ym));
        }
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
                int f = 0;
                for (; f + 4 * L <= wv; f += 4 * L) weighted4x4(n, f, u, v, k, s, sdiag, sm, o, odiag, om);
                for (; f < wv; f += L) weighted4(n, f, u, v, k, s, sdiag, sm, o, odiag, om);
                for (int q = 0; q < 4; q++) weightedTail(n, w, wv, u + q, v, k, s, sdiag, sm, o, odiag, om);
            }
        for (; u < n; u++)
            for (int v = 0; v < n; v++) {
                int f0 = 0;
                for (; f0 + 4 * L <= wv; f0 += 4 * L) weighted1x4(n, f0, u, v, k, s, sdiag, sm, o, odiag, om);
                for (int f = f0; f < wv; f += L) {
                    DoubleVector acc = DoubleVector.zero(S);
                    for (int m = 0; m < n; m++) acc = DoubleVector.fromArray(S, sm[v * n + m] < 0 ? sdiag : s, Math.max(sm[v * n + m], 0) + f).fma(DoubleVector.broadcast(S, k[u * n + m]), acc);
                    { int o18 = om[u * n + v], at18 = (o18 < 0 ? 0 : o18) + f; double[] t18 = o18 < 0 ? odiag : o; DoubleVector.fromArray(S, t18, at18).add(acc).intoArray(t18, at18); }
                }
                weightedTail(n, w, wv, u, v, k, s, sdiag, sm, o, odiag, om);
            }
    }

    /**
     * {@link #weightedRows} with S dense: S(v, m) at {@code s[v·vs + m·ms]} (a copy of the pair rows, or a dense value
     * or its transpose), w a multiple of 4 lanes; the output rows through {@code om} as there. The same sums in the
     * same order (each output row's sum over m bit for bit; the two orders of a pair are added to their shared row in
     * another order), without a table look-up and a choice of array per loaded row. The loop over v is outermost, so
     * the N·w values of S(v, ·) (5–11 kB) stay in L1 for every u, and S (an N² × w copy, beyond L1) is read from L2
     * once instead of once per block of u; register blocks of 6 u × 4 vectors (24 sums; then 3 u, then single rows)
     * load each vector of S once for 24 multiply-adds (4 × 4 blocks: 16). Alone, on 21 atoms: 10–25 % faster.
     */
    static void weightedRowsDense(int n, int w, double[] k, double[] s, int vs, int ms, double[] o, double[] odiag, int[] om) {
        for (int v = 0; v < n; v++) {
            int u = 0;
            for (; u + 6 <= n; u += 6)
                for (int f = 0; f < w; f += 4 * L) weightedDense6x4(n, f, u, v, k, s, vs, ms, o, odiag, om);
            for (; u + 3 <= n; u += 3)
                for (int f = 0; f < w; f += 4 * L) weightedDense3x4(n, f, u, v, k, s, vs, ms, o, odiag, om);
            for (; u < n; u++)
                for (int f = 0; f < w; f += 4 * L) weightedDense1x4(n, f, u, v, k, s, vs, ms, o, odiag, om);
        }
    }

    private static void weightedDense6x4(int n, int f, int u, int v, double[] k, double[] s, int vs, int ms, double[] o, double[] odiag, int[] om) {
        DoubleVector a00 = DoubleVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00, a40 = a00, a41 = a00, a42 = a00, a43 = a00, a50 = a00, a51 = a00, a52 = a00, a53 = a00;
        int sv = v * vs + f, k0o = u * n + 0 * n, k1o = u * n + 1 * n, k2o = u * n + 2 * n, k3o = u * n + 3 * n, k4o = u * n + 4 * n, k5o = u * n + 5 * n;
        for (int m = 0; m < n; m++) {
            int at = sv + m * ms;
            DoubleVector r0 = DoubleVector.fromArray(S, s, at + 0 * L);
            DoubleVector r1 = DoubleVector.fromArray(S, s, at + 1 * L);
            DoubleVector r2 = DoubleVector.fromArray(S, s, at + 2 * L);
            DoubleVector r3 = DoubleVector.fromArray(S, s, at + 3 * L);
            DoubleVector k0 = DoubleVector.broadcast(S, k[k0o + m]);
            a00 = r0.fma(k0, a00); a01 = r1.fma(k0, a01); a02 = r2.fma(k0, a02); a03 = r3.fma(k0, a03);
            DoubleVector k1 = DoubleVector.broadcast(S, k[k1o + m]);
            a10 = r0.fma(k1, a10); a11 = r1.fma(k1, a11); a12 = r2.fma(k1, a12); a13 = r3.fma(k1, a13);
            DoubleVector k2 = DoubleVector.broadcast(S, k[k2o + m]);
            a20 = r0.fma(k2, a20); a21 = r1.fma(k2, a21); a22 = r2.fma(k2, a22); a23 = r3.fma(k2, a23);
            DoubleVector k3 = DoubleVector.broadcast(S, k[k3o + m]);
            a30 = r0.fma(k3, a30); a31 = r1.fma(k3, a31); a32 = r2.fma(k3, a32); a33 = r3.fma(k3, a33);
            DoubleVector k4 = DoubleVector.broadcast(S, k[k4o + m]);
            a40 = r0.fma(k4, a40); a41 = r1.fma(k4, a41); a42 = r2.fma(k4, a42); a43 = r3.fma(k4, a43);
            DoubleVector k5 = DoubleVector.broadcast(S, k[k5o + m]);
            a50 = r0.fma(k5, a50); a51 = r1.fma(k5, a51); a52 = r2.fma(k5, a52); a53 = r3.fma(k5, a53);
        }
        { int oo = om[(u + 0) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a00).intoArray(t, at); }
        { int oo = om[(u + 0) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a01).intoArray(t, at); }
        { int oo = om[(u + 0) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a02).intoArray(t, at); }
        { int oo = om[(u + 0) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a03).intoArray(t, at); }
        { int oo = om[(u + 1) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a10).intoArray(t, at); }
        { int oo = om[(u + 1) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a11).intoArray(t, at); }
        { int oo = om[(u + 1) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a12).intoArray(t, at); }
        { int oo = om[(u + 1) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a13).intoArray(t, at); }
        { int oo = om[(u + 2) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a20).intoArray(t, at); }
        { int oo = om[(u + 2) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a21).intoArray(t, at); }
        { int oo = om[(u + 2) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a22).intoArray(t, at); }
        { int oo = om[(u + 2) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a23).intoArray(t, at); }
        { int oo = om[(u + 3) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a30).intoArray(t, at); }
        { int oo = om[(u + 3) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a31).intoArray(t, at); }
        { int oo = om[(u + 3) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a32).intoArray(t, at); }
        { int oo = om[(u + 3) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a33).intoArray(t, at); }
        { int oo = om[(u + 4) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a40).intoArray(t, at); }
        { int oo = om[(u + 4) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a41).intoArray(t, at); }
        { int oo = om[(u + 4) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a42).intoArray(t, at); }
        { int oo = om[(u + 4) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a43).intoArray(t, at); }
        { int oo = om[(u + 5) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a50).intoArray(t, at); }
        { int oo = om[(u + 5) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a51).intoArray(t, at); }
        { int oo = om[(u + 5) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a52).intoArray(t, at); }
        { int oo = om[(u + 5) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a53).intoArray(t, at); }
    }

    private static void weightedDense3x4(int n, int f, int u, int v, double[] k, double[] s, int vs, int ms, double[] o, double[] odiag, int[] om) {
        DoubleVector a00 = DoubleVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        int sv = v * vs + f, k0o = u * n + 0 * n, k1o = u * n + 1 * n, k2o = u * n + 2 * n;
        for (int m = 0; m < n; m++) {
            int at = sv + m * ms;
            DoubleVector r0 = DoubleVector.fromArray(S, s, at + 0 * L);
            DoubleVector r1 = DoubleVector.fromArray(S, s, at + 1 * L);
            DoubleVector r2 = DoubleVector.fromArray(S, s, at + 2 * L);
            DoubleVector r3 = DoubleVector.fromArray(S, s, at + 3 * L);
            DoubleVector k0 = DoubleVector.broadcast(S, k[k0o + m]);
            a00 = r0.fma(k0, a00); a01 = r1.fma(k0, a01); a02 = r2.fma(k0, a02); a03 = r3.fma(k0, a03);
            DoubleVector k1 = DoubleVector.broadcast(S, k[k1o + m]);
            a10 = r0.fma(k1, a10); a11 = r1.fma(k1, a11); a12 = r2.fma(k1, a12); a13 = r3.fma(k1, a13);
            DoubleVector k2 = DoubleVector.broadcast(S, k[k2o + m]);
            a20 = r0.fma(k2, a20); a21 = r1.fma(k2, a21); a22 = r2.fma(k2, a22); a23 = r3.fma(k2, a23);
        }
        { int oo = om[(u + 0) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a00).intoArray(t, at); }
        { int oo = om[(u + 0) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a01).intoArray(t, at); }
        { int oo = om[(u + 0) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a02).intoArray(t, at); }
        { int oo = om[(u + 0) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a03).intoArray(t, at); }
        { int oo = om[(u + 1) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a10).intoArray(t, at); }
        { int oo = om[(u + 1) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a11).intoArray(t, at); }
        { int oo = om[(u + 1) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a12).intoArray(t, at); }
        { int oo = om[(u + 1) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a13).intoArray(t, at); }
        { int oo = om[(u + 2) * n + v], at = (oo < 0 ? 0 : oo) + f + 0 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a20).intoArray(t, at); }
        { int oo = om[(u + 2) * n + v], at = (oo < 0 ? 0 : oo) + f + 1 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a21).intoArray(t, at); }
        { int oo = om[(u + 2) * n + v], at = (oo < 0 ? 0 : oo) + f + 2 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a22).intoArray(t, at); }
        { int oo = om[(u + 2) * n + v], at = (oo < 0 ? 0 : oo) + f + 3 * L; double[] t = oo < 0 ? odiag : o; DoubleVector.fromArray(S, t, at).add(a23).intoArray(t, at); }
    }

    private static void weightedDense1x4(int n, int f, int u, int v, double[] k, double[] s, int vs, int ms, double[] o, double[] odiag, int[] om) {
        DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int sv = v * vs + f;
        for (int m = 0; m < n; m++) {
            int at = sv + m * ms;
            DoubleVector kv = DoubleVector.broadcast(S, k[u * n + m]);
            a0 = DoubleVector.fromArray(S, s, at + 0 * L).fma(kv, a0);
            a1 = DoubleVector.fromArray(S, s, at + 1 * L).fma(kv, a1);
            a2 = DoubleVector.fromArray(S, s, at + 2 * L).fma(kv, a2);
            a3 = DoubleVector.fromArray(S, s, at + 3 * L).fma(kv, a3);
        }
        { int o0 = om[u * n + v], at0 = (o0 < 0 ? 0 : o0) + f + 0 * L; double[] t0 = o0 < 0 ? odiag : o; DoubleVector.fromArray(S, t0, at0).add(a0).intoArray(t0, at0); }
        { int o1 = om[u * n + v], at1 = (o1 < 0 ? 0 : o1) + f + 1 * L; double[] t1 = o1 < 0 ? odiag : o; DoubleVector.fromArray(S, t1, at1).add(a1).intoArray(t1, at1); }
        { int o2 = om[u * n + v], at2 = (o2 < 0 ? 0 : o2) + f + 2 * L; double[] t2 = o2 < 0 ? odiag : o; DoubleVector.fromArray(S, t2, at2).add(a2).intoArray(t2, at2); }
        { int o3 = om[u * n + v], at3 = (o3 < 0 ? 0 : o3) + f + 3 * L; double[] t3 = o3 < 0 ? odiag : o; DoubleVector.fromArray(S, t3, at3).add(a3).intoArray(t3, at3); }
    }

    /** Four u × four vectors of features: each row of S and each K[u, m] loaded once for 16 multiply-adds. */
    private static void weighted4x4(int n, int f, int u, int v, double[] k, double[] s, double[] sdiag, int[] sm, double[] o, double[] odiag, int[] om) {
        DoubleVector a00 = DoubleVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int m = 0; m < n; m++) {
            int so = sm[v * n + m], at = (so < 0 ? 0 : so) + f;
            double[] t = so < 0 ? sdiag : s;
            DoubleVector r0 = DoubleVector.fromArray(S, t, at + 0 * L);
            DoubleVector r1 = DoubleVector.fromArray(S, t, at + 1 * L);
            DoubleVector r2 = DoubleVector.fromArray(S, t, at + 2 * L);
            DoubleVector r3 = DoubleVector.fromArray(S, t, at + 3 * L);
            DoubleVector k0 = DoubleVector.broadcast(S, k[(u + 0) * n + m]);
            DoubleVector k1 = DoubleVector.broadcast(S, k[(u + 1) * n + m]);
            DoubleVector k2 = DoubleVector.broadcast(S, k[(u + 2) * n + m]);
            DoubleVector k3 = DoubleVector.broadcast(S, k[(u + 3) * n + m]);
            a00 = r0.fma(k0, a00);
            a01 = r1.fma(k0, a01);
            a02 = r2.fma(k0, a02);
            a03 = r3.fma(k0, a03);
            a10 = r0.fma(k1, a10);
            a11 = r1.fma(k1, a11);
            a12 = r2.fma(k1, a12);
            a13 = r3.fma(k1, a13);
            a20 = r0.fma(k2, a20);
            a21 = r1.fma(k2, a21);
            a22 = r2.fma(k2, a22);
            a23 = r3.fma(k2, a23);
            a30 = r0.fma(k3, a30);
            a31 = r1.fma(k3, a31);
            a32 = r2.fma(k3, a32);
            a33 = r3.fma(k3, a33);
        }
        { int o19 = om[(u + 0) * n + v], at19 = (o19 < 0 ? 0 : o19) + f + 0 * L; double[] t19 = o19 < 0 ? odiag : o; DoubleVector.fromArray(S, t19, at19).add(a00).intoArray(t19, at19); }
        { int o20 = om[(u + 0) * n + v], at20 = (o20 < 0 ? 0 : o20) + f + 1 * L; double[] t20 = o20 < 0 ? odiag : o; DoubleVector.fromArray(S, t20, at20).add(a01).intoArray(t20, at20); }
        { int o21 = om[(u + 0) * n + v], at21 = (o21 < 0 ? 0 : o21) + f + 2 * L; double[] t21 = o21 < 0 ? odiag : o; DoubleVector.fromArray(S, t21, at21).add(a02).intoArray(t21, at21); }
        { int o22 = om[(u + 0) * n + v], at22 = (o22 < 0 ? 0 : o22) + f + 3 * L; double[] t22 = o22 < 0 ? odiag : o; DoubleVector.fromArray(S, t22, at22).add(a03).intoArray(t22, at22); }
        { int o23 = om[(u + 1) * n + v], at23 = (o23 < 0 ? 0 : o23) + f + 0 * L; double[] t23 = o23 < 0 ? odiag : o; DoubleVector.fromArray(S, t23, at23).add(a10).intoArray(t23, at23); }
        { int o24 = om[(u + 1) * n + v], at24 = (o24 < 0 ? 0 : o24) + f + 1 * L; double[] t24 = o24 < 0 ? odiag : o; DoubleVector.fromArray(S, t24, at24).add(a11).intoArray(t24, at24); }
        { int o25 = om[(u + 1) * n + v], at25 = (o25 < 0 ? 0 : o25) + f + 2 * L; double[] t25 = o25 < 0 ? odiag : o; DoubleVector.fromArray(S, t25, at25).add(a12).intoArray(t25, at25); }
        { int o26 = om[(u + 1) * n + v], at26 = (o26 < 0 ? 0 : o26) + f + 3 * L; double[] t26 = o26 < 0 ? odiag : o; DoubleVector.fromArray(S, t26, at26).add(a13).intoArray(t26, at26); }
        { int o27 = om[(u + 2) * n + v], at27 = (o27 < 0 ? 0 : o27) + f + 0 * L; double[] t27 = o27 < 0 ? odiag : o; DoubleVector.fromArray(S, t27, at27).add(a20).intoArray(t27, at27); }
        { int o28 = om[(u + 2) * n + v], at28 = (o28 < 0 ? 0 : o28) + f + 1 * L; double[] t28 = o28 < 0 ? odiag : o; DoubleVector.fromArray(S, t28, at28).add(a21).intoArray(t28, at28); }
        { int o29 = om[(u + 2) * n + v], at29 = (o29 < 0 ? 0 : o29) + f + 2 * L; double[] t29 = o29 < 0 ? odiag : o; DoubleVector.fromArray(S, t29, at29).add(a22).intoArray(t29, at29); }
        { int o30 = om[(u + 2) * n + v], at30 = (o30 < 0 ? 0 : o30) + f + 3 * L; double[] t30 = o30 < 0 ? odiag : o; DoubleVector.fromArray(S, t30, at30).add(a23).intoArray(t30, at30); }
        { int o31 = om[(u + 3) * n + v], at31 = (o31 < 0 ? 0 : o31) + f + 0 * L; double[] t31 = o31 < 0 ? odiag : o; DoubleVector.fromArray(S, t31, at31).add(a30).intoArray(t31, at31); }
        { int o32 = om[(u + 3) * n + v], at32 = (o32 < 0 ? 0 : o32) + f + 1 * L; double[] t32 = o32 < 0 ? odiag : o; DoubleVector.fromArray(S, t32, at32).add(a31).intoArray(t32, at32); }
        { int o33 = om[(u + 3) * n + v], at33 = (o33 < 0 ? 0 : o33) + f + 2 * L; double[] t33 = o33 < 0 ? odiag : o; DoubleVector.fromArray(S, t33, at33).add(a32).intoArray(t33, at33); }
        { int o34 = om[(u + 3) * n + v], at34 = (o34 < 0 ? 0 : o34) + f + 3 * L; double[] t34 = o34 < 0 ? odiag : o; DoubleVector.fromArray(S, t34, at34).add(a33).intoArray(t34, at34); }
    }

    /** One u (the rows beyond the blocks of four) × four vectors of features. */
    private static void weighted1x4(int n, int f, int u, int v, double[] k, double[] s, double[] sdiag, int[] sm, double[] o, double[] odiag, int[] om) {
        DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int m = 0; m < n; m++) {
            int so = sm[v * n + m], at = (so < 0 ? 0 : so) + f;
            double[] t = so < 0 ? sdiag : s;
            DoubleVector kv = DoubleVector.broadcast(S, k[u * n + m]);
            a0 = DoubleVector.fromArray(S, t, at + 0 * L).fma(kv, a0);
            a1 = DoubleVector.fromArray(S, t, at + 1 * L).fma(kv, a1);
            a2 = DoubleVector.fromArray(S, t, at + 2 * L).fma(kv, a2);
            a3 = DoubleVector.fromArray(S, t, at + 3 * L).fma(kv, a3);
        }
        { int o0 = om[u * n + v], at0 = (o0 < 0 ? 0 : o0) + f + 0 * L; double[] t0 = o0 < 0 ? odiag : o; DoubleVector.fromArray(S, t0, at0).add(a0).intoArray(t0, at0); }
        { int o1 = om[u * n + v], at1 = (o1 < 0 ? 0 : o1) + f + 1 * L; double[] t1 = o1 < 0 ? odiag : o; DoubleVector.fromArray(S, t1, at1).add(a1).intoArray(t1, at1); }
        { int o2 = om[u * n + v], at2 = (o2 < 0 ? 0 : o2) + f + 2 * L; double[] t2 = o2 < 0 ? odiag : o; DoubleVector.fromArray(S, t2, at2).add(a2).intoArray(t2, at2); }
        { int o3 = om[u * n + v], at3 = (o3 < 0 ? 0 : o3) + f + 3 * L; double[] t3 = o3 < 0 ? odiag : o; DoubleVector.fromArray(S, t3, at3).add(a3).intoArray(t3, at3); }
    }

    private static void weighted4(int n, int f, int u, int v, double[] k, double[] s, double[] sdiag, int[] sm, double[] o, double[] odiag, int[] om) {
        DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int m = 0; m < n; m++) {
            DoubleVector r = DoubleVector.fromArray(S, sm[v * n + m] < 0 ? sdiag : s, Math.max(sm[v * n + m], 0) + f);
            a0 = r.fma(DoubleVector.broadcast(S, k[u * n + m]), a0);
            a1 = r.fma(DoubleVector.broadcast(S, k[(u + 1) * n + m]), a1);
            a2 = r.fma(DoubleVector.broadcast(S, k[(u + 2) * n + m]), a2);
            a3 = r.fma(DoubleVector.broadcast(S, k[(u + 3) * n + m]), a3);
        }
        { int o35 = om[u * n + v], at35 = (o35 < 0 ? 0 : o35) + f; double[] t35 = o35 < 0 ? odiag : o; DoubleVector.fromArray(S, t35, at35).add(a0).intoArray(t35, at35); }
        { int o36 = om[(u + 1) * n + v], at36 = (o36 < 0 ? 0 : o36) + f; double[] t36 = o36 < 0 ? odiag : o; DoubleVector.fromArray(S, t36, at36).add(a1).intoArray(t36, at36); }
        { int o37 = om[(u + 2) * n + v], at37 = (o37 < 0 ? 0 : o37) + f; double[] t37 = o37 < 0 ? odiag : o; DoubleVector.fromArray(S, t37, at37).add(a2).intoArray(t37, at37); }
        { int o38 = om[(u + 3) * n + v], at38 = (o38 < 0 ? 0 : o38) + f; double[] t38 = o38 < 0 ? odiag : o; DoubleVector.fromArray(S, t38, at38).add(a3).intoArray(t38, at38); }
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
