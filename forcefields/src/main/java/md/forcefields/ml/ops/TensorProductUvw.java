package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Wigner3j;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The fully connected ('uvw') tensor product of e3nn 0.5, {@code FullyConnectedTensorProduct(irreps1,
 * irreps2, irrepsOut)} with shared weights: per row, every allowed path (block i of x, block j of y → block
 * k of the output, l_k in |l_i − l_j| … l_i + l_j, parity p_i·p_j = p_k) mixes all channels of both inputs
 * into every output channel:
 * <pre>
 *   out[r, k][w, M] = Σ_paths α_p Σ_{u,v} W_p[u, v, w] Σ_{m1,m2} C^{l_i l_j l_k}[m1, m2, M] x[r, i][u, m1] y[r, j][v, m2]
 * </pre>
 * with C e3nn's Wigner 3j symbol (unit Frobenius norm) and e3nn's default normalisations
 * ({@code irrep_normalization="component"}, {@code path_normalization="element"}):
 * α_p = √(2l_k+1) / √(Σ_{paths into k} mul_i·mul_j). Features are in e3nn's layout (per block, channel-major:
 * column u·(2l+1) + m). Weights: one block per path of shape (mul_i, mul_j, mul_k), row-major,
 * concatenated in path order (paths ordered by i, then j, then k), as e3nn's {@code weight}; a fixed
 * 1 × {@link #weightCount()} parameter.
 *
 * <p>Inputs: x (rows × dim1), y (rows × dim2) on the same rows, W (1 × weightCount). Trilinear; the tape
 * is built from batched matrix products, so derivatives of every order are the autodiff's.
 */
public final class TensorProductUvw implements Op {
    /** One path: input blocks i (x) and j (y), output block k, weight offset, α. */
    public record Path(int i, int j, int k, int weightOffset, double alpha) {}

    private final Irreps irreps1, irreps2, irrepsOut;
    private final List<Path> paths;
    private final int weightCount;
    private final int[] off1, off2, offOut;

    public TensorProductUvw(Irreps irreps1, Irreps irreps2, Irreps irrepsOut) {
        this.irreps1 = irreps1;
        this.irreps2 = irreps2;
        this.irrepsOut = irrepsOut;
        off1 = offsets(irreps1);
        off2 = offsets(irreps2);
        offOut = offsets(irrepsOut);
        int[] fan = new int[irrepsOut.size()];
        for (int i = 0; i < irreps1.size(); i++)
            for (int j = 0; j < irreps2.size(); j++)
                for (int k = 0; k < irrepsOut.size(); k++)
                    if (allowed(irreps1.ir(i), irreps2.ir(j), irrepsOut.ir(k))) fan[k] += irreps1.mul(i) * irreps2.mul(j);
        List<Path> p = new ArrayList<>();
        int w = 0;
        for (int i = 0; i < irreps1.size(); i++)
            for (int j = 0; j < irreps2.size(); j++)
                for (int k = 0; k < irrepsOut.size(); k++)
                    if (allowed(irreps1.ir(i), irreps2.ir(j), irrepsOut.ir(k))) {
                        p.add(new Path(i, j, k, w, Math.sqrt(irrepsOut.ir(k).dim()) / Math.sqrt(fan[k])));
                        w += irreps1.mul(i) * irreps2.mul(j) * irrepsOut.mul(k);
                    }
        paths = List.copyOf(p);
        weightCount = w;
    }

    private static boolean allowed(Irrep a, Irrep b, Irrep c) {
        return Wigner3j.allowed(a.l(), b.l(), c.l()) && a.p() * b.p() == c.p();
    }

    private static int[] offsets(Irreps irreps) {
        int[] o = new int[irreps.size()];
        for (int b = 1; b < irreps.size(); b++) o[b] = o[b - 1] + irreps.mul(b - 1) * irreps.ir(b - 1).dim();
        return o;
    }

    public List<Path> paths() { return paths; }
    public int weightCount() { return weightCount; }
    public Irreps irrepsOut() { return irrepsOut; }

    @Override public String name() { return "tensorProductUvw"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 3);
        if (in[0].width() != irreps1.dim() || in[1].width() != irreps2.dim() || in[0].rows() != in[1].rows() || in[0].fixedRows() != in[1].fixedRows())
            throw new IllegalArgumentException("tensorProductUvw " + irreps1 + " x " + irreps2 + ": inputs " + in[0] + " and " + in[1]
                    + " must have widths " + irreps1.dim() + " and " + irreps2.dim() + " on the same rows");
        if (in[2].rows() != Shape.Rows.FIXED || in[2].size(null) != weightCount)
            throw new IllegalArgumentException("tensorProductUvw: weights " + in[2] + " must be a fixed parameter of " + weightCount + " values");
        return in[0].withWidth(irrepsOut.dim());
    }

    // ---- tape: per path three products, C·y, x·(C·y), then the weights --------------------------------

    @Override public Tensor tape(Graph g, Tensor... in) {
        Tensor x = in[0], y = in[1], w = in[2].reshape(weightCount);
        int rows = x.size(0);
        List<List<Tensor>> byOutput = new ArrayList<>();
        for (int k = 0; k < irrepsOut.size(); k++) byOutput.add(new ArrayList<>());
        for (Path p : paths) {
            int m1 = irreps1.mul(p.i()), m2 = irreps2.mul(p.j()), m3 = irrepsOut.mul(p.k());
            int d1 = irreps1.ir(p.i()).dim(), d2 = irreps2.ir(p.j()).dim(), d3 = irrepsOut.ir(p.k()).dim();
            Tensor xp = x.slice(1, off1[p.i()], off1[p.i()] + m1 * d1).reshape(rows, m1, d1);
            Tensor yp = y.slice(1, off2[p.j()], off2[p.j()] + m2 * d2).reshape(rows * m2, d2);
            // C as (m2, m1·M): T[r, v, m1, M] = Σ_m2 C[m1, m2, M] y[r, v, m2]
            Tensor c = Tensor.of(Wigner3j.get(irreps1.ir(p.i()).l(), irreps2.ir(p.j()).l(), irrepsOut.ir(p.k()).l()).clone(), d1, d2, d3)
                    .permute(1, 0, 2).reshape(d2, d1 * d3);
            Tensor t = yp.matmul(c).reshape(rows, m2, d1, d3).permute(0, 2, 1, 3).reshape(rows, d1, m2 * d3);
            // Z[r, u, v, M] = Σ_m1 x[r, u, m1] T[r, m1, v, M]
            Tensor z = xp.matmul(t).reshape(rows, m1, m2, d3).permute(0, 3, 1, 2).reshape(rows * d3, m1 * m2);
            // out[r, w, M] = α Σ_{u,v} W[u, v, w] Z[r, u, v, M]
            Tensor wp = w.slice(0, p.weightOffset(), p.weightOffset() + m1 * m2 * m3).reshape(m1 * m2, m3);
            byOutput.get(p.k()).add(z.matmul(wp).mul(p.alpha()).reshape(rows, d3, m3).permute(0, 2, 1).reshape(rows, m3 * d3));
        }
        List<Tensor> blocks = new ArrayList<>();
        for (int k = 0; k < irrepsOut.size(); k++) {
            Tensor b = null;
            for (Tensor t : byOutput.get(k)) b = b == null ? t : b.add(t);
            blocks.add(b != null ? b : Tensor.zeros(rows, irrepsOut.mul(k) * irrepsOut.ir(k).dim()));
        }
        return blocks.size() == 1 ? blocks.get(0) : Tensor.concat(blocks, 1);
    }

    // ---- array kernels: the same three contractions per row and path ---------------------------------

    /** Scratch per row: T (m2·d1·d3), Z (m1·m2·d3), and their gradients. */
    private int scratchSize() {
        int s = 0;
        for (Path p : paths) {
            int m1 = irreps1.mul(p.i()), m2 = irreps2.mul(p.j()), d1 = irreps1.ir(p.i()).dim(), d3 = irrepsOut.ir(p.k()).dim();
            s = Math.max(s, m2 * d1 * d3 + m1 * m2 * d3);
        }
        return s;
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.inputShape(0).rowCount(g), dim1 = irreps1.dim(), dim2 = irreps2.dim(), dimOut = irrepsOut.dim();
        java.util.Arrays.fill(out, 0, rows * dimOut, 0.0);
        double[] scratch = ws.doubles(0, scratchSize());
        for (int r = 0; r < rows; r++)
            for (Path p : paths) {
                int m1 = irreps1.mul(p.i()), m2 = irreps2.mul(p.j()), m3 = irrepsOut.mul(p.k());
                int d1 = irreps1.ir(p.i()).dim(), d2 = irreps2.ir(p.j()).dim(), d3 = irrepsOut.ir(p.k()).dim();
                double[] c = Wigner3j.get(irreps1.ir(p.i()).l(), irreps2.ir(p.j()).l(), irrepsOut.ir(p.k()).l());
                int x0 = r * dim1 + off1[p.i()], y0 = r * dim2 + off2[p.j()], o0 = r * dimOut + offOut[p.k()], tz = m2 * d1 * d3;
                contractY(c, in[1], y0, m2, d1, d2, d3, scratch);
                contractX(in[0], x0, m1, m2, d1, d3, scratch, tz);
                double[] w = in[2];
                for (int u = 0; u < m1; u++)
                    for (int v = 0; v < m2; v++) {
                        int wBase = p.weightOffset() + (u * m2 + v) * m3, zBase = tz + (u * m2 + v) * d3;
                        for (int ww = 0; ww < m3; ww++) {
                            double a = p.alpha() * w[wBase + ww];
                            if (a == 0) continue;
                            for (int mm = 0; mm < d3; mm++) out[o0 + ww * d3 + mm] += a * scratch[zBase + mm];
                        }
                    }
            }
    }

    /** T[v, m1, M] = Σ_m2 C[m1, m2, M] y[v, m2] into s[0 …). */
    private static void contractY(double[] c, double[] y, int y0, int m2, int d1, int d2, int d3, double[] s) {
        for (int v = 0; v < m2; v++)
            for (int a = 0; a < d1; a++)
                for (int mm = 0; mm < d3; mm++) {
                    double t = 0;
                    for (int b = 0; b < d2; b++) t += c[(a * d2 + b) * d3 + mm] * y[y0 + v * d2 + b];
                    s[(v * d1 + a) * d3 + mm] = t;
                }
    }

    /** Z[u, v, M] = Σ_m1 x[u, m1] T[v, m1, M] into s[tz …). */
    private static void contractX(double[] x, int x0, int m1, int m2, int d1, int d3, double[] s, int tz) {
        for (int u = 0; u < m1; u++)
            for (int v = 0; v < m2; v++)
                for (int mm = 0; mm < d3; mm++) {
                    double z = 0;
                    for (int a = 0; a < d1; a++) z += x[x0 + u * d1 + a] * s[(v * d1 + a) * d3 + mm];
                    s[tz + (u * m2 + v) * d3 + mm] = z;
                }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int rows = ws.inputShape(0).rowCount(g), dim1 = irreps1.dim(), dim2 = irreps2.dim(), dimOut = irrepsOut.dim();
        double[] scratch = ws.doubles(0, scratchSize());
        int gzMax = 0, gtMax = 0;
        for (Path p : paths) {
            gzMax = Math.max(gzMax, irreps1.mul(p.i()) * irreps2.mul(p.j()) * irrepsOut.ir(p.k()).dim());
            gtMax = Math.max(gtMax, irreps2.mul(p.j()) * irreps1.ir(p.i()).dim() * irrepsOut.ir(p.k()).dim());
        }
        double[] grads = ws.doubles(1, gzMax + gtMax);
        double[] w = in[2];
        for (int r = 0; r < rows; r++)
            for (Path p : paths) {
                int m1 = irreps1.mul(p.i()), m2 = irreps2.mul(p.j()), m3 = irrepsOut.mul(p.k());
                int d1 = irreps1.ir(p.i()).dim(), d2 = irreps2.ir(p.j()).dim(), d3 = irrepsOut.ir(p.k()).dim();
                double[] c = Wigner3j.get(irreps1.ir(p.i()).l(), irreps2.ir(p.j()).l(), irrepsOut.ir(p.k()).l());
                int x0 = r * dim1 + off1[p.i()], y0 = r * dim2 + off2[p.j()], o0 = r * dimOut + offOut[p.k()], tz = m2 * d1 * d3;
                contractY(c, in[1], y0, m2, d1, d2, d3, scratch);
                if (gIn[2] != null) { // dW[u, v, w] += α Σ_M Z[u, v, M] gOut[w, M]
                    contractX(in[0], x0, m1, m2, d1, d3, scratch, tz);
                    for (int u = 0; u < m1; u++)
                        for (int v = 0; v < m2; v++) {
                            int wBase = p.weightOffset() + (u * m2 + v) * m3, zBase = tz + (u * m2 + v) * d3;
                            for (int ww = 0; ww < m3; ww++) {
                                double s = 0;
                                for (int mm = 0; mm < d3; mm++) s += scratch[zBase + mm] * gOut[o0 + ww * d3 + mm];
                                gIn[2][wBase + ww] += p.alpha() * s;
                            }
                        }
                }
                if (gIn[0] == null && gIn[1] == null) continue;
                // gZ[u, v, M] = α Σ_w W[u, v, w] gOut[w, M]
                for (int u = 0; u < m1; u++)
                    for (int v = 0; v < m2; v++) {
                        int wBase = p.weightOffset() + (u * m2 + v) * m3, gz = (u * m2 + v) * d3;
                        for (int mm = 0; mm < d3; mm++) {
                            double s = 0;
                            for (int ww = 0; ww < m3; ww++) s += w[wBase + ww] * gOut[o0 + ww * d3 + mm];
                            grads[gz + mm] = p.alpha() * s;
                        }
                    }
                if (gIn[0] != null) // gx[u, m1] += Σ_{v, M} gZ[u, v, M] T[v, m1, M]
                    for (int u = 0; u < m1; u++)
                        for (int a = 0; a < d1; a++) {
                            double s = 0;
                            for (int v = 0; v < m2; v++)
                                for (int mm = 0; mm < d3; mm++) s += grads[(u * m2 + v) * d3 + mm] * scratch[(v * d1 + a) * d3 + mm];
                            gIn[0][x0 + u * d1 + a] += s;
                        }
                if (gIn[1] != null) { // gT[v, m1, M] = Σ_u gZ[u, v, M] x[u, m1];  gy[v, m2] += Σ_{m1, M} C[m1, m2, M] gT[v, m1, M]
                    int gt = gzMax;
                    for (int v = 0; v < m2; v++)
                        for (int a = 0; a < d1; a++)
                            for (int mm = 0; mm < d3; mm++) {
                                double s = 0;
                                for (int u = 0; u < m1; u++) s += grads[(u * m2 + v) * d3 + mm] * in[0][x0 + u * d1 + a];
                                grads[gt + (v * d1 + a) * d3 + mm] = s;
                            }
                    for (int v = 0; v < m2; v++)
                        for (int b = 0; b < d2; b++) {
                            double s = 0;
                            for (int a = 0; a < d1; a++)
                                for (int mm = 0; mm < d3; mm++) s += c[(a * d2 + b) * d3 + mm] * grads[gt + (v * d1 + a) * d3 + mm];
                            gIn[1][y0 + v * d2 + b] += s;
                        }
                }
            }
    }

    @Override public String toString() { return name() + "(" + irreps1 + " x " + irreps2 + " -> " + irrepsOut + ")"; }
}
