package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;

/**
 * {@code training.keep_snapshots: N}: the model files of the last N epochs under OUTPUT/snapshots/epoch-NNNN.EXT
 * (EXT from output.model), older ones deleted; each snapshot holds that epoch's weights; the set continues across
 * {@code --resume} exactly as in an uninterrupted run.
 */
class SnapshotsTest {
    @TempDir Path dir;

    private static Path config(Path dir, int epochs) throws Exception {
        Path p = dir.resolve("train.yaml");
        Files.writeString(p, """
                seed: 2
                data:
                  train: [{file: morse.extxyz}]
                  split: {n_train: 6, n_val: 2, n_test: 0}
                model: {family: se3-transformer, num_layers: 1, n_heads: 1, num_channels: 2, max_degree: 1, radial_mlp: {hidden: 4}}
                training: {max_epochs: %d, batch_size: 3, learning_rate: 0.01, ema_decay: 0, keep_snapshots: 3}
                output: {directory: out, model: out/model.zip}
                """.formatted(epochs));
        return p;
    }

    private static List<String> names(Path folder) throws Exception {
        try (var s = Files.list(folder)) { return s.map(p -> p.getFileName().toString()).sorted().toList(); }
    }

    @Test
    void lastNEpochsAreKeptAndSurviveResume() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        TrainFixtures.extxyz(a.resolve("morse.extxyz"), 8, 7, 2);
        Files.copy(a.resolve("morse.extxyz"), b.resolve("morse.extxyz"));
        TrainFixtures.run("train", config(a, 5).toString());
        assertEquals(List.of("epoch-0003.zip", "epoch-0004.zip", "epoch-0005.zip"), names(a.resolve("out/snapshots")));
        // the last snapshot holds the last epoch's weights (no EMA here): those of checkpoint-last
        LearnedModel last = ModelFile.read(a.resolve("out/snapshots/epoch-0005.zip"));
        Map<String, NpyArray> ckpt = Npz.read(a.resolve("out/checkpoint-last.npz"));
        int compared = 0;
        for (Map.Entry<String, double[]> e : last.parameters().entrySet()) {
            NpyArray p = ckpt.get("param/" + e.getKey());
            if (p == null) continue; // buffers
            assertArrayEquals(p.data(), e.getValue(), 0.0, e.getKey());
            compared++;
        }
        assertTrue(compared > 5);
        // snapshots differ from epoch to epoch
        LearnedModel third = ModelFile.read(a.resolve("out/snapshots/epoch-0003.zip"));
        assertTrue(last.parameters().keySet().stream().anyMatch(n -> !java.util.Arrays.equals(third.parameters().get(n), last.parameters().get(n))));

        // 4 epochs, then on to 5 with --resume: the same three snapshots, bit for bit
        TrainFixtures.run("train", config(b, 4).toString());
        assertEquals(List.of("epoch-0002.zip", "epoch-0003.zip", "epoch-0004.zip"), names(b.resolve("out/snapshots")));
        Files.writeString(b.resolve("out/snapshots/epoch-0009.zip"), "left by a discarded epoch");
        config(b, 5);
        TrainFixtures.run("train", b.resolve("train.yaml").toString(), "--resume");
        assertEquals(List.of("epoch-0003.zip", "epoch-0004.zip", "epoch-0005.zip"), names(b.resolve("out/snapshots")));
        for (String n : names(a.resolve("out/snapshots"))) {
            LearnedModel x = ModelFile.read(a.resolve("out/snapshots").resolve(n)), y = ModelFile.read(b.resolve("out/snapshots").resolve(n));
            for (String p : x.parameters().keySet()) assertArrayEquals(x.parameters().get(p), y.parameters().get(p), 0.0, n + " " + p);
        }
    }
}
