package md.forcefields.autodiff;

import md.forcefields.e3nn.DenseKernels;

/**
 * Matrix products: plain (M,K)·(K,N), batched (B,M,K)·(B,K,N), and the two mixed forms. Internally each
 * operand may be used transposed, so backward passes (g·bᵀ, aᵀ·g) never materialise a transpose op.
 */
final class LinearAlgebra {
    private LinearAlgebra() {}

    static Tensor matmul(Tensor a, Tensor b) {
        int ra = a.shape.length, rb = b.shape.length;
        if (ra == 2 && rb == 2) return product(a, false, b, false);
        if (ra == 3 && rb == 3) return product(a, false, b, false);
        if (ra == 3 && rb == 2) {
            // One matrix for every batch entry: fold the batch into the rows.
            int batch = a.shape[0], m = a.shape[1];
            return product(a.reshape(batch * m, a.shape[2]), false, b, false).reshape(batch, m, b.shape[1]);
        }
        if (ra == 2 && rb == 3) {
            // out[n] = a · b[n]: fold the batch into the columns.
            int batch = b.shape[0], k = b.shape[1], n = b.shape[2];
            Tensor cols = b.permute(1, 0, 2).reshape(k, batch * n);
            return product(a, false, cols, false).reshape(a.shape[0], batch, n).permute(1, 0, 2);
        }
        throw new IllegalArgumentException("matmul of shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
    }

    /**
     * op(a)·op(b) for 2-D operands, or for every batch entry of 3-D operands, where op transposes the last
     * two axes when the flag is set.
     */
    static Tensor product(Tensor a, boolean ta, Tensor b, boolean tb) {
        int rank = a.shape.length;
        if (b.shape.length != rank || (rank != 2 && rank != 3))
            throw new IllegalArgumentException("matmul of shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
        int batch = rank == 3 ? a.shape[0] : 1;
        int ar = a.shape[rank - 2], ac = a.shape[rank - 1], br = b.shape[rank - 2], bc = b.shape[rank - 1];
        int m = ta ? ac : ar, k = ta ? ar : ac, kb = tb ? bc : br, n = tb ? br : bc;
        if (k != kb || (rank == 3 && b.shape[0] != batch))
            throw new IllegalArgumentException("matmul of shapes " + Shapes.str(a.shape) + (ta ? "ᵀ" : "") + " and " + Shapes.str(b.shape) + (tb ? "ᵀ" : ""));
        double[] o = new double[batch * m * n];
        // Only B is ever copied transposed (in the backward of a product it is the smaller operand, e.g. a weight
        // matrix): Aᵀ is read in place. Products of many rows go in register blocks of 8 and 7 rows (as the MD plan's).
        double[] pb = tb ? new double[k * n] : null;
        for (int p = 0; p < batch; p++) {
            double[] y = b.data;
            int xo = p * m * k, yo = p * k * n;
            if (tb) { transpose(b.data, yo, br, bc, pb); y = pb; yo = 0; }
            if (ta) DenseKernels.gemmTransA(m, n, k, 1.0, a.data, xo, ac, y, yo, n, o, p * m * n, n, false);
            else if (m >= 8) DenseKernels.gemmRows8(m, n, k, a.data, xo, k, y, yo, n, o, p * m * n, n, false);
            else DenseKernels.gemm(m, n, k, 1.0, a.data, xo, k, y, yo, n, o, p * m * n, n, false);
        }
        int[] shape = rank == 3 ? new int[] {batch, m, n} : new int[] {m, n};
        // C = op(A)·op(B): dA = g·op(B)ᵀ (or its transpose when A is used transposed), likewise dB.
        return Tensor.result(o, shape, rank == 3 ? "bmm" : "matmul", (g, need) -> new Tensor[] {
                need[0] ? (ta ? product(b, tb, g, true) : product(g, false, b, !tb)) : null,
                need[1] ? (tb ? product(g, true, a, ta) : product(a, !ta, g, false)) : null}, a, b);
    }

    /** out (cols×rows) = the rows×cols matrix at x[off…] transposed. */
    private static void transpose(double[] x, int off, int rows, int cols, double[] out) {
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) out[j * rows + i] = x[off + i * cols + j];
    }
}
