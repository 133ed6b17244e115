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
        return new TrainConfig.Source(file, format, Objective.ENERGY_AND_FORCES, "energy", "forces", "wb97x_dz", "data.train[0].file");
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
}
