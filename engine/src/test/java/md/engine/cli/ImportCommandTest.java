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
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
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

    /**
     * nequip 0.6's default builder list has StressForceOutput (minimal.yaml, nequip-train's defaults), whose
     * state_dict has one more entry, the empty buffer 'model.model._empty': the import gives nequip's reference
     * energies and forces, and the model's virial equals Σ_i r_i ⊗ F_i of nequip's reference forces (an isolated
     * molecule: translation invariance makes the pair virial −Σ r_ij ⊗ ∂E/∂r_ij that sum).
     */
    @Test void importsTheStressForceOutputBuilderListAndItsEmptyBuffer() throws Exception {
        Path config = dir.resolve("config.yaml");
        String yaml = Files.readString(fixture("config.yaml"));
        String forceBuilders = "model_builders: [SimpleIrrepsConfig, EnergyModel, PerSpeciesRescale, ForceOutput,\n  RescaleEnergyEtc]\n";
        assertTrue(yaml.contains(forceBuilders), "the fixture's builder list");
        Files.writeString(config, yaml.replace(forceBuilders,
                "model_builders: [SimpleIrrepsConfig, EnergyModel, PerSpeciesRescale, StressForceOutput, RescaleEnergyEtc]\n"));
        Map<String, NpyArray> sd = new LinkedHashMap<>(Npz.read(fixture("weights.npz")));
        sd.put("model.model._empty", new NpyArray("model.model._empty", "<f8", new int[] {0}, new double[0], null));
        Path weights = dir.resolve("stress.npz");
        NpyWriter.writeNpz(weights, sd);
        Path out = dir.resolve("stress.nqp");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        System.setOut(new PrintStream(said));
        int rc;
        try {
            rc = Main.run(new String[] {"import", "nequip", config.toString(), weights.toString(), "-o", out.toString()}, new PrintStream(err));
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, rc, err.toString());
        assertTrue(said.toString().contains("virial"), said.toString());
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        int[] z = frames.get("z").asInts();
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", out.toString()), null))) {
            for (int k = 0; k < 12; k++) {
                double[] f = new double[3 * z.length], w = new double[9];
                double[] r = frames.get("R").slice(k), fr = frames.get("F").slice(k);
                double e = ff.compute(new Atoms(z, r, Cell.NONE), NeighborList.allPairs(z.length, 5), f, w);
                assertEquals(frames.get("E").data()[k], e, 1e-10, "frame " + k);
                for (int i = 0; i < f.length; i++) assertEquals(fr[i], f[i], 1e-10, "frame " + k + " force " + i);
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++) {
                        double expected = 0;
                        for (int i = 0; i < z.length; i++) expected += r[3 * i + a] * fr[3 * i + b];
                        assertEquals(expected, w[3 * a + b], 1e-9, "frame " + k + " virial " + a + b);
                    }
            }
        }
        // a non-empty '_empty' is not StressForceOutput's buffer
        sd.put("model.model._empty", new NpyArray("model.model._empty", "<f8", new int[] {1}, new double[] {1}, null));
        NpyWriter.writeNpz(weights, sd);
        err.reset();
        rc = Main.run(new String[] {"import", "nequip", config.toString(), weights.toString(), "-o", dir.resolve("bad.nqp").toString()}, new PrintStream(err));
        assertEquals(2, rc);
        assertTrue(err.toString().contains("model.model._empty: should be StressForceOutput's empty buffer"), err.toString());
    }

    /** Runs /usr/bin/python3 with {@code script}; the test is skipped when that Python lacks torch. */
    static void python(String script, String... args) throws Exception {
        Path py = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(py), "no /usr/bin/python3");
        Assumptions.assumeTrue(md.core.PythonWorker.imports(py.toString(), "torch, numpy"), "/usr/bin/python3 has no torch (Debian: python3-torch)");
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("-c", script));
        argv.addAll(java.util.List.of(args));
        md.core.PythonWorker.Result r = md.core.PythonWorker.run(py.toString(), argv, 300);
        assertEquals(0, r.exitCode(), r.output());
    }

    /**
     * A nequip-train run folder as nequip 0.6 leaves it: config.yaml (the fixture's, with nequip's default builder
     * list, StressForceOutput) and best_model.pth written by torch.save of the fixture's state_dict plus
     * StressForceOutput's empty buffer. {@code md import nequip FOLDER} reads the .pth without Python and gives
     * nequip's reference energies and forces, and the same model as the .npz route.
     */
    @Test void importsANequipRunFolderWithItsTorchSavedBestModel() throws Exception {
        Path run = Files.createDirectories(dir.resolve("results/aspirin/minimal"));
        String yaml = Files.readString(fixture("config.yaml"));
        String forceBuilders = "model_builders: [SimpleIrrepsConfig, EnergyModel, PerSpeciesRescale, ForceOutput,\n  RescaleEnergyEtc]\n";
        assertTrue(yaml.contains(forceBuilders), "the fixture's builder list");
        Files.writeString(run.resolve("config.yaml"), yaml.replace(forceBuilders,
                "model_builders: [SimpleIrrepsConfig, EnergyModel, PerSpeciesRescale, StressForceOutput, RescaleEnergyEtc]\n"
                + "optimizer_betas: !!python/tuple\n- 0.9\n- 0.999\n"));
        python("""
                import collections, sys, numpy as np, torch
                w = np.load(sys.argv[1])
                sd = collections.OrderedDict((k, torch.from_numpy(w[k])) for k in w.files)
                sd['model.model._empty'] = torch.zeros(0, dtype=torch.float64)
                torch.save(sd, sys.argv[2])
                """, fixture("weights.npz").toString(), run.resolve("best_model.pth").toString());
        Path out = dir.resolve("from-run.nqp"), viaNpz = dir.resolve("from-npz.nqp");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"import", "nequip", run.toString(), "-o", out.toString()}, new PrintStream(err)), err.toString());
        assertEquals(0, Main.run(new String[] {"import", "nequip", fixture("config.yaml").toString(), fixture("weights.npz").toString(), "-o",
                viaNpz.toString()}, new PrintStream(err)), err.toString());
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        int[] z = frames.get("z").asInts();
        try (ForceField a = ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", out.toString()), null));
             ForceField b = ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", viaNpz.toString()), null))) {
            for (int k = 0; k < 12; k++) {
                double[] fa = new double[3 * z.length], fb = new double[3 * z.length];
                Atoms atoms = new Atoms(z, frames.get("R").slice(k), Cell.NONE);
                double ea = a.compute(atoms, NeighborList.allPairs(z.length, 5), fa, null);
                double eb = b.compute(atoms, NeighborList.allPairs(z.length, 5), fb, null);
                assertEquals(frames.get("E").data()[k], ea, 1e-10, "frame " + k);
                assertEquals(eb, ea, 0.0, "frame " + k + ": .pth and .npz give one model");
                assertArrayEquals(fb, fa, 0.0, "frame " + k);
                double[] fr = frames.get("F").slice(k);
                for (int i = 0; i < fa.length; i++) assertEquals(fr[i], fa[i], 1e-10, "frame " + k + " force " + i);
            }
        }
        // a folder that is not a nequip run
        err.reset();
        assertEquals(2, Main.run(new String[] {"import", "nequip", dir.toString(), "-o", dir.resolve("x.nqp").toString()}, new PrintStream(err)));
        assertTrue(err.toString().contains("no config.yaml in this folder"), err.toString());
    }
}
