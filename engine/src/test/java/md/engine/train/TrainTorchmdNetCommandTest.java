package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.cli.Main;
import md.engine.cli.UserError;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.training.ModelEvaluation;
import md.forcefields.training.TrainingFrame;

/**
 * {@code md train} with {@code model: {family: torchmdnet-et, ...}} on the Morse-labelled fixture: the loss
 * falls, the model file is an ET that {@code type: learned} evaluates (finite, equal to the evaluation the
 * report used), and {@code --resume} continues exactly.
 */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class TrainTorchmdNetCommandTest {
    @TempDir Path dir;

    private static final String MODEL = "{family: torchmdnet-et, embedding_dimension: 8, num_layers: 2, num_rbf: 8, num_heads: 2, cutoff_upper: 4.0, max_z: 10}";


    private static Path config(Path dir, Path data, int epochs) throws Exception {
        String yaml = """
                seed: 4
                threads: 2
                data:
                  train: [{file: %s}]
                  split: {n_train: 8, n_val: 3, n_test: 3}
                model: %s
                training:
                  max_epochs: %d
                  batch_size: 2
                  learning_rate: 0.005
                  ema_decay: 0.5
                output: {directory: out, model: out/et.model}
                """.formatted(data.getFileName(), MODEL, epochs);
        Path p = dir.resolve("train.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    private static double[] column(List<String> rows, String name) {
        int c = List.of(rows.get(0).split(",")).indexOf(name);
        return rows.stream().skip(1).mapToDouble(r -> Double.parseDouble(r.split(",")[c])).toArray();
    }

    @Test
    void trainsAnEquivariantTransformerThatLearnedForceFieldsEvaluate() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 1, 3);
        TrainFixtures.run("train", config(dir, data, 8).toString());
        Path out = dir.resolve("out");
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(9, rows.size());
        double[] train = column(rows, "train_loss"), val = column(rows, "val_loss");
        System.out.printf("torchmdnet-et md train: train loss %s%n  validation loss %s%n", java.util.Arrays.toString(train), java.util.Arrays.toString(val));
        assertTrue(train[train.length - 1] < 0.7 * train[0], "training loss " + train[0] + " -> " + train[train.length - 1]);
        double bestVal = java.util.Arrays.stream(val).min().orElseThrow();
        assertTrue(bestVal < val[0], "validation loss never improved on epoch 1's " + val[0]);

        LearnedModel model = ModelFile.read(out.resolve("et.model"));
        assertEquals(EquivariantTransformer.FAMILY, model.architecture().family());
        assertArrayEquals(new int[] {1, 6, 8}, model.architecture().atomicNumbers());
        assertEquals(4.0, model.architecture().cutoff());
        assertTrue(((EquivariantTransformer) model.architecture()).hyperparameters().vectorCutoff(), "md train's ET has a continuous energy");

        TrainingData split = TrainingData.load(TrainConfigLoader.load(dir.resolve("train.yaml")).data());
        List<ModelEvaluation.Prediction> p = ModelEvaluation.predict(model, split.test());
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", out.resolve("et.model").toString()), null))) {
            for (int k = 0; k < split.test().size(); k++) {
                TrainingFrame f = split.test().get(k);
                double[] forces = new double[3 * f.size()];
                double e = ff.compute(new Atoms(f.atomicNumbers(), f.positions(), Cell.NONE), NeighborList.allPairs(f.size(), 4.5), forces, null);
                assertTrue(Double.isFinite(e), "energy " + e);
                // the energies are near the data's (composition shifts of -10 eV per atom plus the Morse terms), not at 0
                assertEquals(f.energyEv(), e, 0.5 * f.size(), "test frame " + k);
                assertEquals(p.get(k).energyEv(), e, 1e-12 * Math.abs(e));
                double net = 0;
                for (int i = 0; i < forces.length; i++) {
                    assertTrue(Double.isFinite(forces[i]));
                    assertEquals(p.get(k).forcesEvPerA()[i], forces[i], 1e-12);
                }
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int i = 0; i < f.size(); i++) sum += forces[3 * i + c];
                    net = Math.max(net, Math.abs(sum));
                }
                assertTrue(net < 1e-10, "net force " + net);
            }
        }
        String report = Files.readString(out.resolve("test-report.json"));
        assertTrue(report.contains("\"test_frames\": 3"), report);
    }

    @Test
    void aBadOptionIsReportedAtItsLine() throws Exception {
        TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 4, 1, 1);
        Path p = dir.resolve("bad.yaml");
        Files.writeString(p, "data:\n  train: [{file: morse.extxyz}]\n  split: {n_val: 1}\nmodel:\n  family: torchmdnet-et\n"
                + "  embedding_dimension: 16\n  num_heads: 3\noutput: {directory: out}\n");
        UserError e = org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> TrainConfigLoader.load(p));
        for (String s : List.of("bad.yaml", "line 7", "model.num_heads", "divisor of embedding_dimension (16)"))
            assertTrue(e.getMessage().contains(s), s + " in: " + e.getMessage());
    }

    @Test
    void resumeContinuesBitIdentically() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 2, 3);
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        Files.copy(data, a.resolve("morse.extxyz"));
        Files.copy(data, b.resolve("morse.extxyz"));
        TrainFixtures.run("train", config(a, a.resolve("morse.extxyz"), 3).toString());
        TrainFixtures.run("train", config(b, b.resolve("morse.extxyz"), 1).toString());
        config(b, b.resolve("morse.extxyz"), 3);
        TrainFixtures.run("train", b.resolve("train.yaml").toString(), "--resume");
        Map<String, NpyArray> ca = Npz.read(a.resolve("out/checkpoint-last.npz")), cb = Npz.read(b.resolve("out/checkpoint-last.npz"));
        assertEquals(ca.keySet(), cb.keySet());
        assertTrue(ca.keySet().stream().anyMatch(k -> k.contains("attention_layers.1.q_proj.weight")), "the checkpoint holds the ET's weights: " + ca.keySet());
        for (String k : ca.keySet()) {
            if (k.equals("state/scalars")) continue; // holds the wall time
            assertArrayEquals(ca.get(k).data(), cb.get(k).data(), 0.0, k);
        }
        assertEquals(3.0, cb.get("state/scalars").data()[0]);
        List<String> rows = Files.readAllLines(b.resolve("out/metrics.csv"));
        assertEquals(4, rows.size());
        for (int e = 1; e <= 3; e++) assertTrue(rows.get(e).startsWith(e + ","), rows.get(e));
        // the model section is checked on resume: another architecture is refused
        Files.writeString(b.resolve("train.yaml"), Files.readString(b.resolve("train.yaml")).replace("num_layers: 2", "num_layers: 1"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream()));
        try {
            assertTrue(Main.run(new String[] {"train", b.resolve("train.yaml").toString(), "--resume"}, new PrintStream(err)) != 0);
        } finally {
            System.setOut(old);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("different model section"), err.toString(StandardCharsets.UTF_8));
    }
}
