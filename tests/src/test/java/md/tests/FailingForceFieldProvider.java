package md.tests;

import java.util.Set;

import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;
import md.forcefields.NeighborList;

/**
 * Test double, {@code type: test-failing}: harmonic tethers of every atom to where it started,
 * E = ½ k Σ |x − x₀|², until evaluation number {@code nan_after}, from which the force on atom
 * {@code atom} is NaN. Lets the tests provoke a non-finite force at a known step.
 */
public final class FailingForceFieldProvider implements ForceFieldProvider {
    @Override public String type() { return "test-failing"; }

    @Override public String description() { return "test double: tethers that turn NaN after a number of evaluations"; }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(Set.of("k", "nan_after", "atom"));
        double k = spec.getDouble("k", 1.0);
        int nanAfter = spec.getInt("nan_after", Integer.MAX_VALUE);
        int atom = spec.getInt("atom", 0);
        return new ForceField() {
            private double[] origin;
            private int evaluations;

            @Override public String name() { return "test-failing"; }
            @Override public double cutoffAngstrom() { return 1.0; }
            @Override public boolean supportsElement(int z) { return true; }

            @Override public double compute(Atoms atoms, NeighborList nl, double[] f, double[] virial) {
                double[] x = atoms.positions();
                if (origin == null) origin = x.clone();
                double e = 0;
                for (int i = 0; i < x.length; i++) {
                    double d = x[i] - origin[i];
                    e += 0.5 * k * d * d;
                    f[i] = -k * d;
                }
                if (++evaluations > nanAfter) f[3 * atom + 1] = Double.NaN;
                return e;
            }
        };
    }
}
