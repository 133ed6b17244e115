package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.NpyWriter;
import md.forcefields.training.Objective;
import md.forcefields.training.TrainingFrame;

/** Units of every reader (exact factors), random and grouped splits. */
class TrainingDataTest {
    @TempDir Path dir;

    private static TrainConfig.Source source(Path file, String format) {
        return new TrainConfig.Source(file, format, Objective.ENERGY_AND_FORCES, format.equals("extxyz") ? "energy" : null,
                format.equals("extxyz") ? "forces" : null, "wb97x_dz", "data.train[0].file");
    }

    @Test
    void rmd17KilocaloriesPerMoleBecomeElectronvoltsExactly() throws Exception {
        Map<String, NpyArray> a = new LinkedHashMap<>();
        a.put("nuclear_charges", new NpyArray("nuclear_charges", "<f8", new int[] {2}, new double[] {1, 8}, null));
        a.put("coords", new NpyArray("coords", "<f8", new int[] {1, 2, 3}, new double[] {0, 0, 0, 0.96, 0, 0}, null));
        a.put("energies", new NpyArray("energies", "<f8", new int[] {1}, new double[] {-47_000.125}, null));
        a.put("forces", new NpyArray("forces", "<f8", new int[] {1, 2, 3}, new double[] {10, -2.5, 0, -10, 2.5, 0}, null));
        Path f = dir.resolve("x.npz");
        NpyWriter.writeNpz(f, a);
        TrainingFrame t = TrainingData.read(source(f, "npz")).get(0);
        // 1 kcal/mol = 4184 J / N_A / e, all three exact in the SI since 2019 (≈ 0.0433641 eV)
        assertEquals(4184.0 / 6.02214076e23 / 1.602176634e-19, Units.KCAL_PER_MOL_TO_EV, 0.0);
        assertEquals(0.0433641, Units.KCAL_PER_MOL_TO_EV, 5e-8);
        assertEquals(-47_000.125 * Units.KCAL_PER_MOL_TO_EV, t.energyEv(), 0.0);
        assertArrayEquals(new double[] {10 * Units.KCAL_PER_MOL_TO_EV, -2.5 * Units.KCAL_PER_MOL_TO_EV, 0, -10 * Units.KCAL_PER_MOL_TO_EV,
                2.5 * Units.KCAL_PER_MOL_TO_EV, 0}, t.forcesEvPerA(), 0.0);
        assertArrayEquals(new int[] {1, 8}, t.atomicNumbers());
        assertEquals("x", t.group());
    }

    @Test
    void extxyzElectronvoltsPassUnchanged() throws Exception {
        Files.writeString(dir.resolve("w.extxyz"), "2\nenergy=-13.25 Properties=species:S:1:pos:R:3:forces:R:3\nH 0 0 0 0.5 0 0\nO 0 0 1 -0.5 0 0\n");
        TrainingFrame t = TrainingData.read(source(dir.resolve("w.extxyz"), "extxyz")).get(0);
        assertEquals(-13.25, t.energyEv(), 0.0);
        assertArrayEquals(new double[] {0.5, 0, 0, -0.5, 0, 0}, t.forcesEvPerA(), 0.0);
    }

    @Test
    void aniHartreeBecomesElectronvoltsExactly() {
        String prop = System.getProperty("md.shared.data");
        Path f = (prop != null ? Path.of(prop) : Path.of("../shared/data")).resolve("ani/ani1_n5.hdf5");
        Assumptions.assumeTrue(Files.isRegularFile(f), "shared data not available: " + f);
        List<TrainingFrame> frames = TrainingData.read(source(f, "ani"));
        assertTrue(frames.size() > 1);
        assertEquals(27.211386245988, Units.HARTREE_TO_EV, 0.0); // CODATA 2018
        try (HdfFile h5 = new HdfFile(f)) {
            String group = frames.get(0).group();
            Dataset e = h5.getDatasetByPath(group + "/wb97x_dz.energy");
            double raw = ((double[]) e.getData())[0];
            assertEquals(raw * Units.HARTREE_TO_EV, frames.get(0).energyEv(), 0.0);
        }
    }

