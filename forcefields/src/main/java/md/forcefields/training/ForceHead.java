package md.forcefields.training;

import java.util.Arrays;

/**
 * Which force head(s) the force terms of the loss train (the loss key {@code force_head}):
 * <ul>
 *   <li>{@link #CONSERVATIVE}: F = −∂E/∂R, differentiated again for the parameter gradient (second derivatives);</li>
 *   <li>{@link #DIRECT}: the model's direct force head ({@code EquivariantModel.energiesAndDirectForces}), a plain
 *       forward output, so the parameter gradient needs no second derivative;</li>
 *   <li>{@link #BOTH}: every force term is applied to both heads (the sum of the two, each with its own weight
 *       w_F), so one network gets a good energy gradient and a good direct head.</li>
 * </ul>
 * Equilibrium (ET-OREO) terms use the same head(s) as the labelled force terms.
 */
public enum ForceHead {
    CONSERVATIVE("conservative"),
    DIRECT("direct"),
    BOTH("both");

    private final String key;

    ForceHead(String key) { this.key = key; }

    /** The name used in configuration files. */
    public String key() { return key; }

    /** Whether the conservative head −∂E/∂R is trained. */
    public boolean conservative() { return this != DIRECT; }

    /** Whether the direct head is trained. */
    public boolean direct() { return this != CONSERVATIVE; }

    public static ForceHead byKey(String key) {
        for (ForceHead h : values()) if (h.key.equals(key)) return h;
        throw new IllegalArgumentException("unknown force head '" + key + "'; expected one of " + Arrays.stream(values()).map(ForceHead::key).toList());
    }
}
