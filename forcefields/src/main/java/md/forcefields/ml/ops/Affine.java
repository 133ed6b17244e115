package md.forcefields.ml.ops;

import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * x·W + b (a linear layer with bias): x (rows × in), W fixed (in × out), b one row (out). One op rather
 * than matmul, broadcastRows and add, so the MD plan keeps no rows × out copy of the bias nor the sum's
 * extra gradient buffers; training differentiates exactly those three ops ({@link #unfused}).
 */
public final class Affine implements md.forcefields.ml.FusedOp {
    public static final Affine INSTANCE = new Affine();

    private static final Op PRODUCT = new Elementwise.MatMul(1.0);

    private Affine() {}

    @Override public String name() { return "affine"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 3);
        Shape product = PRODUCT.outputShape(in[0], in[1]);
        Shape bias = Elementwise.BROADCAST_ROWS.outputShape(in[2], in[0]);
        if (bias.width() != product.width())
            throw new IllegalArgumentException("affine: bias " + in[2] + " must have " + product.width() + " columns");
        return product;
    }

    @Override public <T> T unfused(Ops<T> ops, java.util.List<T> in) {
        return ops.add(ops.matmul(in.get(0), in.get(1), 1.0), ops.apply(Elementwise.BROADCAST_ROWS, in.get(2), in.get(0)));
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
    @Override public boolean parallel() { return true; }
    @Override public boolean rowLocal() { return true; }

    @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
        int rows = ws.outputShape().rowCount(g), k = ws.width(0), n = ws.outputWidth();
        int r0 = Op.partStart(rows, part, parts), r1 = Op.partStart(rows, part + 1, parts);
        if (ws.float32() && MatMulFloat32.fits(n)) {
            MatMulFloat32.forward(ws, 1.0, in[0], in[1], in[2], out, rows, r0, r1, k, n);
            return;
        }
        for (int r = r0; r < r1; r++) System.arraycopy(in[2], 0, out, r * n, n);
        DenseKernels.gemmRows8(r1 - r0, n, k, in[0], r0 * k, k, in[1], 0, n, out, r0 * n, n, true);
    }

    @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
        int rows = ws.outputShape().rowCount(g), k = ws.width(0), n = ws.outputWidth();
        int r0 = Op.partStart(rows, part, parts), r1 = Op.partStart(rows, part + 1, parts);
        double[] w = in[1];
        boolean float32 = ws.float32() && MatMulFloat32.fits(k);
        if (gIn[0] != null && float32) MatMulFloat32.inputGradient(ws, 1.0, w, gOut, gIn[0], rows, r0, r1, k, n);
        if (gIn[0] != null && !float32) { // dX += dOut·Wᵀ with Wᵀ packed once while the weights are constant (MD)
            double[] wt = ws.doubles(0, k * n);
            synchronized (ws) {
                if (ws.needsTable(0, 1)) for (int a = 0; a < k; a++) for (int b = 0; b < n; b++) wt[b * k + a] = w[a * n + b];
            }
            DenseKernels.gemmRows8(r1 - r0, k, n, gOut, r0 * n, n, wt, 0, k, gIn[0], r0 * k, k, true);
        }
        if (part != 0) return; // weights and bias are shared by all rows: one part does them (not needed in MD)
        if (gIn[1] != null)
            for (int r = 0; r < rows; r++)
                for (int a = 0; a < k; a++) {
                    double x = in[0][r * k + a];
                    for (int b = 0; b < n; b++) gIn[1][a * n + b] += x * gOut[r * n + b];
                }
        if (gIn[2] != null)
            for (int r = 0; r < rows; r++) for (int b = 0; b < n; b++) gIn[2][b] += gOut[r * n + b];
    }
}
