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
     * Every gradient of one path on one edge, over the coupling's nonzero (a, c) pairs only (the MD backward): with
     * G[a][u] = Σ_{q: a_q = a} s·T[q]·O[ob + c_q·oMul + u], dx[xb + a·mul + u] += W[wb + u]·G[a][u] and dw[wb + u] +=
     * Σ_a X[xb + a·mul + u]·G[a][u]; for dY, each pair's product D[q] = s·Σ_u X[a_q][u]·W[u]·O[c_q][u], times each of its
     * entries' C[a,b,c], is added to the partial sums of harmonic column yOff + b: dyPart[(yOff + b)·{@link #dyLanes()}
     * + lane] (the caller adds the lanes up once per edge, after all paths, so the sum over the channels is not a
     * horizontal reduction per pair). {@code pairScratch}: at least pairs · {@link #dyLanes()}.
     */
    void pathBackward(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb,
                      double[] o, int ob, int oMul, double[] dx, double[] dw, double[] dyPart, double[] pairScratch);

    /** Partial sums per harmonic column that {@link #pathBackward} keeps (the caller adds them up in lane order). */
    int dyLanes();

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

        @Override public int dyLanes() { return 1; }

        @Override public void pathBackward(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb,
                                           double[] o, int ob, int oMul, double[] dx, double[] dw, double[] dyPart, double[] pairScratch) {
            pathBackward(cg, mul, s, t, tb, x, xb, w, wb, o, ob, oMul, dx, dw, dyPart, pairScratch, 0, 1);
        }

        /** The channels from {@code u0} on, their part of dY added to lane 0 of {@code lanes} per harmonic column. */
        void pathBackward(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb,
                          double[] o, int ob, int oMul, double[] dx, double[] dw, double[] dyPart, double[] pairScratch, int u0, int lanes) {
            int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC(), bs = cg.bStart(), ep = cg.bEntryPair();
            double[] ev = cg.bEntryValue();
            for (int a = 0; a + 1 < start.length; a++) {
                int xa = xb + a * mul;
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k], oc = ob + pc[q] * oMul;
                    double tq = s * t[tb + q], dot = 0;
                    for (int u = u0; u < mul; u++) {
                        double g = tq * o[oc + u];
                        dx[xa + u] += w[wb + u] * g;
                        dw[wb + u] += x[xa + u] * g;
                        dot += x[xa + u] * w[wb + u] * o[oc + u];
                    }
                    pairScratch[q] = dot;
                }
            }
            for (int b = 0; b + 1 < bs.length; b++) {
                double sum = 0;
                for (int k = bs[b]; k < bs[b + 1]; k++) sum += ev[k] * pairScratch[ep[k]];
                dyPart[(cg.yOff() + b) * lanes] += s * sum;
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
