package md.engine.config;

import java.util.List;

/**
 * The {@code dynamics.barostat} section (absent: constant volume).
 *
 * @param type                   c-rescale (stochastic cell rescaling, Bernetti and Bussi 2020) or berendsen
 * @param pressureBar            target pressure P₀
 * @param tauFs                  coupling time constant τ
 * @param compressibilityPerBar  β: with τ sets how fast the volume responds (only β/τ matters)
 * @param coupling               isotropic (one scaling for all axes), anisotropic (one per Cartesian axis, orthorhombic
 *                               cells) or flexible (a full 3×3 deformation: any cell shape, shear included)
 * @param everySteps             barostat step every so many MD steps
 * @param seed                   random stream of c-rescale
 */
public record BarostatConfig(String type, double pressureBar, double tauFs, double compressibilityPerBar, String coupling,
                             int everySteps, long seed, ConfigNode node) {
    public static final List<String> TYPES = List.of("c-rescale", "berendsen");
    public static final List<String> COUPLINGS = List.of("isotropic", "anisotropic", "flexible");
    public static final List<String> KEYS = List.of("type", "pressure_bar", "tau_fs", "compressibility_per_bar", "coupling", "every", "seed");

    /** Defaults: 1 bar, τ = 1 ps, β of water (4.5e-5/bar, as GROMACS), isotropic, every 10 steps. */
    public static final double DEFAULT_PRESSURE_BAR = 1.0, DEFAULT_TAU_FS = 1000, DEFAULT_COMPRESSIBILITY_PER_BAR = 4.5e-5;
    public static final int DEFAULT_EVERY = 10;

    public boolean anisotropic() { return coupling.equals("anisotropic"); }

    public boolean flexible() { return coupling.equals("flexible"); }

    static BarostatConfig parse(ConfigNode b, double timestepFs, boolean thermostatted) {
        if (!b.isMapping())
            throw b.error("expected a mapping such as {type: c-rescale, pressure_bar: 1, tau_fs: 1000}, got " + b.describe());
        b.allowOnly(KEYS);
        String type = b.require("type", "one of " + String.join(", ", TYPES)).asChoice(TYPES);
        if (type.equals("berendsen") && b.has("seed"))
            throw b.get("seed").error("does not apply to the berendsen barostat (it is deterministic); its keys are "
                    + String.join(", ", KEYS.stream().filter(k -> !k.equals("seed")).toList()));
        if (type.equals("c-rescale") && !thermostatted)
            throw b.get("type").error("the c-rescale barostat samples the isothermal-isobaric ensemble and needs a thermostat for its "
                    + "temperature; expected a thermostatted integrator (nose-hoover-chain, langevin, ...) rather than velocity-verlet, "
                    + "or type: berendsen");
        double p = b.has("pressure_bar") ? b.get("pressure_bar").asDouble("the target pressure in bar") : DEFAULT_PRESSURE_BAR;
        if (!Double.isFinite(p)) throw b.get("pressure_bar").error("expected a finite pressure in bar, got " + b.get("pressure_bar").describe());
        double tau = b.has("tau_fs") ? b.get("tau_fs").asPositive("the barostat time constant in fs") : DEFAULT_TAU_FS;
        double beta = b.has("compressibility_per_bar") ? b.get("compressibility_per_bar").asPositive("a compressibility in 1/bar, e.g. 4.5e-5 for water")
                : DEFAULT_COMPRESSIBILITY_PER_BAR;
        String coupling = b.has("coupling") ? b.get("coupling").asChoice(COUPLINGS) : "isotropic";
        int every = DEFAULT_EVERY;
        if (b.has("every")) {
            ConfigNode e = b.get("every");
            every = e.asInt("a whole number of steps (1 or more)");
            if (every < 1) throw e.error("expected a whole number of steps (1 or more), got " + e.describe());
        }
        if (tau < every * timestepFs)
            throw (b.has("tau_fs") ? b.get("tau_fs") : b).error("the barostat time constant " + DynamicsConfig.format(tau) + " fs is shorter than "
                    + "its step (every " + every + " steps of " + DynamicsConfig.format(timestepFs) + " fs); expected tau_fs of at least "
                    + DynamicsConfig.format(every * timestepFs) + " fs (typically 1000 to 5000)");
        long seed = b.has("seed") ? b.get("seed").asLong("a whole number seeding the barostat's random numbers") : 1;
        return new BarostatConfig(type, p, tau, beta, coupling, every, seed, b);
    }
}
