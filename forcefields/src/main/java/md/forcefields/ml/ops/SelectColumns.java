package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Keeps some consecutive column groups of a matrix (e.g. the radial-MLP weight columns of the
 * tensor-product paths that can reach the energy). On parameters only, so the MD executor folds it
 * into a constant once.
 */
public final class SelectColumns implements Op {
    private final int width, keptWidth;
    private final int[] starts, sizes;
    private final boolean[] kept;

    public SelectColumns(int width, int[] starts, int[] sizes, boolean[] kept) {
        this.width = width;
        this.starts = starts.clone();
        this.sizes = sizes.clone();
        this.kept = kept.clone();
        int k = 0;
        for (int n = 0; n < sizes.length; n++) if (kept[n]) k += sizes[n];
        keptWidth = k;
    }

    public boolean keepsAll() { return keptWidth == width; }

    @Override public String name() { return "selectColumns"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].width() != width) throw new IllegalArgumentException("selectColumns: input " + in[0] + " must have " + width + " columns");
        return in[0].withWidth(keptWidth);
    }

    @Override public Tensor tape(Graph graph, Tensor... in) {
        if (keepsAll()) return in[0];
        List<Tensor> pieces = in[0].split(-1, sizes), out = new ArrayList<>();
        for (int n = 0; n < pieces.size(); n++) if (kept[n]) out.add(pieces.get(n));
        return Tensor.concat(out, -1);
    }

    @Override public void forward(Graph graph, Workspace ws, double[][] in, double[] out) {
        int rows = ws.inputShape(0).rowCount(graph);
        for (int r = 0; r < rows; r++)
            for (int n = 0, at = 0; n < sizes.length; n++) {
                if (!kept[n]) continue;
                System.arraycopy(in[0], r * width + starts[n], out, r * keptWidth + at, sizes[n]);
                at += sizes[n];
            }
    }

    @Override public void backward(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int rows = ws.inputShape(0).rowCount(graph);
        for (int r = 0; r < rows; r++)
            for (int n = 0, at = 0; n < sizes.length; n++) {
                if (!kept[n]) continue;
                for (int q = 0; q < sizes[n]; q++) gIn[0][r * width + starts[n] + q] += gOut[r * keptWidth + at + q];
                at += sizes[n];
            }
    }

    @Override public String toString() { return "selectColumns" + Arrays.toString(kept); }
}
