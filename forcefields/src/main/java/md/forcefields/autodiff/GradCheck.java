package md.forcefields.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Numerical checks of derivatives: the full Jacobian from {@link Autograd#grad} (one backward pass per
 * output element) against central finite differences (one pair of forward passes per input element),
 * and the same for the gradient itself (double backward). Meant for small float64 inputs in tests.
 */
public final class GradCheck {
    private GradCheck() {}

    /** A differentiable function of some tensors. */
    @FunctionalInterface
    public interface Function {
        Tensor apply(Tensor[] inputs);
    }

    /** Largest deviation found: {@code |analytic − numeric| − rtol·|numeric|} ≤ atol means a pass. */
    public record Report(double maxAbsError, double maxScaledError, String worst, int entries) {
        public boolean passed() { return maxScaledError <= 0; }
    }

    /** Compares the Jacobian of {@code f} at {@code inputs} (leaves that require grad) with central differences. */
    public static Report check(Function f, Tensor[] inputs, double step, double rtol, double atol) {
        for (Tensor x : inputs)
            if (!x.requiresGrad() || x.hasGradFn()) throw new IllegalArgumentException("gradcheck inputs must be leaves that require grad");
        Tensor out = f.apply(inputs);
        int m = out.numel();
        // Analytic Jacobian, row i = gradient of output element i.
        double[][][] analytic = new double[inputs.length][m][];
        for (int i = 0; i < m; i++) {
            Tensor seed = Tensor.zeros(out.shape);
            seed.data[i] = 1.0;
            Tensor[] g = out.requiresGrad() ? Autograd.grad(out, inputs, seed, false) : zerosLike(inputs);
            for (int k = 0; k < inputs.length; k++) analytic[k][i] = g[k].data.clone();
        }
        double maxAbs = 0, maxScaled = -Double.MAX_VALUE;
        String worst = "";
        int entries = 0;
        for (int k = 0; k < inputs.length; k++) {
            double[] x = inputs[k].data;
            for (int j = 0; j < x.length; j++) {
                double keep = x[j];
                x[j] = keep + step;
                double[] plus = f.apply(inputs).data.clone();
                x[j] = keep - step;
                double[] minus = f.apply(inputs).data.clone(); // outputs may share the input array (reshape)
                x[j] = keep;
                for (int i = 0; i < m; i++) {
                    double numeric = (plus[i] - minus[i]) / (2 * step);
                    double a = analytic[k][i][j];
                    double abs = Math.abs(a - numeric);
                    double scaled = abs - rtol * Math.abs(numeric) - atol;
                    entries++;
                    maxAbs = Math.max(maxAbs, abs);
                    if (scaled > maxScaled) {
                        maxScaled = scaled;
                        worst = "d out[" + i + "] / d input" + k + "[" + j + "]: analytic " + a + ", numeric " + numeric;
                    }
                }
            }
        }
        return new Report(maxAbs, maxScaled, worst, entries);
    }

    /**
     * Checks the derivatives of the gradient: G(x, v) = ∂⟨f(x), v⟩/∂x computed with createGraph=true
     * (all gradients flattened and concatenated) is itself gradient-checked with respect to x and v.
     * {@code v} is a fixed random cotangent.
     */
    public static Report checkSecondOrder(Function f, Tensor[] inputs, Random rng, double step, double rtol, double atol) {
        int[] outShape = f.apply(inputs).shape;
        Tensor v = Tensor.randn(rng, outShape).requireGrad();
        Tensor[] all = new Tensor[inputs.length + 1];
        System.arraycopy(inputs, 0, all, 0, inputs.length);
        all[inputs.length] = v;
        Function gradient = xs -> {
            Tensor[] x = java.util.Arrays.copyOf(xs, inputs.length);
            Tensor y = f.apply(x);
            Tensor[] g = Autograd.grad(y, x, xs[inputs.length], true);
            List<Tensor> flat = new ArrayList<>();
            for (Tensor t : g) flat.add(t.reshape(-1));
            return Tensor.concat(flat, 0);
        };
        return check(gradient, all, step, rtol, atol);
    }

    /** Throws an AssertionError describing the worst entry unless the report passed. */
    public static void assertPassed(String what, Report r) {
        if (!r.passed()) throw new AssertionError(what + ": derivative check failed, max |error| " + r.maxAbsError() + " at " + r.worst());
    }

    private static Tensor[] zerosLike(Tensor[] xs) {
        Tensor[] z = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) z[i] = Tensor.zeros(xs[i].shape);
        return z;
    }
}
