package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Radial bases and cutoff functions of interatomic distances (a column of lengths, per pair or per
 * edge). Bases return one column per basis function; cutoffs one column, to multiply a basis with
 * ({@link Ops#mul}).
 */
public final class RadialOps {
    private RadialOps() {}

    private static void expectLengths(Op op, Shape[] in, int count) {
        Ops.expectCount(op, in, count);
        if (in[0].width() != 1 || in[0].rows() == Shape.Rows.FIXED) throw new IllegalArgumentException(op.name() + " needs a column of lengths, got " + in[0]);
    }

    /** NequIP's Bessel basis b_n(r) = (2/r_c)·sin(w_n r/r_c)/r, trainable frequencies w (1 × n; init nπ). */
    public record Bessel(double cutoff) implements Op {
        @Override public String name() { return "besselBasis"; }
        @Override public Shape outputShape(Shape... in) {
            expectLengths(this, in, 2);
            if (in[1].rows() != Shape.Rows.FIXED || in[1].fixedRows() != 1) throw new IllegalArgumentException("besselBasis frequencies must be 1 x n, got " + in[1]);
            return in[0].withWidth(in[1].width());
        }
        @Override public Tensor tape(Graph g, Tensor... in) {
            Tensor r = in[0];
            return r.mul(in[1].reshape(-1)).mul(1.0 / cutoff).sin().div(r).mul(2.0 / cutoff);
        }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            backwardRows(ws, in, gOut, gIn[0], gIn[1], 0, ws.inputShape(0).rowCount(g));
        }
        // Parallel and row-local on the lengths' rows (its sines and cosines are most of a small molecule's serial time).
        @Override public boolean parallel() { return true; }
        @Override public boolean rowLocal() { return true; }
        @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
            int rows = ws.inputShape(0).rowCount(g), nb = ws.width(1);
            double pref = 2 / cutoff;
            for (int p = Op.partStart(rows, part, parts), p1 = Op.partStart(rows, part + 1, parts); p < p1; p++) {
                double r = in[0][p];
                for (int k = 0; k < nb; k++) out[p * nb + k] = pref * (Math.sin(r * in[1][k] * (1.0 / cutoff)) / r);
            }
        }
        @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
            int rows = ws.inputShape(0).rowCount(g);
            // each part writes only its own rows of the lengths' gradient; the frequencies' gradient (one row, a sum over
            // all rows in row order) is written by the part that owns that one row, which is also the part the
            // executor's row-local zeroing gives it to (the MD plan never asks for it: its frequencies are constants)
            backwardRows(ws, in, gOut, gIn[0], null, Op.partStart(rows, part, parts), Op.partStart(rows, part + 1, parts));
            if (gIn[1] != null && Op.partStart(1, part, parts) == 0 && Op.partStart(1, part + 1, parts) == 1)
                backwardRows(ws, in, gOut, null, gIn[1], 0, rows);
        }
        /** Adds rows p0 … p1 − 1's contributions to the lengths' gradient {@code gR} and the frequencies' {@code gW} (either may be null). */
        private void backwardRows(Workspace ws, double[][] in, double[] gOut, double[] gR, double[] gW, int p0, int p1) {
            if (gR == null && gW == null) return;
            int nb = ws.width(1);
            double pref = 2 / cutoff;
            for (int p = p0; p < p1; p++) {
                double r = in[0][p], dr = 0;
                for (int k = 0; k < nb; k++) {
                    double w = in[1][k] / cutoff, sn = Math.sin(w * r), cs = Math.cos(w * r), go = gOut[p * nb + k];
                    dr += go * pref * (w * cs / r - sn / (r * r));
                    if (gW != null) gW[k] += go * pref * cs / cutoff;
                }
                if (gR != null) gR[p] += dr;
            }
        }
    }

    /** u(x) = 1 − (p+1)(p+2)/2·x^p + p(p+2)·x^(p+1) − p(p+1)/2·x^(p+2), x = r/r_c; 0 for r ≥ r_c. */
    public record PolynomialCutoff(double cutoff, double p) implements Op {
        @Override public String name() { return "polynomialCutoff"; }
        @Override public Shape outputShape(Shape... in) { expectLengths(this, in, 1); return in[0]; }
        @Override public Tensor tape(Graph g, Tensor... in) {
            Tensor x = in[0].mul(1.0 / cutoff), xp = x.pow(p);
            Tensor u = xp.mul(-(p + 1) * (p + 2) / 2).add(1.0).add(xp.mul(x).mul(p * (p + 2))).sub(xp.mul(x.square()).mul(p * (p + 1) / 2));
            double[] inside = new double[in[0].numel()];
            for (int e = 0; e < inside.length; e++) inside[e] = in[0].data()[e] < cutoff ? 1.0 : 0.0;
            return u.mul(Tensor.of(inside, inside.length, 1));
        }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
        @Override public boolean parallel() { return true; }
        @Override public boolean rowLocal() { return true; }
        @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
            int rows = ws.inputShape(0).rowCount(g);
            for (int k = Op.partStart(rows, part, parts), k1 = Op.partStart(rows, part + 1, parts); k < k1; k++) {
                double x = in[0][k] / cutoff;
                if (!(in[0][k] < cutoff)) { out[k] = 0; continue; }
                double xp = Math.pow(x, p);
                out[k] = 1 - (p + 1) * (p + 2) / 2 * xp + p * (p + 2) * xp * x - p * (p + 1) / 2 * xp * x * x;
            }
        }
        @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
            if (gIn[0] == null) return;
            int rows = ws.inputShape(0).rowCount(g);
            for (int k = Op.partStart(rows, part, parts), k1 = Op.partStart(rows, part + 1, parts); k < k1; k++) {
                if (!(in[0][k] < cutoff)) continue;
                double x = in[0][k] / cutoff, xm1 = Math.pow(x, p - 1);
                double du = (-(p + 1) * (p + 2) / 2 * p * xm1 + p * (p + 2) * (p + 1) * xm1 * x - p * (p + 1) / 2 * (p + 2) * xm1 * x * x) / cutoff;
                gIn[0][k] += gOut[k] * du;
            }
        }
    }

    /** ½(cos(πr/r_c) + 1) for r &lt; r_c, else 0 (TorchMD-Net's CosineCutoff with lower cutoff 0). */
    public record CosineCutoff(double cutoff) implements Op {
        @Override public String name() { return "cosineCutoff"; }
        @Override public Shape outputShape(Shape... in) { expectLengths(this, in, 1); return in[0]; }
        @Override public Tensor tape(Graph g, Tensor... in) {
            double[] inside = new double[in[0].numel()];
            for (int e = 0; e < inside.length; e++) inside[e] = in[0].data()[e] < cutoff ? 1.0 : 0.0;
            return in[0].mul(Math.PI / cutoff).cos().add(1.0).mul(0.5).mul(Tensor.of(inside, inside.length, 1));
        }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int rows = ws.inputShape(0).rowCount(g);
            for (int k = 0; k < rows; k++) out[k] = in[0][k] < cutoff ? 0.5 * (Math.cos(in[0][k] * (Math.PI / cutoff)) + 1) : 0;
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int rows = ws.inputShape(0).rowCount(g);
            for (int k = 0; k < rows; k++)
                if (in[0][k] < cutoff) gIn[0][k] += gOut[k] * -0.5 * Math.sin(in[0][k] * (Math.PI / cutoff)) * (Math.PI / cutoff);
        }
    }

    /** exp(−γ(r − μ_k)²), μ_k = start + k·(stop − start)/(n − 1) (SchNet/PhysNet-style Gaussian smearing). */
    public record Gaussian(double start, double stop, int n, double gamma) implements Op {
        double centre(int k) { return n == 1 ? start : start + k * (stop - start) / (n - 1); }
        @Override public String name() { return "gaussianBasis"; }
        @Override public Shape outputShape(Shape... in) { expectLengths(this, in, 1); return in[0].withWidth(n); }
        @Override public Tensor tape(Graph g, Tensor... in) {
            double[] mu = new double[n];
            for (int k = 0; k < n; k++) mu[k] = centre(k);
            return in[0].sub(Tensor.of(mu, 1, n)).square().mul(-gamma).exp();
        }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int rows = ws.inputShape(0).rowCount(g);
            for (int p = 0; p < rows; p++)
                for (int k = 0; k < n; k++) {
                    double d = in[0][p] - centre(k);
                    out[p * n + k] = Math.exp(-gamma * (d * d));
                }
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int rows = ws.inputShape(0).rowCount(g);
            for (int p = 0; p < rows; p++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += gOut[p * n + k] * out[p * n + k] * -2 * gamma * (in[0][p] - centre(k));
                gIn[0][p] += s;
            }
        }
    }
}
