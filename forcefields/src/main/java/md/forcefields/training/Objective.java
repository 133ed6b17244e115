package md.forcefields.training;

import java.util.Arrays;

/**
 * What a training frame teaches, chosen per data set (the {@code objective} flag of its source):
 * <ul>
 *   <li>{@link #ENERGY_AND_FORCES}: per-atom energy MSE plus force MSE (NequIP's loss);</li>
 *   <li>{@link #FORCES}: force MSE only (energies absent, unreliable, or from another reference);</li>
 *   <li>{@link #EQUILIBRIUM}: ET-OREO's force-centric objectives for relaxed structures, which need no
 *       labels: zero-force regularisation at the structure and force-based denoising around it.</li>
 * </ul>
 */
public enum Objective {
    ENERGY_AND_FORCES("energy_forces"),
    FORCES("forces"),
    EQUILIBRIUM("equilibrium");

    private final String key;

    Objective(String key) { this.key = key; }

    /** The name used in configuration files. */
    public String key() { return key; }

    public static Objective byKey(String key) {
        for (Objective o : values()) if (o.key.equals(key)) return o;
        throw new IllegalArgumentException("unknown objective '" + key + "'; expected one of "
                + Arrays.stream(values()).map(Objective::key).toList());
    }
}
