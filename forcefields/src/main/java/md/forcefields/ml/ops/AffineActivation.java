package md.forcefields.ml.ops;

import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * f(x·W + b), a linear layer and its activation as one op: x (rows × in), W fixed (in × out), b one row.
 * Why fused: the Equivariant Transformer's distance filters are pairs × 4h per layer, and as two ops the
 * pre-activation was a second pairs × 4h value with its own gradient buffer, cleared, written and read
 * back on every MD step (about a quarter of all the plan's buffers). Here the activation is applied in
 * place, f′ is kept from the forward pass (as {@link Elementwise.Act} does), and the backward pass forms
 * gOut·f′ in scratch before the affine's own backward. The same values as {@link #unfused}, the
 * separate ops that training and the accelerator backends run.
 */
public record AffineActivation(Elementwise.Activation f) implements md.forcefields.ml.FusedOp {
    @Override public String name() { return "affineActivation"; }

    @Override public Shape outputShape(Shape... in) { return Affine.INSTANCE.outputShape(in); }

    @Override public <T> T unfused(Ops<T> ops, java.util.List<T> in) {
        return ops.activation(ops.linear(in.get(0), in.get(1), in.get(2)), f, 1.0);
    }

    // workspace slots: 0 is the affine's (transposed weights); 1 f′, 2 the gradient before the activation
    private static final int DERIVATIVE = 1, PRE_GRADIENT = 2;
    // float32 slots after MatMulFloat32's (0–3): the bias and f′ in float32; the key of the bias table after its (10, 11)
    private static final int BIAS_F = 4, DERIVATIVE_F = 5, BIAS_TABLE = 12;

    /**
     * The float32 kernel (workspace {@link Workspace#float32()}, SiLU, an output width that fills float32 vectors):
     * the product, bias and SiLU in float32 ({@link MatMulFloat32#product}, {@link SiluFloat32}), rounded into the
     * float64 output once; f′ kept in float32 and applied while dOut is rounded for the input gradient.
     */
    private boolean float32(Workspace ws) {
        return ws.float32() && f == Elementwise.Activation.SILU && MatMulFloat32.fits(ws.outputWidth());
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
    @Override public boolean parallel() { return true; }
    @Override public boolean rowLocal() { return true; }

    @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
        int rows = ws.outputShape().rowCount(g), n = ws.outputWidth();
        int i0 = Op.partStart(rows, part, parts) * n, i1 = Op.partStart(rows, part + 1, parts) * n;
        if (float32(ws)) {
            forwardFloat32(ws, in, out, rows, i0 / n, i1 / n, n);
            return;
        }
        Affine.INSTANCE.forwardPart(g, ws, in, out, part, parts);
        double[] d = ws.doubles(DERIVATIVE, rows * n);
        if (f == Elementwise.Activation.SILU) {
            md.forcefields.e3nn.DenseKernels.silu(out, i0, out, i0, d, i0, 1.0, i1 - i0); // elementwise: in place is safe
            return;
        }
        for (int i = i0; i < i1; i++) {
            double x = out[i];
            out[i] = f.value(x);
            d[i] = f.derivative(x);
        }
    }

    @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
        int rows = ws.outputShape().rowCount(g), n = ws.outputWidth();
        int i0 = Op.partStart(rows, part, parts) * n, i1 = Op.partStart(rows, part + 1, parts) * n;
        if (float32(ws)) {
            backwardFloat32(g, ws, in, gOut, gIn, part, parts, rows, i0, i1, n);
            return;
        }
        double[] d = ws.doubles(DERIVATIVE, rows * n), gPre = ws.doubles(PRE_GRADIENT, rows * n);
        for (int i = i0; i < i1; i++) gPre[i] = gOut[i] * d[i];
        Affine.INSTANCE.backwardPart(g, ws, in, null, gPre, gIn, part, parts);
    }

    private void forwardFloat32(Workspace ws, double[][] in, double[] out, int rows, int r0, int r1, int n) {
        float[] y = MatMulFloat32.product(ws, 1.0, in[0], in[1], rows, r0, r1, ws.width(0), n);
        float[] b = ws.floats(BIAS_F, n), d = ws.floats(DERIVATIVE_F, rows * n);
        synchronized (ws) { // parts share the table: the first fills it, the others wait
            if (ws.needsTable(BIAS_TABLE, 1)) for (int j = 0; j < n; j++) b[j] = FloatGemm.toFloat(in[2][j]);
        }
        SiluFloat32.biasSilu(y, b, d, r0, r1, n);
        for (int i = r0 * n; i < r1 * n; i++) out[i] = y[i];
    }

    private void backwardFloat32(Graph g, Workspace ws, double[][] in, double[] gOut, double[][] gIn, int part, int parts, int rows, int i0, int i1, int n) {
        int k = ws.width(0);
        float[] d = ws.floats(DERIVATIVE_F, rows * n);
        if (gIn[1] == null && gIn[2] == null && MatMulFloat32.fits(k)) { // MD: only dX, with f′ applied while dOut is rounded
            if (gIn[0] != null) MatMulFloat32.inputGradient(ws, 1.0, in[1], gOut, d, gIn[0], rows, i0 / n, i1 / n, k, n);
            return;
        }
        double[] gPre = ws.doubles(PRE_GRADIENT, rows * n);
        for (int i = i0; i < i1; i++) gPre[i] = gOut[i] * d[i];
        Affine.INSTANCE.backwardPart(g, ws, in, null, gPre, gIn, part, parts);
    }
}
