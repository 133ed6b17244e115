package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.training.ForceHead;
import md.forcefields.training.LossWeights;
import md.forcefields.training.TrainingFrame;
import md.forcefields.training.TrainingStatistics;

/**
 * The shipped example {@code inputs/train-ani1x-se3t.yaml} (the workshop paper's recipe) on the ANI-1x sample,
 * cut to 2 epochs: it reads as the recipe says, splits by molecule, trains the basic SE(3)-Transformer's direct
 * head with the workshop loss, keeps snapshots, reports kcal/mol errors, and the model's per-element energies
 * are the least-squares fit on the training frames (the normal equations hold).
 */
class AniTrainingTest {
    @TempDir Path dir;

    @Test
    void shippedRecipeTrainsOnTheAniSample() throws Exception {
        Path inputs = Path.of("../inputs").toAbsolutePath().normalize(), example = inputs.resolve("train-ani1x-se3t.yaml");
        Path data = inputs.resolve("../../shared/data/ani/ani1_n5.hdf5").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(data), "shared data not available: " + data);

        // the recipe as shipped
        TrainConfig shipped = TrainConfigLoader.load(example);
        LossWeights w = shipped.training().loss();
        assertEquals(LossWeights.Form.SE3T_WORKSHOP, w.form());
        assertEquals(ForceHead.DIRECT, w.forceHead());
        assertEquals(1e-3, shipped.training().optimizer().learningRate(), 0.0);
        assertEquals(10, shipped.training().maxGradientNorm(), 0.0);
        assertEquals("grouped", shipped.data().split().method());

        // 2 epochs into a temporary folder
        String yaml = Files.readString(example).replace("max_epochs: 100", "max_epochs: 2")
                .replace("../../shared/data/ani/ani1_n5.hdf5", data.toString())
                .replace("../out/train-ani1x-se3t", dir.resolve("out").toString());
        Path cfg = dir.resolve("ani.yaml");
        Files.writeString(cfg, yaml);
        long t0 = System.nanoTime();
        TrainFixtures.run("train", cfg.toString());
        double seconds = (System.nanoTime() - t0) * 1e-9;

        List<String> rows = Files.readAllLines(dir.resolve("out/metrics.csv"));
        assertEquals(3, rows.size(), String.join("\n", rows));
        List<String> header = List.of(rows.get(0).split(","));
        for (int e = 1; e <= 2; e++) {
            String[] r = rows.get(e).split(",");
            assertTrue(Double.isFinite(Double.parseDouble(r[header.indexOf("train_loss")])), rows.get(e));
            assertTrue(Double.parseDouble(r[header.indexOf("val_direct_force_mae_meV_per_A")]) > 0, rows.get(e));
            System.out.println("ANI sample epoch " + e + ": " + r[header.indexOf("seconds")] + " s");
        }
        assertEquals(List.of("epoch-0001.zip", "epoch-0002.zip"), Files.list(dir.resolve("out/snapshots")).map(p -> p.getFileName().toString()).sorted().toList());
        String report = Files.readString(dir.resolve("out/test-report.json"));
        assertTrue(report.contains("\"direct_forces_kcal_per_mol_per_A\": {") && report.contains("\"energy_kcal_per_mol\": {"), report);

        // grouped split: no molecule on two sides
        TrainingData split = TrainingData.load(TrainConfigLoader.load(cfg).data());
        Set<String> train = new HashSet<>();
        split.train().forEach(f -> train.add(f.group()));
        for (TrainingFrame f : split.validation()) assertTrue(!train.contains(f.group()), f.group());
        for (TrainingFrame f : split.test()) assertTrue(!train.contains(f.group()), f.group());
        assertEquals(3, train.size());

        // the basic variant with least-squares per-element energies: Aᵀ(E − A b) = 0 on the training frames
        LearnedModel model = ModelFile.read(dir.resolve("out/model.zip"));
        Se3Transformer arch = (Se3Transformer) model.architecture();
        assertEquals(174224, model.parameterCount());
        int[] species = arch.atomicNumbers();
        assertEquals(List.of(1, 6, 7, 8), java.util.Arrays.stream(species).boxed().toList());
        double[] b = arch.energyShifts(), normal = new double[species.length];
        double scale = 0;
        for (TrainingFrame f : split.train()) {
            double[] n = TrainingStatistics.composition(f, species);
            double residual = f.energyEv();
            for (int t = 0; t < n.length; t++) residual -= n[t] * b[t];
            for (int t = 0; t < n.length; t++) { normal[t] += n[t] * residual; scale += n[t] * Math.abs(f.energyEv()); }
        }
        for (double v : normal) assertEquals(0, v, 1e-12 * scale, java.util.Arrays.toString(normal));
        assertTrue(seconds < 60, "took " + seconds + " s");
        System.out.printf("ANI sample: 2 epochs, whole md train %.1f s%n", seconds);
    }
}
