package md.forcefields.e3nn;

import java.util.List;

/**
 * e3nn's {@code nn.FullyConnectedNet(hs, act)} without biases (NequIP's radial MLP).
 * Hidden layers h ← act(h·W/√h_in) with the normalised activation; the last layer h ← h·W/√h_in.
 * Weights per layer (h_in × h_out), row-major. Batched over rows (rows × h, row-major).
 */
public final class FullyConnectedNet {
    private final int[] sizes;
    private final double[][] weights, weightsT;
    private final Activation act;

    public FullyConnectedNet(List<double[]> layerWeights, int[] sizes, Activation act) {
        if (layerWeights.size() != sizes.length - 1) throw new IllegalArgumentException("need " + (sizes.length - 1) + " weight matrices");
        this.sizes = sizes.clone();
        this.act = act;
        weights = new double[layerWeights.size()][];
        weightsT = new double[layerWeights.size()][];
        for (int l = 0; l < weights.length; l++) {
            double[] w = layerWeights.get(l);
            int hi = sizes[l], ho = sizes[l + 1];
            if (w.length != hi * ho) throw new IllegalArgumentException("layer " + l + " weight has " + w.length + " numbers, expected " + hi + "x" + ho);
            weights[l] = w.clone();
            weightsT[l] = new double[w.length];
            for (int i = 0; i < hi; i++) for (int o = 0; o < ho; o++) weightsT[l][o * hi + i] = w[i * ho + o];
        }
    }

    /** The same net keeping only the given output columns of the last layer (in that order). */
    public FullyConnectedNet withOutputColumns(int[] columns) {
        int last = weights.length - 1, hi = sizes[last], ho = sizes[last + 1];
        double[] w = new double[hi * columns.length];
        for (int i = 0; i < hi; i++) for (int k = 0; k < columns.length; k++) w[i * columns.length + k] = weights[last][i * ho + columns[k]];
        int[] s = sizes.clone();
        s[last + 1] = columns.length;
        List<double[]> ws = new java.util.ArrayList<>(List.of(weights));
        ws.set(last, w);
        return new FullyConnectedNet(ws, s, act);
    }

    public int[] sizes() { return sizes.clone(); }
    public int numLayers() { return weights.length; }
    public int inputSize() { return sizes[0]; }
    public int outputSize() { return sizes[sizes.length - 1]; }

    public long flops(int rows) {
        long f = 0;
        for (int l = 0; l < weights.length; l++) f += 2L * rows * sizes[l] * sizes[l + 1];
        return f;
    }

    /**
     * Forward pass of rows [r0, r1) (row-major arrays with full leading dimension); {@code pre[l]} receives
     * the pre-activations of hidden layer l (kept for {@link #backward}), {@code post[l]} the activations.
     */
    public void forward(double[] x, int r0, int r1, double[][] pre, double[][] post, double[] out) {
        int m = r1 - r0;
        double[] in = x;
        for (int l = 0; l < weights.length; l++) {
            int hi = sizes[l], ho = sizes[l + 1];
            double[] target = l == weights.length - 1 ? out : pre[l];
            DenseKernels.gemm(m, ho, hi, 1 / Math.sqrt(hi), in, r0 * hi, hi, weights[l], 0, ho, target, r0 * ho, ho, false);
            if (l < weights.length - 1) {
                double[] p = pre[l], q = post[l];
                for (int i = r0 * ho; i < r1 * ho; i++) q[i] = act.value(p[i]);
                in = q;
            }
        }
    }

    /** dx for rows [r0, r1) from dOut; {@code scratch} has two arrays of rows × max hidden size. */
    public void backward(double[][] pre, double[] dOut, int r0, int r1, double[][] scratch, double[] dx) {
        int m = r1 - r0;
        double[] g = dOut;
        for (int l = weights.length - 1; l >= 0; l--) {
            int hi = sizes[l], ho = sizes[l + 1];
            double[] target = l == 0 ? dx : scratch[l % 2];
            DenseKernels.gemm(m, hi, ho, 1 / Math.sqrt(hi), g, r0 * ho, ho, weightsT[l], 0, hi, target, r0 * hi, hi, false);
            if (l > 0) {
                double[] p = pre[l - 1];
                for (int i = r0 * hi; i < r1 * hi; i++) target[i] *= act.derivative(p[i]);
                g = target;
            }
        }
    }
}
