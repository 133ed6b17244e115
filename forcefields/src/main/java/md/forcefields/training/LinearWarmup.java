package md.forcefields.training;

/**
 * Linear learning-rate warm-up: update s (1-based) uses base·min(1, s/warmupSteps); afterwards the base
 * rate (which a plateau scheduler may lower).
 */
public final class LinearWarmup {
    private final int warmupSteps;

    public LinearWarmup(int warmupSteps) {
        if (warmupSteps < 0) throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        this.warmupSteps = warmupSteps;
    }

    /** The rate for update {@code step} (1-based) given the current base rate. */
    public double rate(double baseRate, long step) {
        if (step < 1) throw new IllegalArgumentException("steps count from 1, got " + step);
        return warmupSteps == 0 || step >= warmupSteps ? baseRate : baseRate * step / warmupSteps;
    }
}
