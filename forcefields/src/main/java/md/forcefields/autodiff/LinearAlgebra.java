package md.forcefields.autodiff;

/** Matrix products: plain (M,K)·(K,N), batched (B,M,K)·(B,K,N), and the two mixed forms. */
final class LinearAlgebra {
    private LinearAlgebra() {}

    static Tensor matmul(Tensor a, Tensor b) {
        int ra = a.shape.length, rb = b.shape.length;
        if (ra == 2 && rb == 2) return mm(a, b);
        if (ra == 3 && rb == 3) return bmm(a, b);
        if (ra == 3 && rb == 2) {
            // One matrix for every batch entry: fold the batch into the rows.
            int batch = a.shape[0], m = a.shape[1];
            return mm(a.reshape(batch * m, a.shape[2]), b).reshape(batch, m, b.shape[1]);
        }
        if (ra == 2 && rb == 3) {
            // out[n] = a · b[n]: fold the batch into the columns.
            int batch = b.shape[0], k = b.shape[1], n = b.shape[2];
            Tensor cols = b.permute(1, 0, 2).reshape(k, batch * n);
            return mm(a, cols).reshape(a.shape[0], batch, n).permute(1, 0, 2);
        }
        throw new IllegalArgumentException("matmul of shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
    }

    private static Tensor mm(Tensor a, Tensor b) { return mm(a, false, b, false); }

    private static Tensor bmm(Tensor a, Tensor b) { return bmm(a, false, b, false); }

    /**
     * op(a)·op(b) for 2-D a, b, op = transpose when the flag is set. Backwards are products of the same
     * kind with other flags, so no transposed copy is ever made and they stay differentiable:
     * for C = op(A)·op(B), dA = G·op(B)ᵀ (or op(B)·Gᵀ when A is transposed), dB = op(A)ᵀ·G (or Gᵀ·op(A)).
     */
    private static Tensor mm(Tensor a, boolean ta, Tensor b, boolean tb) {
        int m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
        int kb = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1];
        if (kb != k) throw new IllegalArgumentException("matmul of shapes " + Shapes.str(a.shape) + (ta ? "ᵀ" : "") + " and " + Shapes.str(b.shape) + (tb ? "ᵀ" : ""));
        double[] o = new double[m * n];
        kernel(a.data, 0, ta, tb ? transposed(b.data, 1, n, k) : b.data, 0, o, 0, m, k, n);
        return Tensor.result(o, new int[] {m, n}, "matmul", (g, need) -> new Tensor[] {
                need[0] ? (ta ? mm(b, tb, g, true) : mm(g, false, b, !tb)) : null,
                need[1] ? (tb ? mm(g, true, a, ta) : mm(a, !ta, g, false)) : null}, a, b);
    }

    /** Batched {@link #mm(Tensor, boolean, Tensor, boolean)}: op(a[p])·op(b[p]) for every p. */
    private static Tensor bmm(Tensor a, boolean ta, Tensor b, boolean tb) {
        int batch = a.shape[0];
        int m = ta ? a.shape[2] : a.shape[1], k = ta ? a.shape[1] : a.shape[2];
        int kb = tb ? b.shape[2] : b.shape[1], n = tb ? b.shape[1] : b.shape[2];
        if (b.shape[0] != batch || kb != k)
            throw new IllegalArgumentException("batched matmul of shapes " + Shapes.str(a.shape) + (ta ? "ᵀ" : "") + " and " + Shapes.str(b.shape) + (tb ? "ᵀ" : ""));
        double[] o = new double[batch * m * n];
        double[] bn = tb ? transposed(b.data, batch, n, k) : b.data;
        for (int p = 0; p < batch; p++) kernel(a.data, p * m * k, ta, bn, p * k * n, o, p * m * n, m, k, n);
        return Tensor.result(o, new int[] {batch, m, n}, "bmm", (g, need) -> new Tensor[] {
                need[0] ? (ta ? bmm(b, tb, g, true) : bmm(g, false, b, !tb)) : null,
                need[1] ? (tb ? bmm(g, true, a, ta) : bmm(a, !ta, g, false)) : null}, a, b);
    }

    /** The (cols×rows) transposes of {@code batch} consecutive row-major (rows×cols) matrices. */
    private static double[] transposed(double[] x, int batch, int rows, int cols) {
        double[] t = new double[x.length];
        for (int p = 0, off = 0; p < batch; p++, off += rows * cols)
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) t[off + c * rows + r] = x[off + r * cols + c];
        return t;
    }

    /**
     * o[m×n] = op(a)·b, row-major; a is stored (m×k), or (k×m) when transposed, b (k×n). Both loop
     * orders keep the innermost loop an axpy on contiguous rows (which the JIT vectorises); a transposed
     * b is transposed into a scratch array first, as dot-product loops do not vectorise.
     */
    private static void kernel(double[] a, int ao, boolean ta, double[] b, int bo, double[] o, int oo, int m, int k, int n) {
        if (!ta) {
            for (int i = 0; i < m; i++) {
                int orow = oo + i * n;
                for (int p = 0; p < k; p++) {
                    double aip = a[ao + i * k + p];
                    if (aip == 0.0) continue;
                    int brow = bo + p * n;
                    for (int j = 0; j < n; j++) o[orow + j] += aip * b[brow + j];
                }
            }
        } else {
            // a stored (k×m): rank-one updates o += a[p,:]ᵀ b[p,:]
            for (int p = 0; p < k; p++) {
                int arow = ao + p * m, brow = bo + p * n;
                for (int i = 0; i < m; i++) {
                    double api = a[arow + i];
                    if (api == 0.0) continue;
                    int orow = oo + i * n;
                    for (int j = 0; j < n; j++) o[orow + j] += api * b[brow + j];
                }
            }
        }
    }
}
