package md.forcefields.sum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipModelFile;

/**
 * {@code type: sum}: energy, forces, virial and per-term energies equal the terms evaluated separately, each
 * with its own neighbour list (a learned NequIP model with a 3 Å cutoff, Lennard-Jones with 5 Å and harmonic
 * bonds, in a periodic cell small enough for several images); each term sees exactly the pairs within its
 * cutoff; forces against finite differences of the energy and the virial against its strain derivative; the
 * provider's located errors.
 */
class SumForceFieldTest {
    @TempDir Path dir;

    static final int H = 1, O = 8;
    static final double SKIN = 1.0;
    static final Cell CELL = new Cell(new double[] {6.2, 0, 0, 0.4, 5.9, 0, -0.3, 0.5, 6.1}, new boolean[] {true, true, true});

    /** Eight O/H atoms in {@link #CELL}, no two closer than 1.2 Å over all images. */
    static Atoms atoms(long seed) {
        int[] z = {O, H, H, O, H, H, O, H};
        Random rng = new Random(seed);
        double[] x = new double[3 * z.length], s = new double[3];
        for (int placed = 0; placed < z.length; ) {
            for (int k = 0; k < 3; k++) s[k] = rng.nextDouble();
            CELL.toCartesian(s, x, 3 * placed);
            NeighborList close = NeighborList.within(java.util.Arrays.copyOf(x, 3 * placed + 3), CELL, 1.2);
            boolean ok = true;
            for (int p = 0; p < close.pairCount(); p++) if (close.second(p) == placed) ok = false;
            if (ok) placed++;
        }
        return new Atoms(z, x, CELL);
    }

