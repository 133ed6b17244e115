package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * TorchMD-Net's ExpNormal radial basis (ExpNormalSmearing, torchmd-net 2.4.10) with its cosine cutoff
 * applied:
 * <pre>
 *   e_k(r) = φ(r) · exp(−β_k · (exp(α·(r_lo − r)) − μ_k)²)
 *   φ(r)   = ½·(cos(π·r / r_up) + 1)  for r &lt; r_up,  0 for r ≥ r_up
 * </pre>
 * Inputs: lengths (rows × 1, per pair or per edge), means μ (1 × n) and betas β (1 × n), both trainable
 * in TorchMD-Net; output rows × n. α is 5/(r_up − r_lo) in TorchMD-Net ({@link #torchmdNetAlpha}); it is a
 * parameter here so that a reference's exact value can be used.
 *
 * <p>The cutoff φ is the cosine cutoff with lower bound 0 whatever {@code cutoffLower} is: TorchMD-Net
 * builds the smearing's cutoff as {@code CosineCutoff(0, cutoff_upper)} (fixture README
 * torchmdnet-reference/ethanol-et, §3: "φ the cosine cutoff of §2 with lower bound 0"). {@code cutoffLower}
 * enters only the exponent. (The ET's attention layers use the lower-bounded form
 * ½(cos(π(2(r − r_lo)/(r_up − r_lo) + 1)) + 1) on r_lo &lt; r &lt; r_up; that is a different function.)
 *
 * <p>Values and first derivatives vanish at r_up (φ(r_up) = φ'(r_up) = 0) and are exactly 0 from r_up on.
 * The MD kernel keeps exp(−β d²) per entry and φ, φ', exp(α(r_lo − r)) per row from the forward pass.
 */
public record ExpNormal(double cutoffLower, double cutoffUpper, double alpha) implements Op {
    public ExpNormal {
        if (!(cutoffLower >= 0) || !(cutoffUpper > cutoffLower) || Double.isInfinite(cutoffUpper))
            throw new IllegalArgumentException("expNormalBasis needs 0 <= cutoffLower < cutoffUpper < infinity, got " + cutoffLower + ", " + cutoffUpper);
        if (!(alpha > 0) || Double.isInfinite(alpha))
            throw new IllegalArgumentException("expNormalBasis needs a finite alpha > 0, got " + alpha);
    }

    /** TorchMD-Net's α = 5 / (r_up − r_lo). */
    public static double torchmdNetAlpha(double cutoffLower, double cutoffUpper) { return 5.0 / (cutoffUpper - cutoffLower); }

    @Override public String name() { return "expNormalBasis"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 3);
        if (in[0].width() != 1 || in[0].rows() == Shape.Rows.FIXED)
            throw new IllegalArgumentException("expNormalBasis needs a column of lengths (pairs, edges, atoms or graph x 1), got " + in[0]);
        if (in[1].rows() != Shape.Rows.FIXED || in[1].fixedRows() != 1 || in[1].width() < 1)
            throw new IllegalArgumentException("expNormalBasis means must be 1 x n (n >= 1), got " + in[1]);
        if (!in[2].equals(in[1]))
            throw new IllegalArgumentException("expNormalBasis betas must have the means' shape " + in[1] + ", got " + in[2]);
        return in[0].withWidth(in[1].width());
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        Tensor r = in[0], mu = in[1].reshape(1, -1), beta = in[2].reshape(1, -1);
        Tensor t = r.neg().add(cutoffLower).mul(alpha).exp();                    // rows × 1
        Tensor gauss = t.sub(mu).square().mul(beta).neg().exp();                  // rows × n
        // a constant: (s + |s|)/2 with s = sign(r_up − r) is 1 below the cutoff and 0 from it on
        Tensor side = r.neg().add(cutoffUpper).sign(), inside = side.add(side.abs()).mul(0.5);
        Tensor phi = r.mul(Math.PI / cutoffUpper).cos().add(1.0).mul(0.5).mul(inside);
        return gauss.mul(phi);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.inputShape(0).rowCount(g), n = ws.width(1);
        double[] r = in[0], mu = in[1], beta = in[2];
        double[] gauss = ws.doubles(0, rows * n), rowT = ws.doubles(1, rows), rowPhi = ws.doubles(2, rows), rowDphi = ws.doubles(3, rows);
        double w = Math.PI / cutoffUpper;
        for (int p = 0; p < rows; p++) {
            double x = r[p], t = Math.exp(alpha * (-x + cutoffLower)), phi = 0, dphi = 0;
            if (x < cutoffUpper) {
                phi = 0.5 * (Math.cos(w * x) + 1.0);
                dphi = -0.5 * w * Math.sin(w * x);
            }
            rowT[p] = t;
            rowPhi[p] = phi;
            rowDphi[p] = dphi;
            int o = p * n;
            for (int k = 0; k < n; k++) {
                double d = t - mu[k], e = Math.exp(-(d * d * beta[k]));
                gauss[o + k] = e;
                out[o + k] = e * phi;
            }
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int rows = ws.inputShape(0).rowCount(g), n = ws.width(1);
        double[] mu = in[1], beta = in[2], gr = gIn[0], gmu = gIn[1], gbeta = gIn[2];
        if (gr == null && gmu == null && gbeta == null) return;
        double[] gauss = ws.doubles(0, rows * n), rowT = ws.doubles(1, rows), rowPhi = ws.doubles(2, rows), rowDphi = ws.doubles(3, rows);
        for (int p = 0; p < rows; p++) {
            double phi = rowPhi[p], dphi = rowDphi[p];
            if (phi == 0 && dphi == 0) continue; // beyond the cutoff: no dependence on anything
            double t = rowT[p], dtdr = -alpha * t, dr = 0;
            int o = p * n;
            for (int k = 0; k < n; k++) {
                double go = gOut[o + k], e = gauss[o + k], d = t - mu[k];
                // ∂e/∂d = −2βd·e (d = t − μ); the basis is φ·e
                double ge = go * e, dd = -2 * beta[k] * d;
                dr += ge * (dphi + phi * dd * dtdr);
                if (gmu != null) gmu[k] -= ge * phi * dd;
                if (gbeta != null) gbeta[k] -= ge * phi * (d * d);
            }
            if (gr != null) gr[p] += dr;
        }
    }
}
