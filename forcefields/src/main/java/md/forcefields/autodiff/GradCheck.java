package md.forcefields.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Numerical checks of derivatives: the full Jacobian from {@link Autograd#grad} (one backward pass per
 * output element) against central finite differences (one pair of forward passes per input element),
 * and the same for the gradient itself (double backward; there in a few random output directions, see
 * {@link #checkSecondOrder}). Meant for small float64 inputs in tests.
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
        Comparison c = new Comparison(rtol, atol);
        centralDifferences(f, inputs, step, (k, j, plus, minus) -> {
            for (int i = 0; i < m; i++) {
                double a = analytic[k][i][j], numeric = (plus[i] - minus[i]) / (2 * step);
                if (c.add(a, numeric)) c.worst = "d out[" + i + "] / d input" + k + "[" + j + "]: analytic " + a + ", numeric " + numeric;
            }
        });
        return c.report();
    }

    /** One input element's outputs at x ± step·e_j (input {@code k}, element {@code j}). */
    private interface Column {
        void check(int k, int j, double[] plus, double[] minus);
    }

    /** Calls {@code column} with f at x ± step·e_j for every element j of every input. */
    private static void centralDifferences(Function f, Tensor[] inputs, double step, Column column) {
        for (int k = 0; k < inputs.length; k++) {
            double[] x = inputs[k].data;
            for (int j = 0; j < x.length; j++) {
                double keep = x[j];
                x[j] = keep + step;
                double[] plus = f.apply(inputs).data.clone();
                x[j] = keep - step;
                double[] minus = f.apply(inputs).data.clone(); // outputs may share the input array (reshape)
                x[j] = keep;
                column.check(k, j, plus, minus);
            }
        }
    }

    /** The worst of the analytic-vs-numeric comparisons seen. */
    private static final class Comparison {
        private final double rtol, atol;
        private double maxAbs = 0, maxScaled = -Double.MAX_VALUE;
        String worst = "";
        private int entries = 0;

        Comparison(double rtol, double atol) {
            this.rtol = rtol;
            this.atol = atol;
        }

        /** Counts one comparison; true when it is the worst so far (the caller then describes it in {@link #worst}). */
        boolean add(double analytic, double numeric) {
            double abs = Math.abs(analytic - numeric), scaled = abs - rtol * Math.abs(numeric) - atol;
            entries++;
            maxAbs = Math.max(maxAbs, abs);
            if (scaled <= maxScaled) return false;
            maxScaled = scaled;
            return true;
        }

        Report report() { return new Report(maxAbs, maxScaled, worst, entries); }
    }

    /**
     * Checks the derivatives of the gradient: G(x, v) = ∂⟨f(x), v⟩/∂x computed with createGraph=true
     * (all gradients flattened and concatenated) is itself gradient-checked with respect to x and v.
     * {@code v} is a fixed random cotangent; G's Jacobian is compared in {@link #SECOND_ORDER_PROJECTIONS} random output
     * directions ({@link #checkProjected}), every element of inputs up to {@link #SECOND_ORDER_ELEMENTWISE_UP_TO} elements
     * by finite differences, larger inputs along random directions.
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
        return checkProjected(gradient, all, rng, SECOND_ORDER_PROJECTIONS, step, rtol, atol, SECOND_ORDER_ELEMENTWISE_UP_TO);
    }

    /**
     * Inputs of the second-order check with more elements than this are perturbed along {@link #SECOND_ORDER_DIRECTIONS}
     * random directions instead of element by element (uᵀJw against uᵀ(G(x + hw) − G(x − hw))/2h: PyTorch's fast
     * gradcheck): each gradient evaluation builds a graph and runs a double backward, and a convolution's radial
     * weights have hundreds of elements. Smaller inputs keep the element-wise check.
     */
    static final int SECOND_ORDER_ELEMENTWISE_UP_TO = 48;
    static final int SECOND_ORDER_DIRECTIONS = 8;

    /**
     * Random output directions for the second-order check: its outputs are every input's gradient, so the full
     * Jacobian would take one double-backward pass per input element (quadratic in the size); checking uᵀJ for a few
     * random unit vectors u against the same finite differences checks every input column with one pass per u
     * (an error in J escapes only if it is orthogonal to all of them: probability zero; PyTorch's "fast" gradcheck
     * does the same).
     */
    static final int SECOND_ORDER_PROJECTIONS = 3;

    /**
     * Like {@link #check}, but compares uᵀJ (one backward pass per direction u, random Gaussian unit vectors over the
     * outputs) with uᵀ(f(x + h e_j) − f(x − h e_j))/2h for every input element j.
     */
    public static Report checkProjected(Function f, Tensor[] inputs, Random rng, int projections, double step, double rtol, double atol) {
        return checkProjected(f, inputs, rng, projections, step, rtol, atol, Integer.MAX_VALUE);
    }

    /**
     * {@link #checkProjected}, with inputs of more than {@code elementwiseUpTo} elements perturbed along
     * {@link #SECOND_ORDER_DIRECTIONS} random unit directions w (comparing uᵀJw) rather than element by element.
     */
    static Report checkProjected(Function f, Tensor[] inputs, Random rng, int projections, double step, double rtol, double atol,
                                 int elementwiseUpTo) {
        for (Tensor x : inputs)
            if (!x.requiresGrad() || x.hasGradFn()) throw new IllegalArgumentException("gradcheck inputs must be leaves that require grad");
        Tensor out = f.apply(inputs);
        int m = out.numel();
        double[][] u = new double[projections][m];
        double[][][] analytic = new double[projections][inputs.length][];
        for (int p = 0; p < projections; p++) {
            double norm = 0;
            for (int i = 0; i < m; i++) { u[p][i] = rng.nextGaussian(); norm += u[p][i] * u[p][i]; }
            norm = Math.sqrt(norm);
            Tensor seed = Tensor.zeros(out.shape);
            for (int i = 0; i < m; i++) seed.data[i] = u[p][i] /= norm;
            Tensor[] g = out.requiresGrad() ? Autograd.grad(out, inputs, seed, false) : zerosLike(inputs);
            for (int k = 0; k < inputs.length; k++) analytic[p][k] = g[k].data.clone();
        }
        Comparison c = new Comparison(rtol, atol);
        for (int k = 0; k < inputs.length; k++) {
            double[] x = inputs[k].data;
            boolean elementwise = x.length <= elementwiseUpTo;
            int columns = elementwise ? x.length : SECOND_ORDER_DIRECTIONS;
            double[] w = new double[x.length], keep = x.clone();
            for (int j = 0; j < columns; j++) {
                if (elementwise) {
                    java.util.Arrays.fill(w, 0);
                    w[j] = 1;
                } else {
                    double norm = 0;
                    for (int e = 0; e < w.length; e++) { w[e] = rng.nextGaussian(); norm += w[e] * w[e]; }
                    norm = Math.sqrt(norm);
                    for (int e = 0; e < w.length; e++) w[e] /= norm;
                }
                for (int e = 0; e < x.length; e++) x[e] = keep[e] + step * w[e];
                double[] plus = f.apply(inputs).data.clone();
                for (int e = 0; e < x.length; e++) x[e] = keep[e] - step * w[e];
                double[] minus = f.apply(inputs).data.clone(); // outputs may share the input array (reshape)
                System.arraycopy(keep, 0, x, 0, x.length);
                for (int p = 0; p < projections; p++) {
                    double numeric = 0, a = 0;
                    for (int i = 0; i < m; i++) numeric += u[p][i] * (plus[i] - minus[i]);
                    for (int e = 0; e < x.length; e++) a += analytic[p][k][e] * w[e];
                    numeric /= 2 * step;
                    if (c.add(a, numeric))
                        c.worst = "u" + p + "·d out / d input" + k + (elementwise ? "[" + j + "]" : " along random direction " + j) + ": analytic " + a + ", numeric " + numeric;
                }
            }
        }
        return c.report();
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
