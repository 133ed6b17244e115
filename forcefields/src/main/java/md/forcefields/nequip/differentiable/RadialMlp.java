package md.forcefields.nequip.differentiable;

import md.forcefields.autodiff.Tensor;

/**
 * e3nn's FullyConnectedNet without biases: h ← c·silu(h·W/√h_in) on hidden layers, h·W/√h_in on the last,
 * with c the second-moment normalisation of silu.
 */
final class RadialMlp {
    private RadialMlp() {}

    static Tensor apply(Tensor input, Tensor[] weights, double siluNormalization) {
        Tensor h = input;
        for (int k = 0; k < weights.length; k++) {
            // The constants act on the (small) weight matrix rather than on the (rows × width) activations.
            double c = (k == 0 ? 1.0 : siluNormalization) / Math.sqrt(weights[k].size(0));
            h = h.matmul(weights[k].mul(c));
            if (k < weights.length - 1) h = h.silu();
        }
        return h;
    }
}
