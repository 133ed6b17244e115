package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The unit vectors r/|r| of the edge vectors (edges × 3 → edges × 3). Graph edges join distinct atoms
 * (or distinct images), so |r| &gt; 0; a zero vector is an error of the graph, reported as such.
 */
public final class UnitVectors implements Op {
    public static final UnitVectors INSTANCE = new UnitVectors();

    private UnitVectors() {}

    @Override public String name() { return "unitVectors"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].width() != 3 || in[0].rows() == Shape.Rows.FIXED) throw new IllegalArgumentException("unitVectors needs graph rows x 3, got " + in[0]);
        return in[0];
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        Tensor v = in[0];
        return v.div(v.square().sum(1).sqrt().reshape(v.size(0), 1));
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.inputShape(0).rowCount(g);
        double[] v = in[0];
        for (int e = 0; e < rows; e++) {
            double x = v[3 * e], y = v[3 * e + 1], z = v[3 * e + 2], r = Math.sqrt(x * x + y * y + z * z);
            if (!(r > 0)) throw new IllegalArgumentException("unitVectors: edge " + e + " has length " + r + " (two atoms at the same place?)");
            out[3 * e] = x / r;
            out[3 * e + 1] = y / r;
            out[3 * e + 2] = z / r;
        }
    }

    /** ∂u/∂r = (1 − u uᵀ)/|r|: the gradient is (g − (g·u)u)/|r|. */
    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int rows = ws.inputShape(0).rowCount(g);
        double[] v = in[0], u = out;
        for (int e = 0; e < rows; e++) {
            double x = v[3 * e], y = v[3 * e + 1], z = v[3 * e + 2], r = Math.sqrt(x * x + y * y + z * z);
            double gu = gOut[3 * e] * u[3 * e] + gOut[3 * e + 1] * u[3 * e + 1] + gOut[3 * e + 2] * u[3 * e + 2];
            for (int c = 0; c < 3; c++) gIn[0][3 * e + c] += (gOut[3 * e + c] - gu * u[3 * e + c]) / r;
        }
    }
}
