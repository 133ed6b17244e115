package md.forcefields.ml.ops;

import md.forcefields.ml.Workspace;

/**
 * The MD kernels of {@link Elementwise.MatMul} and {@link Affine} in float32 (workspace {@link Workspace#float32()}):
 * the constant weights (times the op's factor) rounded to float32 once, a part's input rows rounded per call,
 * the product in float32 ({@link FloatGemm}), the result rounded back into the op's float64 output (plus the
 * bias, in float64). Backward: dX += dOut·Wᵀ the same way; weight and bias gradients (training only) stay with
 * the float64 kernels, and so does a product whose output width does not fill float32 vectors ({@link #fits}).
 */
final class MatMulFloat32 {
    private MatMulFloat32() {}

    // float32 slots, and the keys of the weight tables (beside the float64 kernels' own)
    private static final int WEIGHTS = 0, WEIGHTS_T = 1, ROWS_IN = 2, ROWS_OUT = 3, TABLE = 10, TABLE_T = 11;

    /** Whether the product (k × n weights) runs in float32: forward when n fits, backward when k fits. */
    static boolean fits(int columns) { return FloatGemm.fits(columns); }

    /** Rows [r0, r1) of out = x·(c·W) (+ bias when non-null); x is (rows × k), W (k × n). */
    static void forward(Workspace ws, double c, double[] x, double[] w, double[] bias, double[] out, int rows, int r0, int r1, int k, int n) {
        float[] yf = product(ws, c, x, w, rows, r0, r1, k, n);
        if (bias == null) for (int i = r0 * n; i < r1 * n; i++) out[i] = yf[i];
        else for (int r = r0; r < r1; r++) for (int b = 0; b < n; b++) out[r * n + b] = bias[b] + yf[r * n + b];
    }

    /**
     * Rows [r0, r1) of x·(c·W) in float32, left in the workspace's float32 slot that this returns (rows × n); the
     * slot is reused by {@link #inputGradient}, so a caller reads it before the backward pass.
     */
    static float[] product(Workspace ws, double c, double[] x, double[] w, int rows, int r0, int r1, int k, int n) {
        float[] wf = ws.floats(WEIGHTS, k * n), xf = ws.floats(ROWS_IN, rows * k), yf = ws.floats(ROWS_OUT, rows * n);
        synchronized (ws) { // parts share the table: the first fills it, the others wait
            if (ws.needsTable(TABLE, 1)) for (int i = 0; i < k * n; i++) wf[i] = FloatGemm.toFloat(c * w[i]);
        }
        FloatGemm.round(x, xf, r0 * k, r1 * k);
        FloatGemm.gemm(r1 - r0, n, k, xf, r0 * k, k, wf, 0, n, yf, r0 * n, n);
        return yf;
    }

    /** Rows [r0, r1) of dX += dOut·(c·W)ᵀ. */
    static void inputGradient(Workspace ws, double c, double[] w, double[] gOut, double[] gx, int rows, int r0, int r1, int k, int n) {
        inputGradient(ws, c, w, gOut, null, gx, rows, r0, r1, k, n);
    }

    /**
     * Rows [r0, r1) of dX += (dOut ⊙ s)·(c·W)ᵀ, s elementwise (rows × n; null: all ones): an activation's derivative
     * applied while dOut is rounded to float32, without a float64 copy of the product.
     */
    static void inputGradient(Workspace ws, double c, double[] w, double[] gOut, float[] s, double[] gx, int rows, int r0, int r1, int k, int n) {
        float[] wt = ws.floats(WEIGHTS_T, k * n), gf = ws.floats(ROWS_OUT, rows * n), dxf = ws.floats(ROWS_IN, rows * k);
        synchronized (ws) {
            if (ws.needsTable(TABLE_T, 1)) for (int a = 0; a < k; a++) for (int b = 0; b < n; b++) wt[b * k + a] = FloatGemm.toFloat(c * w[a * n + b]);
        }
        if (s == null) FloatGemm.round(gOut, gf, r0 * n, r1 * n);
        // not flushed (toFloat would cost this stream of rows × n doubles ~50 % more): dOut·f′ is subnormal only past
        // f′ < 1e-30 (pre-activations below about −70), a few entries at most, each one assist
        else for (int i = r0 * n; i < r1 * n; i++) gf[i] = (float) (gOut[i] * s[i]);
        FloatGemm.gemm(r1 - r0, k, n, gf, r0 * n, n, wt, 0, k, dxf, r0 * k, k);
        for (int i = r0 * k; i < r1 * k; i++) gx[i] += dxf[i];
    }
}
