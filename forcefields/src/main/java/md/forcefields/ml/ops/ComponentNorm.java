package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The Euclidean norm over the three Cartesian components of each channel of vector features: x (rows ×
 * 3·w, laid out [component][channel]) gives n[r, i] = √(Σ_c x[r, c, i]²) (rows × w), a rotation invariant.
 *
 * <p>Where a channel's vector is exactly zero (an isolated atom's vector features never leave 0) the norm
 * is 0 and its gradient is taken as 0, as {@code torch.norm}'s backward does; √ would give 0/0 there.
 */
public final class ComponentNorm implements Op {
    public static final ComponentNorm INSTANCE = new ComponentNorm();

    private ComponentNorm() {}

    @Override public String name() { return "componentNorm"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].width() % 3 != 0) throw new IllegalArgumentException("componentNorm needs 3 components per channel, got " + in[0]);
        return in[0].withWidth(in[0].width() / 3);
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        int rows = in[0].size(0), w = in[0].size(1) / 3;
        Tensor squares = in[0].reshape(rows, 3, w).square().sum(1);
        // zero where the vector is zero: √(s + 1) − 1 there has value 0 and, as s = Σx² is flat at x = 0, gradient 0
        double[] zero = new double[rows * w];
        for (int i = 0; i < zero.length; i++) zero[i] = squares.data()[i] == 0 ? 1.0 : 0.0;
        Tensor z = Tensor.of(zero, rows, w);
        return squares.add(z).sqrt().sub(z);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.inputShape(0).rowCount(g), w = ws.outputWidth();
        double[] x = in[0];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < w; i++) {
                double a = x[r * 3 * w + i], b = x[r * 3 * w + w + i], c = x[r * 3 * w + 2 * w + i];
                out[r * w + i] = Math.sqrt(a * a + b * b + c * c);
            }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int rows = ws.inputShape(0).rowCount(g), w = ws.outputWidth();
        double[] x = in[0], gx = gIn[0];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < w; i++) {
                double n = out[r * w + i];
                if (n == 0) continue;
                double s = gOut[r * w + i] / n;
                for (int c = 0; c < 3; c++) gx[r * 3 * w + c * w + i] += s * x[r * 3 * w + c * w + i];
            }
    }
}
