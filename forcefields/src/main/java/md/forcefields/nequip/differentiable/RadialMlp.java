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
            h = h.matmul(weights[k]).mul(1.0 / Math.sqrt(weights[k].size(0)));
            if (k < weights.length - 1) h = h.silu().mul(siluNormalization);
        }
        return h;
    }
}
