package md.engine.config;

/**
 * The {@code safety} section: the run stops (exit code 4) when the instantaneous temperature leaves
 * [minK, maxK]. Non-finite energies or forces always stop it. {@code node} is null for the default.
 */
public record SafetyConfig(double minTemperatureK, double maxTemperatureK, ConfigNode node) {
    /**
     * Atoms that fly apart rarely produce NaN: velocities just grow without bound. No simulation of
     * molecules or condensed matter means anything above 100 000 K (8.6 eV per degree of freedom),
     * so that is where the default window ends.
     */
    public static final SafetyConfig DEFAULT = new SafetyConfig(0, 100_000, null);
}
