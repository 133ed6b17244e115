package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * A linear map without bias applied to each Cartesian component of vector features: x (rows × 3·in,
 * laid out [component][channel]) and W (in × out) give out[r, c, o] = Σ_i x[r, c, i]·W[i, o] (rows × 3·out).
 * Being the same map on every component it commutes with rotations (TorchMD-Net's {@code vec_proj},
 * the equivariant heads' {@code vec1_proj}/{@code vec2_proj}). In memory the rows × 3·in input is a
 * (3·rows) × in matrix, so the kernels are one matrix product. With {@link Workspace#float32()} that product runs
 * in float32 ({@link MatMulFloat32}: forward where out fills float32 vectors, dX where in does).
 */
public final class ComponentLinear implements Op {
    public static final ComponentLinear INSTANCE = new ComponentLinear();

    private ComponentLinear() {}

    @Override public String name() { return "componentLinear"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 2);
        if (in[1].rows() != Shape.Rows.FIXED || in[0].width() != 3 * in[1].fixedRows())
            throw new IllegalArgumentException("componentLinear: weight " + in[1] + " must be fixed with " + in[0].width() / 3.0
                    + " rows (a third of the width of the vector features " + in[0] + ")");
        return in[0].withWidth(3 * in[1].width());
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        int rows = in[0].size(0), k = in[1].size(0), n = in[1].size(1);
        return in[0].reshape(3 * rows, k).matmul(in[1]).reshape(rows, 3 * n);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = 3 * ws.inputShape(0).rowCount(g), k = ws.inputShape(1).fixedRows(), n = ws.inputShape(1).width();
        if (ws.float32() && MatMulFloat32.fits(n)) MatMulFloat32.forward(ws, 1.0, in[0], in[1], null, out, rows, 0, rows, k, n);
        else DenseKernels.gemm(rows, n, k, 1.0, in[0], 0, k, in[1], 0, n, out, 0, n, false);
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int rows = 3 * ws.inputShape(0).rowCount(g), k = ws.inputShape(1).fixedRows(), n = ws.inputShape(1).width();
        double[] w = in[1];
        if (gIn[0] != null && ws.float32() && MatMulFloat32.fits(k)) MatMulFloat32.inputGradient(ws, 1.0, w, gOut, gIn[0], rows, 0, rows, k, n);
        else if (gIn[0] != null) { // dX += dOut·Wᵀ, Wᵀ packed once while the weights are constant (MD)
            double[] wt = ws.doubles(0, k * n);
            if (ws.needsTable(0, 1)) for (int a = 0; a < k; a++) for (int b = 0; b < n; b++) wt[b * k + a] = w[a * n + b];
            DenseKernels.gemm(rows, k, n, 1.0, gOut, 0, n, wt, 0, k, gIn[0], 0, k, true);
        }
        if (gIn[1] != null) // dW += Xᵀ·dOut (training only)
            for (int r = 0; r < rows; r++)
                for (int a = 0; a < k; a++) {
                    double x = in[0][r * k + a];
                    for (int b = 0; b < n; b++) gIn[1][a * n + b] += x * gOut[r * n + b];
                }
    }
}
