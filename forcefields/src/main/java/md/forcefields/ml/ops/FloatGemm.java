package md.forcefields.ml.ops;

import md.forcefields.e3nn.DenseKernels;

/**
 * C = A·B in float32 (row-major, C overwritten) for the ops' float32 kernels. Every element is the same chain
 * of fused multiply-adds over k from zero whichever block computes it, so a row's result does not depend on how
 * the rows are split between threads. Plain loops here; the Vector API blocks in {@link FloatGemmVector}.
 */
class FloatGemm {
    private static final FloatGemm BEST = DenseKernels.VECTORIZED ? new FloatGemmVector() : new FloatGemm();

    /** Lanes of a float32 vector (1 without the Vector API). */
    static final int LANES = DenseKernels.VECTORIZED ? FloatGemmVector.lanes() : 1;

    /**
     * Whether a product with this many output columns gains from float32: a width that is not a multiple of the
     * float32 vector (e.g. the 8 radial basis functions' gradient, half a vector) runs in scalar columns here.
     */
    static boolean fits(int columns) { return columns % LANES == 0; }

    static void gemm(int m, int n, int kk, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        BEST.product(m, n, kk, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    void product(int m, int n, int kk, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        columns(m, 0, n, kk, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /** Columns [j0, j1) of all m rows. */
    static void columns(int m, int j0, int j1, int kk, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++)
            for (int j = j0; j < j1; j++) {
                float s = 0;
                for (int k = 0; k < kk; k++) s = Math.fma(a[aOff + i * lda + k], b[bOff + k * ldb + j], s);
                c[cOff + i * ldc + j] = s;
            }
    }

    /** Rounds {@code from[i0 … i1)} to float32 ({@link #toFloat}: subnormals flushed to zero). */
    static void round(double[] from, float[] to, int i0, int i1) {
        for (int i = i0; i < i1; i++) to[i] = toFloat(from[i]);
    }

    /**
     * v rounded to float32, zero where that is below the smallest normal float (1.2e-38). Why: on x86 a subnormal
     * operand costs a fused multiply-add a microcode assist of ~100 cycles (Java cannot set flush-to-zero), and
     * float64 values between 1e-45 and 1e-38 are common in radial bases (the Equivariant Transformer's exp-normal
     * functions far from their centres): with them its distance-filter product ran ~25× slower than without.
     * The change is below 1.2e-38, far below float32 rounding of any O(1e-30) or larger value.
     */
    static float toFloat(double v) {
        float f = (float) v;
        return Math.abs(f) < Float.MIN_NORMAL ? 0f : f;
    }
}
