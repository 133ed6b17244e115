package md.forcefields.classical;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import md.core.Units;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;

/**
 * {@code type: lennard-jones}. Keys (ε in {@code energy_unit}, default eV; lengths in Å):
 * <pre>
 * cutoff: 8.5                  # global cutoff, Å (default 2.5 × largest σ)
 * shift: energy                # none | energy | force (shifted force: smooth energy and force)
 * mixing: lorentz-berthelot    # or geometric
 * energy_unit: eV              # eV, meV, kcal/mol, kJ/mol, Hartree
 * species:                     # per element
 *   Ar: {epsilon: 0.0103, sigma: 3.405}
 * pairs:                       # explicit pairs, override mixing; optional per-pair cutoff
 *   Ar-Kr: {epsilon: 0.012, sigma: 3.5, cutoff: 9.0}
 * </pre>
 */
public final class LennardJonesProvider implements ForceFieldProvider {
    private static final Set<String> KEYS = Set.of("cutoff", "shift", "mixing", "energy_unit", "species", "pairs");

    @Override public String type() { return "lennard-jones"; }

    @Override public String description() { return "Lennard-Jones pair potential (per-element ε/σ, mixing, cutoff, energy or force shift)"; }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(KEYS);
        if (!spec.has("species") && !spec.has("pairs"))
            throw new ForceFieldConfigException("species", "lennard-jones needs 'species' (ε, σ per element) and/or 'pairs'");
        double unit;
        try {
            unit = Units.energyToEv(spec.getString("energy_unit", "eV"));
        } catch (IllegalArgumentException e) {
            throw new ForceFieldConfigException("energy_unit", e.getMessage());
        }
        LennardJones.Builder b = LennardJones.builder();
        if (spec.has("cutoff")) {
            double rc = spec.requireDouble("cutoff");
            if (!(rc > 0)) throw new ForceFieldConfigException("cutoff", "cutoff must be a positive distance in Å, got " + rc);
            b.cutoff(rc);
        }
        b.shift(switch (spec.getString("shift", "energy").toLowerCase(Locale.ROOT)) {
            case "none" -> LennardJones.Shift.NONE;
            case "energy" -> LennardJones.Shift.ENERGY;
            case "force", "shifted-force", "smooth" -> LennardJones.Shift.FORCE;
            default -> throw new ForceFieldConfigException("shift", "shift must be one of none, energy, force; got '" + spec.getString("shift", "") + "'");
        });
        b.mixing(switch (spec.getString("mixing", "lorentz-berthelot").toLowerCase(Locale.ROOT)) {
            case "lorentz-berthelot", "arithmetic" -> LennardJones.Mixing.LORENTZ_BERTHELOT;
            case "geometric" -> LennardJones.Mixing.GEOMETRIC;
            default -> throw new ForceFieldConfigException("mixing", "mixing must be lorentz-berthelot or geometric; got '" + spec.getString("mixing", "") + "'");
        });
        if (spec.has("species")) {
            for (Map.Entry<String, Object> e : spec.getMap("species").entrySet()) {
                String key = "species." + e.getKey();
                int z = ClassicalParameters.element(key, e.getKey());
                Map<String, Object> p = ClassicalParameters.map(key, e.getValue(), Set.of("epsilon", "sigma"));
                b.species(z, unit * ClassicalParameters.positive(key, p, "epsilon", true), ClassicalParameters.positive(key, p, "sigma", false));
            }
        }
        if (spec.has("pairs")) {
            for (Map.Entry<String, Object> e : spec.getMap("pairs").entrySet()) {
                String key = "pairs." + e.getKey();
                int[] z = ClassicalParameters.elementPair(key, e.getKey());
                Map<String, Object> p = ClassicalParameters.map(key, e.getValue(), Set.of("epsilon", "sigma", "cutoff"));
                double rc = p.containsKey("cutoff") ? ClassicalParameters.positive(key, p, "cutoff", false) : Double.NaN;
                b.pair(z[0], z[1], unit * ClassicalParameters.positive(key, p, "epsilon", true), ClassicalParameters.positive(key, p, "sigma", false), rc);
            }
        }
        return b.build();
    }
}
