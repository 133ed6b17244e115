package md.forcefields.ml.ops;

import md.forcefields.e3nn.DenseKernels;

/**
 * The float32 versions of the MD plan's {@link UvuKernels#forward} and of the dense-T backward the float64 plan ran
 * before its pairs-only {@link UvuKernels#pathBackward}, same loops and layouts on float arrays; see {@link UvuConvolutionFloat32}
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

    /**
     * Every gradient of one path on one edge from a dense T[a·d3 + c] (path scale folded in): dx[xOff + a·mul + u]
     * += Σ_c T[a][c]·W[u]·O[c][u], dw[dwOff + u] += Σ_a X[a][u]·Σ_c T[a][c]·O[c][u], and dT[dtOff + a·d3 + c] =
     * s·Σ_u X[a][u]·W[u]·O[c][u] (overwritten).
     */
    void denseBackward(int d1, int d3, int mul, float[] t, float s, float[] x, int xOff, float[] w, int wOff,
                       float[] o, int oOff, int ldo, float[] dx, float[] dw, int dwOff, float[] dT, int dtOff) {
        for (int a = 0; a < d1; a++) {
            int xa = xOff + a * mul;
            for (int c = 0; c < d3; c++) {
                float ta = t[a * d3 + c], dot = 0;
                int oc = oOff + c * ldo;
                for (int u = 0; u < mul; u++) {
                    float g = ta * o[oc + u];
                    dx[xa + u] += w[wOff + u] * g;
                    dw[dwOff + u] += x[xa + u] * g;
                    dot += x[xa + u] * w[wOff + u] * o[oc + u];
                }
                dT[dtOff + a * d3 + c] = s * dot;
            }
        }
    }
}
