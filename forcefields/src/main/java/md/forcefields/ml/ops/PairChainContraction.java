package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The last link of a chain through intermediate atoms, summed over the features: C[n, j] = c·Σ_i Σ_f X[n, i, f]·Y[i, j, f]
 * (dense pair values atomPairs × F → atomPairs × 1; GeomAtt's einsum "bnif,bijf->bnj" times Δ). The same function
 * as {@link SumColumns}(c) of {@link PairChainProduct}, without the N²·F intermediate: for each intermediate atom i
 * the sums are dense matrix products of the rows X[·, i, ·] (N × F, stride N·F) with the rows Y[i, ·, ·] (N × F),
 * forward and backward alike. The tape is that composition (differentiable to any order).
 */
public record PairChainContraction(double c) implements Op {
    @Override public String name() { return "pairChainContraction"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 2);
        if (in[0].rows() != Shape.Rows.ATOM_PAIRS || !in[1].equals(in[0]))
            throw new IllegalArgumentException(name() + " needs two dense pair values of the same width, got " + Arrays.toString(in));
        return in[0].withWidth(1);
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        Tensor z = PairChainProduct.product(in[0], false, in[1], false);
        return z.sum(1).reshape(z.size(0), 1).mul(c);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int n = g.atoms(), w = ws.width(0), nn = n * n;
        if (DenseKernels.VECTORIZED && n <= PairChainProduct.DIRECT_MAX_ATOMS) {
            int[] dense = PairRowChainKernels.denseOffsets(n, w, false, ws.ints(0, nn));
            PairRowChainKernels.contraction(n, w, c, in[0], null, dense, in[1], null, dense, out, ws.doubles(3, PairRowChainKernels.contractionScratch()));
            return;
        }
        double[] x = in[0], y = in[1], yt = ws.doubles(0, n * w);
        Arrays.fill(out, 0, nn, 0.0);
        for (int i = 0; i < n; i++) {
            // out[a, j] += Σ_f X[a, i, f]·Y[i, j, f], with Y[i, ·, ·] transposed to F × N
            for (int j = 0; j < n; j++) for (int f = 0; f < w; f++) yt[f * n + j] = y[(i * n + j) * w + f];
            DenseKernels.gemm(n, n, w, 1.0, x, i * w, n * w, yt, 0, n, out, 0, n, true);
        }
        for (int s = 0; s < nn; s++) out[s] *= c;
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int n = g.atoms(), w = ws.width(0), nn = n * n;
        double[] gc = ws.doubles(1, nn), gct = ws.doubles(2, nn);
        for (int a = 0; a < n; a++)
            for (int j = 0; j < n; j++) {
                gc[a * n + j] = c * gOut[a * n + j];
                gct[j * n + a] = gc[a * n + j];
            }
        for (int i = 0; i < n; i++) {
            // ∂X[a, i, f] = Σ_j ∂C[a, j]·Y[i, j, f];  ∂Y[i, j, f] = Σ_a ∂C[a, j]·X[a, i, f]
            if (gIn[0] != null) DenseKernels.gemm(n, w, n, 1.0, gc, 0, n, in[1], i * n * w, w, gIn[0], i * w, n * w, true);
            if (gIn[1] != null) DenseKernels.gemm(n, w, n, 1.0, gct, 0, n, in[0], i * w, n * w, gIn[1], i * n * w, w, true);
        }
    }
}
