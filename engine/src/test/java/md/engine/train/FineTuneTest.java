package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.cli.UserError;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;

/**
 * Pre-train → fine-tune: {@code model: {init_from: MODEL, freeze: [...]}} starts training from a model
 * file's architecture and weights; frozen parameters stay exactly as they were, the others move; the
 * fine-tune starts from the pre-trained loss, not from scratch; it resumes bit-identically; mistakes are
 * located.
 */
class FineTuneTest {
    @TempDir Path dir;

    static final String FINE_TUNE = "{init_from: ../pre/out/model.nqp, freeze: [\"layer0_*\", \"chemical_embedding.*\"]}";

    /** The configuration of TrainFixtures.config with another model section. */
    static Path config(Path folder, Path data, int epochs, String model) throws Exception {
        Path p = TrainFixtures.config(folder, data, epochs, "");
        String yaml = Files.readString(p).replaceAll("(?m)^model: .*$", "model: " + model.replace("\\", "\\\\").replace("$", "\\$"));
        Files.writeString(p, yaml);
        return p;
    }

    /** The training loss of each epoch (metrics.csv). */
    static double[] trainLosses(Path metrics) throws Exception {
        List<String> rows = Files.readAllLines(metrics);
        int col = Arrays.asList(rows.get(0).split(",")).indexOf("train_loss");
        double[] out = new double[rows.size() - 1];
        for (int k = 1; k < rows.size(); k++) out[k - 1] = Double.parseDouble(rows.get(k).split(",")[col]);
        return out;
    }

    @Test
    void frozenPartsStayAndTheRestLearnsFromThePretrainedStart() throws Exception {
        Path pre = Files.createDirectories(dir.resolve("pre")), fine = Files.createDirectories(dir.resolve("fine"));
        Path data = TrainFixtures.extxyz(pre.resolve("morse.extxyz"), 14, 1, 3);
        Files.copy(data, fine.resolve("morse.extxyz"));
        TrainFixtures.run("train", TrainFixtures.config(pre, data, 6, "").toString());
        TrainFixtures.run("train", config(fine, fine.resolve("morse.extxyz"), 2, FINE_TUNE).toString());

        LearnedModel before = ModelFile.read(pre.resolve("out/model.nqp")), after = ModelFile.read(fine.resolve("out/model.nqp"));
        assertEquals(md.core.io.Json.write(before.architecture().spec()), md.core.io.Json.write(after.architecture().spec()));
        int frozen = 0, moved = 0;
        for (Map.Entry<String, double[]> e : before.parameters().entrySet()) {
            boolean isFrozen = e.getKey().startsWith("layer0_") || e.getKey().startsWith("chemical_embedding.");
            boolean same = Arrays.equals(e.getValue(), after.parameters().get(e.getKey()));
            if (isFrozen) { assertTrue(same, "frozen parameter " + e.getKey() + " changed"); frozen++; }
            else if (before.architecture().parameters().get(e.getKey()).trainable() && !same) moved++;
        }
        assertTrue(frozen >= 3 && moved >= 3, "frozen " + frozen + ", trained and changed " + moved);
        double[] scratch = trainLosses(pre.resolve("out/metrics.csv")), tuned = trainLosses(fine.resolve("out/metrics.csv"));
        System.out.printf("fine-tune: training loss per epoch from scratch %s; fine-tune from the pre-trained model %s%n", Arrays.toString(scratch),
                Arrays.toString(tuned));
        // it continues where pre-training got to (same data), rather than starting again from the first epoch's loss
        assertTrue(tuned[0] < scratch[2], "the fine-tune must start from the pre-trained weights: " + tuned[0] + " vs " + Arrays.toString(scratch));
    }

    @Test
    void aFineTuneResumesBitIdentically() throws Exception {
        Path pre = Files.createDirectories(dir.resolve("pre"));
        Path data = TrainFixtures.extxyz(pre.resolve("morse.extxyz"), 14, 2, 3);
        TrainFixtures.run("train", TrainFixtures.config(pre, data, 2, "").toString());
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        Files.copy(data, a.resolve("morse.extxyz"));
        Files.copy(data, b.resolve("morse.extxyz"));
        String model = FINE_TUNE.replace("../pre", dir.resolve("pre").toString());
        TrainFixtures.run("train", config(a, a.resolve("morse.extxyz"), 3, model).toString());
        TrainFixtures.run("train", config(b, b.resolve("morse.extxyz"), 1, model).toString());
        config(b, b.resolve("morse.extxyz"), 3, model);
        TrainFixtures.run("train", b.resolve("train.yaml").toString(), "--resume");
        Map<String, NpyArray> ca = Npz.read(a.resolve("out/checkpoint-last.npz")), cb = Npz.read(b.resolve("out/checkpoint-last.npz"));
        assertEquals(ca.keySet(), cb.keySet());
        assertTrue(ca.keySet().stream().noneMatch(k -> k.startsWith("adam_m/layer0_")), "frozen parameters have no optimizer state");
        for (String k : ca.keySet()) if (!k.equals("state/scalars")) assertArrayEquals(ca.get(k).data(), cb.get(k).data(), 0.0, k);
        // resuming with another freeze list is refused, naming the parameter
        config(b, b.resolve("morse.extxyz"), 4, model.replace(", \"chemical_embedding.*\"", ""));
        UserError e = assertThrows(UserError.class, () -> new TrainingRun(TrainConfigLoader.load(b.resolve("train.yaml")),
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), false).run(true));
        assertTrue(e.getMessage().contains("frozen parameter 'chemical_embedding") && e.getMessage().contains("model.freeze"), e.getMessage());
    }

    @Test
    void mistakesAreLocated() throws Exception {
        Path pre = Files.createDirectories(dir.resolve("pre")), fine = Files.createDirectories(dir.resolve("fine"));
        Path data = TrainFixtures.extxyz(pre.resolve("morse.extxyz"), 14, 1, 3);
        TrainFixtures.run("train", TrainFixtures.config(pre, data, 1, "").toString());
        Files.copy(data, fine.resolve("morse.extxyz"));
        for (String[] c : new String[][] {
                {"{init_from: ../pre/out/model.nqp, num_layers: 3}", "key 'model.num_layers'", "init_from takes the architecture"},
                {"{init_from: ../pre/out/model.nqp, freeze: [\"no_such_*\"]}", "key 'model.freeze[0]'", "matches no trainable parameter"},
                {"{init_from: ../pre/out/model.nqp, family: geomatt}", "key 'model.family'", "differs from the family of init_from"},
                {"{init_from: ../pre/out/nothere.nqp}", "key 'model.init_from'", "nothere.nqp"},
                {"{freeze: [\"layer0_*\"]}", "key 'model.freeze'", "freeze needs init_from"}}) {
            Path p = config(fine, fine.resolve("morse.extxyz"), 1, c[0]);
            UserError e = assertThrows(UserError.class, () -> TrainConfigLoader.load(p), c[0]);
            for (int k = 1; k < c.length; k++) assertTrue(e.getMessage().contains(c[k]), c[k] + " in: " + e.getMessage());
        }
    }
}
