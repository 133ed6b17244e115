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

    private static Tensor mm(Tensor a, Tensor b) {
        int m = a.shape[0], k = a.shape[1], n = b.shape[1];
        if (b.shape[0] != k) throw new IllegalArgumentException("matmul of shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
        double[] o = new double[m * n];
        kernel(a.data, 0, b.data, 0, o, 0, m, k, n);
        return Tensor.result(o, new int[] {m, n}, "matmul", (g, need) -> new Tensor[] {
                need[0] ? mm(g, b.transpose()) : null,
                need[1] ? mm(a.transpose(), g) : null}, a, b);
    }

    private static Tensor bmm(Tensor a, Tensor b) {
        int batch = a.shape[0], m = a.shape[1], k = a.shape[2], n = b.shape[2];
        if (b.shape[0] != batch || b.shape[1] != k)
            throw new IllegalArgumentException("batched matmul of shapes " + Shapes.str(a.shape) + " and " + Shapes.str(b.shape));
        double[] o = new double[batch * m * n];
        for (int p = 0; p < batch; p++) kernel(a.data, p * m * k, b.data, p * k * n, o, p * m * n, m, k, n);
        return Tensor.result(o, new int[] {batch, m, n}, "bmm", (g, need) -> new Tensor[] {
                need[0] ? bmm(g, b.transpose()) : null,
                need[1] ? bmm(a.transpose(), g) : null}, a, b);
    }

    /** o[m×n] = a[m×k] · b[k×n], row-major, i-k-j order so the inner loop streams rows of b and o. */
    private static void kernel(double[] a, int ao, double[] b, int bo, double[] o, int oo, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            int orow = oo + i * n;
            for (int p = 0; p < k; p++) {
                double aip = a[ao + i * k + p];
                if (aip == 0.0) continue;
                int brow = bo + p * n;
                for (int j = 0; j < n; j++) o[orow + j] += aip * b[brow + j];
            }
        }
    }
}