    @Test
    void randomSplitIsDisjointSizedAndSeeded() throws Exception {
        List<TrainingFrame> pool = TrainingData.read(source(TrainFixtures.extxyz(dir.resolve("m.extxyz"), 20, 3, 4), "extxyz"));
        TrainingData a = TrainingData.random(pool, new TrainConfig.Split("random", 12, 5, null, 9), List.of());
        assertEquals(12, a.train().size());
        assertEquals(5, a.validation().size());
        assertEquals(3, a.test().size()); // the rest, as no test files are given
        Set<TrainingFrame> seen = new HashSet<>();
        for (List<TrainingFrame> part : List.of(a.train(), a.validation(), a.test())) for (TrainingFrame f : part) assertTrue(seen.add(f));
        TrainingData again = TrainingData.random(pool, new TrainConfig.Split("random", 12, 5, null, 9), List.of());
        assertEquals(a.validation(), again.validation());
        TrainingData other = TrainingData.random(pool, new TrainConfig.Split("random", 12, 5, null, 10), List.of());
        assertTrue(!a.validation().equals(other.validation()));
    }

    @Test
    void groupedSplitKeepsEveryMoleculeOnOneSide() throws Exception {
        List<TrainingFrame> pool = TrainingData.read(source(TrainFixtures.extxyz(dir.resolve("m.extxyz"), 20, 3, 4), "extxyz"));
        TrainingData d = TrainingData.grouped(pool, new TrainConfig.Split("grouped", null, 1, 1, 5), List.of());
        Set<String> train = new HashSet<>(), val = new HashSet<>(), test = new HashSet<>();
        d.train().forEach(f -> train.add(f.group()));
        d.validation().forEach(f -> val.add(f.group()));
        d.test().forEach(f -> test.add(f.group()));
        assertEquals(2, train.size());
        assertEquals(1, val.size());
        assertEquals(1, test.size());
        assertTrue(java.util.Collections.disjoint(train, val) && java.util.Collections.disjoint(train, test) && java.util.Collections.disjoint(val, test));
        assertEquals(20, d.train().size() + d.validation().size() + d.test().size());
    }

    private static NpyArray array(String name, int[] shape, double... data) { return new NpyArray(name, "<f8", shape, data, null); }

    @Test
    void qm7xLayoutIsElectronvoltsAndPaddedAtomsAreDropped() throws Exception {
        // two frames of different molecules in one file: atomic number 0 pads the shorter one
        Map<String, NpyArray> a = new LinkedHashMap<>();
        a.put("atNUM", array("atNUM", new int[] {2, 3}, 8, 1, 1, 0, 1, 6));
        a.put("atXYZ", array("atXYZ", new int[] {2, 3, 3}, 0, 0, 0, 0.96, 0, 0, 0, 0.96, 0, /* frame 1 */ 9, 9, 9, 0, 0, 0, 1.09, 0, 0));
        a.put("ePBE0+MBD", array("ePBE0+MBD", new int[] {2, 1}, -2000.5, -1100.25));
        a.put("totFOR", array("totFOR", new int[] {2, 3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9, /* frame 1 */ 99, 99, 99, -1, 0, 0, 1, 0, 0));
        Path f = dir.resolve("q.npz");
        NpyWriter.writeNpz(f, a);
        List<TrainingFrame> t = TrainingData.read(source(f, "npz"));
        assertArrayEquals(new int[] {8, 1, 1}, t.get(0).atomicNumbers());
        assertEquals(-2000.5, t.get(0).energyEv(), 0.0);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, t.get(0).forcesEvPerA(), 0.0);
        assertArrayEquals(new int[] {1, 6}, t.get(1).atomicNumbers()); // the padding row (position 9, 9, 9) is gone
        assertArrayEquals(new double[] {0, 0, 0, 1.09, 0, 0}, t.get(1).positions(), 0.0);
        assertArrayEquals(new double[] {-1, 0, 0, 1, 0, 0}, t.get(1).forcesEvPerA(), 0.0);
    }

