package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/** (Σ over the columns of each row)·c: rows × w → rows × 1 (the constant multiplies the finished sum). */
public record SumColumns(double c) implements Op {
    @Override public String name() { return "sumColumns"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        return in[0].withWidth(1);
    }

    @Override public Tensor tape(Graph g, Tensor... in) { return in[0].sum(1).reshape(in[0].size(0), 1).mul(c); }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.outputShape().rowCount(g), w = ws.width(0);
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int k = 0; k < w; k++) s += in[0][r * w + k];
            out[r] = s * c;
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int rows = ws.outputShape().rowCount(g), w = ws.width(0);
        for (int r = 0; r < rows; r++) {
            double v = gOut[r] * c;
            for (int k = 0; k < w; k++) gIn[0][r * w + k] += v;
        }
    }
}
