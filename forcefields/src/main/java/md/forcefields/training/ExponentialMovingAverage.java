package md.forcefields.training;

import java.util.List;

import md.forcefields.autodiff.Tensor;

/**
 * Exponential moving average of parameters, shadow ← d·shadow + (1 − d)·θ after every update, as
 * torch_ema (used by nequip): with {@code warmUpDecay} the decay is min(d, (1 + n)/(10 + n)) at the n-th
 * update, so early averages are not dominated by the initial weights. Validation and the saved model use
 * the averages ({@link #swap} exchanges them with the live weights, and back).
 */
public final class ExponentialMovingAverage {
    private final List<Tensor> params;
    private final double[][] shadow;
    private final double decay;
    private final boolean warmUpDecay;
    private long updates;

    public ExponentialMovingAverage(List<Tensor> params, double decay, boolean warmUpDecay) {
        if (!(decay >= 0 && decay <= 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1], got " + decay);
        this.params = List.copyOf(params);
        this.decay = decay;
        this.warmUpDecay = warmUpDecay;
        shadow = new double[params.size()][];
        for (int k = 0; k < params.size(); k++) shadow[k] = params.get(k).data().clone();
    }

    /** The decay used by the next update. */
    public double nextDecay() {
        return warmUpDecay ? Math.min(decay, (1.0 + updates + 1) / (10.0 + updates + 1)) : decay;
    }

    public void update() {
        double d = nextDecay();
        updates++;
        for (int k = 0; k < params.size(); k++) {
            double[] s = shadow[k], p = params.get(k).data();
            for (int i = 0; i < s.length; i++) s[i] = d * s[i] + (1 - d) * p[i];
        }
    }

    /** Exchanges live weights and averages (call twice to restore). */
    public void swap() {
        for (int k = 0; k < params.size(); k++) {
            double[] s = shadow[k], p = params.get(k).data();
            for (int i = 0; i < s.length; i++) { double t = s[i]; s[i] = p[i]; p[i] = t; }
        }
    }

    public long updates() { return updates; }

    /** Continues from a checkpoint: the number of updates so far and the averages (copied in). */
    public void restore(long updateCount, double[][] averages) {
        if (averages.length != shadow.length) throw new IllegalArgumentException("EMA state for " + averages.length + " parameters, this one has " + shadow.length);
        for (int k = 0; k < shadow.length; k++) {
            if (averages[k].length != shadow[k].length) throw new IllegalArgumentException("EMA state of parameter " + k + " has the wrong size");
            System.arraycopy(averages[k], 0, shadow[k], 0, shadow[k].length);
        }
        updates = updateCount;
    }

    /** A copy of the averaged values of parameter k. */
    public double[] average(int k) { return shadow[k].clone(); }
}
