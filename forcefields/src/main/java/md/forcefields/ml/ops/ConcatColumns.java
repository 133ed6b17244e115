package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * [x_0 | x_1 | … | x_(n−1)] side by side: n inputs with the same rows and widths {@code widths[i]} give one
 * value of Σ widths columns (as {@code torch.cat(xs, dim=-1)}).
 */
public final class ConcatColumns implements Op {
    private final int[] widths, offsets;
    private final int total;

    public ConcatColumns(int... widths) {
        if (widths.length == 0) throw new IllegalArgumentException("concatColumns needs at least one input width");
        this.widths = widths.clone();
        offsets = new int[widths.length];
        int t = 0;
        for (int i = 0; i < widths.length; i++) {
            if (widths[i] < 0) throw new IllegalArgumentException("concatColumns: negative width " + widths[i] + " of input " + i + " in " + Arrays.toString(widths));
            offsets[i] = t;
            t += widths[i];
        }
        total = t;
    }

    /** The input widths (a copy). */
    public int[] widths() { return widths.clone(); }

    /** Columns of the result. */
    public int totalWidth() { return total; }

    @Override public String name() { return "concatColumns"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, widths.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i].width() != widths[i])
                throw new IllegalArgumentException("concatColumns: input " + i + " has shape " + in[i] + ", expected " + widths[i] + " columns (widths "
                        + Arrays.toString(widths) + ", inputs " + Arrays.toString(in) + ")");
            if (in[i].rows() != in[0].rows() || in[i].fixedRows() != in[0].fixedRows())
                throw new IllegalArgumentException("concatColumns: input " + i + " (" + in[i] + ") does not have the rows of input 0 (" + in[0]
                        + "); inputs " + Arrays.toString(in));
        }
        return in[0].withWidth(total);
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        return Tensor.concat(Arrays.asList(in), 1);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.outputShape().rowCount(g);
        for (int i = 0; i < widths.length; i++) {
            int w = widths[i], at = offsets[i];
            double[] x = in[i];
            for (int r = 0; r < rows; r++) System.arraycopy(x, r * w, out, r * total + at, w);
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int rows = ws.outputShape().rowCount(g);
        for (int i = 0; i < widths.length; i++) {
            double[] gx = gIn[i];
            if (gx == null) continue;
            int w = widths[i], at = offsets[i];
            for (int r = 0; r < rows; r++) {
                int a = r * w, b = r * total + at;
                for (int c = 0; c < w; c++) gx[a + c] += gOut[b + c];
            }
        }
    }

    @Override public boolean equals(Object o) { return o instanceof ConcatColumns c && Arrays.equals(widths, c.widths); }
    @Override public int hashCode() { return Arrays.hashCode(widths); }
    @Override public String toString() { return "concatColumns" + Arrays.toString(widths); }
}
