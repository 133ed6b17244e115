package md.forcefields.training;

import java.util.List;

import md.forcefields.autodiff.Tensor;

/**
 * Adam (Kingma &amp; Ba) with PyTorch's semantics, optionally AMSGrad (the running maximum of the second
 * moment is used in the denominator) and weight decay either coupled (Adam: λθ added to the gradient)
 * or decoupled (AdamW: θ ← θ(1 − ηλ) before the Adam step). Updates the parameters' data in place.
 */
public final class Adam {
    /** Hyperparameters; {@code decoupled} selects AdamW's weight decay. */
    public record Options(double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
                          boolean decoupled, boolean amsgrad) {
        public Options {
            if (!(learningRate >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + learningRate);
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
                throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            if (!(epsilon >= 0) || !(weightDecay >= 0)) throw new IllegalArgumentException("epsilon and weight decay must be >= 0");
        }

        /** PyTorch's Adam defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
        public static Options adam(double learningRate) { return new Options(learningRate, 0.9, 0.999, 1e-8, 0, false, false); }

        /** PyTorch's AdamW defaults: weight decay 0.01, decoupled. */
        public static Options adamW(double learningRate) { return new Options(learningRate, 0.9, 0.999, 1e-8, 0.01, true, false); }

        public Options withAmsgrad(boolean on) { return new Options(learningRate, beta1, beta2, epsilon, weightDecay, decoupled, on); }
        public Options withWeightDecay(double wd, boolean decoupledDecay) { return new Options(learningRate, beta1, beta2, epsilon, wd, decoupledDecay, amsgrad); }
    }

    private final List<Tensor> params;
    private final Options options;
    private final double[][] m, v, vMax;
    private double learningRate;
    private long steps;

    public Adam(List<Tensor> params, Options options) {
        this.params = List.copyOf(params);
        this.options = options;
        this.learningRate = options.learningRate();
        m = new double[params.size()][];
        v = new double[params.size()][];
        vMax = new double[params.size()][];
        for (int k = 0; k < params.size(); k++) {
            int n = params.get(k).numel();
            m[k] = new double[n];
            v[k] = new double[n];
            vMax[k] = options.amsgrad() ? new double[n] : null;
        }
    }

    public double learningRate() { return learningRate; }
    /** Schedulers set the rate used by the next {@link #step}. */
    public void setLearningRate(double lr) { learningRate = lr; }
    public long steps() { return steps; }

    /** Everything {@link #step} depends on besides the parameters (deep copies), for checkpoints. */
    public record State(long steps, double learningRate, double[][] m, double[][] v, double[][] vMax) {}

    public State state() { return new State(steps, learningRate, deepCopy(m), deepCopy(v), deepCopy(vMax)); }

    /** Restores a {@link #state()} taken from an optimizer over parameters of the same shapes. */
    public void restore(State s) {
        if (s.m().length != m.length) throw new IllegalArgumentException("optimizer state for " + s.m().length + " parameters, this one has " + m.length);
        for (int k = 0; k < m.length; k++) {
            if (s.m()[k].length != m[k].length) throw new IllegalArgumentException("optimizer state of parameter " + k + " has the wrong size");
            System.arraycopy(s.m()[k], 0, m[k], 0, m[k].length);
            System.arraycopy(s.v()[k], 0, v[k], 0, v[k].length);
            if (vMax[k] != null && s.vMax()[k] != null) System.arraycopy(s.vMax()[k], 0, vMax[k], 0, vMax[k].length);
        }
        steps = s.steps();
        learningRate = s.learningRate();
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int k = 0; k < a.length; k++) c[k] = a[k] == null ? null : a[k].clone();
        return c;
    }

    /** One update with {@code grads[k]} the gradient of parameter k (same order as the constructor list). */
    public void step(Tensor[] grads) {
        if (grads.length != params.size()) throw new IllegalArgumentException(grads.length + " gradients for " + params.size() + " parameters");
        steps++;
        double b1 = options.beta1(), b2 = options.beta2(), eps = options.epsilon(), wd = options.weightDecay(), lr = learningRate;
        double bias1 = 1 - Math.pow(b1, steps), sqrtBias2 = Math.sqrt(1 - Math.pow(b2, steps));
        for (int k = 0; k < params.size(); k++) {
            double[] theta = params.get(k).data(), g = grads[k].data(), mk = m[k], vk = v[k], vmk = vMax[k];
            if (g.length != theta.length) throw new IllegalArgumentException("gradient " + k + " has " + g.length + " entries for " + theta.length);
            for (int i = 0; i < theta.length; i++) {
                double gi = g[i];
                if (wd != 0) {
                    if (options.decoupled()) theta[i] *= 1 - lr * wd;
                    else gi += wd * theta[i];
                }
                mk[i] = b1 * mk[i] + (1 - b1) * gi;
                vk[i] = b2 * vk[i] + (1 - b2) * gi * gi;
                double second = vk[i];
                if (vmk != null) second = vmk[i] = Math.max(vmk[i], vk[i]);
                theta[i] -= lr / bias1 * mk[i] / (Math.sqrt(second) / sqrtBias2 + eps);
            }
        }
    }
}
