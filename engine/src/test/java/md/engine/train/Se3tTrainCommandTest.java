package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.training.ModelEvaluation;
import md.forcefields.training.TrainingFrame;

/**
 * {@code md train} with {@code model: {family: se3-transformer, ...}} on the Morse-labelled molecules of
 * {@link TrainFixtures}: the loss falls, the model file is an SE(3)-Transformer that {@code type: learned}
 * runs (finite energies, conservative forces with no net force, equal to what the test report evaluated),
 * and {@code --resume} continues bit-identically.
 */
class Se3tTrainCommandTest {
    @TempDir Path dir;


    /** A small fully connected SE(3)-Transformer (2 layers, 2 heads × 2 channels, degrees ≤ 1) trained for {@code epochs}. */
    private static Path config(Path dir, Path data, int epochs) throws IOException {
        String yaml = """
                seed: 3
                threads: 2
                data:
                  train: [{file: %s}]
                  split: {n_train: 8, n_val: 3, n_test: 3}
                model:
                  family: se3-transformer
                  num_layers: 2
                  n_heads: 2
                  num_channels: 2
                  max_degree: 1
                  radial_mlp: {hidden: 8}
                training:
                  max_epochs: %d
                  batch_size: 1
                  learning_rate: 0.02
                  ema_decay: 0.5
                output: {directory: out, model: out/model.se3t}
                """.formatted(data.getFileName(), epochs);
        Path p = dir.resolve("train.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    private static double column(String row, int index) { return Double.parseDouble(row.split(",")[index]); }

    @Test
    void trainsSavesAndResumes() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 5, 3);
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        Files.copy(data, a.resolve("morse.extxyz"));
        Files.copy(data, b.resolve("morse.extxyz"));
        int epochs = 12;
        TrainFixtures.run("train", config(a, a.resolve("morse.extxyz"), epochs).toString());

        // the loss falls: the last epochs' training loss well below the first's, the best validation loss (the saved
        // model's epoch) well below the first epoch's, with smaller force errors
        List<String> rows = Files.readAllLines(a.resolve("out/metrics.csv"));
        assertEquals(epochs + 1, rows.size());
        List<String> header = List.of(rows.get(0).split(","));
        int train = header.indexOf("train_loss"), val = header.indexOf("val_loss"), forceMae = header.indexOf("val_force_mae_meV_per_A");
        String all = String.join("\n", rows);
        double lastThree = 0, bestVal = Double.POSITIVE_INFINITY, bestForceMae = 0;
        for (int e = epochs - 2; e <= epochs; e++) lastThree += column(rows.get(e), train) / 3;
        for (int e = 1; e <= epochs; e++)
            if (column(rows.get(e), val) < bestVal) { bestVal = column(rows.get(e), val); bestForceMae = column(rows.get(e), forceMae); }
        assertTrue(lastThree < 0.7 * column(rows.get(1), train), all);
        assertTrue(bestVal < 0.8 * column(rows.get(1), val), all);
        assertTrue(bestForceMae < 0.9 * column(rows.get(1), forceMae), all);

        // the model file: an SE(3)-Transformer in eV (σ_F energy unit, per-species shifts), fully connected
        Path modelFile = a.resolve("out/model.se3t");
        LearnedModel model = ModelFile.read(modelFile);
        Se3Transformer arch = (Se3Transformer) model.architecture();
        assertEquals(Se3Transformer.FAMILY, arch.family());
        assertArrayEquals(new int[] {1, 6, 8}, arch.atomicNumbers());
        assertEquals(Double.POSITIVE_INFINITY, arch.cutoff(), 0.0);
        assertEquals(2, arch.hyperparameters().numLayers());
        for (double s : arch.energyShifts()) assertTrue(s < 0, "the Morse data's energies are about -10 eV per atom: " + java.util.Arrays.toString(arch.energyShifts()));

        // through the force-field SPI (what md run uses): finite energies near the data, forces without net force,
        // equal to the evaluation behind the test report
        TrainingData split = TrainingData.load(TrainConfigLoader.load(a.resolve("train.yaml")).data());
        List<ModelEvaluation.Prediction> p = ModelEvaluation.predict(model, split.test());
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", modelFile.toString()), null))) {
            for (int k = 0; k < split.test().size(); k++) {
                TrainingFrame f = split.test().get(k);
                double[] forces = new double[3 * f.size()];
                double e = ff.compute(new Atoms(f.atomicNumbers(), f.positions(), Cell.NONE), NeighborList.allPairs(f.size(), 100.0), forces, null);
                assertTrue(Double.isFinite(e) && Math.abs(e - f.energyEv()) < 2.0 * f.size(), "E " + e + " vs label " + f.energyEv());
                for (int c = 0; c < 3; c++) {
                    double net = 0;
                    for (int i = 0; i < f.size(); i++) { assertTrue(Double.isFinite(forces[3 * i + c])); net += forces[3 * i + c]; }
                    assertEquals(0, net, 1e-10);
                }
                assertEquals(p.get(k).energyEv(), e, 1e-12 * Math.abs(e));
                assertArrayEquals(p.get(k).forcesEvPerA(), forces, 1e-12);
            }
        }
        assertTrue(Files.readString(a.resolve("out/test-report.json")).contains("\"test_frames\": 3"));

