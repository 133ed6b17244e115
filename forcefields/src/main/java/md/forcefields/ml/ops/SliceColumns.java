package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/** Columns {@code start} (inclusive) to {@code end} (exclusive) of every row (as {@code x[:, start:end]}). */
public record SliceColumns(int start, int end) implements Op {
    public SliceColumns {
        if (start < 0 || end <= start) throw new IllegalArgumentException("sliceColumns needs 0 <= start < end, got [" + start + ", " + end + ")");
    }

    @Override public String name() { return "sliceColumns"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].width() < end)
            throw new IllegalArgumentException("sliceColumns [" + start + ", " + end + ") needs at least " + end + " columns, got " + in[0]);
        return in[0].withWidth(end - start);
    }

    @Override public Tensor tape(Graph g, Tensor... in) { return in[0].slice(1, start, end); }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.outputShape().rowCount(g), w = ws.width(0), n = end - start;
        for (int r = 0; r < rows; r++) System.arraycopy(in[0], r * w + start, out, r * n, n);
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        double[] gx = gIn[0];
        if (gx == null) return;
        int rows = ws.outputShape().rowCount(g), w = ws.width(0), n = end - start;
        for (int r = 0; r < rows; r++) {
            int a = r * w + start, b = r * n;
            for (int c = 0; c < n; c++) gx[a + c] += gOut[b + c];
        }
    }
}
