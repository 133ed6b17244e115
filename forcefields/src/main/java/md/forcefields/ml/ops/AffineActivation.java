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

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
    @Override public boolean parallel() { return true; }
    @Override public boolean rowLocal() { return true; }

    @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
        Affine.INSTANCE.forwardPart(g, ws, in, out, part, parts);
        int rows = ws.outputShape().rowCount(g), n = ws.outputWidth();
        int i0 = Op.partStart(rows, part, parts) * n, i1 = Op.partStart(rows, part + 1, parts) * n;
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
        double[] d = ws.doubles(DERIVATIVE, rows * n), gPre = ws.doubles(PRE_GRADIENT, rows * n);
        for (int i = i0; i < i1; i++) gPre[i] = gOut[i] * d[i];
        Affine.INSTANCE.backwardPart(g, ws, in, null, gPre, gIn, part, parts);
    }
}
