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
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.training.ModelEvaluation;
import md.forcefields.training.TrainingFrame;

/**
 * {@code md train} with {@code model: {family: geomatt, ...}} on the Morse-labelled isolated molecules of
 * {@link TrainFixtures}: the loss falls, the model file is a GeomAtt model (no cutoff, per-species shifts) that
 * predicts through the force-field SPI what the trainer's evaluation predicts, and {@code --resume} continues exactly.
 */
class GeomAttTrainCommandTest {
    @TempDir Path dir;


    /** Two small streams (orders 2 and 3), K = 20 Gaussians on [0, 5) Å; split 8/3/3 of 14 frames. */
    private static Path config(Path dir, Path data, int epochs) throws Exception {
        String yaml = """
                seed: 4
                threads: 2
                data:
                  train: [{file: %s}]
                  split: {n_train: 8, n_val: 3, n_test: 3}
                model: {family: geomatt, orders: [2, 3], N_L: 2, F: 6, F_v: 6, d_max: 5.0, interval: 0.25, gamma: 4.0}
                training:
                  max_epochs: %d
                  batch_size: 2
                  learning_rate: 0.01
                  ema_decay: 0.5
                output: {directory: out, model: out/geomatt.zip}
                """.formatted(data.getFileName(), epochs);
        Path p = dir.resolve("train.yaml");
        Files.writeString(p, yaml);
        return p;
    }

    private static double column(String row, int c) { return Double.parseDouble(row.split(",")[c]); }

    @Test
    void trainsSavesAndPredictsThroughTheForceFieldSpi() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 1, 3);
        TrainFixtures.run("train", config(dir, data, 6).toString());
        Path out = dir.resolve("out");
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(MetricsLog.HEADER, rows.get(0));
        assertEquals(7, rows.size());
        // train_loss (column 1) and val_loss (column 5) fall from the first epoch to the last
        double firstTrain = column(rows.get(1), 1), lastTrain = column(rows.get(6), 1);
        double firstVal = column(rows.get(1), 5), lastVal = column(rows.get(6), 5);
        System.out.printf("md train geomatt: train loss %.4g -> %.4g, validation loss %.4g -> %.4g%n", firstTrain, lastTrain, firstVal, lastVal);
        assertTrue(lastTrain < 0.8 * firstTrain, "train loss " + firstTrain + " -> " + lastTrain);
        assertTrue(lastVal < firstVal, "validation loss " + firstVal + " -> " + lastVal);
        assertTrue(Files.isRegularFile(out.resolve("test-report.json")));

        LearnedModel model = ModelFile.read(out.resolve("geomatt.zip"));
        GeomAtt g = (GeomAtt) model.architecture();
        assertEquals(Double.POSITIVE_INFINITY, g.cutoff());
        assertTrue(g.speciesEnergyShifts());
        assertArrayEquals(new int[] {1, 6, 8}, g.atomicNumbers());
        assertEquals(2, g.streams().size());

        TrainConfig cfg = TrainConfigLoader.load(dir.resolve("train.yaml"));
        TrainingData split = TrainingData.load(cfg.data());
        List<ModelEvaluation.Prediction> p = ModelEvaluation.predict(model, split.test());
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", out.resolve("geomatt.zip").toString()), null))) {
            for (int k = 0; k < split.test().size(); k++) {
                TrainingFrame f = split.test().get(k);
                double[] forces = new double[3 * f.size()];
                double e = ff.compute(new Atoms(f.atomicNumbers(), f.positions(), Cell.NONE),
                        NeighborList.allPairs(f.size(), Double.POSITIVE_INFINITY), forces, null);
                assertTrue(Double.isFinite(e));
                assertEquals(p.get(k).energyEv(), e, 1e-12 * Math.abs(e));
                assertArrayEquals(p.get(k).forcesEvPerA(), forces, 1e-12);
                // an isolated molecule: no net force
                for (int c = 0; c < 3; c++) {
                    double net = 0;
                    for (int i = 0; i < f.size(); i++) net += forces[3 * i + c];
                    assertEquals(0, net, 1e-12);
                }
                // trained on Morse energies of about -10 eV per atom: the energy is near the label, not at the origin
                assertEquals(f.energyEv(), e, 0.5 * Math.abs(f.energyEv()));
            }
        }
    }

    @Test
    void resumeContinuesBitIdentically() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 2, 3);
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        Files.copy(data, a.resolve("morse.extxyz"));
        Files.copy(data, b.resolve("morse.extxyz"));
        TrainFixtures.run("train", config(a, a.resolve("morse.extxyz"), 4).toString());
        TrainFixtures.run("train", config(b, b.resolve("morse.extxyz"), 2).toString());
        config(b, b.resolve("morse.extxyz"), 4);
        TrainFixtures.run("train", b.resolve("train.yaml").toString(), "--resume");
        Map<String, NpyArray> ca = Npz.read(a.resolve("out/checkpoint-last.npz")), cb = Npz.read(b.resolve("out/checkpoint-last.npz"));
        assertEquals(ca.keySet(), cb.keySet());
        for (String k : ca.keySet()) {
            if (k.equals("state/scalars")) continue; // holds the wall time
            assertArrayEquals(ca.get(k).data(), cb.get(k).data(), 0.0, k);
        }
        assertEquals(4.0, cb.get("state/scalars").data()[0]);
        List<String> rows = Files.readAllLines(b.resolve("out/metrics.csv"));
        assertEquals(5, rows.size());
        for (int e = 1; e <= 4; e++) assertTrue(rows.get(e).startsWith(e + ","), rows.get(e));
        assertArrayEquals(ModelFile.read(a.resolve("out/geomatt.zip")).parameter(GeomAtt.SPECIES_SHIFTS),
                ModelFile.read(b.resolve("out/geomatt.zip")).parameter(GeomAtt.SPECIES_SHIFTS), 0.0);
    }
}
