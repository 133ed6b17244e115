package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The transpose of a fixed matrix (a parameter): lets a model keep a reference implementation's weights
 * in their stored layout, e.g. PyTorch's (out × in) Linear weights, and multiply by x·Wᵀ. On parameters
 * only, so the MD executor folds it into a constant once.
 */
public final class Transpose implements Op {
    public static final Transpose INSTANCE = new Transpose();

    private Transpose() {}

    @Override public String name() { return "transpose"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].rows() != Shape.Rows.FIXED) throw new IllegalArgumentException("transpose needs a fixed matrix (a parameter), got " + in[0]);
        return Shape.fixed(in[0].width(), in[0].fixedRows());
    }

    @Override public Tensor tape(Graph g, Tensor... in) { return in[0].transpose(); }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int r = ws.inputShape(0).fixedRows(), c = ws.inputShape(0).width();
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) out[j * r + i] = in[0][i * c + j];
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int r = ws.inputShape(0).fixedRows(), c = ws.inputShape(0).width();
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) gIn[0][i * c + j] += gOut[j * r + i];
    }
}
