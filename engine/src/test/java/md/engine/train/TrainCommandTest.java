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
import md.forcefields.training.ModelEvaluation;
import md.forcefields.training.TrainingFrame;

/** {@code md train} end to end on a tiny Morse-labelled data set: outputs, exact resume, the model in the force-field SPI. */
class TrainCommandTest {
    @TempDir Path dir;


    @Test
    void writesMetricsCheckpointsModelAndTestReport() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 1, 3);
        TrainFixtures.run("train", TrainFixtures.config(dir, data, 3, "").toString());
        Path out = dir.resolve("out");
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(MetricsLog.HEADER, rows.get(0));
        assertEquals(4, rows.size());
        assertTrue(rows.get(3).startsWith("3,"));
        for (String f : List.of("checkpoint-last.npz", "checkpoint-best.npz", "model.nqp", "test-report.json"))
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        String report = Files.readString(out.resolve("test-report.json"));
        for (String key : List.of("\"test_frames\": 3", "\"energy_meV\"", "\"forces_meV_per_A\"", "\"H\"", "\"C\"", "\"O\""))
            assertTrue(report.contains(key), key + " in " + report);

        // the saved model through the force-field SPI (what md run uses) predicts what the report evaluated
        TrainConfig cfg = TrainConfigLoader.load(dir.resolve("train.yaml"));
        TrainingData split = TrainingData.load(cfg.data());
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", out.resolve("model.nqp").toString()), null))) {
            List<ModelEvaluation.Prediction> p = ModelEvaluation.predict(md.forcefields.ml.model.ModelFile.read(out.resolve("model.nqp")), split.test());
            for (int k = 0; k < split.test().size(); k++) {
                TrainingFrame f = split.test().get(k);
                double[] forces = new double[3 * f.size()];
                double e = ff.compute(new Atoms(f.atomicNumbers(), f.positions(), Cell.NONE), NeighborList.allPairs(f.size(), 4.5), forces, null);
                assertEquals(p.get(k).energyEv(), e, 1e-12 * Math.abs(e));
                assertArrayEquals(p.get(k).forcesEvPerA(), forces, 1e-12);
            }
        }
    }

    @Test
    void resumeContinuesBitIdentically() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 2, 3);
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        Files.copy(data, a.resolve("morse.extxyz"));
        Files.copy(data, b.resolve("morse.extxyz"));
        TrainFixtures.run("train", TrainFixtures.config(a, a.resolve("morse.extxyz"), 4, "").toString());
        TrainFixtures.run("train", TrainFixtures.config(b, b.resolve("morse.extxyz"), 2, "").toString(), "--threads", "1");
        TrainFixtures.config(b, b.resolve("morse.extxyz"), 4, "");
        TrainFixtures.run("train", b.resolve("train.yaml").toString(), "--resume");
        Map<String, NpyArray> ca = Npz.read(a.resolve("out/checkpoint-last.npz")), cb = Npz.read(b.resolve("out/checkpoint-last.npz"));
        assertEquals(ca.keySet(), cb.keySet());
        for (String k : ca.keySet()) {
            if (k.equals("state/scalars")) continue; // holds the wall time
            assertArrayEquals(ca.get(k).data(), cb.get(k).data(), 0.0, k);
        }
        assertEquals(4.0, cb.get("state/scalars").data()[0]);
        // the metrics of the resumed run carry on from epoch 3, with the rows of the first two epochs kept
        List<String> rows = Files.readAllLines(b.resolve("out/metrics.csv"));
        assertEquals(5, rows.size());
        for (int e = 1; e <= 4; e++) assertTrue(rows.get(e).startsWith(e + ","), rows.get(e));
    }

    @Test
    void twoIdenticalTrainingsGiveBitIdenticalWeights() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("morse.extxyz"), 14, 5, 3);
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        for (Path p : List.of(a, b)) {
            Files.copy(data, p.resolve("morse.extxyz"));
            TrainFixtures.run("train", TrainFixtures.config(p, p.resolve("morse.extxyz"), 3, "").toString());
        }
        md.forcefields.ml.model.LearnedModel ma = md.forcefields.ml.model.ModelFile.read(a.resolve("out/model.nqp")),
                mb = md.forcefields.ml.model.ModelFile.read(b.resolve("out/model.nqp"));
        for (String k : ma.parameters().keySet()) assertArrayEquals(ma.parameters().get(k), mb.parameters().get(k), 0.0, k);
    }
}