        // --resume: 2 epochs, then on to the same end, is the uninterrupted run bit for bit (other thread count too)
        TrainFixtures.run("train", config(b, b.resolve("morse.extxyz"), 2).toString(), "--threads", "1");
        config(b, b.resolve("morse.extxyz"), epochs);
        TrainFixtures.run("train", b.resolve("train.yaml").toString(), "--resume");
        Map<String, NpyArray> ca = Npz.read(a.resolve("out/checkpoint-last.npz")), cb = Npz.read(b.resolve("out/checkpoint-last.npz"));
        assertEquals(ca.keySet(), cb.keySet());
        for (String k : ca.keySet()) {
            if (k.equals("state/scalars")) continue; // holds the wall time
            assertArrayEquals(ca.get(k).data(), cb.get(k).data(), 0.0, k);
        }
        assertEquals(epochs, (int) cb.get("state/scalars").data()[0]);
        assertEquals(epochs + 1, Files.readAllLines(b.resolve("out/metrics.csv")).size());
    }

    @Test
    void badOptionsAreReportedAtTheirLine() throws IOException {
        String head = "data:\n  train: [{file: d.extxyz}]\n  split: {n_train: 8, n_val: 3}\noutput: {directory: out}\nmodel:\n  family: se3-transformer\n";
        Path p = dir.resolve("t.yaml");
        TrainFixtures.extxyz(dir.resolve("d.extxyz"), 14, 1, 3);
        for (String[] c : new String[][] {
                {"  n_heads: 0\n", "line 7", "key 'model.n_heads'", "whole number >= 1"},
                {"  radial_mlp:\n    hidden: 0\n", "line 8", "key 'model.radial_mlp.hidden'", "radial MLP width"},
                {"  div: 4\n", "line 7", "key 'model.div'", "n_heads x num_channels"},
                {"  num_layer: 2\n", "line 7", "key 'model.num_layer'", "did you mean 'num_layers'"}}) {
            Files.writeString(p, head + c[0]);
            String m = org.junit.jupiter.api.Assertions.assertThrows(md.engine.cli.UserError.class, () -> TrainConfigLoader.load(p)).getMessage();
            for (int k = 1; k < c.length; k++) assertTrue(m.contains(c[k]), "'" + c[k] + "' missing from: " + m);
        }
        // the fully connected default gives md train an infinite cutoff (neighbour statistics over every pair)
        Files.writeString(p, head + "  num_layers: 1\n");
        assertEquals(Double.POSITIVE_INFINITY, TrainConfigLoader.load(p).model().cutoffAngstrom(), 0.0);
        Files.writeString(p, head + "  cutoff: .inf\n");
        assertEquals(Double.POSITIVE_INFINITY, TrainConfigLoader.load(p).model().cutoffAngstrom(), 0.0);
        Files.writeString(p, head + "  cutoff: 5\n");
        assertEquals(5.0, TrainConfigLoader.load(p).model().cutoffAngstrom(), 0.0);
    }
}
