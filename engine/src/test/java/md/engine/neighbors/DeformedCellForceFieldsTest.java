package md.engine.neighbors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipModelFile;

/**
 * Force fields on a list kept through barostat-like deformations (pairs kept, shifts mapped to the new cell,
 * the list's version bumped) give what they give on a fresh list of the deformed cell: a {@code type: sum} of a
 * learned NequIP model (3 Å), Lennard-Jones (5 Å) and Lennard-Jones with a shorter cutoff (its pair view and
 * the learned model's edges are per-version caches that must take the new shifts), in a cell small enough for
 * several images of a pair.
 */
class DeformedCellForceFieldsTest {
    @TempDir Path dir;

    private static Map<String, Object> lj(double cutoff) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "lennard-jones");
        m.put("cutoff", cutoff);
        m.put("shift", "force");
        m.put("species", Map.of("O", Map.of("epsilon", 0.0067, "sigma", 3.17), "H", Map.of("epsilon", 0.002, "sigma", 1.5)));
        return m;
    }

    @Test
    void keptListGivesTheEnergyForcesAndVirialOfAFreshList() throws Exception {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 8}, 3.0, 1, true, 4, 2, 4, 1, 8, 3.0,
                new double[] {1, 1}, new double[] {-0.3, -2.0}, 1.0);
        NequipModelFile.write(dir.resolve("m.nqp"), NequipModel.withRandomWeights(cfg, 7), "DeformedCellForceFieldsTest");
        List<Map<String, Object>> terms = List.of(new LinkedHashMap<>(Map.of("type", "learned", "model", "m.nqp")), lj(5.0), lj(3.5));
        double[] h = {6.2, 0, 0, 0.4, 5.9, 0, -0.3, 0.5, 6.1};
        boolean[] pbc = {true, true, true};
        int[] z = {8, 1, 1, 8, 1, 1, 8, 1};
        Random rng = new Random(5);
        double[] x = new double[3 * z.length], s = new double[3];
        Cell start = new Cell(h, pbc);
        for (int placed = 0; placed < z.length; ) { // no two atoms closer than 1.2 Å over all images
            for (int k = 0; k < 3; k++) s[k] = rng.nextDouble();
            start.toCartesian(s, x, 3 * placed);
            NeighborList close = NeighborList.within(java.util.Arrays.copyOf(x, 3 * placed + 3), start, 1.2);
            boolean ok = true;
            for (int p = 0; p < close.pairCount(); p++) if (close.second(p) == placed) ok = false;
            if (ok) placed++;
        }
        try (ForceField sum = ForceFields.create(new ForceFieldSpec("sum", Map.of("terms", terms), dir));
             ForceField fresh = ForceFields.create(new ForceFieldSpec("sum", Map.of("terms", terms), dir))) {
            double skin = 1.5;
            VerletNeighborList kept = new VerletNeighborList(sum.cutoffAngstrom(), skin);
            int n3 = x.length, compared = 0;
            for (int step = 0; step < 12; step++) {
                if (step > 0) { // a barostat step: the cell and the atoms carried by x ↦ x(I + m), m ~ 0.1%
                    double[] m = new double[9];
                    for (int k = 0; k < 9; k++) m[k] = (k % 4 == 0 ? 1 : 0) + 0.001 * rng.nextGaussian();
                    h = carry(h, m);
                    x = carry(x, m);
                }
                Atoms atoms = new Atoms(z, x, new Cell(h, pbc));
                kept.update(atoms);
                double[] f = new double[n3], w = new double[9], f0 = new double[n3], w0 = new double[9];
                double e = sum.compute(atoms, kept.list(), f, w);
                double e0 = fresh.compute(atoms, NeighborList.within(x, atoms.cell(), sum.cutoffAngstrom() + skin), f0, w0);
                assertEquals(e0, e, 1e-12 * Math.abs(e0), "energy, step " + step);
                for (int c = 0; c < n3; c++) assertEquals(f0[c], f[c], 1e-11, "force " + c + ", step " + step);
                for (int c = 0; c < 9; c++) assertEquals(w0[c], w[c], 1e-11, "virial " + c + ", step " + step);
                compared++;
            }
            assertEquals(1, kept.rebuildCount(), "the deformations were small enough to keep the first list");
            assertTrue(compared == 12);
        }
    }

    /** Rows (3 numbers each) of {@code v} times the 3×3 matrix {@code m}. */
    private static double[] carry(double[] v, double[] m) {
        double[] out = new double[v.length];
        for (int r = 0; r < v.length; r += 3)
            for (int k = 0; k < 3; k++) out[r + k] = v[r] * m[k] + v[r + 1] * m[3 + k] + v[r + 2] * m[6 + k];
        return out;
    }
}
