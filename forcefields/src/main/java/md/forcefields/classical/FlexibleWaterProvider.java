package md.forcefields.classical;

import java.util.Map;
import java.util.Set;

import md.core.Units;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;

/**
 * {@code type: flexible-water} ({@link FlexibleWater}). Every key is optional; the defaults are SPC/Fw
 * (Wu, Tepper &amp; Voth 2006) with DSF Coulomb, α = 0.2 Å⁻¹ and 10 Å cutoffs:
 * <pre>
 * energy_unit: kcal/mol                     # unit of epsilon and of the k below (the paper's)
 * charges: {O: -0.82, H: 0.41}              # e; the molecule must be neutral
 * lj: {epsilon: 0.1554253, sigma: 3.165492, cutoff: 10.0, shift: true}   # O–O only; shift: E(rc) = 0
 * coulomb: {alpha: 0.2, cutoff: 10.0}       # DSF damping (1/Å) and cutoff (Å)
 * bond: {k: 1059.162, r0: 1.012}            # E = ½ k (r − r0)²  (LAMMPS bond_coeff K = k/2)
 * angle: {k: 75.90, theta0: 113.24}         # E = ½ k (θ − θ0)², θ0 in degrees, k per rad²
 * bond_tolerance: 1.3                       # an H belongs to its nearest O within 1.3 (R_O + R_H)
 * </pre>
 */
public final class FlexibleWaterProvider implements ForceFieldProvider {
    private static final Set<String> KEYS = Set.of("energy_unit", "charges", "lj", "coulomb", "bond", "angle", "bond_tolerance");

    @Override public String type() { return "flexible-water"; }

    @Override public String description() {
        return "flexible three-site water (SPC/Fw defaults): O–O Lennard-Jones, DSF Coulomb, harmonic O–H bonds and H–O–H angle, molecules from the structure";
    }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(KEYS);
        double unit;
        try {
            unit = Units.energyToEv(spec.getString("energy_unit", "kcal/mol"));
        } catch (IllegalArgumentException e) {
            throw new ForceFieldConfigException("energy_unit", e.getMessage());
        }
        FlexibleWater.Parameters d = FlexibleWater.Parameters.spcFw();
        double kcal = Units.KCAL_PER_MOL_TO_EV;
        Map<String, Object> charges = section(spec, "charges", Set.of("O", "H"));
        Map<String, Object> lj = section(spec, "lj", Set.of("epsilon", "sigma", "cutoff", "shift"));
        Map<String, Object> coul = section(spec, "coulomb", Set.of("alpha", "cutoff"));
        Map<String, Object> bond = section(spec, "bond", Set.of("k", "r0"));
        Map<String, Object> angle = section(spec, "angle", Set.of("k", "theta0"));
        double qO = number("charges", charges, "O", d.chargeO()), qH = number("charges", charges, "H", d.chargeH());
        if (Math.abs(qO + 2 * qH) > 1e-9)
            throw new ForceFieldConfigException("charges", "a water molecule must be neutral: O + 2 H = " + (qO + 2 * qH) + " e");
        Object shift = lj.getOrDefault("shift", d.ljShift());
        if (!(shift instanceof Boolean ljShift)) throw new ForceFieldConfigException("lj.shift", "expected true or false, got '" + shift + "'");
        double tolerance = spec.getPositive("bond_tolerance", 1.3, "a multiple of the covalent radii");
        try {
            return new FlexibleWater(new FlexibleWater.Parameters(qO, qH,
                    energy("lj", lj, "epsilon", d.ljEpsilonEv() / kcal, unit), positive("lj", lj, "sigma", d.ljSigmaAngstrom()),
                    positive("lj", lj, "cutoff", d.ljCutoffAngstrom()), ljShift,
                    positive("coulomb", coul, "alpha", d.dsfAlphaPerAngstrom()), positive("coulomb", coul, "cutoff", d.coulombCutoffAngstrom()),
                    d.coulombConstantEvAngstrom(),
                    energy("bond", bond, "k", d.bondStiffnessEvPerA2() / kcal, unit), positive("bond", bond, "r0", d.bondLengthAngstrom()),
                    energy("angle", angle, "k", d.angleStiffnessEvPerRad2() / kcal, unit),
                    Math.toRadians(positive("angle", angle, "theta0", Math.toDegrees(d.angleRadians())))), tolerance);
        } catch (IllegalArgumentException e) {
            throw new ForceFieldConfigException("flexible-water", e.getMessage());
        }
    }

    private static Map<String, Object> section(ForceFieldSpec spec, String key, Set<String> allowed) {
        return spec.has(key) ? ClassicalParameters.map(key, spec.params().get(key), allowed) : Map.of();
    }

    private static double number(String section, Map<String, Object> m, String name, double defaultValue) {
        Object v = m.get(name);
        if (v == null) return defaultValue;
        if (!(v instanceof Number num) || !Double.isFinite(num.doubleValue()))
            throw new ForceFieldConfigException(section + "." + name, "expected a number, got '" + v + "'");
        return num.doubleValue();
    }

    private static double positive(String section, Map<String, Object> m, String name, double defaultValue) {
        return m.containsKey(name) ? ClassicalParameters.positive(section, m, name, false) : defaultValue;
    }

    /** A stiffness or ε: in energy_unit when given, else the SPC/Fw value (kcal/mol) converted. */
    private static double energy(String section, Map<String, Object> m, String name, double defaultKcal, double unit) {
        return m.containsKey(name) ? unit * ClassicalParameters.positive(section, m, name, true) : defaultKcal * Units.KCAL_PER_MOL_TO_EV;
    }
}
