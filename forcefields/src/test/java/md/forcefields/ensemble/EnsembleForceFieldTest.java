package md.forcefields.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * {@code type: ensemble}: means and spreads checked against Lennard-Jones energies and forces computed
 * here in closed form (not by the code under test), members with different cutoffs, weights, threads,
 * mixed classical and learned members, glob patterns, and the refusals.
 */
class EnsembleForceFieldTest {
    @TempDir Path dir;

    static final int AR = 18, KR = 36;

    /** Three argon atoms: pairs at 3.5, 4.2 and √(3.5² + 4.2²) ≈ 5.47 Å. */
    static final double[] X = {0, 0, 0, 3.5, 0, 0, 0, 4.2, 0};

    static Map<String, Object> lj(double eps, double sigma, double cutoff) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "lennard-jones");
        m.put("cutoff", cutoff);
        m.put("shift", "none");
        m.put("species", Map.of("Ar", Map.of("epsilon", eps, "sigma", sigma)));
        return m;
    }

    static ForceField ensemble(Map<String, Object> params) {
        return ForceFields.create(new ForceFieldSpec("ensemble", params, null));
    }

    /** Closed-form truncated LJ (no shift) over all pairs within rc: energy, then 3N forces. */
    static double[] ljExpected(double[] x, double eps, double sigma, double rc) {
        int n = x.length / 3;
        double[] out = new double[1 + 3 * n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double[] d = {x[3 * j] - x[3 * i], x[3 * j + 1] - x[3 * i + 1], x[3 * j + 2] - x[3 * i + 2]};
                double r = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                if (r >= rc) continue;
                double sr6 = Math.pow(sigma / r, 6);
                out[0] += 4 * eps * (sr6 * sr6 - sr6);
                double dEdr = 4 * eps * (-12 * sr6 * sr6 + 6 * sr6) / r;
                for (int c = 0; c < 3; c++) {
                    out[1 + 3 * j + c] -= dEdr * d[c] / r;
                    out[1 + 3 * i + c] += dEdr * d[c] / r;
                }
            }
        return out;
    }

    @Test
    void meanAndSpreadOfTwoLennardJonesMembersWithDifferentCutoffs() {
        // member 2's cutoff (4.0 Å) keeps only the 3.5 Å pair although the list holds every pair within 6 Å
        double[] a = ljExpected(X, 0.0104, 3.40, 6.0), b = ljExpected(X, 0.0140, 3.30, 4.0);
        try (ForceField ff = ensemble(Map.of("members", List.of(lj(0.0104, 3.40, 6.0), lj(0.0140, 3.30, 4.0))))) {
            assertEquals("ensemble", ff.name());
            assertEquals(6.0, ff.cutoffAngstrom());
            assertTrue(ff.conservative());
            assertTrue(ff.providesVirial());
            assertEquals(EnsembleForceField.OBSERVABLES, ff.observableNames());
            double[] f = new double[9], w = new double[9];
            double e = ff.compute(new Atoms(new int[] {AR, AR, AR}, X, Cell.NONE), NeighborList.allPairs(3, 7.0), f, w);

            assertEquals((a[0] + b[0]) / 2, e, 1e-15);
            for (int c = 0; c < 9; c++) assertEquals((a[1 + c] + b[1 + c]) / 2, f[c], 1e-14, "force component " + c);
            // population standard deviations (1/M), M = 2
            double mean = (a[0] + b[0]) / 2;
            double energyStd = Math.sqrt(((a[0] - mean) * (a[0] - mean) + (b[0] - mean) * (b[0] - mean)) / 2);
            double[] atomStd = new double[3];
            for (int i = 0; i < 3; i++) {
                double s = 0;
                for (int c = 0; c < 3; c++) {
                    double m = (a[1 + 3 * i + c] + b[1 + 3 * i + c]) / 2;
                    s += (Math.pow(a[1 + 3 * i + c] - m, 2) + Math.pow(b[1 + 3 * i + c] - m, 2)) / 2;
                }
                atomStd[i] = Math.sqrt(s);
            }
            assertTrue(energyStd > 1e-3, "the members differ: " + energyStd);
            double[] obs = new double[3];
            ff.observables(obs);
            assertEquals(energyStd, obs[0], 1e-15);
            assertEquals(Math.max(atomStd[0], Math.max(atomStd[1], atomStd[2])), obs[1], 1e-14);
            assertEquals((atomStd[0] + atomStd[1] + atomStd[2]) / 3, obs[2], 1e-14);
            assertArrayEquals(atomStd, ((EnsembleForceField) ff).atomForceStd(), 1e-14);
            // the ensemble's virial is the mean of its members' (each checked against LAMMPS and strain derivatives elsewhere)
            double[] wa = new double[9], wb = new double[9];
            try (ForceField fa = create(lj(0.0104, 3.40, 6.0)); ForceField fb = create(lj(0.0140, 3.30, 4.0))) {
                NeighborList nl = NeighborList.allPairs(3, 7.0);
                Atoms atoms = new Atoms(new int[] {AR, AR, AR}, X, Cell.NONE);
                fa.compute(atoms, nl, new double[9], wa);
                fb.compute(atoms, nl, new double[9], wb);
            }
            for (int c = 0; c < 9; c++) assertEquals((wa[c] + wb[c]) / 2, w[c], 1e-15);
        }
    }

    @Test
    void weightsGiveAWeightedMeanAndSpread() {
        double[] a = ljExpected(X, 0.0104, 3.40, 6.0), b = ljExpected(X, 0.0140, 3.30, 6.0);
        try (ForceField ff = ensemble(Map.of("members", List.of(lj(0.0104, 3.40, 6.0), lj(0.0140, 3.30, 6.0)), "weights", List.of(1, 3.0)))) {
            double e = ff.compute(new Atoms(new int[] {AR, AR, AR}, X, Cell.NONE), NeighborList.allPairs(3, 7.0), new double[9], null);
            double mean = 0.25 * a[0] + 0.75 * b[0];
            assertEquals(mean, e, 1e-15);
            double[] obs = new double[3];
            ff.observables(obs);
            assertEquals(Math.sqrt(0.25 * Math.pow(a[0] - mean, 2) + 0.75 * Math.pow(b[0] - mean, 2)), obs[0], 1e-15);
        }
    }

    @Test
    void threadsGiveTheSameNumbers() {
        List<Object> members = List.of(lj(0.0104, 3.40, 6.0), lj(0.0140, 3.30, 4.0), lj(0.0120, 3.35, 5.0));
        Atoms atoms = new Atoms(new int[] {AR, AR, AR}, X, Cell.NONE);
        double[] f1 = new double[9], f2 = new double[9], o1 = new double[3], o2 = new double[3];
        double e1, e2;
        try (ForceField ff = ensemble(Map.of("members", members))) {
            e1 = ff.compute(atoms, NeighborList.allPairs(3, 7.0), f1, null);
            ff.observables(o1);
        }
        try (ForceField ff = ensemble(Map.of("members", members, "threads", 3))) {
            e2 = ff.compute(atoms, NeighborList.allPairs(3, 7.0), f2, null);
            ff.observables(o2);
        }
        assertEquals(e1, e2, 0);
        assertArrayEquals(f1, f2, 0);
        assertArrayEquals(o1, o2, 0);
    }

    @Test
    void tooFewMembersAreRefusedNamingMembers() {
        for (List<Object> members : List.<List<Object>>of(List.of(), List.of(lj(0.0104, 3.40, 6.0)))) {
            ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class, () -> ensemble(Map.of("members", members)));
            assertEquals("members", e.key());
            assertTrue(e.getMessage().contains("at least 2 members, got " + members.size()), e.getMessage());
        }
        ForceFieldConfigException missing = assertThrows(ForceFieldConfigException.class, () -> ensemble(Map.of()));
        assertEquals("members", missing.key());
        ForceFieldConfigException notAList = assertThrows(ForceFieldConfigException.class, () -> ensemble(Map.of("members", "a.zip")));
        assertEquals("members", notAList.key());
    }

    @Test
    void badMembersAndWeightsAreLocated() {
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class,
                () -> ensemble(Map.of("members", List.of(lj(0.0104, 3.40, 6.0), Map.of("type", "lennard-jones", "cutof", 5.0)))));
        assertEquals("members[1].cutof", e.key());
        assertTrue(e.getMessage().contains("did you mean 'cutoff'"), e.getMessage());
        e = assertThrows(ForceFieldConfigException.class, () -> ensemble(Map.of("members", List.of(lj(0.0104, 3.40, 6.0), Map.of("cutoff", 5.0)))));
        assertEquals("members[1]", e.key());
        assertTrue(e.getMessage().contains("'type'"), e.getMessage());
        e = assertThrows(ForceFieldConfigException.class, () -> ensemble(Map.of("members", List.of(lj(0.0104, 3.40, 6.0), 3))));
        assertEquals("members[1]", e.key());
        e = assertThrows(ForceFieldConfigException.class, () -> ForceFields.create(new ForceFieldSpec("ensemble",
                Map.of("members", List.of(lj(0.0104, 3.40, 6.0), "missing.nqp")), dir)));
        assertEquals("members[1]", e.key());
        assertTrue(e.getMessage().contains("missing.nqp"), e.getMessage());
        e = assertThrows(ForceFieldConfigException.class,
                () -> ensemble(Map.of("members", List.of(lj(0.0104, 3.40, 6.0), lj(0.0104, 3.40, 6.0)), "weights", List.of(1.0))));
        assertEquals("weights", e.key());
        e = assertThrows(ForceFieldConfigException.class,
                () -> ensemble(Map.of("members", List.of(lj(0.0104, 3.40, 6.0), lj(0.0104, 3.40, 6.0)), "weights", List.of(1.0, -1.0))));
        assertEquals("weights[1]", e.key());
        e = assertThrows(ForceFieldConfigException.class,
                () -> ensemble(Map.of("members", List.of(lj(0.0104, 3.40, 6.0), lj(0.0104, 3.40, 6.0)), "thread", 2)));
        assertTrue(e.getMessage().contains("did you mean 'threads'"), e.getMessage());
    }

    @Test
    void elementsAreThoseEveryMemberSupports() {
        Map<String, Object> arKr = lj(0.0104, 3.40, 6.0);
        arKr.put("species", Map.of("Ar", Map.of("epsilon", 0.0104, "sigma", 3.4), "Kr", Map.of("epsilon", 0.014, "sigma", 3.65)));
        try (ForceField ff = ensemble(Map.of("members", List.of(arKr, lj(0.0104, 3.40, 6.0))))) {
            assertTrue(ff.supportsElement(AR));
            assertFalse(ff.supportsElement(KR));
        }
    }

    private void writeModel(String name, long seed) throws Exception {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 8}, 3.0, 1, true, 4, 2, 4, 1, 8, 3.0,
                new double[] {1, 1}, new double[] {-0.3, -2.0}, 1.0);
        NequipModelFile.write(dir.resolve(name), NequipModel.withRandomWeights(cfg, seed), "EnsembleForceFieldTest");
    }

    private ForceField create(Map<String, Object> member) {
        Map<String, Object> p = new LinkedHashMap<>(member);
        String type = (String) p.remove("type");
        return ForceFields.create(new ForceFieldSpec(type, p, dir));
    }

    @Test
    void mixedLearnedAndClassicalMembersAndGlobPatterns() throws Exception {
        Files.createDirectories(dir.resolve("snapshots"));
        writeModel("snapshots/b.nqp", 5);
        writeModel("snapshots/a.nqp", 3);
        Files.writeString(dir.resolve("snapshots/notes.txt"), "not a model");
        Map<String, Object> bonds = new LinkedHashMap<>(Map.of("type", "harmonic-bonds", "parameters", Map.of("default", Map.of("k", 30.0, "r0", 0.97))));
        Map<String, Object> learned = new LinkedHashMap<>(Map.of("type", "learned", "model", "snapshots/a.nqp", "threads", 2));
        double[] x = {0, 0, 0, 0.96, 0.05, 0, -0.24, 0.93, 0.02};
        Atoms water = new Atoms(new int[] {8, 1, 1}, x, Cell.NONE);
        NeighborList nl = NeighborList.allPairs(3, 4.0);

        List<Object> members = List.of("snapshots/*.nqp", bonds, learned);
        double[][] f = new double[4][9];
        double[] e = new double[4];
        try (ForceField a = create(Map.of("type", "learned", "model", "snapshots/a.nqp"));
             ForceField b = create(Map.of("type", "learned", "model", "snapshots/b.nqp"));
             ForceField h = create(bonds)) {
            e[0] = a.compute(water, nl, f[0], null);
            e[1] = b.compute(water, nl, f[1], null);
            e[2] = h.compute(water, nl, f[2], null);
        }
        assertTrue(Math.abs(e[0] - e[1]) > 1e-6, "two different models: " + e[0] + " " + e[1]);
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("ensemble", Map.of("members", members), dir))) {
            EnsembleForceField ens = (EnsembleForceField) ff;
            assertEquals(4, ens.size()); // a.nqp, b.nqp (sorted), bonds, a.nqp again
            assertEquals(3.0, ff.cutoffAngstrom());
            assertTrue(ff.supportsElement(8) && ff.supportsElement(1) && !ff.supportsElement(6));
            double energy = ff.compute(water, nl, f[3], null);
            assertEquals(e[0], ens.memberEnergy(0), 1e-12);
            assertEquals(e[1], ens.memberEnergy(1), 1e-12);
            assertEquals(e[2], ens.memberEnergy(2), 1e-12);
            assertEquals(e[0], ens.memberEnergy(3), 1e-12);
            assertEquals((2 * e[0] + e[1] + e[2]) / 4, energy, 1e-12);
            for (int c = 0; c < 9; c++) assertEquals((2 * f[0][c] + f[1][c] + f[2][c]) / 4, f[3][c], 1e-12);
            double[] obs = new double[3];
            ff.observables(obs);
            double m = (2 * e[0] + e[1] + e[2]) / 4;
            assertEquals(Math.sqrt((2 * Math.pow(e[0] - m, 2) + Math.pow(e[1] - m, 2) + Math.pow(e[2] - m, 2)) / 4), obs[0], 1e-12);
            for (double o : obs) assertTrue(Double.isFinite(o) && o > 0);
        }
    }

    @Test
    void aPatternThatMatchesNothingIsRefusedNamingIt() throws Exception {
        writeModel("a.nqp", 3);
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class,
                () -> ForceFields.create(new ForceFieldSpec("ensemble", Map.of("members", List.of("a.nqp", "run/snapshots/*.zip")), dir)));
        assertEquals("members[1]", e.key());
        assertTrue(e.getMessage().contains("'run/snapshots/*.zip' matches no file"), e.getMessage());
        // one file from a pattern is one member: still too few
        e = assertThrows(ForceFieldConfigException.class,
                () -> ForceFields.create(new ForceFieldSpec("ensemble", Map.of("members", List.of("*.nqp")), dir)));
        assertEquals("members", e.key());
        assertTrue(e.getMessage().contains("at least 2 members, got 1"), e.getMessage());
    }

    @Test
    void globsSortAndStayWithinTheirFolder() throws Exception {
        Files.createDirectories(dir.resolve("s/deeper"));
        for (String f : List.of("s/m10.zip", "s/m02.zip", "s/m01.zip", "s/deeper/m03.zip", "s/x.txt")) Files.writeString(dir.resolve(f), "");
        assertEquals(List.of(dir.resolve("s/m01.zip"), dir.resolve("s/m02.zip"), dir.resolve("s/m10.zip")), EnsembleProvider.glob(dir, "s/*.zip"));
        assertEquals(List.of(dir.resolve("s/deeper/m03.zip"), dir.resolve("s/m01.zip"), dir.resolve("s/m02.zip"), dir.resolve("s/m10.zip")),
                EnsembleProvider.glob(dir, "s/**.zip"));
        assertEquals(List.of(dir.resolve("s/m01.zip"), dir.resolve("s/m02.zip")), EnsembleProvider.glob(dir, "s/m0?.zip"));
        assertEquals(List.of(dir.resolve("s/m01.zip")), EnsembleProvider.glob(null, dir.resolve("s") + "/m01.{zip,nqp}"));
        assertEquals(List.of(), EnsembleProvider.glob(dir, "nowhere/*.zip"));
    }
}
