package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * A per-system quantity shared equally by the atoms: one row c (1 × w, a parameter or a graph value)
 * becomes c/N on each of the N atoms (atoms × w), so that Σ over the atoms gives c once. Models return
 * per-atom energies; this is how one adds a constant once per molecule (TorchMD-Net's {@code mean}).
 */
public final class ShareOverAtoms implements Op {
    public static final ShareOverAtoms INSTANCE = new ShareOverAtoms();

    private ShareOverAtoms() {}

    @Override public String name() { return "shareOverAtoms"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].rows() == Shape.Rows.FIXED ? in[0].fixedRows() != 1 : in[0].rows() != Shape.Rows.GRAPH)
            throw new IllegalArgumentException("shareOverAtoms needs one row (a parameter or graph value), got " + in[0]);
        return Shape.atoms(in[0].width());
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        int n = g.atoms(), w = in[0].numel();
        return in[0].reshape(1, w).broadcastTo(n, w).mul(1.0 / n);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int n = g.atoms(), w = ws.outputWidth();
        for (int a = 0; a < n; a++) for (int c = 0; c < w; c++) out[a * w + c] = in[0][c] * (1.0 / n);
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int n = g.atoms(), w = ws.outputWidth();
        for (int a = 0; a < n; a++) for (int c = 0; c < w; c++) gIn[0][c] += gOut[a * w + c] * (1.0 / n);
    }
}
