package md.forcefields.e3nn;

/**
 * Scalar activations with e3nn's second-moment normalisation: act(x) = c·f(x) with
 * c = E[f(z)²]^(−1/2), z ~ N(0,1). e3nn 0.5 estimates c by Monte Carlo (10⁶ samples from a torch
 * generator seeded 0), so the constants below are those exact estimates, not the integrals (which
 * differ by 0.1 %: using them breaks parity with models trained in e3nn).
 */
public enum Activation {
    /** x·sigmoid(x); even-input only. */
    SILU("silu", Double.longBitsToDouble(0x3FFADDE87BF8E3E3L), false),
    /** tanh; odd, so it maps 0o scalars to 0o. */
    TANH("tanh", Double.longBitsToDouble(0x3FF97FEEA4A85186L), true);

    private final String key;
    private final double normalization;
    private final boolean odd;

    Activation(String key, double normalization, boolean odd) {
        this.key = key;
        this.normalization = normalization;
        this.odd = odd;
    }

    /** The name used in NequIP configurations ("silu", "tanh"). */
    public String key() { return key; }
    /** The factor c applied to f. */
    public double normalization() { return normalization; }
    /** Whether f(−x) = −f(x) (the output of an odd scalar keeps odd parity). */
    public boolean isOdd() { return odd; }

    public static Activation byKey(String key) {
        for (Activation a : values()) if (a.key.equals(key)) return a;
        throw new IllegalArgumentException("unsupported activation '" + key + "' (supported: silu, tanh)");
    }

    /** Parity of act(x) for a scalar of parity p (e3nn's rule: odd f keeps p, even input stays even). */
    public int outputParity(int p) {
        if (p == 1) return 1;
        if (odd) return -1;
        throw new IllegalArgumentException("activation " + key + " is neither odd nor even; it cannot act on odd scalars");
    }

    public double value(double x) {
        return switch (this) {
            case SILU -> normalization * x / (1 + Math.exp(-x));
            case TANH -> normalization * Math.tanh(x);
        };
    }

    public double derivative(double x) {
        return switch (this) {
            case SILU -> {
                double s = 1 / (1 + Math.exp(-x));
                yield normalization * s * (1 + x * (1 - s));
            }
            case TANH -> {
                double t = Math.tanh(x);
                yield normalization * (1 - t * t);
            }
        };
    }
}
