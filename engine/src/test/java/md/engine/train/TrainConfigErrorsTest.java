package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.cli.UserError;

/** Bad configurations and unreadable data give one-paragraph errors naming the file, the line or key, and what was expected. */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class TrainConfigErrorsTest {
    @TempDir Path dir;

    private String error(String yaml) throws IOException {
        TrainFixtures.extxyz(dir.resolve("d.extxyz"), 14, 1, 3);
        Path p = dir.resolve("t.yaml");
        Files.writeString(p, yaml);
        UserError e = assertThrows(UserError.class, () -> TrainingData.load(TrainConfigLoader.load(p).data()));
        return e.getMessage();
    }

    private static final String DATA = "data:\n  train: [{file: d.extxyz}]\n  split: {n_train: 8, n_val: 3}\noutput: {directory: out}\n";

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "'" + p + "' missing from: " + message);
    }

    @Test
    void unknownKeysAreNamedWithTheirLine() throws IOException {
        String m = error(DATA + "training:\n  max_epochs: 3\n  learning_rat: 0.01\n");
        contains(m, "t.yaml", "line 7", "key 'training.learning_rat'", "unknown key", "learning_rate");
    }

    @Test
    void wrongValuesSayWhatWasExpected() throws IOException {
        contains(error(DATA + "training: {learning_rate: fast}\n"), "key 'training.learning_rate'", "expected a learning rate", "'fast'");
        contains(error(DATA + "training: {ema_decay: 1.5}\n"), "key 'training.ema_decay'", "[0, 1)");
        contains(error(DATA + "model: {l_max: -1}\n"), "key 'model.l_max'", "whole number >= 0");
        contains(error(DATA + "training: {optimizer: sgd}\n"), "key 'training.optimizer'", "adam, adamw", "'sgd'");
        contains(error(DATA.replace("{file: d.extxyz}", "{file: d.extxyz, objective: energies}")), "key 'data.train[0].objective'",
                "energy_forces, forces, equilibrium");
    }

    @Test
    void theModelSectionNamesAFamilyAndItsOptions() throws IOException {
        contains(error(DATA + "model: {family: schnet}\n"), "key 'model.family'", "unknown model family 'schnet'", "expected one of", "nequip");
        contains(error(DATA + "model:\n  family: nequip\n  num_layer: 3\n"), "line 7", "key 'model.num_layer'", "unknown key", "num_layers");
        contains(error(DATA + "model: [1, 2]\n"), "key 'model'", "expected a mapping");
        // a family's md import kind names it too
        Files.writeString(dir.resolve("k.yaml"), DATA + "model: {family: se3t, num_layers: 1}\n");
        assertEquals("se3-transformer", TrainConfigLoader.load(dir.resolve("k.yaml")).model().family().name());
    }

    @Test
    void helpListsTheTrainableFamiliesAndTheirOptions() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(0, md.engine.cli.Main.run(new String[] {"train", "--help"}, new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
        } finally {
            System.setOut(old);
        }
        contains(out.toString(java.nio.charset.StandardCharsets.UTF_8), "model families", "nequip", "l_max: 1", "r_max: 4.0", "geomatt");
    }

    @Test
    void missingPiecesAreReported() throws IOException {
        contains(error("output: {directory: out}\n"), "t.yaml", "missing key 'data'");
        contains(error("data:\n  train: [{file: d.extxyz}]\noutput: {directory: out}\n"), "give either 'validation'", "'split'");
        contains(error(DATA.replace("d.extxyz", "nothere.npz")), "key 'data.train[0].file'", "file not found", "nothere.npz");
        contains(error(DATA.replace("n_train: 8", "n_train: 80")), "data.split", "needs more frames than the 14");
        Files.writeString(dir.resolve("d.txt"), "not data");
        contains(error(DATA.replace("d.extxyz", "d.txt")), "cannot tell the format", "format: npz, extxyz or ani");
    }

    @Test
    void unreadableOrUnlabelledDataNamesTheFile() throws IOException {
        Files.write(dir.resolve("junk.npz"), new byte[] {1, 2, 3, 4, 5});
        contains(error(DATA.replace("d.extxyz", "junk.npz")), "junk.npz", "cannot read as NumPy .npz");
        Files.writeString(dir.resolve("noforces.extxyz"), "2\nenergy=-1.0 Properties=species:S:1:pos:R:3\nH 0 0 0\nO 0 0 1\n");
        contains(error(DATA.replace("d.extxyz", "noforces.extxyz")), "noforces.extxyz, frame 0", "objective energy_forces needs an energy and forces",
                "no forces");
        contains(error(DATA.replace("{file: d.extxyz}", "{file: d.extxyz, frames: \"a:3\"}")), "key 'data.train[0].frames'", "'a' is not an integer");
        contains(error(DATA.replace("{file: d.extxyz}", "{file: d.extxyz, frames: [99]}")), "d.extxyz", "'frames' [99]", "frame 99 selected, but the file has 14 frames");
        contains(error(DATA.replace("{file: d.extxyz}", "{file: d.extxyz, energy_unit: eV}")), "key 'data.train[0].energy_unit'", ".npz files only");
        contains(error(DATA.replace("{file: d.extxyz}", "{file: d.extxyz, repeat: 0}")), "key 'data.train[0].repeat'", "whole number >= 1");
        Files.writeString(dir.resolve("broken.yaml"), "data: [unclosed\n");
        UserError e = assertThrows(UserError.class, () -> TrainConfigLoader.load(dir.resolve("broken.yaml")));
        contains(e.getMessage(), "broken.yaml", "not valid YAML");
    }

    @Test
    void resumeWithoutCheckpointAndFreshRunOverOldOneAreRefused() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("m.extxyz"), 14, 1, 3);
        Path cfg = TrainFixtures.config(dir, data, 1, "");
        UserError e = assertThrows(UserError.class, () -> new TrainingRun(TrainConfigLoader.load(cfg), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false).run(true));
        contains(e.getMessage(), "checkpoint-last.npz", "no checkpoint to resume from");
        new TrainingRun(TrainConfigLoader.load(cfg), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false).run(false);
        e = assertThrows(UserError.class, () -> new TrainingRun(TrainConfigLoader.load(cfg), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false).run(false));
        contains(e.getMessage(), "exists", "--resume");
        // a changed model section cannot continue the old checkpoint
        Files.writeString(cfg, Files.readString(cfg).replace("num_features: 4", "num_features: 6"));
        e = assertThrows(UserError.class, () -> new TrainingRun(TrainConfigLoader.load(cfg), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false).run(true));
        contains(e.getMessage(), "different model section");
    }
}
