package md.engine.config;

/**
 * The {@code safety} section: the run stops (exit code 4) when the instantaneous temperature leaves
 * [minK, maxK]. Non-finite energies or forces always stop it.
 */
public record SafetyConfig(double minTemperatureK, double maxTemperatureK, ConfigNode node) {
    public static final SafetyConfig NONE = new SafetyConfig(0, Double.POSITIVE_INFINITY, null);
}
