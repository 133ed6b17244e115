package md.tests;

import java.util.List;
import java.util.Set;

import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;
import md.forcefields.NeighborList;

/**
 * Test double, {@code type: test-breaking}: harmonic bonds E = ½ k (r − r0)² between the listed atom
 * pairs, computed from the positions directly, with two ways to break at a known force evaluation
 * (evaluation 1 is the one before the first step, evaluation s+1 belongs to step s):
 * after {@code break_after} evaluations the first bond's length jumps to {@code broken_r0} (the bond
 * stretches: a collapse by the bond-length criterion); after {@code kick_after} evaluations atom 0
 * feels an extra force of {@code kick} eV/Å along x (the temperature runs away at once).
 */
public final class BreakingBondsProvider implements ForceFieldProvider {
    @Override public String type() { return "test-breaking"; }

    @Override public String description() { return "test double: harmonic bonds that break after a number of evaluations"; }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(Set.of("bonds", "k", "r0", "break_after", "broken_r0", "kick_after", "kick"));
        List<?> pairs = spec.getList("bonds");
        int[][] bonds = new int[pairs.size()][2];
        for (int b = 0; b < bonds.length; b++) {
            List<?> p = (List<?>) pairs.get(b);
            bonds[b][0] = ((Number) p.get(0)).intValue();
            bonds[b][1] = ((Number) p.get(1)).intValue();
        }
        double k = spec.getDouble("k", 30.0), r0 = spec.getDouble("r0", 1.0), brokenR0 = spec.getDouble("broken_r0", 3.0);
        long breakAfter = spec.getInt("break_after", Integer.MAX_VALUE), kickAfter = spec.getInt("kick_after", Integer.MAX_VALUE);
        double kick = spec.getDouble("kick", 1e4);
        return new ForceField() {
            private long evaluations;

            @Override public String name() { return "test-breaking"; }
            @Override public double cutoffAngstrom() { return 1.0; }
            @Override public boolean supportsElement(int z) { return true; }

            @Override public double compute(Atoms atoms, NeighborList nl, double[] f, double[] virial) {
                evaluations++;
                double[] x = atoms.positions();
                java.util.Arrays.fill(f, 0.0);
                double e = 0;
                for (int b = 0; b < bonds.length; b++) {
                    int i = bonds[b][0], j = bonds[b][1];
                    double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
                    double r = Math.sqrt(dx * dx + dy * dy + dz * dz);
                    double length = b == 0 && evaluations > breakAfter ? brokenR0 : r0;
                    e += 0.5 * k * (r - length) * (r - length);
                    double g = k * (r - length) / r;  // dE/dr / r
                    f[3 * i] += g * dx; f[3 * i + 1] += g * dy; f[3 * i + 2] += g * dz;
                    f[3 * j] -= g * dx; f[3 * j + 1] -= g * dy; f[3 * j + 2] -= g * dz;
                }
                if (evaluations > kickAfter) f[0] += kick;
                return e;
            }
        };
    }
}
