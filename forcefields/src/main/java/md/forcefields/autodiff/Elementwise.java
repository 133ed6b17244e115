package md.forcefields.autodiff;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/** Elementwise arithmetic and activation functions; each backward is written in these same ops. */
final class Elementwise {
    private Elementwise() {}

    /** Brings both operands to their common shape with recorded broadcast ops. */
    private static Tensor[] aligned(Tensor a, Tensor b) {
        if (Arrays.equals(a.shape, b.shape)) return new Tensor[] {a, b};
        int[] s = Shapes.broadcast(a.shape, b.shape);
        return new Tensor[] {a.broadcastTo(s), b.broadcastTo(s)};
    }

    static Tensor add(Tensor a0, Tensor b0) {
        Tensor[] ab = aligned(a0, b0);
        Tensor a = ab[0], b = ab[1];
        double[] o = new double[a.data.length];
        for (int i = 0; i < o.length; i++) o[i] = a.data[i] + b.data[i];
        return Tensor.result(o, a.shape, "add", (g, need) -> new Tensor[] {g, g}, a, b);
    }

    static Tensor sub(Tensor a0, Tensor b0) {
        Tensor[] ab = aligned(a0, b0);
        Tensor a = ab[0], b = ab[1];
        double[] o = new double[a.data.length];
        for (int i = 0; i < o.length; i++) o[i] = a.data[i] - b.data[i];
        return Tensor.result(o, a.shape, "sub", (g, need) -> new Tensor[] {g, need[1] ? g.neg() : null}, a, b);
    }

    static Tensor mul(Tensor a0, Tensor b0) {
        Tensor[] ab = aligned(a0, b0);
        Tensor a = ab[0], b = ab[1];
        double[] o = new double[a.data.length];
        for (int i = 0; i < o.length; i++) o[i] = a.data[i] * b.data[i];
        return Tensor.result(o, a.shape, "mul",
                (g, need) -> new Tensor[] {need[0] ? g.mul(b) : null, need[1] ? g.mul(a) : null}, a, b);
    }

    static Tensor div(Tensor a0, Tensor b0) {
        Tensor[] ab = aligned(a0, b0);
        Tensor a = ab[0], b = ab[1];
        double[] o = new double[a.data.length];
        for (int i = 0; i < o.length; i++) o[i] = a.data[i] / b.data[i];
        // d(a/b)/db = -a/b²; written with a and b (not the output) so the graph stays simple to follow.
        return Tensor.result(o, a.shape, "div",
                (g, need) -> new Tensor[] {need[0] ? g.div(b) : null, need[1] ? g.mul(a).div(b.square()).neg() : null}, a, b);
    }

    static Tensor scale(Tensor x, double c) {
        // plain loops rather than map(): these two run on most op outputs and a shared lambda call site is megamorphic
        double[] o = new double[x.data.length];
        for (int i = 0; i < o.length; i++) o[i] = c * x.data[i];
        return Tensor.result(o, x.shape, "scale", (g, need) -> new Tensor[] {g.mul(c)}, x);
    }

    static Tensor shift(Tensor x, double c) {
        double[] o = new double[x.data.length];
        for (int i = 0; i < o.length; i++) o[i] = x.data[i] + c;
        return Tensor.result(o, x.shape, "shift", (g, need) -> new Tensor[] {g}, x);
    }

    static Tensor pow(Tensor x, double p) {
        if (p == 1.0) return shift(x, 0.0);
        return Tensor.result(map(x, v -> Math.pow(v, p)), x.shape, "pow",
                (g, need) -> new Tensor[] {p == 0.0 ? g.mul(0.0) : g.mul(x.pow(p - 1)).mul(p)}, x);
    }

    static Tensor exp(Tensor x) {
        Tensor[] out = new Tensor[1];
        out[0] = Tensor.result(map(x, Math::exp), x.shape, "exp", (g, need) -> new Tensor[] {g.mul(out[0])}, x);
        return out[0];
    }

    static Tensor log(Tensor x) {
        return Tensor.result(map(x, Math::log), x.shape, "log", (g, need) -> new Tensor[] {g.div(x)}, x);
    }

    static Tensor sqrt(Tensor x) {
        Tensor[] out = new Tensor[1];
        out[0] = Tensor.result(map(x, Math::sqrt), x.shape, "sqrt", (g, need) -> new Tensor[] {g.div(out[0]).mul(0.5)}, x);
        return out[0];
    }

    static Tensor sin(Tensor x) {
        return Tensor.result(map(x, Math::sin), x.shape, "sin", (g, need) -> new Tensor[] {g.mul(x.cos())}, x);
    }

    static Tensor cos(Tensor x) {
        return Tensor.result(map(x, Math::cos), x.shape, "cos", (g, need) -> new Tensor[] {g.mul(x.sin()).neg()}, x);
    }

