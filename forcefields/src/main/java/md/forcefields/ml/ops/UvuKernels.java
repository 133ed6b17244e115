package md.forcefields.ml.ops;

import md.forcefields.e3nn.DenseKernels;

/**
 * The per-edge, per-path inner loops of {@link UvuConvolution}, one per mode, over the channels u of a
 * path (contiguous in the component-major layout). {@code t} holds T[q] of the edge at {@code tb + q};
 * {@code s} is the path's constant factor. Two implementations with the same loop structure: plain
 * Java, and the Vector API when the JVM has it (see {@link DenseKernels#VECTORIZED}).
 */
public interface UvuKernels {

    /** The Vector API kernels when available, else the plain ones. */
    static UvuKernels best() { return DenseKernels.VECTORIZED ? new UvuVectorKernels() : new Plain(); }

    /** res[ob + c·oMul + u] += s·W[wb + u]·Σ_{q: c_q = c} T[q]·X[xb + a_q·mul + u]. */
    void forward(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb, double[] res, int ob, int oMul, double[] scratch);

    /** res[xb + a·mul + u] += s·W[wb + u]·Σ_{q: a_q = a} T[q]·O[ob + c_q·oMul + u]. */
    void inputGrad(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] o, int ob, int oMul, double[] w, int wb, double[] res, int xb, double[] scratch);

    /** res[wb + u] += s·Σ_q T[q]·X[xb + a_q·mul + u]·O[ob + c_q·oMul + u]. */
    void weightGrad(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] o, int ob, int oMul, double[] res, int wb, double[] scratch);

    /**
     * Every gradient of one path on one edge from a dense T[a·d3 + c] (path scale folded in): dx[xOff + a·mul + u]
     * += Σ_c T[a][c]·W[u]·O[c][u], dw[dwOff + u] += Σ_a X[a][u]·Σ_c T[a][c]·O[c][u], and dT[dtOff + a·d3 + c] =
     * s·Σ_u X[a][u]·W[u]·O[c][u] (overwritten). Layouts as in the other modes (O rows at oOff + c·ldo).
     */
    default void denseBackward(int d1, int d3, int mul, double[] t, double s, double[] x, int xOff, double[] w, int wOff,
                               double[] o, int oOff, int ldo, double[] dx, double[] dw, int dwOff, double[] dT, int dtOff) {
        for (int a = 0; a < d1; a++) {
            int xa = xOff + a * mul;
            for (int c = 0; c < d3; c++) {
                double ta = t[a * d3 + c], dot = 0;
                int oc = oOff + c * ldo;
                for (int u = 0; u < mul; u++) {
                    double g = ta * o[oc + u];
                    dx[xa + u] += w[wOff + u] * g;
                    dw[dwOff + u] += x[xa + u] * g;
                    dot += x[xa + u] * w[wOff + u] * o[oc + u];
                }
                dT[dtOff + a * d3 + c] = s * dot;
            }
        }
    }

    /** m[q] = s·Σ_u X[xb + a_q·mul + u]·W[wb + u]·O[ob + c_q·oMul + u] for every pair q; scratch holds mul·(2l_in+1). */
    void pairProducts(UvuCoupling cg, int mul, double s, double[] x, int xb, double[] w, int wb, double[] o, int ob, int oMul, double[] m, double[] scratch);

    /** Plain loops (scratch: at least mul). Each also runs on the channels from {@code u0} on only, for vector kernels' leftovers. */
    final class Plain implements UvuKernels {
        @Override public void forward(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb, double[] res, int ob, int oMul, double[] acc) {
            forward(cg, mul, s, t, tb, x, xb, w, wb, res, ob, oMul, acc, 0);
        }

        void forward(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb, double[] res, int ob, int oMul, double[] acc, int u0) {
            int[] by = cg.byC(), start = cg.cStart(), pa = cg.pairA();
            for (int c = 0; c + 1 < start.length; c++) {
                if (start[c] == start[c + 1]) continue;
                java.util.Arrays.fill(acc, u0, mul, 0.0);
                for (int k = start[c]; k < start[c + 1]; k++) {
                    int q = by[k], xa = xb + pa[q] * mul;
                    double tq = t[tb + q];
                    for (int u = u0; u < mul; u++) acc[u] += tq * x[xa + u];
                }
                int oc = ob + c * oMul;
                for (int u = u0; u < mul; u++) res[oc + u] += s * w[wb + u] * acc[u];
            }
        }

        @Override public void inputGrad(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] o, int ob, int oMul, double[] w, int wb, double[] res, int xb, double[] acc) {
            inputGrad(cg, mul, s, t, tb, o, ob, oMul, w, wb, res, xb, acc, 0);
        }

        void inputGrad(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] o, int ob, int oMul, double[] w, int wb, double[] res, int xb, double[] acc, int u0) {
            int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
            for (int a = 0; a + 1 < start.length; a++) {
                if (start[a] == start[a + 1]) continue;
                java.util.Arrays.fill(acc, u0, mul, 0.0);
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k], oc = ob + pc[q] * oMul;
                    double tq = t[tb + q];
                    for (int u = u0; u < mul; u++) acc[u] += tq * o[oc + u];
                }
                int xa = xb + a * mul;
                for (int u = u0; u < mul; u++) res[xa + u] += s * w[wb + u] * acc[u];
            }
        }

        @Override public void weightGrad(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] o, int ob, int oMul, double[] res, int wb, double[] acc) {
            weightGrad(cg, mul, s, t, tb, x, xb, o, ob, oMul, res, wb, acc, 0);
        }

        void weightGrad(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] o, int ob, int oMul, double[] res, int wb, double[] acc, int u0) {
            int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
            for (int a = 0; a + 1 < start.length; a++) {
                if (start[a] == start[a + 1]) continue;
                java.util.Arrays.fill(acc, u0, mul, 0.0);
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k], oc = ob + pc[q] * oMul;
                    double tq = t[tb + q];
                    for (int u = u0; u < mul; u++) acc[u] += tq * o[oc + u];
                }
                int xa = xb + a * mul;
                for (int u = u0; u < mul; u++) res[wb + u] += s * x[xa + u] * acc[u];
            }
        }

        @Override public void pairProducts(UvuCoupling cg, int mul, double s, double[] x, int xb, double[] w, int wb, double[] o, int ob, int oMul, double[] m, double[] xw) {
            int d1 = cg.aStart().length - 1;
            for (int a = 0; a < d1; a++)
                for (int u = 0; u < mul; u++) xw[a * mul + u] = x[xb + a * mul + u] * w[wb + u];
            int[] pa = cg.pairA(), pc = cg.pairC();
            for (int q = 0; q < pa.length; q++) {
                int xa = pa[q] * mul, oc = ob + pc[q] * oMul;
                double dot = 0;
                for (int u = 0; u < mul; u++) dot += xw[xa + u] * o[oc + u];
                m[q] = s * dot;
            }
        }
    }
}
