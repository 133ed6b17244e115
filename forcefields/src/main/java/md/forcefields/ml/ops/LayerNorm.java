package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Layer normalisation over the columns of each row, as {@code torch.nn.LayerNorm(width, eps)}:
 * <pre>
 *   y = (x − mean) / √(var + eps) · γ + β,   mean = Σ_c x_c / w,   var = Σ_c (x_c − mean)² / w (biased)
 * </pre>
 * Inputs: x (rows × w) and, when {@code affine}, γ and β (1 × w each); without {@code affine} only x
 * (γ = 1, β = 0). The MD kernel keeps each row's mean and 1/√(var + eps) from the forward pass.
 */
public record LayerNorm(double eps, boolean affine) implements Op {
    public LayerNorm {
        if (!(eps >= 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("layerNorm needs a finite eps >= 0, got " + eps);
    }

    @Override public String name() { return "layerNorm"; }

    @Override public Shape outputShape(Shape... in) {
        if (in.length != (affine ? 3 : 1))
            throw new IllegalArgumentException(affine ? "layerNorm (affine) takes 3 inputs (x, gamma, beta), got " + in.length
                    : "layerNorm (not affine) takes 1 input (x), got " + in.length);
        if (in[0].width() < 1) throw new IllegalArgumentException("layerNorm needs at least one column, got " + in[0]);
        if (affine)
            for (int i = 1; i <= 2; i++)
                if (!in[i].equals(Shape.fixed(1, in[0].width())))
                    throw new IllegalArgumentException("layerNorm " + (i == 1 ? "gamma" : "beta") + " must be " + Shape.fixed(1, in[0].width())
                            + " (one value per column of " + in[0] + "), got " + in[i]);
        return in[0];
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        Tensor x = in[0];
        int rows = x.size(0);
        Tensor centred = x.sub(x.mean(1).reshape(rows, 1));
        Tensor std = centred.square().mean(1).reshape(rows, 1).add(eps).sqrt();
        Tensor y = centred.div(std);
        return affine ? y.mul(in[1].reshape(1, -1)).add(in[2].reshape(1, -1)) : y;
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.outputShape().rowCount(g), w = ws.width(0);
        double[] x = in[0], stats = ws.doubles(0, 2 * rows), gamma = affine ? in[1] : null, beta = affine ? in[2] : null;
        double inv = 1.0 / w;
        for (int r = 0; r < rows; r++) {
            int o = r * w;
            double mean = inv * sum(x, o, w), q = centredSquares(x, o, w, mean);
            double is = 1 / Math.sqrt(inv * q + eps);
            stats[2 * r] = mean;
            stats[2 * r + 1] = is;
            if (affine) for (int c = 0; c < w; c++) out[o + c] = (x[o + c] - mean) * is * gamma[c] + beta[c];
            else for (int c = 0; c < w; c++) out[o + c] = (x[o + c] - mean) * is;
        }
    }

    /** Σ_c a[o + c] over c &lt; w, in four interleaved partial sums (independent additions). */
    private static double sum(double[] a, int o, int w) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int c = 0;
        for (; c + 4 <= w; c += 4) { s0 += a[o + c]; s1 += a[o + c + 1]; s2 += a[o + c + 2]; s3 += a[o + c + 3]; }
        for (; c < w; c++) s0 += a[o + c];
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ_c (a[o + c] − mean)², as {@link #sum}. */
    private static double centredSquares(double[] a, int o, int w, double mean) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int c = 0;
        for (; c + 4 <= w; c += 4) {
            double d0 = a[o + c] - mean, d1 = a[o + c + 1] - mean, d2 = a[o + c + 2] - mean, d3 = a[o + c + 3] - mean;
            s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
        }
        for (; c < w; c++) { double d = a[o + c] - mean; s0 += d * d; }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * With x̂ = (x − mean)/std and ĝ = gOut·γ: dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / std, dγ = Σ_rows gOut·x̂,
     * dβ = Σ_rows gOut. The forward pass keeps mean and 1/std per row.
     */
    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int rows = ws.outputShape().rowCount(g), w = ws.width(0);
        double[] x = in[0], stats = ws.doubles(0, 2 * rows), gamma = affine ? in[1] : null;
        double[] gx = gIn[0], gGamma = affine ? gIn[1] : null, gBeta = affine ? gIn[2] : null;
        double inv = 1.0 / w;
        for (int r = 0; r < rows; r++) {
            int o = r * w;
            double mean = stats[2 * r], is = stats[2 * r + 1];
            if (gGamma != null || gBeta != null)
                for (int c = 0; c < w; c++) {
                    double go = gOut[o + c];
                    if (gGamma != null) gGamma[c] += go * ((x[o + c] - mean) * is);
                    if (gBeta != null) gBeta[c] += go;
                }
            if (gx == null) continue;
            double sg0 = 0, sg1 = 0, sx0 = 0, sx1 = 0;
            int c = 0;
            for (; c + 2 <= w; c += 2) {
                double gh0 = affine ? gOut[o + c] * gamma[c] : gOut[o + c], gh1 = affine ? gOut[o + c + 1] * gamma[c + 1] : gOut[o + c + 1];
                sg0 += gh0;
                sg1 += gh1;
                sx0 += gh0 * ((x[o + c] - mean) * is);
                sx1 += gh1 * ((x[o + c + 1] - mean) * is);
            }
            for (; c < w; c++) {
                double gh = affine ? gOut[o + c] * gamma[c] : gOut[o + c];
                sg0 += gh;
                sx0 += gh * ((x[o + c] - mean) * is);
            }
            double mg = inv * (sg0 + sg1), mgx = inv * (sx0 + sx1);
            for (c = 0; c < w; c++) {
                double gh = affine ? gOut[o + c] * gamma[c] : gOut[o + c], xh = (x[o + c] - mean) * is;
                gx[o + c] += (gh - mg - xh * mgx) * is;
            }
        }
    }
}