    static Tensor tanh(Tensor x) {
        Tensor[] out = new Tensor[1];
        // tanh' = 1 - tanh²
        out[0] = Tensor.result(map(x, Math::tanh), x.shape, "tanh",
                (g, need) -> new Tensor[] {g.sub(g.mul(out[0].square()))}, x);
        return out[0];
    }

    static Tensor sigmoid(Tensor x) {
        Tensor[] out = new Tensor[1];
        // σ' = σ(1 - σ)
        out[0] = Tensor.result(map(x, Elementwise::sigmoid), x.shape, "sigmoid",
                (g, need) -> new Tensor[] {g.mul(out[0].sub(out[0].square()))}, x);
        return out[0];
    }

    static Tensor silu(Tensor x) {
        // silu(x) = x σ(x); its backward is one fused op, g·silu'(x). σ is computed once for all of them.
        double[] xd = x.data, s = new double[xd.length], o = new double[xd.length];
        md.forcefields.e3nn.DenseKernels.sigmoid(xd, 0, s, 0, xd.length); // the MD kernels' vector exponential
        for (int i = 0; i < o.length; i++) o[i] = xd[i] * s[i];
        return Tensor.result(o, x.shape, "silu", (g, need) -> new Tensor[] {siluBackward(g, x, s)}, x);
    }

    /**
     * g·silu'(x), silu'(x) = σ(1 + x(1 − σ)) given σ(x), as one op (not a silu' tensor times g: one array and one node
     * instead of two). It is linear in g, so its gradient for g is the same op; for x it is (gg·g)·silu''(x)
     * ({@link #siluSecondBackward}). Without grad mode (a gradient nobody differentiates again) that one is a plain loop.
     */
    static Tensor siluBackward(Tensor g, Tensor x, double[] s) {
        double[] gd = g.data, xd = x.data, o = new double[s.length];
        for (int i = 0; i < o.length; i++) o[i] = gd[i] * (s[i] * (1 + xd[i] * (1 - s[i])));
        return Tensor.result(o, x.shape, "siluBackward", (gg, need) -> {
            Tensor dx = null;
            if (need[1]) {
                if (GradMode.isEnabled()) dx = siluSecondBackward(gg.mul(g), x, s);
                else { // the same products in the same order, in one array
                    double[] a = gg.data, d = new double[s.length];
                    for (int i = 0; i < d.length; i++) d[i] = (a[i] * gd[i]) * (s[i] * (1 - s[i]) * (2 + xd[i] * (1 - 2 * s[i])));
                    dx = new Tensor(d, x.shape);
                }
            }
            return new Tensor[] {need[0] ? siluBackward(gg, x, s) : null, dx};
        }, g, x);
    }

    /** h·silu''(x), silu''(x) = q(2 + x(1 − 2σ)) with q = σ(1 − σ); linear in h. silu''' is left to elementary ops (never on a hot path). */
    private static Tensor siluSecondBackward(Tensor h, Tensor x, double[] s) {
        double[] hd = h.data, xd = x.data, o = new double[s.length];
        for (int i = 0; i < o.length; i++) o[i] = hd[i] * (s[i] * (1 - s[i]) * (2 + xd[i] * (1 - 2 * s[i])));
        return Tensor.result(o, x.shape, "siluSecondBackward", (gg, need) -> {
            Tensor dx = null;
            if (need[1]) {
                // silu''' = q[(1 − 2σ)(3 + x(1 − 2σ)) − 2xq]
                Tensor sig = x.sigmoid(), q = sig.sub(sig.square()), r = sig.mul(-2.0).add(1.0);
                dx = gg.mul(h).mul(q.mul(r.mul(r.mul(x).add(3.0)).sub(x.mul(q).mul(2.0))));
            }
            return new Tensor[] {need[0] ? siluSecondBackward(gg, x, s) : null, dx};
        }, h, x);
    }

    static Tensor abs(Tensor x) {
        return Tensor.result(map(x, Math::abs), x.shape, "abs", (g, need) -> new Tensor[] {g.mul(x.sign())}, x);
    }

    static Tensor sign(Tensor x) { return new Tensor(map(x, Math::signum), x.shape); }

    static double sigmoid(double v) {
        // Two branches keep exp from overflowing for large |v|.
        if (v >= 0) return 1.0 / (1.0 + Math.exp(-v));
        double e = Math.exp(v);
        return e / (1.0 + e);
    }

    private static double[] map(Tensor x, DoubleUnaryOperator f) {
        double[] o = new double[x.data.length];
        for (int i = 0; i < o.length; i++) o[i] = f.applyAsDouble(x.data[i]);
        return o;
    }
}
