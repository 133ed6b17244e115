package md.engine.config;

/**
 * The {@code dynamics} section. Thermostat parameters are NaN (or 0) when the integrator does not use
 * them; {@link RunConfigLoader} rejects keys that do not apply to the chosen integrator.
 *
 * @param integrator     velocity-verlet, nose-hoover-chain, langevin, berendsen or nose-hoover-fu
 * @param temperatureK   target temperature of the thermostat
 * @param tauFs          thermostat time constant (Nosé–Hoover chain, Berendsen)
 * @param chainLength    number of Nosé–Hoover chain thermostats
 * @param frictionPerPs  Langevin friction coefficient γ
 * @param ttime          Fu et al. Nosé–Hoover: Q = 3 N k T (ttime · dt)²
 * @param seed           random stream of the Langevin thermostat
 * @param barostat       the dynamics.barostat section, or null (constant volume)
 */
public record DynamicsConfig(String integrator, double timestepFs, long steps, double temperatureK, double tauFs,
                             int chainLength, double frictionPerPs, double ttime, long seed, BarostatConfig barostat, ConfigNode node) {

    public static final java.util.List<String> INTEGRATORS =
            java.util.List.of("velocity-verlet", "nose-hoover-chain", "langevin", "berendsen", "nose-hoover-fu");

    /** Largest dynamics.timestep_fs accepted without allow_large_timestep: true, for any system and for one with hydrogen. */
    public static final double MAX_TIMESTEP_FS = 20, MAX_TIMESTEP_WITH_HYDROGEN_FS = 5;

    /** A timestep for messages: 1000000 rather than 1.0E6, 0.5 as 0.5. */
    public static String format(double fs) {
        return fs == Math.rint(fs) && Math.abs(fs) < 1e15 ? Long.toString((long) fs) : Double.toString(fs);
    }

    /** dynamics.allow_large_timestep: true turns off the timestep limits. */
    public boolean allowLargeTimestep() { return node.has("allow_large_timestep") && node.get("allow_large_timestep").asBoolean(); }

    /** Whether the dynamics samples a canonical (or approximately canonical) ensemble at temperatureK. */
    public boolean thermostatted() { return !integrator.equals("velocity-verlet"); }
}
