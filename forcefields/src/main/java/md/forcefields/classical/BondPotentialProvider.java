package md.forcefields.classical;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import md.core.Units;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;

/**
 * {@code type: harmonic-bonds} and {@code type: morse} (see {@link BondPotential}). Keys:
 * <pre>
 * bonds: auto                 # or a list of atom index pairs (0-based): [[0, 1], [0, 2]]
 * bond_tolerance: 1.2         # auto: bonded when r &lt; tolerance × (R_cov,i + R_cov,j)
 * energy_unit: eV             # unit of k (per Å²) or D
 * parameters:                 # per element pair, and/or 'default' for any pair
 *   C-H: {k: 30.0, r0: 1.09}              # harmonic-bonds: E = ½ k (r − r0)²
 *   O-H: {D: 4.6, alpha: 2.3, r0: 0.96}   # morse: E = D (1 − exp(−alpha (r − r0)))²
 * </pre>
 */
public abstract class BondPotentialProvider implements ForceFieldProvider {
    private static final Set<String> KEYS = Set.of("bonds", "bond_tolerance", "energy_unit", "parameters");

    private final BondPotential.Form form;

    BondPotentialProvider(BondPotential.Form form) { this.form = form; }

    /** {@code type: harmonic-bonds}. */
    public static final class Harmonic extends BondPotentialProvider {
        public Harmonic() { super(BondPotential.Form.HARMONIC); }
        @Override public String type() { return "harmonic-bonds"; }
        @Override public String description() { return "harmonic bonds ½k(r−r0)² over explicit or covalent-radius bonds (reference potential)"; }
    }

    /** {@code type: morse}. */
    public static final class Morse extends BondPotentialProvider {
        public Morse() { super(BondPotential.Form.MORSE); }
        @Override public String type() { return "morse"; }
        @Override public String description() { return "Morse bonds D(1−exp(−α(r−r0)))² over explicit or covalent-radius bonds (reference potential)"; }
    }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(KEYS);
        double unit;
        try {
            unit = Units.energyToEv(spec.getString("energy_unit", "eV"));
        } catch (IllegalArgumentException e) {
            throw new ForceFieldConfigException("energy_unit", e.getMessage());
        }
        Set<String> allowed = form == BondPotential.Form.HARMONIC ? Set.of("k", "r0") : Set.of("D", "alpha", "r0");
        Map<Long, BondPotential.BondParameters> byPair = new LinkedHashMap<>();
        BondPotential.BondParameters fallback = null;
        for (Map.Entry<String, Object> e : spec.getMap("parameters").entrySet()) {
            String key = "parameters." + e.getKey();
            Map<String, Object> p = ClassicalParameters.map(key, e.getValue(), allowed);
            BondPotential.BondParameters bp = form == BondPotential.Form.HARMONIC
                    ? BondPotential.BondParameters.harmonic(unit * ClassicalParameters.positive(key, p, "k", true), ClassicalParameters.positive(key, p, "r0", false))
                    : BondPotential.BondParameters.morse(unit * ClassicalParameters.positive(key, p, "D", true), ClassicalParameters.positive(key, p, "alpha", false),
                            ClassicalParameters.positive(key, p, "r0", false));
            if (e.getKey().equals("default")) fallback = bp;
            else {
                int[] z = ClassicalParameters.elementPair(key, e.getKey());
                byPair.put(BondPotential.pairKey(z[0], z[1]), bp);
            }
        }
        if (byPair.isEmpty() && fallback == null) throw new ForceFieldConfigException("parameters", "give parameters for at least one element pair (e.g. C-H) or 'default'");
        List<int[]> bonds = null;
        Object b = spec.params().getOrDefault("bonds", "auto");
        if (b instanceof List<?> list) {
            bonds = new ArrayList<>();
            for (int k = 0; k < list.size(); k++) {
                if (!(list.get(k) instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Integer i) || !(pair.get(1) instanceof Integer j))
                    throw new ForceFieldConfigException("bonds[" + k + "]", "expected a pair of atom indices like [0, 1], got " + list.get(k));
                bonds.add(new int[] {i, j});
            }
        } else if (!"auto".equals(b)) {
            throw new ForceFieldConfigException("bonds", "expected 'auto' or a list of atom index pairs like [[0, 1], [1, 2]], got " + b);
        }
        double tolerance = spec.getDouble("bond_tolerance", 1.2);
        if (!(tolerance > 0)) throw new ForceFieldConfigException("bond_tolerance", "must be positive, got " + tolerance);
        return new BondPotential(form, byPair, fallback, bonds, tolerance);
    }
}
