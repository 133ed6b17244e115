package md.engine.config;

/**
 * The {@code safety} section: the run stops (exit code 4) when the instantaneous temperature leaves
 * [minK, maxK], or, with {@code bondDeviationA} set (NaN: off), when a bond of the starting structure
 * deviates from its starting length by more than that many Å. Non-finite energies or forces always stop
 * it. {@code node} (the temperature window's) and {@code bondNode} are null for defaults.
 */
public record SafetyConfig(double minTemperatureK, double maxTemperatureK, ConfigNode node, double bondDeviationA, ConfigNode bondNode) {
    public SafetyConfig(double minTemperatureK, double maxTemperatureK, ConfigNode node) {
        this(minTemperatureK, maxTemperatureK, node, Double.NaN, null);
    }

    /** Whether bonds are watched. */
    public boolean watchesBonds() { return !Double.isNaN(bondDeviationA); }

    /**
     * Atoms that fly apart rarely produce NaN: velocities just grow without bound. No simulation of
     * molecules or condensed matter means anything above 100 000 K (8.6 eV per degree of freedom),
     * so that is where the default window ends.
     */
    public static final SafetyConfig DEFAULT = new SafetyConfig(0, 100_000, null);
}
