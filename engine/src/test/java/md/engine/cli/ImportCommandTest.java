package md.engine.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.core.io.NpyArray;
import md.core.io.NpyWriter;
import md.core.io.Npz;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;

/** {@code md import nequip} on the reference fixture, then the model through the force-field SPI. */
class ImportCommandTest {

    @TempDir Path dir;

    static Path fixture(String file) {
        String prop = System.getProperty("md.shared.data");
        Path p = (prop != null ? Path.of(prop) : Path.of("../shared/data")).resolve("nequip-reference/aspirin-l2/" + file);
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared data not available: " + p);
        return p;
    }

    @Test void importsTheReferenceModelAndReproducesItsEnergies() throws Exception {
        Path out = dir.resolve("aspirin.nqp");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"import", "nequip", fixture("config.yaml").toString(), fixture("weights.npz").toString(), "-o", out.toString()},
                new PrintStream(err));
        assertEquals(0, rc, err.toString());
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        int[] z = frames.get("z").asInts();
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", out.toString()), null))) {
            for (int k = 0; k < 12; k++) {
                double[] f = new double[3 * z.length];
                double e = ff.compute(new Atoms(z, frames.get("R").slice(k), Cell.NONE), NeighborList.allPairs(z.length, 5), f, null);
                assertEquals(frames.get("E").data()[k], e, 1e-10, "frame " + k);
                double[] fr = frames.get("F").slice(k);
                for (int i = 0; i < f.length; i++) assertEquals(fr[i], f[i], 1e-10, "frame " + k + " force " + i);
            }
        }
    }

    @Test void importsAModelWhoseBesselFrequenciesAreAFixedBuffer() throws Exception {
        // The same state_dict with BesselBasis_trainable: false: the frequencies (the fixture's, not nπ) are then a
        // buffer, and must still be the ones the model file computes with, so nequip's energies come out.
        Path config = dir.resolve("config.yaml");
        String yaml = Files.readString(fixture("config.yaml"));
        assertTrue(yaml.contains("BesselBasis_trainable: true\n"));
        Files.writeString(config, yaml.replace("BesselBasis_trainable: true\n", "BesselBasis_trainable: false\n"));
        Path out = dir.resolve("fixed.nqp");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"import", "nequip", config.toString(), fixture("weights.npz").toString(), "-o", out.toString()},
                new PrintStream(err));
        assertEquals(0, rc, err.toString());
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        int[] z = frames.get("z").asInts();
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", out.toString()), null))) {
            for (int k : new int[] {0, 5, 9, 11}) {
                double[] f = new double[3 * z.length];
                double e = ff.compute(new Atoms(z, frames.get("R").slice(k), Cell.NONE), NeighborList.allPairs(z.length, 5), f, null);
                assertEquals(frames.get("E").data()[k], e, 1e-10, "frame " + k);
                double[] fr = frames.get("F").slice(k);
                for (int i = 0; i < f.length; i++) assertEquals(fr[i], f[i], 1e-10, "frame " + k + " force " + i);
            }
        }
    }

    @Test void aTensorTheModelDoesNotUseIsNamed() throws Exception {
        Map<String, NpyArray> sd = new LinkedHashMap<>(Npz.read(fixture("weights.npz")));
        String key = "model.model.func.layer0_convnet.extra_norm.weight";
        sd.put(key, new NpyArray(key, "<f8", new int[] {16}, new double[16], null));
        Path weights = dir.resolve("extra.npz");
        NpyWriter.writeNpz(weights, sd);
        Path out = dir.resolve("extra.nqp");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"import", "nequip", fixture("config.yaml").toString(), weights.toString(), "-o", out.toString()},
                new PrintStream(err));
        assertEquals(2, rc);
        assertTrue(err.toString().contains(key + ": is not used"), err.toString());
        assertFalse(Files.exists(out), "no model file is written");
    }

    @Test void aMissingOutputFolderIsCreatedAndAFileInTheWayIsNamed() throws Exception {
        Path out = dir.resolve("new/sub/aspirin.nqp");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"import", "nequip", fixture("config.yaml").toString(), fixture("weights.npz").toString(), "-o", out.toString()},
                new PrintStream(err));
        assertEquals(0, rc, err.toString());
        assertTrue(Files.isRegularFile(out));
        Files.writeString(dir.resolve("plain"), "x");
        err.reset();
        rc = Main.run(new String[] {"import", "nequip", fixture("config.yaml").toString(), fixture("weights.npz").toString(), "-o",
                dir.resolve("plain/m.nqp").toString()}, new PrintStream(err));
        assertEquals(2, rc, err.toString());
        assertTrue(err.toString().contains("the folder " + dir.resolve("plain") + " (for -o") && err.toString().contains("is a regular file, not a folder") && !err.toString().contains("\tat "), err.toString());
    }

    @Test void userMistakesGiveOneLineErrors() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"import", "nequip", dir.resolve("nope.yaml").toString(), "w.npz", "-o", "m.nqp"}, new PrintStream(err));
        assertEquals(2, rc);
        assertTrue(err.toString().contains("nope.yaml: no such file"), err.toString());
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "r_max: 4.0\nl_max: [oops\n");
        err.reset();
        rc = Main.run(new String[] {"import", "nequip", bad.toString(), fixture("weights.npz").toString(), "-o", dir.resolve("m.nqp").toString()},
                new PrintStream(err));
        assertEquals(2, rc);
        assertTrue(err.toString().contains("bad.yaml: not valid YAML"), err.toString());
        err.reset();
        rc = Main.run(new String[] {"import", "mace", "a", "b", "-o", "c"}, new PrintStream(err));
        assertEquals(2, rc);
        // other families add their kinds to the list
        assertTrue(err.toString().contains("supported: ") && err.toString().contains("nequip"), err.toString());
    }
}
