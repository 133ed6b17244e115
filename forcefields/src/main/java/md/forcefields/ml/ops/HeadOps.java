package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Multi-head attention's moves between channels and heads, for channels laid out head-major
 * (channel h·d + t is position t of head h, d = channels per head).
 */
public final class HeadOps {
    private HeadOps() {}

    /** Σ over the d channels of each head: rows × heads·d → rows × heads (the per-head dot products). */
    public record HeadSum(int heads, int headDim) implements Op {
        public HeadSum {
            if (heads < 1 || headDim < 1) throw new IllegalArgumentException("headSum needs heads >= 1 and headDim >= 1, got " + heads + ", " + headDim);
        }
        @Override public String name() { return "headSum"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 1);
            if (in[0].width() != heads * headDim)
                throw new IllegalArgumentException("headSum over " + heads + " heads of " + headDim + " channels needs " + heads * headDim + " columns, got " + in[0]);
            return in[0].withWidth(heads);
        }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].reshape(in[0].size(0), heads, headDim).sum(2); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int rows = ws.inputShape(0).rowCount(g);
            double[] x = in[0];
            for (int r = 0; r < rows; r++)
                for (int h = 0; h < heads; h++) {
                    double s = 0;
                    for (int t = 0, o = (r * heads + h) * headDim; t < headDim; t++) s += x[o + t];
                    out[r * heads + h] = s;
                }
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int rows = ws.inputShape(0).rowCount(g);
            for (int r = 0; r < rows; r++)
                for (int h = 0; h < heads; h++) {
                    double go = gOut[r * heads + h];
                    for (int t = 0, o = (r * heads + h) * headDim; t < headDim; t++) gIn[0][o + t] += go;
                }
        }
    }

    /** Each head's value repeated over its d channels: rows × heads → rows × heads·d (a per-head weight on channels). */
    public record HeadRepeat(int heads, int headDim) implements Op {
        public HeadRepeat {
            if (heads < 1 || headDim < 1) throw new IllegalArgumentException("headRepeat needs heads >= 1 and headDim >= 1, got " + heads + ", " + headDim);
        }
        @Override public String name() { return "headRepeat"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 1);
            if (in[0].width() != heads) throw new IllegalArgumentException("headRepeat needs one column per head (" + heads + "), got " + in[0]);
            return in[0].withWidth(heads * headDim);
        }
        @Override public Tensor tape(Graph g, Tensor... in) {
            int rows = in[0].size(0);
            return in[0].reshape(rows, heads, 1).broadcastTo(rows, heads, headDim).reshape(rows, heads * headDim);
        }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int rows = ws.inputShape(0).rowCount(g);
            for (int r = 0; r < rows; r++)
                for (int h = 0; h < heads; h++)
                    java.util.Arrays.fill(out, (r * heads + h) * headDim, (r * heads + h + 1) * headDim, in[0][r * heads + h]);
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int rows = ws.inputShape(0).rowCount(g);
            for (int r = 0; r < rows; r++)
                for (int h = 0; h < heads; h++) {
                    double s = 0;
                    for (int t = 0, o = (r * heads + h) * headDim; t < headDim; t++) s += gOut[o + t];
                    gIn[0][r * heads + h] += s;
                }
        }
    }
}
