package md.forcefields.e3nn;

/**
 * Conversions between e3nn's per-row feature layout and the batched layout the kernels here use.
 *
 * <p>e3nn stores one row (atom or edge) as blocks one after the other, channel-major inside a block
 * (index = offset(b) + u·d + c). The kernels store a whole batch of {@code rows} rows block by block,
 * component-major and channel-last inside a block: index = rows·offset(b) + (r·d + c)·mul + u. Then an
 * equivariant linear map of a block is one matrix product (rows·d × mul_in)·(mul_in × mul_out), and
 * per-row loops run over contiguous channels.
 */
public final class Layout {
    private Layout() {}

    /** Start of row r's component c in block b of a batch of {@code rows} rows. */
    public static int index(Irreps irreps, int rows, int b, int r, int c) {
        return rows * irreps.offset(b) + (r * irreps.ir(b).dim() + c) * irreps.mul(b);
    }

    /** e3nn rows (rows × dim, row-major) → batched layout. */
    public static double[] fromE3nn(Irreps irreps, double[] e3nn, int rows) {
        double[] out = new double[rows * irreps.dim()];
        int dim = irreps.dim();
        for (int b = 0; b < irreps.size(); b++) {
            int d = irreps.ir(b).dim(), mul = irreps.mul(b);
            for (int r = 0; r < rows; r++)
                for (int u = 0; u < mul; u++)
                    for (int c = 0; c < d; c++)
                        out[index(irreps, rows, b, r, c) + u] = e3nn[r * dim + irreps.offset(b) + u * d + c];
        }
        return out;
    }

    /** Batched layout → e3nn rows (rows × dim, row-major). */
    public static double[] toE3nn(Irreps irreps, double[] batched, int rows) {
        double[] out = new double[rows * irreps.dim()];
        int dim = irreps.dim();
        for (int b = 0; b < irreps.size(); b++) {
            int d = irreps.ir(b).dim(), mul = irreps.mul(b);
            for (int r = 0; r < rows; r++)
                for (int u = 0; u < mul; u++)
                    for (int c = 0; c < d; c++)
                        out[r * dim + irreps.offset(b) + u * d + c] = batched[index(irreps, rows, b, r, c) + u];
        }
        return out;
    }
}
