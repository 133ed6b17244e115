package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * One link of a chain through intermediate atoms, feature by feature: Z[n, j, f] = Σ_i X'[n, i, f]·Y'[i, j, f]
 * over all N atoms i (the diagonal included), for dense pair values X, Y (atomPairs × F), where X' is X or
 * its transpose in the two atom indices (X'[n, i] = X[i, n]), likewise Y'. It is a batch of F products of
 * N × N matrices whose batch index is the fastest one (GeomAtt's einsum "bnif,bijf->bnjf").
 *
 * <p>The op is bilinear, so its derivatives are the same op in other modes (∂X = G·Y'ᵀ, ∂Y = X'ᵀ·G, transposed
 * back where X or Y enters transposed): the tape is differentiable to any order. The MD kernels run the products
 * directly on the values for small N and as F dense N × N matrix products on feature-major copies for large N;
 * the tape keeps plain loops. Cost N³·F per call, no allocation.
 */
public record PairChainProduct(boolean transposeX, boolean transposeY) implements Op {
    public static final PairChainProduct PLAIN = new PairChainProduct(false, false);

    @Override public String name() { return "pairChainProduct"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 2);
        if (in[0].rows() != Shape.Rows.ATOM_PAIRS || !in[1].equals(in[0]))
            throw new IllegalArgumentException(name() + " needs two dense pair values of the same width, got " + Arrays.toString(in));
        return in[0];
    }

    /** N from the N² rows of a dense pair value. */
    static int atomsOf(int rows) {
        int n = (int) Math.round(Math.sqrt(rows));
        if (n * n != rows) throw new IllegalArgumentException("a dense pair value has N² rows, got " + rows);
        return n;
    }

    /**
     * out += X'·Y' per feature (n atoms, w features; row-major atomPairs × w arrays) as w matrix products: the
     * operands are copied feature-major (N × N per feature, transposed where asked), multiplied by the dense
     * kernel, and the products added back; {@code scratch} holds at least 3·N²·w values. The copies cost N²·w
     * against the products' N³·w.
     */
    static void accumulateByFeature(int n, int w, double[] x, boolean tx, double[] y, boolean ty, double[] out, double[] scratch) {
        int nn = n * n, xs = 0, ys = nn * w, zs = 2 * nn * w;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) {
                int src = (a * n + b) * w, dx = tx ? b * n + a : a * n + b, dy = ty ? b * n + a : a * n + b;
                for (int f = 0; f < w; f++) {
                    scratch[xs + f * nn + dx] = x[src + f];
                    scratch[ys + f * nn + dy] = y[src + f];
                }
            }
        for (int f = 0; f < w; f++)
            DenseKernels.gemm(n, n, n, 1.0, scratch, xs + f * nn, n, scratch, ys + f * nn, n, scratch, zs + f * nn, n, false);
        for (int s = 0; s < nn; s++)
            for (int f = 0; f < w; f++) out[s * w + f] += scratch[zs + f * nn + s];
    }

    /**
     * Up to this many atoms the MD kernels run the products directly on the row-major values (Vector API along the
     * features); beyond, as dense N × N matrix products per feature on feature-major copies, whose cache use scales
     * better. Both are tested (DenseOpsTest).
     */
    static final int DIRECT_MAX_ATOMS = 64;

    /** out += X'·Y' per feature, by the kernel that suits n (see {@link #DIRECT_MAX_ATOMS}). */
    static void accumulateKernel(int n, int w, double[] x, boolean tx, double[] y, boolean ty, double[] out, Workspace ws) {
        if (DenseKernels.VECTORIZED && n <= DIRECT_MAX_ATOMS) {
            // the pair-row kernels with offset tables of the dense arrays (ints 0–2), no diagonal rows
            int nn = n * n;
            PairRowChainKernels.product(n, w, x, null, PairRowChainKernels.denseOffsets(n, w, tx, ws.ints(0, nn)),
                    y, null, PairRowChainKernels.denseOffsets(n, w, ty, ws.ints(1, nn)), out, null, PairRowChainKernels.denseOffsets(n, w, false, ws.ints(2, nn)));
        } else accumulateByFeature(n, w, x, tx, y, ty, out, ws.doubles(0, 3 * n * n * w));
    }

    /** out += X'·Y' per feature, as plain loops (the tape's version). */
    static void accumulate(int n, int w, double[] x, boolean tx, double[] y, boolean ty, double[] out) {
        for (int a = 0; a < n; a++)
            for (int i = 0; i < n; i++) {
                int xo = (tx ? i * n + a : a * n + i) * w;
                for (int j = 0; j < n; j++) {
                    int yo = (ty ? j * n + i : i * n + j) * w, zo = (a * n + j) * w;
                    for (int f = 0; f < w; f++) out[zo + f] += x[xo + f] * y[yo + f];
                }
            }
    }

    /** X'·Y' on tensors (N², w), recorded with this op's backward. */
    static Tensor product(Tensor x, boolean tx, Tensor y, boolean ty) {
        int rows = x.size(0), w = x.size(1), n = atomsOf(rows);
        double[] z = new double[rows * w];
        accumulate(n, w, x.data(), tx, y.data(), ty, z);
        // The gradients, in this op's other modes (as matrix products: C = A'·B' gives dA' = G·B'ᵀ, dB' = A'ᵀ·G).
        return Tensor.custom("pairChainProduct", z, new int[] {rows, w}, (g, need) -> new Tensor[] {
                need[0] ? (tx ? product(y, ty, g, true) : product(g, false, y, !ty)) : null,
                need[1] ? (ty ? product(g, true, x, tx) : product(x, !tx, g, false)) : null}, x, y);
    }

    @Override public Tensor tape(Graph g, Tensor... in) { return product(in[0], transposeX, in[1], transposeY); }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int n = g.atoms(), w = ws.width(0);
        Arrays.fill(out, 0, n * n * w, 0.0);
        accumulateKernel(n, w, in[0], transposeX, in[1], transposeY, out, ws);
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int n = g.atoms(), w = ws.width(0);
        if (gIn[0] != null) {
            if (transposeX) accumulateKernel(n, w, in[1], transposeY, gOut, true, gIn[0], ws);
            else accumulateKernel(n, w, gOut, false, in[1], !transposeY, gIn[0], ws);
        }
        if (gIn[1] != null) {
            if (transposeY) accumulateKernel(n, w, gOut, true, in[0], transposeX, gIn[1], ws);
            else accumulateKernel(n, w, in[0], !transposeX, gOut, false, gIn[1], ws);
        }
    }
}
