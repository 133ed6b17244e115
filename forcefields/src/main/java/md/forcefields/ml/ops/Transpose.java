package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The transpose of a fixed-shape matrix (r × c → c × r), e.g. a torch {@code Linear} weight stored as
 * (out, in) used by {@link Elementwise.MatMul} as (in, out). On parameters only, so the MD plan folds
 * it into a constant once.
 */
public final class Transpose implements Op {
    public static final Transpose INSTANCE = new Transpose();

    private Transpose() {}

    @Override public String name() { return "transpose"; }

    @Override public Shape outputShape(Shape... s) {
        Ops.expectCount(this, s, 1);
        if (s[0].rows() != Shape.Rows.FIXED) throw new IllegalArgumentException("transpose needs a fixed-shape matrix (a parameter), got " + s[0]);
        return Shape.fixed(s[0].width(), s[0].fixedRows());
    }

    @Override public Tensor tape(Graph g, Tensor... t) { return t[0].transpose(); }

    @Override public void forward(Graph g, Workspace ws, double[][] x, double[] o) {
        int r = ws.inputShape(0).fixedRows(), c = ws.width(0);
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) o[j * r + i] = x[0][i * c + j];
    }

    @Override public void backward(Graph g, Workspace ws, double[][] x, double[] o, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int r = ws.inputShape(0).fixedRows(), c = ws.width(0);
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) gIn[0][i * c + j] += gOut[j * r + i];
    }

    @Override public String toString() { return name(); }
}
