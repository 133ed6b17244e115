package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The norm nonlinearity of the SE(3)-Transformer (reference {@code GNormSE3} with {@code num_layers = 0},
 * ReLU): for each degree block of a {@link Fiber} and each row separately,
 * <pre>
 *   n_c = max(‖x_c‖₂, floor) over the 2l+1 components of channel c,   y = ReLU(LayerNorm(n; γ_l, β_l, eps)),   out_c = y_c · x_c / n_c
 * </pre>
 * (LayerNorm over the channels of that degree, biased variance, as torch). Scales every channel's
 * vector by an invariant, so the map is equivariant; for l = 0 it is ReLU(LN(|x|))·sign(x). Below the
 * floor the norm is constant (torch's clamp passes no gradient there). Inputs: x (rows × dim), then γ_l, β_l
 * (1 × channels) for every degree in order.
 */
public final class NormNonlinearity implements Op {
    private final Fiber fiber;
    private final double eps, floor;

    public NormNonlinearity(Fiber fiber, double eps, double floor) {
        if (!(eps >= 0) || !(floor > 0)) throw new IllegalArgumentException("normNonlinearity needs eps >= 0 and floor > 0, got " + eps + ", " + floor);
        this.fiber = fiber;
        this.eps = eps;
        this.floor = floor;
    }

    @Override public String name() { return "normNonlinearity"; }

    @Override public Shape outputShape(Shape... s) {
        Ops.expectCount(this, s, 1 + 2 * fiber.size());
        if (s[0].width() != fiber.dim()) throw new IllegalArgumentException("normNonlinearity: input " + s[0] + " must have " + fiber.dim() + " columns (fiber " + fiber + ")");
        for (int i = 0; i < fiber.size(); i++)
            for (int k = 0; k < 2; k++)
                if (!s[1 + 2 * i + k].equals(Shape.fixed(1, fiber.channels(i))))
                    throw new IllegalArgumentException("normNonlinearity: " + (k == 0 ? "gamma" : "beta") + " of degree " + fiber.degree(i) + " must be "
                            + Shape.fixed(1, fiber.channels(i)) + ", got " + s[1 + 2 * i + k]);
        return s[0];
    }

    @Override public Tensor tape(Graph g, Tensor... t) {
        int rows = t[0].size(0);
        LayerNorm ln = new LayerNorm(eps, true);
        List<Tensor> parts = new ArrayList<>();
        for (int i = 0; i < fiber.size(); i++) {
            int ch = fiber.channels(i), d = 2 * fiber.degree(i) + 1, off = fiber.offset(i);
            Tensor x = t[0].slice(1, off, off + ch * d).reshape(rows, ch, d);
            Tensor sq = x.square().sum(2).reshape(rows, ch);
            // max(√s, floor) = √max(s, floor²); below the floor a constant (no gradient)
            double[] keep = new double[rows * ch], low = new double[rows * ch];
            for (int k = 0; k < keep.length; k++) {
                boolean below = sq.data()[k] < floor * floor;
                keep[k] = below ? 0 : 1;
                low[k] = below ? floor * floor : 0;
            }
            Tensor n = sq.mul(Tensor.of(keep, rows, ch)).add(Tensor.of(low, rows, ch)).sqrt();
            Tensor y = Elementwise.Activation.RELU.tape(ln.tape(g, n, t[1 + 2 * i], t[2 + 2 * i]));
            parts.add(x.mul(y.div(n).reshape(rows, ch, 1)).reshape(rows, ch * d));
        }
        return Tensor.concat(parts, 1);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] x, double[] o) {
        int rows = ws.outputShape().rowCount(g), w = fiber.dim();
        for (int i = 0; i < fiber.size(); i++) {
            int ch = fiber.channels(i), d = 2 * fiber.degree(i) + 1, off = fiber.offset(i);
            double[] gamma = x[1 + 2 * i], beta = x[2 + 2 * i], n = ws.doubles(0, ch);
            for (int r = 0; r < rows; r++) {
                int base = r * w + off;
                double mean = norms(x[0], base, ch, d, n);
                double std = std(n, ch, mean);
                for (int c = 0; c < ch; c++) {
                    double a = (n[c] - mean) / std * gamma[c] + beta[c], y = a > 0 ? a : 0, f = y / n[c];
                    for (int m = 0; m < d; m++) o[base + c * d + m] = x[0][base + c * d + m] * f;
                }
            }
        }
    }

    /** n_c = max(‖x_c‖, floor) into n; returns their mean. */
    private double norms(double[] x, int base, int ch, int d, double[] n) {
        double sum = 0;
        for (int c = 0; c < ch; c++) {
            double s = 0;
            for (int m = 0; m < d; m++) { double v = x[base + c * d + m]; s += v * v; }
            n[c] = s < floor * floor ? floor : Math.sqrt(s);
            sum += n[c];
        }
        return sum / ch;
    }

    private double std(double[] n, int ch, double mean) {
        double q = 0;
        for (int c = 0; c < ch; c++) { double dv = n[c] - mean; q += dv * dv; }
        return Math.sqrt(q / ch + eps);
    }

    /**
     * With x̂ = (n − mean)/std, a = x̂γ + β, y = relu(a), out_c = x_c·y_c/n_c: gy_c = Σ_m gOut·x/n,
     * gn_c = −gy_c·y_c/n_c + LN backward of ga = gy·[a &gt; 0], gx = gOut·y/n + gn·x/n (above the floor).
     */
    @Override public void backward(Graph g, Workspace ws, double[][] x, double[] o, double[] gOut, double[][] gIn) {
        int rows = ws.outputShape().rowCount(g), w = fiber.dim();
        double[] gx = gIn[0];
        for (int i = 0; i < fiber.size(); i++) {
            int ch = fiber.channels(i), d = 2 * fiber.degree(i) + 1, off = fiber.offset(i);
            double[] gamma = x[1 + 2 * i], beta = x[2 + 2 * i], gGamma = gIn[1 + 2 * i], gBeta = gIn[2 + 2 * i];
            double[] n = ws.doubles(0, ch), xh = ws.doubles(1, ch), y = ws.doubles(2, ch), ga = ws.doubles(3, ch), gn = ws.doubles(4, ch);
            for (int r = 0; r < rows; r++) {
                int base = r * w + off;
                double mean = norms(x[0], base, ch, d, n), std = std(n, ch, mean), sg = 0, sgx = 0;
                for (int c = 0; c < ch; c++) {
                    xh[c] = (n[c] - mean) / std;
                    double a = xh[c] * gamma[c] + beta[c];
                    y[c] = a > 0 ? a : 0;
                    double gy = 0;
                    for (int m = 0; m < d; m++) gy += gOut[base + c * d + m] * x[0][base + c * d + m];
                    gy /= n[c];
                    gn[c] = -gy * y[c] / n[c];
                    ga[c] = a > 0 ? gy : 0;
                    if (gGamma != null) gGamma[c] += ga[c] * xh[c];
                    if (gBeta != null) gBeta[c] += ga[c];
                    double gh = ga[c] * gamma[c];
                    sg += gh;
                    sgx += gh * xh[c];
                }
                if (gx == null) continue;
                double mg = sg / ch, mgx = sgx / ch;
                for (int c = 0; c < ch; c++) {
                    double gnc = gn[c] + (ga[c] * gamma[c] - mg - xh[c] * mgx) / std;
                    boolean above = sumSquares(x[0], base + c * d, d) >= floor * floor; // as the tape: constant below the floor
                    for (int m = 0; m < d; m++) {
                        double xv = x[0][base + c * d + m];
                        gx[base + c * d + m] += gOut[base + c * d + m] * y[c] / n[c] + (above ? gnc * xv / n[c] : 0);
                    }
                }
            }
        }
    }

    private static double sumSquares(double[] x, int o, int d) {
        double s = 0;
        for (int m = 0; m < d; m++) s += x[o + m] * x[o + m];
        return s;
    }

    @Override public String toString() { return name() + fiber; }
}
