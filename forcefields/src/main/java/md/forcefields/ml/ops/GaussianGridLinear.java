package md.forcefields.ml.ops;

import java.util.List;

import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.FusedOp;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * A linear layer of Gaussians on a grid: out[r, :] = Σ_k exp(−γ(d_r − μ_k)²)·W[k, :] (+ b) for lengths d (rows × 1),
 * centres μ (1 × K), weights W (K × M) and an optional bias b (1 × M): {@link GaussianGrid} followed by a linear
 * layer, fused (GeomAtt's overlap layers, all of which read the same φ_d, as one wide product).
 *
 * <p>The MD kernels skip the centres where γ(d − μ_k)² &gt; {@value #NEGLIGIBLE_EXPONENT}: there the Gaussian is
 * below e^−39 ≈ 1.2e−17 of its peak value 1, about a tenth of an ulp of it, and its derivative below
 * 2√(39γ)·e^−39 ≈ 6.5e−16/Å for γ = 20 Å⁻² (1.5e−15/Å for γ = 100), about 1.7e−16 of a Gaussian's largest
 * derivative √(2γ/e) ≈ 3.8/Å: each skipped term is at most round-off of the largest term of the sum it would join.
 * For GeomAtt (γ = 20 Å⁻², Δ = 0.05 Å) that leaves at most 56 of the 100 centres per pair and none for pairs beyond
 * d_max + 1.4 Å. Rows are sorted by their first centre (a counting sort) and taken 8 at a time over the union of
 * their windows, so that the products are dense register-blocked matrix products; the Gaussians of a window are
 * computed a vector at a time ({@link DenseKernels#gaussians}). Training differentiates the two separate ops
 * ({@link #unfused}), every centre.
 */
public record GaussianGridLinear(double gamma) implements FusedOp {
    /** exp(−39) ≈ 1.2e−17: Gaussians further out than this exponent are left out of the MD kernels' sums (see the class comment). */
    public static final double NEGLIGIBLE_EXPONENT = 39;
    private static final int BLOCK = 8;

    public GaussianGridLinear {
        if (!(gamma > 0)) throw new IllegalArgumentException("gaussianGridLinear needs gamma > 0, got " + gamma);
    }

    @Override public String name() { return "gaussianGridLinear"; }

    @Override public Shape outputShape(Shape... in) {
        if (in.length != 3 && in.length != 4)
            throw new IllegalArgumentException(name() + " takes lengths, centres, weights and optionally a bias, got " + in.length + " inputs");
        if (in[0].width() != 1) throw new IllegalArgumentException(name() + " needs a column of lengths, got " + in[0]);
        GaussianGrid.expectCentres(this, in[1]);
        int k = in[1].width();
        if (in[2].rows() != Shape.Rows.FIXED || in[2].fixedRows() != k)
            throw new IllegalArgumentException(name() + ": the weights must be " + k + " x M (one row per centre), got " + in[2]);
        int m = in[2].width();
        if (in.length == 4 && !in[3].equals(Shape.fixed(1, m)))
            throw new IllegalArgumentException(name() + ": the bias must be 1 x " + m + ", got " + in[3]);
        return in[0].withWidth(m);
    }

    @Override public <T> T unfused(Ops<T> ops, List<T> in) {
        T phi = ops.apply(new GaussianGrid(gamma), in.get(0), in.get(1));
        return in.size() == 4 ? ops.linear(phi, in.get(2), in.get(3)) : ops.matmul(phi, in.get(2), 1.0);
    }

    // Workspace: ints 0 = rows in order of their first centre, 1 = per block {k0, k1}, 2 = bucket counts, 3 = the
    // output offsets of the sorted rows; doubles 0 = φ of the sorted rows (rows ×
    // K, only the block windows written), 1 = a block of rows × M, 2 = a block's ∂/∂φ or (d − μ)·φ (BLOCK × K), 3 = Wᵀ
    // (M × K, kept while the weights are constant).

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.inputShape(0).rowCount(g), k = ws.width(1), m = ws.outputWidth();
        double[] d = in[0], mu = in[1], w = in[2], b = in.length == 4 ? in[3] : null;
        int[] order = ws.ints(0, rows), windows = ws.ints(1, 2 * ((rows + BLOCK - 1) / BLOCK)), count = ws.ints(2, k + 2);
        int[] outRows = ws.ints(3, rows);
        sortByFirstCentre(d, mu, rows, k, order, count);
        for (int s = 0; s < rows; s++) outRows[s] = order[s] * m;
        double[] phi = ws.doubles(0, Math.max(1, rows) * k), block = ws.doubles(1, BLOCK * m);
        for (int s0 = 0, blk = 0; s0 < rows; s0 += BLOCK, blk++) {
            int bs = Math.min(BLOCK, rows - s0), k0 = k, k1 = 0;
            for (int i = 0; i < bs; i++) {
                double dr = d[order[s0 + i]];
                for (int c = 0; c < k; c++) {
                    double t = dr - mu[c];
                    if (gamma * (t * t) <= NEGLIGIBLE_EXPONENT) { k0 = Math.min(k0, c); k1 = Math.max(k1, c + 1); }
                }
            }
            windows[2 * blk] = k0;
            windows[2 * blk + 1] = k1;
            for (int i = 0; i < bs; i++) DenseKernels.gaussians(d[order[s0 + i]], mu, k0, k1, gamma, phi, (s0 + i) * k + k0);
            if (bs == BLOCK && k0 < k1) { // straight into the output rows, each vector of W loaded once for the block
                DenseKernels.gemm8(m, k1 - k0, phi, s0 * k + k0, k, w, k0 * m, m, b, false, out, 0, 0, outRows, s0);
                continue;
            }
            for (int i = 0; i < bs; i++) {
                if (b != null) System.arraycopy(b, 0, block, i * m, m);
                else java.util.Arrays.fill(block, i * m, (i + 1) * m, 0.0);
            }
            if (k0 < k1) DenseKernels.gemm(bs, m, k1 - k0, 1.0, phi, s0 * k + k0, k, w, k0 * m, m, block, 0, m, true);
            for (int i = 0; i < bs; i++) System.arraycopy(block, i * m, out, order[s0 + i] * m, m);
        }
    }

    /**
     * order = the rows by their first centre within the window (rows with no centre in reach last), a counting
     * sort: rows with equal first centres have nearly equal windows, so blocks of consecutive rows share them.
     */
    private void sortByFirstCentre(double[] d, double[] mu, int rows, int k, int[] order, int[] count) {
        java.util.Arrays.fill(count, 0, k + 2, 0);
        for (int r = 0; r < rows; r++) count[firstCentre(d[r], mu, k) + 1]++;
        for (int c = 1; c < k + 2; c++) count[c] += count[c - 1];
        for (int r = 0; r < rows; r++) order[count[firstCentre(d[r], mu, k)]++] = r;
    }

    private int firstCentre(double dr, double[] mu, int k) {
        for (int c = 0; c < k; c++) {
            double t = dr - mu[c];
            if (gamma * (t * t) <= NEGLIGIBLE_EXPONENT) return c;
        }
        return k;
    }

    /**
     * ∂d_r = Σ_k (∂φ_rk)·(−2γ(d_r − μ_k))·φ_rk with ∂φ = ∂out·Wᵀ over the forward's windows; ∂μ_k the same with + sign.
     * When only ∂d is asked for (forces), the same sum in the other order: ∂d_r = −2γ·Σ_j ∂out_rj·P_rj with
     * P = ((d − μ) ⊙ φ)·W, the forward's product with (d_r − μ_k)·φ_rk for φ_rk (the same kernel, W as it is stored,
     * 8 rows per load of W), then one dot product per row.
     */
    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int rows = ws.inputShape(0).rowCount(g), k = ws.width(1), m = ws.outputWidth();
        double[] d = in[0], mu = in[1], w = in[2];
        int[] order = ws.ints(0, rows), windows = ws.ints(1, 2 * ((rows + BLOCK - 1) / BLOCK)); // from this call's forward
        double[] phi = ws.doubles(0, Math.max(1, rows) * k), block = ws.doubles(1, BLOCK * m), gPhi = ws.doubles(2, BLOCK * k);
        boolean lengths = gIn[0] != null || gIn[1] != null, onlyLengths = gIn[0] != null && gIn[1] == null && gIn[2] == null;
        double[] wt = ws.doubles(3, k * m);
        boolean transposed = false;
        for (int s0 = 0, blk = 0; s0 < rows; s0 += BLOCK, blk++) {
            int bs = Math.min(BLOCK, rows - s0), k0 = windows[2 * blk], k1 = windows[2 * blk + 1], width = k1 - k0;
            if (gIn.length == 4 && gIn[3] != null)
                for (int i = 0; i < bs; i++) for (int j = 0; j < m; j++) gIn[3][j] += gOut[order[s0 + i] * m + j];
            if (width == 0) continue;
            if (onlyLengths && bs == BLOCK) {
                for (int i = 0; i < bs; i++) {
                    double dr = d[order[s0 + i]];
                    for (int c = k0; c < k1; c++) gPhi[i * width + c - k0] = (dr - mu[c]) * phi[(s0 + i) * k + c];
                }
                DenseKernels.gemm8(m, width, gPhi, 0, width, w, k0 * m, m, null, false, block, 0, m, null, 0);
                for (int i = 0; i < bs; i++) {
                    int r = order[s0 + i];
                    gIn[0][r] += -2 * gamma * DenseKernels.dot(m, gOut, r * m, block, i * m);
                }
                continue;
            }
            for (int i = 0; i < bs; i++) System.arraycopy(gOut, order[s0 + i] * m, block, i * m, m);
            if (gIn[2] != null) // ∂W[c, :] += φ_rc·∂out[r, :]
                for (int i = 0; i < bs; i++)
                    for (int c = k0; c < k1; c++) {
                        double p = phi[(s0 + i) * k + c];
                        for (int j = 0; j < m; j++) gIn[2][c * m + j] += p * block[i * m + j];
                    }
            if (!lengths) continue;
            if (!transposed) {
                synchronized (ws) {
                    if (ws.needsTable(0, 2)) for (int c = 0; c < k; c++) for (int j = 0; j < m; j++) wt[j * k + c] = w[c * m + j];
                }
                transposed = true;
            }
            // (−2γ)·∂φ in one product (a scale other than 1 also selects the kernel's register-blocked path)
            DenseKernels.gemm(bs, width, m, -2 * gamma, block, 0, m, wt, k0, k, gPhi, 0, width, false);
            for (int i = 0; i < bs; i++) {
                int r = order[s0 + i];
                double dr = d[r], sum = 0;
                for (int c = k0; c < k1; c++) {
                    double v = gPhi[i * width + c - k0] * phi[(s0 + i) * k + c] * (dr - mu[c]);
                    sum += v;
                    if (gIn[1] != null) gIn[1][c] -= v;
                }
                if (gIn[0] != null) gIn[0][r] += sum;
            }
        }
    }
}