    @Test
    void energyUnitFramesAndRepeatSelectWhatEntersThePool() throws Exception {
        // MD17 key names, but eV (as the QM7-X subset in shared/data): energy_unit says so
        int frames = 6;
        double[] z = {1, 1}, r = new double[frames * 6], e = new double[frames], fo = new double[frames * 6];
        for (int k = 0; k < frames; k++) { r[6 * k + 3] = 0.7 + 0.01 * k; e[k] = -k; fo[6 * k] = k; fo[6 * k + 3] = -k; }
        Map<String, NpyArray> a = new LinkedHashMap<>();
        a.put("R", array("R", new int[] {frames, 2, 3}, r));
        a.put("z", array("z", new int[] {2}, z));
        a.put("E", array("E", new int[] {frames}, e));
        a.put("F", array("F", new int[] {frames, 2, 3}, fo));
        Path f = dir.resolve("h2.npz");
        NpyWriter.writeNpz(f, a);
        TrainConfig.Source kcal = source(f, "npz");
        assertEquals(-5 * Units.KCAL_PER_MOL_TO_EV, TrainingData.read(kcal).get(5).energyEv(), 0.0);
        TrainConfig.Source ev = new TrainConfig.Source(f, "npz", Objective.FORCES, null, null, "wb97x_dz", "w", "eV",
                FrameSelection.parseSlice("1::2"), 1);
        List<TrainingFrame> odd = TrainingData.read(ev);
        assertEquals(List.of(-1.0, -3.0, -5.0), odd.stream().map(TrainingFrame::energyEv).toList());
        TrainConfig.Source picked = new TrainConfig.Source(f, "npz", Objective.EQUILIBRIUM, null, null, "wb97x_dz", "w", "eV",
                FrameSelection.ofIndices("[-1, 0]", new int[] {-1, 0}), 3);
        List<TrainingFrame> rep = TrainingData.read(picked);
        assertEquals(List.of(-5.0, 0.0, -5.0, 0.0, -5.0, 0.0), rep.stream().map(TrainingFrame::energyEv).toList());
        assertEquals(Objective.EQUILIBRIUM, rep.get(0).objective());
        TrainConfig.Source outside = new TrainConfig.Source(f, "npz", Objective.FORCES, null, null, "wb97x_dz", "w", null,
                FrameSelection.ofIndices("[6]", new int[] {6}), 1);
        md.engine.cli.UserError err = org.junit.jupiter.api.Assertions.assertThrows(md.engine.cli.UserError.class, () -> TrainingData.read(outside));
        assertTrue(err.getMessage().contains("h2.npz") && err.getMessage().contains("frame 6 selected, but the file has 6 frames"), err.getMessage());
        TrainConfig.Source none = new TrainConfig.Source(f, "npz", Objective.FORCES, null, null, "wb97x_dz", "w", null,
                FrameSelection.parseSlice("4:2"), 1);
        err = org.junit.jupiter.api.Assertions.assertThrows(md.engine.cli.UserError.class, () -> TrainingData.read(none));
        assertTrue(err.getMessage().contains("selects none of its 6 frames"), err.getMessage());
    }

    @Test
    void sharedQm7xSubsetsReadAsMolecules() throws Exception {
        String prop = System.getProperty("md.shared.data");
        Path base = prop != null ? Path.of(prop) : Path.of("../shared/data");
        Path small = base.resolve("qm7x/qm7x_250_small.npz"), one = base.resolve("qm7x/qm7x_226.npz");
        Assumptions.assumeTrue(Files.isRegularFile(small) && Files.isRegularFile(one), "shared data not available: " + small);
        TrainConfig.Source s = new TrainConfig.Source(small, "npz", Objective.FORCES, null, null, "wb97x_dz", "w", "eV", null, 1);
        List<TrainingFrame> frames = TrainingData.read(s);
        assertEquals(2500, frames.size());
        Set<Integer> sizes = new HashSet<>();
        for (TrainingFrame t : frames) {
            sizes.add(t.atomicNumbers().length);
            for (int zi : t.atomicNumbers()) assertTrue(zi > 0);
            // PBE0+MBD total energies of small organic molecules: thousands of eV, negative
            assertTrue(t.energyEv() < -1000 && t.energyEv() > -30000, "energy " + t.energyEv());
            assertEquals(3 * t.atomicNumbers().length, t.forcesEvPerA().length);
        }
        assertEquals(20, sizes.size()); // 4 to 23 atoms
        List<TrainingFrame> m226 = TrainingData.read(source(one, "npz"));
        assertEquals(100, m226.size());
        assertEquals(18, m226.get(0).atomicNumbers().length);
        assertEquals(-6410.478429, m226.get(0).energyEv(), 1e-9); // eV as stored, no conversion
    }
}
