package md.forcefields.training;

/**
 * PyTorch's ReduceLROnPlateau in 'min' mode with a relative threshold: after more than {@code patience}
 * consecutive evaluations without an improvement below best·(1 − threshold), the rate is multiplied by
 * {@code factor} (not below {@code minLr}), followed by {@code cooldown} evaluations in which bad
 * evaluations are not counted.
 */
public final class ReduceLrOnPlateau {
    private final double factor, threshold, minLr;
    private final int patience, cooldown;
    private double best = Double.POSITIVE_INFINITY;
    private int badEvaluations, cooldownLeft;

    public ReduceLrOnPlateau(double factor, int patience, double threshold, int cooldown, double minLr) {
        if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("factor must be in (0, 1), got " + factor);
        if (patience < 0 || cooldown < 0) throw new IllegalArgumentException("patience and cooldown must be >= 0");
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.cooldown = cooldown;
        this.minLr = minLr;
    }

    /** Records one validation metric and returns the rate to use from now on. */
    public double step(double metric, double currentLr) {
        if (metric < best * (1 - threshold)) {
            best = metric;
            badEvaluations = 0;
        } else {
            badEvaluations++;
        }
        if (cooldownLeft > 0) {
            cooldownLeft--;
            badEvaluations = 0;
        }
        if (badEvaluations > patience) {
            cooldownLeft = cooldown;
            badEvaluations = 0;
            return Math.max(currentLr * factor, minLr);
        }
        return currentLr;
    }

    public double best() { return best; }
    public int cooldownLeft() { return cooldownLeft; }

    /** Continues from a checkpoint (values from {@link #best}, {@link #badEvaluations}, {@link #cooldownLeft}). */
    public void restore(double bestMetric, int bad, int cooldownRemaining) {
        best = bestMetric;
        badEvaluations = bad;
        cooldownLeft = cooldownRemaining;
    }
    public int badEvaluations() { return badEvaluations; }
}
