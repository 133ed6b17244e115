package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Gaussians on a grid of centres given as a value (GeomAtt's φ_d): exp(−γ(d − μ_k)²) for lengths d (rows × 1)
 * and centres μ (1 × K), no normalisation. Evaluated as t = d − μ, t·t, (−γ)·t², exp (the reference's order).
 * The centres are an input rather than a formula so that a model can carry its reference's grid bit for bit.
 */
public record GaussianGrid(double gamma) implements Op {
    @Override public String name() { return "gaussianGrid"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 2);
        if (in[0].width() != 1) throw new IllegalArgumentException(name() + " needs a column of lengths, got " + in[0]);
        expectCentres(this, in[1]);
        return in[0].withWidth(in[1].width());
    }

    static void expectCentres(Op op, Shape centres) {
        if (centres.rows() != Shape.Rows.FIXED || centres.fixedRows() != 1)
            throw new IllegalArgumentException(op.name() + ": the grid centres must be 1 x K, got " + centres);
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        Tensor t = in[0].sub(in[1].reshape(1, -1));
        return t.mul(t).mul(-gamma).exp();
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.inputShape(0).rowCount(g), k = ws.width(1);
        double[] d = in[0], mu = in[1];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < k; c++) {
                double t = d[r] - mu[c];
                out[r * k + c] = Math.exp(-gamma * (t * t));
            }
    }

    /** ∂/∂d = −2γ(d − μ_k)·φ and ∂/∂μ_k = +2γ(d − μ_k)·φ, from the forward result. */
    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int rows = ws.inputShape(0).rowCount(g), k = ws.width(1);
        double[] d = in[0], mu = in[1];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < k; c++) {
                double v = gOut[r * k + c] * out[r * k + c] * (-2 * gamma) * (d[r] - mu[c]);
                s += v;
                if (gIn[1] != null) gIn[1][c] -= v;
            }
            if (gIn[0] != null) gIn[0][r] += s;
        }
    }

    /** The same Gaussians at d = 0 (the basis of a bond's origin atom, φ_0): exp(−γ μ_k²), 1 × K from the centres. */
    public record AtOrigin(double gamma) implements Op {
        @Override public String name() { return "gaussianGridAtOrigin"; }

        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 1);
            expectCentres(this, in[0]);
            return in[0];
        }

        @Override public Tensor tape(Graph g, Tensor... in) {
            Tensor t = in[0].neg();
            return t.mul(t).mul(-gamma).exp();
        }

        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int k = ws.width(0);
            for (int c = 0; c < k; c++) {
                double t = 0 - in[0][c];
                out[c] = Math.exp(-gamma * (t * t));
            }
        }

        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int k = ws.width(0);
            for (int c = 0; c < k; c++) gIn[0][c] += gOut[c] * out[c] * (-2 * gamma) * in[0][c];
        }
    }
}
