package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.cli.UserError;
import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.training.TrainingFrame;

/**
 * {@code loss.force_head}: refused (at its line) for a model without a direct head; with {@code direct} the
 * metrics gain the direct head's validation columns and the test report holds the direct head's errors
 * (equal to the MD executor's direct forces of the saved model against the labels); {@code both} reports both heads.
 */
class ForceHeadTrainCommandTest {
    @TempDir Path dir;

    private static final String SE3T = """
            model:
              family: se3-transformer
              num_layers: 2
              n_heads: 2
              num_channels: 2
              max_degree: 1
              radial_mlp: {hidden: 8}
            """;

    private Path config(String head, int epochs) throws Exception {
        Path data = dir.resolve("morse.extxyz");
        if (!Files.exists(data)) TrainFixtures.extxyz(data, 14, 5, 3);
        Path p = dir.resolve("train-" + head + ".yaml");
        Files.writeString(p, """
                seed: 3
                data:
                  train: [{file: morse.extxyz}]
                  split: {n_train: 8, n_val: 3, n_test: 3}
                %s
                loss: {force_head: %s, forces: 100}
                training: {max_epochs: %d, batch_size: 2, learning_rate: 0.01, ema_decay: 0}
                output: {directory: out-%s, model: out-%s/model.zip}
                """.formatted(SE3T, head, epochs, head, head));
        return p;
    }

    @Test
    void directHeadIsRefusedForAModelWithoutOne() throws Exception {
        TrainFixtures.extxyz(dir.resolve("d.extxyz"), 14, 1, 3);
        Path p = dir.resolve("t.yaml");
        Files.writeString(p, "data:\n  train: [{file: d.extxyz}]\n  split: {n_train: 8, n_val: 3}\noutput: {directory: out}\n"
                + "model: {family: nequip, num_features: 4, num_layers: 1}\nloss:\n  forces: 10\n  force_head: direct\n");
        String m = assertThrows(UserError.class, () -> TrainConfigLoader.load(p)).getMessage();
        for (String s : List.of("line 8", "key 'loss.force_head'", "nequip", "direct force head")) assertTrue(m.contains(s), "'" + s + "' missing: " + m);
        Files.writeString(p, Files.readString(p).replace("force_head: direct", "force_head: sideways"));
        m = assertThrows(UserError.class, () -> TrainConfigLoader.load(p)).getMessage();
        assertTrue(m.contains("key 'loss.force_head'") && m.contains("conservative"), m);
    }

    @Test
    void directTrainingReportsTheDirectHead() throws Exception {
        int epochs = 6;
        TrainFixtures.run("train", config("direct", epochs).toString());
        List<String> rows = Files.readAllLines(dir.resolve("out-direct/metrics.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int mae = header.indexOf("val_direct_force_mae_meV_per_A"), cons = header.indexOf("val_force_mae_meV_per_A");
        assertTrue(mae > 0 && header.contains("val_direct_force_rmse_meV_per_A"), rows.get(0));
        assertEquals(epochs + 1, rows.size());
        double first = Double.parseDouble(rows.get(1).split(",")[mae]), best = first;
        for (int e = 1; e <= epochs; e++) best = Math.min(best, Double.parseDouble(rows.get(e).split(",")[mae]));
        assertTrue(best < first, "direct-head validation MAE " + first + " -> " + best);
        assertEquals("NaN", rows.get(1).split(",")[cons], "the conservative head is not trained, so not evaluated");

        String report = Files.readString(dir.resolve("out-direct/test-report.json"));
        assertTrue(report.contains("\"direct_forces_meV_per_A\"") && !report.contains("\"forces_meV_per_A\""), report);
        // the report's number: MAE of the saved model's direct forces (MD executor, direct mode) against the labels, in meV/Å
        LearnedModel model = ModelFile.read(dir.resolve("out-direct/model.zip"));
        List<TrainingFrame> test = TrainingData.load(TrainConfigLoader.load(dir.resolve("train-direct.yaml")).data()).test();
        double sum = 0, sq = 0;
        int n = 0;
        try (PlanExecutor direct = new PlanExecutor(model, 1, true)) {
            for (TrainingFrame f : test) {
                int[] types = new int[f.size()];
                for (int i = 0; i < types.length; i++) types[i] = model.architecture().typeOf(f.atomicNumbers()[i]);
                double[] forces = new double[3 * f.size()];
                direct.compute(f.positions(), types, NeighborList.allPairs(f.size(), Double.POSITIVE_INFINITY), forces, null, null);
                for (int c = 0; c < forces.length; c++) {
                    double d = forces[c] - f.forcesEvPerA()[c];
                    sum += Math.abs(d);
                    sq += d * d;
                    n++;
                }
            }
        }
        String expected = String.format(java.util.Locale.ROOT, "\"direct_forces_meV_per_A\": {\"mae\": %.6f", 1000 * sum / n);
        assertTrue(report.contains(expected), expected + " not in " + report);
        // and in kcal/mol/Å: 1 kcal/mol = 4184 J / N_A = 0.0433641043 eV
        double kcal = 4184 / 6.02214076e23 / 1.602176634e-19;
        assertEquals(0.0433641043, kcal, 1e-10);
        String inKcal = String.format(java.util.Locale.ROOT, "\"direct_forces_kcal_per_mol_per_A\": {\"mae\": %.6f, \"rmse\": %.6f, \"count\": %d}",
                sum / n / kcal, Math.sqrt(sq / n) / kcal, n);
        assertTrue(report.contains(inKcal), inKcal + " not in " + report);
        assertTrue(report.contains("\"energy_kcal_per_mol\": {") && !report.contains("\"forces_kcal_per_mol_per_A\""), report);
    }

    @Test
    void bothHeadsAreReported() throws Exception {
        TrainFixtures.run("train", config("both", 2).toString());
        String header = Files.readAllLines(dir.resolve("out-both/metrics.csv")).get(0);
        assertTrue(header.endsWith(",best,val_direct_force_mae_meV_per_A,val_direct_force_rmse_meV_per_A"), header);
        String row = Files.readAllLines(dir.resolve("out-both/metrics.csv")).get(1);
        assertFalse(row.contains("NaN"), row);
        String report = Files.readString(dir.resolve("out-both/test-report.json"));
        assertTrue(report.contains("\"forces_meV_per_A\"") && report.contains("\"direct_forces_meV_per_A\"")
                && report.contains("\"direct_forces_meV_per_A_by_element\""), report);
    }
}
