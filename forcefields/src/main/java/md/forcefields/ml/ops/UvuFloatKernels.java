package md.forcefields.ml.ops;

import md.forcefields.e3nn.DenseKernels;

/**
 * The float32 versions of the MD plan's {@link UvuKernels#forward} and {@link UvuKernels#pathBackward}, same loops
 * and layouts on float arrays; see {@link UvuConvolutionFloat32}
 * for what stays float64. Plain loops here (also the vector kernels' leftover channels); the Vector API
 * versions, twice as many lanes per vector as float64, in {@link UvuFloatVectorKernels}.
 */
class UvuFloatKernels {

    /** The Vector API kernels when available, else the plain ones. */
    static UvuFloatKernels best() { return DenseKernels.VECTORIZED ? new UvuFloatVectorKernels() : new UvuFloatKernels(); }

    /** res[ob + c·oMul + u] += s·W[wb + u]·Σ_{q: c_q = c} T[q]·X[xb + a_q·mul + u] (scratch: at least mul). */
    void forward(UvuCoupling cg, int mul, float s, float[] t, int tb, float[] x, int xb, float[] w, int wb, float[] res, int ob, int oMul, float[] acc) {
        forward(cg, mul, s, t, tb, x, xb, w, wb, res, ob, oMul, acc, 0);
    }

    /** {@link #forward} on the channels from {@code u0} on. */
    final void forward(UvuCoupling cg, int mul, float s, float[] t, int tb, float[] x, int xb, float[] w, int wb, float[] res, int ob, int oMul,
                       float[] acc, int u0) {
        int[] by = cg.byC(), start = cg.cStart(), pa = cg.pairA();
        for (int c = 0; c + 1 < start.length; c++) {
            if (start[c] == start[c + 1]) continue;
            java.util.Arrays.fill(acc, u0, mul, 0f);
            for (int k = start[c]; k < start[c + 1]; k++) {
                int q = by[k], xa = xb + pa[q] * mul;
                float tq = t[tb + q];
                for (int u = u0; u < mul; u++) acc[u] += tq * x[xa + u];
            }
            int oc = ob + c * oMul;
            for (int u = u0; u < mul; u++) res[oc + u] += s * w[wb + u] * acc[u];
        }
    }

    /** Partial sums per harmonic column that {@link #pathBackward} keeps (the caller adds them up in lane order). */
    int dyLanes() { return 1; }

    /**
     * Float32 {@link UvuKernels#pathBackward}: every gradient of one path on one edge over the coupling's nonzero (a, c)
     * pairs only; dx and dw as there, and each pair's D[q] = Σ_u X[a_q][u]·W[u]·O[c_q][u] times its entries' C (in
     * {@code entryValue}, float32, ordered as {@link UvuCoupling#bEntryPair()}) and s added to dyPart[(yOff + b)·
     * {@link #dyLanes()} + lane], float32 partial sums the caller adds up once per edge. {@code pairScratch}: at least
     * pairs · {@link #dyLanes()}.
     */
    void pathBackward(UvuCoupling cg, float[] entryValue, int mul, float s, float[] t, int tb, float[] x, int xb, float[] w, int wb,
                      float[] o, int ob, int oMul, float[] dx, float[] dw, float[] dyPart, float[] pairScratch) {
        pathBackward(cg, entryValue, mul, s, t, tb, x, xb, w, wb, o, ob, oMul, dx, dw, dyPart, pairScratch, 0, 1);
    }

    /** {@link #pathBackward} on the channels from {@code u0} on, their part of dY added to lane 0 of {@code lanes} per column. */
    final void pathBackward(UvuCoupling cg, float[] ev, int mul, float s, float[] t, int tb, float[] x, int xb, float[] w, int wb,
                            float[] o, int ob, int oMul, float[] dx, float[] dw, float[] dyPart, float[] pairScratch, int u0, int lanes) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC(), bs = cg.bStart(), ep = cg.bEntryPair();
        for (int a = 0; a + 1 < start.length; a++) {
            int xa = xb + a * mul;
            for (int k = start[a]; k < start[a + 1]; k++) {
                int q = by[k], oc = ob + pc[q] * oMul;
                float tq = s * t[tb + q], dot = 0;
                for (int u = u0; u < mul; u++) {
                    float g = tq * o[oc + u];
                    dx[xa + u] += w[wb + u] * g;
                    dw[wb + u] += x[xa + u] * g;
                    dot += x[xa + u] * w[wb + u] * o[oc + u];
                }
                pairScratch[q] = dot;
            }
        }
        for (int b = 0; b + 1 < bs.length; b++) {
            float sum = 0;
            for (int k = bs[b]; k < bs[b + 1]; k++) sum += ev[k] * pairScratch[ep[k]];
            dyPart[(cg.yOff() + b) * lanes] += s * sum;
        }
    }
}