    Map<String, Object> learned() throws Exception {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 8}, 3.0, 1, true, 4, 2, 4, 1, 8, 3.0,
                new double[] {1, 1}, new double[] {-0.3, -2.0}, 1.0);
        NequipModelFile.write(dir.resolve("m.nqp"), NequipModel.withRandomWeights(cfg, 7), "SumForceFieldTest");
        return new LinkedHashMap<>(Map.of("type", "learned", "model", "m.nqp"));
    }

    static Map<String, Object> lj(double cutoff) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "lennard-jones");
        m.put("cutoff", cutoff);
        m.put("shift", "force");
        m.put("species", Map.of("O", Map.of("epsilon", 0.0067, "sigma", 3.17), "H", Map.of("epsilon", 0.002, "sigma", 1.5)));
        return m;
    }

    static Map<String, Object> bonds() {
        return new LinkedHashMap<>(Map.of("type", "harmonic-bonds", "parameters", Map.of("default", Map.of("k", 30.0, "r0", 1.0)),
                "bonds", List.of(List.of(0, 1), List.of(0, 2), List.of(3, 4), List.of(3, 5), List.of(6, 7))));
    }

    ForceField create(String type, Map<String, Object> params) {
        Map<String, Object> p = new LinkedHashMap<>(params);
        p.remove("type");
        return ForceFields.create(new ForceFieldSpec(type, p, dir));
    }

    ForceField term(Map<String, Object> m) { return create((String) m.get("type"), m); }

    ForceField sum(List<Map<String, Object>> terms) { return create("sum", Map.of("terms", terms)); }

    @Test
    void energyForcesVirialAndTermEnergiesAreTheSumsOfSeparateEvaluations() throws Exception {
        List<Map<String, Object>> terms = List.of(learned(), lj(5.0), bonds());
        Atoms atoms = atoms(11);
        int n3 = 3 * atoms.size();
        try (ForceField sum = sum(terms)) {
            assertEquals(5.0, sum.cutoffAngstrom());
            assertTrue(sum.providesVirial() && sum.conservative());
            assertEquals(List.of("E_learned_eV", "E_lennard_jones_eV", "E_harmonic_bonds_eV"), sum.observableNames());
            double[] f = new double[n3], w = new double[9];
            NeighborList shared = NeighborList.within(atoms.positions(), CELL, sum.cutoffAngstrom() + SKIN);
            double e = sum.compute(atoms, shared, f, w);
            double[] obs = new double[3];
            sum.observables(obs);

            double eSep = 0;
            double[] fSep = new double[n3], wSep = new double[9];
            for (int k = 0; k < terms.size(); k++) {
                try (ForceField t = term(terms.get(k))) {
                    double[] ft = new double[n3], wt = new double[9];
                    double et = t.compute(atoms, NeighborList.within(atoms.positions(), CELL, t.cutoffAngstrom() + SKIN), ft, wt);
                    assertTrue(Math.abs(et) > 1e-3, "term " + k + " should contribute: " + et);
                    assertEquals(et, obs[k], 1e-12 * Math.abs(et), "E of term " + k);
                    eSep += et;
                    for (int c = 0; c < n3; c++) fSep[c] += ft[c];
                    for (int c = 0; c < 9; c++) wSep[c] += wt[c];
                }
            }
            assertEquals(eSep, e, 1e-12 * Math.abs(eSep), "energy");
            double fScale = 0, wScale = 0;
            for (double v : fSep) fScale = Math.max(fScale, Math.abs(v));
            for (double v : wSep) wScale = Math.max(wScale, Math.abs(v));
            for (int c = 0; c < n3; c++) assertEquals(fSep[c], f[c], 1e-12 * fScale, "force component " + c);
            for (int c = 0; c < 9; c++) assertEquals(wSep[c], w[c], 1e-12 * wScale, "virial component " + c);
        }
    }

    /** Records the pairs it is given. */
    static final class Recorder implements ForceField {
        final double cutoff;
        final List<double[]> seen = new ArrayList<>(); // r per pair
        long version = -1;
        Recorder(double cutoff) { this.cutoff = cutoff; }
        @Override public String name() { return "recorder"; }
        @Override public double cutoffAngstrom() { return cutoff; }
        @Override public boolean supportsElement(int z) { return true; }
        @Override public double compute(Atoms atoms, NeighborList nl, double[] f, double[] w) {
            seen.clear();
            version = nl.version();
            double[] x = atoms.positions();
            for (int p = 0; p < nl.pairCount(); p++) {
                int i = nl.first(p), j = nl.second(p);
                double r2 = 0;
                for (int k = 0; k < 3; k++) r2 += Math.pow(x[3 * j + k] + nl.shift(p, k) - x[3 * i + k], 2);
                seen.add(new double[] {i, j, Math.sqrt(r2)});
            }
            java.util.Arrays.fill(f, 0);
            return 0;
        }
    }

    @Test
    void eachTermIsGivenExactlyThePairsWithinItsOwnCutoff() {
        Recorder shortRange = new Recorder(3.0), bonded = new Recorder(0);
        ForceField longRange = term(lj(5.0));
        Atoms atoms = atoms(5);
        try (SumForceField sum = new SumForceField(List.of(shortRange, longRange, bonded), List.of("a", "b", "c"))) {
            NeighborList shared = NeighborList.within(atoms.positions(), CELL, 5.0 + SKIN);
            sum.compute(atoms, shared, new double[24], new double[9]);
            int expected = NeighborList.within(atoms.positions(), CELL, 3.0).pairCount();
            assertTrue(expected > 8 && shared.pairCount() > 3 * expected, expected + " of " + shared.pairCount() + " pairs: the filter should matter");
            assertEquals(expected, shortRange.seen.size());
            for (double[] s : shortRange.seen) assertTrue(s[2] < 3.0, "pair " + (int) s[0] + "-" + (int) s[1] + " at " + s[2] + " Å");
            assertEquals(0, bonded.seen.size());

            // the same positions: the same view (its version unchanged, so per-list caches survive)
            long v = shortRange.version;
            sum.compute(atoms, shared, new double[24], new double[9]);
            assertEquals(v, shortRange.version);
            // move an atom so that the longest pair within 3 Å crosses the cutoff: a new selection, a new version
            double[] crossing = null;
            for (double[] s : shortRange.seen) if (s[0] != s[1] && (crossing == null || s[2] > crossing[2])) crossing = s;
            Atoms moved = movedApart(atoms, crossing, 3.0 - crossing[2] + 0.01);
            sum.compute(moved, shared, new double[24], new double[9]);
            assertNotEquals(v, shortRange.version);
            assertEquals(NeighborList.within(moved.positions(), CELL, 3.0).pairCount(), shortRange.seen.size());
            for (double[] s : shortRange.seen) assertTrue(s[2] < 3.0);
        }
    }

    /** Atom j of pair {i, j, r} moved along the pair vector by {@code by} Å (the pair's image shift kept). */
    private static Atoms movedApart(Atoms atoms, double[] pair, double by) {
        int i = (int) pair[0], j = (int) pair[1];
        NeighborList nl = NeighborList.within(atoms.positions(), CELL, pair[2] + 1e-9);
        double[] x = atoms.positions().clone();
        for (int p = 0; p < nl.pairCount(); p++) {
            if (nl.first(p) != i || nl.second(p) != j) continue;
            double[] d = new double[3];
            double r = 0;
            for (int k = 0; k < 3; k++) { d[k] = x[3 * j + k] + nl.shift(p, k) - x[3 * i + k]; r += d[k] * d[k]; }
            r = Math.sqrt(r);
            if (Math.abs(r - pair[2]) > 1e-12) continue;
            for (int k = 0; k < 3; k++) x[3 * j + k] += by * d[k] / r;
            return new Atoms(atoms.atomicNumbers(), x, atoms.cell());
        }
        throw new AssertionError("pair not found");
    }

    @Test
    void forcesAreMinusTheGradientAndTheVirialMinusTheStrainDerivative() throws Exception {
        Atoms atoms = atoms(23);
        int n3 = 3 * atoms.size();
        try (ForceField sum = sum(List.of(learned(), lj(5.0), bonds()))) {
            double rc = sum.cutoffAngstrom() + SKIN;
            double[] f = new double[n3], w = new double[9];
            sum.compute(atoms, NeighborList.within(atoms.positions(), CELL, rc), f, w);
            double h = 1e-5, worst = 0, scale = 0;
            for (int c = 0; c < n3; c++) {
                double[] xp = atoms.positions().clone(), xm = atoms.positions().clone();
                xp[c] += h; xm[c] -= h;
                double ep = sum.compute(new Atoms(atoms.atomicNumbers(), xp, CELL), NeighborList.within(xp, CELL, rc), new double[n3], null);
                double em = sum.compute(new Atoms(atoms.atomicNumbers(), xm, CELL), NeighborList.within(xm, CELL, rc), new double[n3], null);
                worst = Math.max(worst, Math.abs(-(ep - em) / (2 * h) - f[c]));
                scale = Math.max(scale, Math.abs(f[c]));
            }
            System.out.printf("sum: largest |F + dE/dx| %.2e eV/Å, largest |F| %.3g%n", worst, scale);
            assertTrue(scale > 0.1 && worst < 1e-6 * scale, "finite differences: " + worst + " of " + scale);
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) {
                    double ep = sum.compute(strained(atoms, a, b, h), NeighborList.within(strained(atoms, a, b, h).positions(), strained(atoms, a, b, h).cell(), rc), new double[n3], null);
                    double em = sum.compute(strained(atoms, a, b, -h), NeighborList.within(strained(atoms, a, b, -h).positions(), strained(atoms, a, b, -h).cell(), rc), new double[n3], null);
                    double expected = -(ep - em) / (2 * h);
                    assertEquals(expected, w[3 * a + b], 1e-6 * Math.max(1, Math.abs(expected)), "W_" + a + b);
                }
        }
    }

    /** x_a → x_a + e·x_b for positions and cell vectors. */
    static Atoms strained(Atoms atoms, int a, int b, double e) {
        double[] y = atoms.positions().clone(), l = atoms.cell().vectors();
        for (int i = 0; i < y.length; i += 3) y[i + a] += e * atoms.positions()[i + b];
        for (int r = 0; r < 3; r++) l[3 * r + a] += e * atoms.cell().vectors()[3 * r + b];
        return new Atoms(atoms.atomicNumbers(), y, new Cell(l, atoms.cell().pbc()));
    }

    @Test
    void termsOfOneTypeAreNumberedAndTheirOwnObservablesPassThrough() {
        Map<String, Object> water = Map.of("type", "flexible-water");
        Map<String, Object> named = new LinkedHashMap<>(lj(4.0));
        named.put("name", "dispersion");
        try (ForceField sum = sum(List.of(lj(5.0), lj(3.0), named, water))) {
            assertEquals(List.of("E_lennard_jones_0_eV", "E_lennard_jones_1_eV", "E_dispersion_eV", "E_flexible_water_eV",
                    "E_lj_eV", "E_coul_eV", "E_bond_eV", "E_angle_eV"), sum.observableNames());
            assertFalse(sum.supportsElement(6)); // flexible-water: O and H only
            assertTrue(sum.supportsElement(8));
        }
    }

    @Test
    void mistakesAreReportedAtTheirKeyPath() throws Exception {
        assertError(Map.of(), "terms", "missing required key 'terms'");
        assertError(Map.of("terms", List.of()), "terms", "empty");
        assertError(Map.of("terms", "lj"), "terms", "expected a list");
        assertError(Map.of("terms", List.of(lj(5.0), "model.zip")), "terms[1]", "expected a force-field mapping");
        assertError(Map.of("terms", List.of(lj(5.0), Map.of("cutoff", 3.0))), "terms[1]", "expected a 'type'");
        assertError(Map.of("terms", List.of(lj(5.0), Map.of("type", "lenard-jones"))), "terms[1].type", "did you mean 'lennard-jones'");
        assertError(Map.of("terms", List.of(Map.of("type", "sum", "terms", List.of(lj(5.0))))), "terms[0].type", "a sum cannot be a term of a sum");
        Map<String, Object> badCutoff = lj(5.0);
        badCutoff.put("cutoff", -2.0);
        assertError(Map.of("terms", List.of(lj(5.0), badCutoff)), "terms[1].cutoff", "");
        Map<String, Object> badName = lj(5.0);
        badName.put("name", "E lj");
        assertError(Map.of("terms", List.of(badName)), "terms[0].name", "letters, digits");
        Map<String, Object> a = lj(5.0), b = lj(3.0);
        a.put("name", "x");
        b.put("name", "x");
        assertError(Map.of("terms", List.of(a, b)), "terms", "distinct");
        assertError(Map.of("terms", List.of(lj(5.0)), "term", 1), "term", "did you mean 'terms'");
    }

    private void assertError(Map<String, Object> params, String key, String fragment) {
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class, () -> ForceFields.create(new ForceFieldSpec("sum", params, dir)));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
