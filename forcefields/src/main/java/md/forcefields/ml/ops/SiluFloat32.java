package md.forcefields.ml.ops;

import md.forcefields.e3nn.DenseKernels;

/**
 * SiLU v·σ(v) and its derivative σ·(1 + v·(1 − σ)) in float32, for the float32 kernel of {@link AffineActivation}:
 * v = y + b (a row of a float32 product plus the bias), the values written back over y and f′ into d. Why float32
 * here and not only in the product: in the Equivariant Transformer's distance filters (pairs × 512 per layer) the
 * float64 exponential costs four times the float32 matrix product it follows. e^x by range reduction to
 * |r| ≤ ln2/2 and a degree-7 Taylor polynomial (truncation ≤ 6e-9, below float32 rounding), v clamped to ±86 so
 * that e^v, e^−v, σ and f′ all stay normal floats (e^−87 could come out subnormal, and a subnormal operand
 * costs x86 a microcode assist per operation: {@link FloatGemm#toFloat}); beyond ±86 σ is 1 or below 5e-38. In f′ the 1 − σ is formed as e^−v·σ: in float32 the difference would lose its
 * digits for large v (an error of v·6e-8). Plain loops here; the Vector API in {@link SiluFloat32Vector}.
 */
class SiluFloat32 {
    private static final SiluFloat32 BEST = DenseKernels.VECTORIZED ? new SiluFloat32Vector() : new SiluFloat32();

    static final float LOG2E = 1.44269504f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f, LIMIT = 86f;
    static final float ROUND = 12582912f; // 1.5·2^23: adding it rounds to an integer in the low bits
    static final float[] TAYLOR = {1f, 1f, 1f / 2, 1f / 6, 1f / 24, 1f / 120, 1f / 720, 1f / 5040};

    /** Rows [r0, r1) of (rows × n) y: y ← silu(y + b), d ← silu′(y + b); n a multiple of {@link FloatGemm#LANES}. */
    static void biasSilu(float[] y, float[] b, float[] d, int r0, int r1, int n) {
        BEST.rows(y, b, d, r0, r1, n);
    }

    void rows(float[] y, float[] b, float[] d, int r0, int r1, int n) {
        for (int r = r0; r < r1; r++)
            for (int j = 0; j < n; j++) {
                int i = r * n + j;
                float v = y[i] + b[j], e = exp(-v), s = 1f / (1f + e);
                y[i] = v * s;
                d[i] = s * (1f + v * (e * s));
            }
    }

    /** e^x in float32 the way the vector kernel computes it (the same operations lane by lane). */
    static float exp(float x) {
        float y = Math.min(Math.max(x, -LIMIT), LIMIT);
        float t = Math.fma(y, LOG2E, ROUND), k = t - ROUND;
        float r = Math.fma(k, -LN2_HI, y);
        r = Math.fma(k, -LN2_LO, r);
        float p = TAYLOR[7];
        for (int j = 6; j >= 0; j--) p = Math.fma(p, r, TAYLOR[j]);
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUND) + 127) << 23);
    }
}
