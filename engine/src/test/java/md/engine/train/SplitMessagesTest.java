package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.cli.UserError;

/** Issue 14: split counts the data cannot hold are said in the user's own numbers, never a derived negative n_train. */
class SplitMessagesTest {
    @TempDir Path dir;

    private String error(String split) throws IOException {
        TrainFixtures.extxyz(dir.resolve("d.extxyz"), 14, 1, 3);
        Path p = dir.resolve("t.yaml");
        Files.writeString(p, "data:\n  train: [{file: d.extxyz}]\n  split: " + split + "\noutput: {directory: out}\n");
        return assertThrows(UserError.class, () -> TrainingData.load(TrainConfigLoader.load(p).data())).getMessage();
    }

    @Test
    void nValLargerThanTheDataSaysSo() throws IOException {
        String m = error("{n_val: 20}");
        assertTrue(m.contains("n_val 20 is larger than the 14 frames"), m);
        assertFalse(m.contains("-"), "no derived negative count: " + m);
    }

    @Test
    void nValTakingEveryFrameLeavesNoneForTraining() throws IOException {
        String m = error("{n_val: 10, n_test: 4}");
        assertTrue(m.contains("n_val 10 + n_test 4 = 14 leaves none of the 14 frames"), m);
        assertFalse(m.contains("n_train"), m);
    }
}
