package md.forcefields.ml.ops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The chain products of {@link PairChainProduct} and {@link PairChainContraction} directly on the row-major dense
 * pair values (atomPairs × F, features fastest), with the Vector API along the features: no feature-major copies and
 * no short matrix rows, which is what small molecules need (N ≈ 10–60: the N × N products per feature are too small
 * for the dense kernel's register blocks). Four output pairs (a, j … j + 3) at a time share each load of X[a, i, ·].
 * Only loaded when the Vector API is (see {@link md.forcefields.e3nn.DenseKernels#VECTORIZED}).
 */
final class PairChainVectorKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private PairChainVectorKernels() {}

    private static DoubleVector load(double[] a, int i) { return DoubleVector.fromArray(S, a, i); }

    /** Lanes summed in lane order (the same bits interpreted and compiled, see VectorKernels.sumLanes). */
    private static double sumLanes(DoubleVector v) { return md.forcefields.e3nn.VectorKernels.sumLanes(v); }

    /** out[a, j, ·] += Σ_i X'[a, i, ·] ⊙ Y'[i, j, ·] (X', Y' transposed in the atom indices where asked). */
    static void product(int n, int w, double[] x, boolean tx, double[] y, boolean ty, double[] out) {
        int wv = w - w % L;
        for (int a = 0; a < n; a++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int o0 = (a * n + j) * w, o1 = o0 + w, o2 = o1 + w, o3 = o2 + w;
                for (int f = 0; f < wv; f += L) {
                    DoubleVector s0 = load(out, o0 + f), s1 = load(out, o1 + f), s2 = load(out, o2 + f), s3 = load(out, o3 + f);
                    for (int i = 0; i < n; i++) {
                        DoubleVector xv = load(x, (tx ? i * n + a : a * n + i) * w + f);
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
                    for (int i = 0; i < n; i++) s = load(x, (tx ? i * n + a : a * n + i) * w + f).fma(load(y, yRow(n, w, i, j, ty) + f), s);
                    s.intoArray(out, o + f);
                }
                scalarTail(n, w, wv, a, j, x, tx, y, ty, out);
            }
        }
    }

    private static int yRow(int n, int w, int i, int j, boolean ty) { return (ty ? j * n + i : i * n + j) * w; }

    private static void scalarTail(int n, int w, int wv, int a, int j, double[] x, boolean tx, double[] y, boolean ty, double[] out) {
        int o = (a * n + j) * w;
        for (int f = wv; f < w; f++) {
            double s = out[o + f];
            for (int i = 0; i < n; i++) s += x[(tx ? i * n + a : a * n + i) * w + f] * y[yRow(n, w, i, j, ty) + f];
            out[o + f] = s;
        }
    }

    /** out[a, j] = c·Σ_i Σ_f X[a, i, f]·Y[i, j, f] (overwritten). */
    static void contraction(int n, int w, double c, double[] x, double[] y, double[] out) {
        int wv = w - w % L;
        for (int a = 0; a < n; a++) {
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                double t0 = 0, t1 = 0, t2 = 0, t3 = 0;
                for (int i = 0; i < n; i++) {
                    int xo = (a * n + i) * w, y0 = (i * n + j) * w, y1 = y0 + w, y2 = y1 + w, y3 = y2 + w;
                    for (int f = 0; f < wv; f += L) {
                        DoubleVector xv = load(x, xo + f);
                        s0 = xv.fma(load(y, y0 + f), s0);
                        s1 = xv.fma(load(y, y1 + f), s1);
                        s2 = xv.fma(load(y, y2 + f), s2);
                        s3 = xv.fma(load(y, y3 + f), s3);
                    }
                    for (int f = wv; f < w; f++) {
                        double xf = x[xo + f];
                        t0 += xf * y[y0 + f];
                        t1 += xf * y[y1 + f];
                        t2 += xf * y[y2 + f];
                        t3 += xf * y[y3 + f];
                    }
                }
                out[a * n + j] = c * (sumLanes(s0) + t0);
                out[a * n + j + 1] = c * (sumLanes(s1) + t1);
                out[a * n + j + 2] = c * (sumLanes(s2) + t2);
                out[a * n + j + 3] = c * (sumLanes(s3) + t3);
            }
            for (; j < n; j++) {
                DoubleVector s = DoubleVector.zero(S);
                double t = 0;
                for (int i = 0; i < n; i++) {
                    int xo = (a * n + i) * w, yo = (i * n + j) * w;
                    for (int f = 0; f < wv; f += L) s = load(x, xo + f).fma(load(y, yo + f), s);
                    for (int f = wv; f < w; f++) t += x[xo + f] * y[yo + f];
                }
                out[a * n + j] = c * (sumLanes(s) + t);
            }
        }
    }
}
