package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Dense message passing: out[n] = Σ_m α[n, m]·x[m] over every atom m (the diagonal included), for a dense
 * pair coefficient α (atomPairs × 1; row n receives, column m sends) and atom values x (atoms × w): the
 * product of the N × N matrix α with x.
 */
public final class DenseAggregate implements Op {
    public static final DenseAggregate INSTANCE = new DenseAggregate();

    private DenseAggregate() {}

    @Override public String name() { return "denseAggregate"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 2);
        if (!in[0].equals(Shape.atomPairs(1)) || in[1].rows() != Shape.Rows.ATOMS)
            throw new IllegalArgumentException(name() + " needs coefficients (atom_pairs x 1) and atom values, got " + in[0] + ", " + in[1]);
        return in[1];
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        int n = g.atoms();
        return in[0].reshape(n, n).matmul(in[1]);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int n = g.atoms(), w = ws.width(1);
        DenseKernels.gemm(n, w, n, 1.0, in[0], 0, n, in[1], 0, w, out, 0, w, false);
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int n = g.atoms(), w = ws.width(1);
        double[] alpha = in[0], x = in[1];
        if (gIn[0] != null) { // ∂α[n, m] = g[n]·x[m]: dot products along the features
            double[] dots = ws.doubles(0, n * n);
            DenseKernels.gemmTransB(n, n, w, 1.0, gOut, 0, w, x, 0, w, dots, 0, n);
            for (int s = 0; s < n * n; s++) gIn[0][s] += dots[s];
        }
        if (gIn[1] != null) { // ∂x = αᵀ·g, with αᵀ copied once
            double[] at = ws.doubles(1, n * n);
            for (int a = 0; a < n; a++) for (int m = 0; m < n; m++) at[m * n + a] = alpha[a * n + m];
            DenseKernels.gemm(n, w, n, 1.0, at, 0, n, gOut, 0, w, gIn[1], 0, w, true);
        }
    }
}
