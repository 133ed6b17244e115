package md.forcefields.nequip.differentiable;

import md.forcefields.autodiff.Tensor;

/**
 * NequIP's edge embedding: Bessel functions b_n(r) = (2/r_max)·sin(w_n r/r_max)/r times the polynomial
 * envelope u(x) = 1 − (p+1)(p+2)/2·x^p + p(p+2)·x^(p+1) − p(p+1)/2·x^(p+2), x = r/r_max (0 beyond r_max).
 */
final class RadialEmbedding {
    private RadialEmbedding() {}

    /** (E) lengths and (numBasis) Bessel frequencies to (E, numBasis). */
    static Tensor apply(Tensor lengths, Tensor besselWeights, double rMax, double p) {
        Tensor r = lengths.unsqueeze(1);
        Tensor bessel = r.mul(besselWeights).mul(1.0 / rMax).sin().div(r).mul(2.0 / rMax);
        return bessel.mul(envelope(lengths, rMax, p).unsqueeze(1));
    }

    static Tensor envelope(Tensor lengths, double rMax, double p) {
        Tensor x = lengths.mul(1.0 / rMax);
        Tensor xp = x.pow(p);
        Tensor u = xp.mul(-(p + 1) * (p + 2) / 2).add(1.0)
                .add(xp.mul(x).mul(p * (p + 2)))
                .sub(xp.mul(x.square()).mul(p * (p + 1) / 2));
        double[] inside = new double[lengths.numel()];
        for (int e = 0; e < inside.length; e++) inside[e] = lengths.data()[e] < rMax ? 1.0 : 0.0;
        return u.mul(Tensor.of(inside, inside.length));
    }
}
