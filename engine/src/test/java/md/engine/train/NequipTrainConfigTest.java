package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.NpyWriter;
import md.engine.cli.UserError;
import md.engine.config.ConfigNode;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.training.Trainer;

/**
 * nequip 0.6 training configurations through {@code md train}: nequip's own {@code configs/minimal.yaml}
 * and {@code configs/example.yaml} (v0.6.2, copied under test resources with their MIT notice), with the
 * data set replaced by a tiny MD17-layout npz this test writes. Each mapping is checked on the parsed
 * {@link TrainConfig} against the values written in nequip's file (or nequip 0.6's documented defaults).
 */
class NequipTrainConfigTest {
    @TempDir Path dir;

    private static final String NEQUIP_DATA = "./benchmark_data/aspirin_ccsd-train.npz";
    private static final String NEQUIP_TOLUENE = "./benchmark_data/toluene_ccsd_t-train.npz";

    /** nequip's file from the test resources, its data path replaced by {@code tiny.npz} (written beside it), plus edits. */
    private Path nequipConfig(String name, Map<String, String> edits) throws IOException {
        String text;
        try (InputStream in = NequipTrainConfigTest.class.getResourceAsStream("/md/engine/train/nequip/" + name)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (var e : edits.entrySet()) {
            assertTrue(text.contains(e.getKey()), e.getKey() + " in " + name);
            text = text.replace(e.getKey(), e.getValue());
        }
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    /**
     * 12 frames of a 4-atom H–O–C–H cluster in MD17's layout (R, z, E, F; kcal/mol and kcal/mol/Å), labelled with
     * a Morse pair potential (eV) converted to kcal/mol.
     */
    private Path tinyNpz(int[] z) throws IOException {
        int frames = 12, n = z.length;
        Random rng = new Random(7);
        double[] r = new double[frames * n * 3], e = new double[frames], f = new double[frames * n * 3];
        for (int k = 0; k < frames; k++) {
            double[] x = new double[3 * n];
            for (int i = 0; i < n; i++) {
                boolean ok;
                do {
                    for (int c = 0; c < 3; c++) x[3 * i + c] = 2.4 * rng.nextDouble();
                    ok = true;
                    for (int j = 0; j < i && ok; j++) ok = dist(x, i, j) > 1.0;
                } while (!ok);
            }
            double energy = -10.0 * n;
            double[] force = new double[3 * n];
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) {
                    double d = dist(x, i, j), ex = Math.exp(-1.5 * (d - 1.4));
                    energy += 0.5 * (1 - ex) * (1 - ex);
                    double dEdr = 2 * 0.5 * (1 - ex) * 1.5 * ex;
                    for (int c = 0; c < 3; c++) {
                        double u = (x[3 * j + c] - x[3 * i + c]) / d;
                        force[3 * i + c] += dEdr * u;
                        force[3 * j + c] -= dEdr * u;
                    }
                }
            System.arraycopy(x, 0, r, 3 * n * k, 3 * n);
            e[k] = energy / Units.KCAL_PER_MOL_TO_EV;
            for (int c = 0; c < 3 * n; c++) f[3 * n * k + c] = force[c] / Units.KCAL_PER_MOL_TO_EV;
        }
        double[] zd = new double[n];
        for (int i = 0; i < n; i++) zd[i] = z[i];
        Map<String, NpyArray> a = new LinkedHashMap<>();
        a.put("R", new NpyArray("R", "<f8", new int[] {frames, n, 3}, r, null));
        a.put("z", new NpyArray("z", "<f8", new int[] {n}, zd, null));
        a.put("E", new NpyArray("E", "<f8", new int[] {frames}, e, null));
        a.put("F", new NpyArray("F", "<f8", new int[] {frames, n, 3}, f, null));
        Path file = dir.resolve("tiny.npz");
        NpyWriter.writeNpz(file, a);
        return file;
    }

    private static double dist(double[] x, int i, int j) {
        double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** 1-based line of the first line of {@code file} starting with {@code prefix} (found in the text, independently of the parser). */
    private static int lineOf(Path file, String prefix) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(prefix)) return i + 1;
        throw new AssertionError(prefix + " not in " + file);
    }

    private static Object option(TrainConfig c, String key) { return c.model().options().params().get(key); }

    @Test
    void minimalYamlTrainsOneEpochThroughMdTrain() throws Exception {
        tinyNpz(new int[] {1, 8, 6, 1});
        Path cfg = nequipConfig("minimal.yaml", Map.of(NEQUIP_DATA, "tiny.npz", "max_epochs: 10", "max_epochs: 1"));
        long t0 = System.nanoTime();
        TrainFixtures.run("train", cfg.toString());
        double seconds = (System.nanoTime() - t0) * 1e-9;
        Path out = dir.resolve("results/aspirin/minimal");
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(2, rows.size(), "header and one epoch: " + rows);
        assertTrue(rows.get(1).startsWith("1,"));
        assertTrue(Files.isRegularFile(out.resolve("test-report.json")));
        LearnedModel m = ModelFile.read(out.resolve("model.nqp"));
        assertArrayEquals(new int[] {1, 6, 8}, m.architecture().atomicNumbers());
        assertEquals(4.0, m.architecture().cutoff(), 0.0);
        assertTrue(seconds < 60, "one epoch of minimal.yaml took " + seconds + " s");
    }

    @Test
    void minimalYamlMapsEveryKey() throws Exception {
        Path data = tinyNpz(new int[] {1, 8, 6, 1});
        TrainConfig c = TrainConfigLoader.load(nequipConfig("minimal.yaml", Map.of(NEQUIP_DATA, "tiny.npz")));
        // general: seed, dataset_seed, root/run_name
        assertEquals(123, c.seed());
        assertEquals(456, c.data().split().seed());
        assertEquals(dir.resolve("results/aspirin/minimal"), c.output().directory());
        assertEquals(dir.resolve("results/aspirin/minimal/model.nqp"), c.output().modelFile());
        // network: written keys and nequip's defaults for the rest (num_layers 3, invariant_layers 1, invariant_neurons 8)
        assertEquals("nequip", c.model().family().name());
        assertEquals(4.0, ((Number) option(c, "r_max")).doubleValue(), 0.0);
        assertEquals(4.0, c.model().cutoffAngstrom(), 0.0);
        assertEquals(2, option(c, "l_max"));
        assertEquals(true, option(c, "parity"));
        assertEquals(16, option(c, "num_features"));
        assertEquals(8, option(c, "num_basis"));
        assertEquals(3, option(c, "num_layers"));
        assertEquals(1, option(c, "invariant_layers"));
        assertEquals(8, option(c, "invariant_neurons"));
        assertNull(option(c, "avg_num_neighbors"), "absent: auto, from the data, as nequip");
        assertArrayEquals(new int[] {1, 6, 8}, c.model().species(), "chemical_symbols [H, O, C]");
        assertEquals(TrainConfig.EnergyShifts.PER_ATOM_MEAN, c.model().energyShifts(), "nequip 0.6's default per-species shift");
        // data set
        TrainConfig.Source s = c.data().train().get(0);
        assertEquals(data, s.file());
        assertEquals("npz", s.format());
        assertTrue(c.data().validation().isEmpty());
        assertEquals(5, c.data().split().nTrain());
        assertEquals(5, c.data().split().nValidation());
        assertEquals("random", c.data().split().method());
        // training: written keys and nequip's Trainer defaults (lr 0.01, no EMA, no scheduler, no early stopping)
        Trainer.Options t = c.training();
        assertEquals(1, t.batchSize());
        assertEquals(10, t.maxEpochs());
        assertEquals(0.01, t.optimizer().learningRate(), 0.0);
        assertFalse(t.optimizer().decoupled());
        assertFalse(t.optimizer().amsgrad(), "optimizer_name: Adam without optimizer_amsgrad is torch's Adam");
        assertEquals(0.0, t.emaDecay(), 0.0);
        assertEquals(Integer.MAX_VALUE, t.plateauPatience());
        assertEquals(Integer.MAX_VALUE, t.earlyStoppingPatience());
        assertEquals(0.0, t.learningRateFloor(), 0.0);
        // loss_coeffs: forces → force MSE only
        assertEquals(1.0, t.loss().forces(), 0.0);
        assertEquals(0.0, t.loss().energyPerAtom(), 0.0);
        // logging keys are reported as ignored
        String notes = String.join("\n", c.notes());
        for (String k : List.of("wandb", "validation_batch_size", "dataset_url")) assertTrue(notes.contains(k), k + " in " + notes);
    }

    @Test
    void exampleYamlNamesItsOneUnsupportedKeyThenMapsEveryKey() throws Exception {
        Path data = tinyNpz(new int[] {1, 6, 6, 1});
        Path cfg = nequipConfig("example.yaml", Map.of(NEQUIP_TOLUENE, "tiny.npz"));
        UserError e = assertThrows(UserError.class, () -> TrainConfigLoader.load(cfg));
        int line = lineOf(cfg, "  validation_loss: 1.0e+4");
        assertTrue(e.getMessage().contains("1 key or value"), e.getMessage());
        assertTrue(e.getMessage().contains("line " + line + ", key 'early_stopping_upper_bounds.validation_loss'"), e.getMessage());

        Path edited = nequipConfig("example.yaml", Map.of(NEQUIP_TOLUENE, "tiny.npz", "  validation_loss: 1.0e+4", "  cumulative_wall: 7200"));
        TrainConfig c = TrainConfigLoader.load(edited);
        assertEquals(123, c.seed());
        assertEquals(456, c.data().split().seed());
        assertEquals(dir.resolve("results/toluene/example-run-toluene"), c.output().directory());
        assertEquals(4.0, c.model().cutoffAngstrom(), 0.0);
        assertEquals(4, option(c, "num_layers"));
        assertEquals(2, option(c, "l_max"));
        assertEquals(true, option(c, "parity"));
        assertEquals(32, option(c, "num_features"));
        assertEquals(8, option(c, "num_basis"));
        assertEquals(2, option(c, "invariant_layers"));
        assertEquals(64, option(c, "invariant_neurons"));
        assertEquals("auto", option(c, "avg_num_neighbors"));
        assertArrayEquals(new int[] {1, 6}, c.model().species());
        assertEquals(TrainConfig.EnergyShifts.PER_ATOM_MEAN, c.model().energyShifts(), "per_species_rescale_shifts: dataset_per_atom_total_energy_mean");
        assertEquals(data, c.data().train().get(0).file());
        assertEquals(100, c.data().split().nTrain());
        assertEquals(50, c.data().split().nValidation());
        Trainer.Options t = c.training();
        assertEquals(0.005, t.optimizer().learningRate(), 0.0);
        assertEquals(5, t.batchSize());
        assertEquals(100000, t.maxEpochs());
        assertTrue(t.optimizer().amsgrad());
        assertEquals(0.9, t.optimizer().beta1(), 0.0);
        assertEquals(0.999, t.optimizer().beta2(), 0.0);
        assertEquals(0.99, t.emaDecay(), 0.0, "use_ema: true, ema_decay: 0.99");
        assertEquals(50, t.earlyStoppingPatience());
        assertEquals(1.0e-5, t.learningRateFloor(), 0.0);
        assertEquals(7200.0, t.maxWallSeconds(), 1e-9, "early_stopping_upper_bounds.cumulative_wall (s)");
        assertEquals(100, t.plateauPatience());
        assertEquals(0.5, t.plateauFactor(), 0.0);
        assertEquals(1e-4, t.plateauThreshold(), 0.0, "torch's default threshold");
        assertEquals(1.0, t.loss().forces(), 0.0);
        assertEquals(1.0, t.loss().energyPerAtom(), 0.0, "total_energy: [1, PerAtomMSELoss]");
        assertEquals(0.0, t.loss().stress(), 0.0, "no stress in loss_coeffs: weight 0, as in nequip");
        String notes = String.join("\n", c.notes());
        for (String k : List.of("wandb_project", "metrics_components", "model_dtype", "allow_tf32", "append")) assertTrue(notes.contains(k), k + " in " + notes);
    }

    @Test
    void everyUnsupportedKeyIsNamedWithItsLineAtOnce() throws Exception {
        tinyNpz(new int[] {1, 8, 6, 1});
        Path cfg = nequipConfig("minimal.yaml", Map.of(NEQUIP_DATA, "tiny.npz",
                "optimizer_name: Adam", """
                        optimizer_name: SGD
                        lr_scheduler_name: CosineAnnealingWarmRestarts
                        nonlinearity_type: norm
                        train_val_split: sequential
                        irreps_edge_sh: 0e + 1o
                        my_custom_key: 3
                        per_species_rescale_shifts: [1.0, 2.0, 3.0]
                        early_stopping_delta:
                          validation_loss: 0.005
                        """,
                "loss_coeffs: forces", """
                        loss_coeffs:
                          forces: [1, PerSpeciesL1Loss]
                          total_energy: 1
                          stress: [1, L1Loss]
                        """));
        UserError e = assertThrows(UserError.class, () -> TrainConfigLoader.load(cfg));
        String m = e.getMessage();
        assertTrue(m.startsWith(cfg + ": nequip configuration: 11 keys or values"), m);
        for (String[] k : new String[][] {{"optimizer_name: SGD", "optimizer_name"}, {"lr_scheduler_name:", "lr_scheduler_name"},
                {"nonlinearity_type:", "nonlinearity_type"}, {"train_val_split:", "train_val_split"}, {"irreps_edge_sh:", "irreps_edge_sh"},
                {"my_custom_key:", "my_custom_key"}, {"per_species_rescale_shifts:", "per_species_rescale_shifts"},
                {"early_stopping_delta:", "early_stopping_delta"}, {"  total_energy: 1", "loss_coeffs.total_energy"}, {"  stress: [1, L1Loss]", "loss_coeffs.stress[1]"}})
            assertTrue(m.contains("line " + lineOf(cfg, k[0]) + ", key '" + k[1] + "'"), k[1] + " with its line in:\n" + m);
        assertTrue(m.contains("PerSpeciesL1Loss"), m);
        assertTrue(m.contains("line " + lineOf(cfg, "  forces: [1, PerSpeciesL1Loss]")), m);
        assertEquals(12, m.split("\n").length, "one line per problem after the heading:\n" + m);
    }

    @Test
    void valueMistakesFoundAfterTranslationPointAtTheUsersLine() throws Exception {
        tinyNpz(new int[] {1, 8, 6, 1});
        Path cfg = nequipConfig("minimal.yaml", Map.of(NEQUIP_DATA, "tiny.npz", "r_max: 4.0", "r_max: -4.0"));
        UserError e = assertThrows(UserError.class, () -> TrainConfigLoader.load(cfg));
        assertTrue(e.getMessage().contains("line " + lineOf(cfg, "r_max: -4.0")), e.getMessage());
        assertTrue(e.getMessage().contains("r_max"), e.getMessage());

        Path missing = nequipConfig("minimal.yaml", Map.of(NEQUIP_DATA, "nowhere.npz"));
        UserError e2 = assertThrows(UserError.class, () -> TrainConfigLoader.load(missing));
        assertTrue(e2.getMessage().contains("line " + lineOf(missing, "dataset_file_name:")) && e2.getMessage().contains("nowhere.npz"), e2.getMessage());
    }

    @Test
    void detectionByKeysAndAseDatasets() throws Exception {
        ConfigNode nequip = ConfigNode.parse(dir.resolve("a.yaml"), "r_max: 4.0\nl_max: 1\n");
        assertTrue(NequipTrainConfig.isNequip(nequip));
        ConfigNode ours = ConfigNode.parse(dir.resolve("b.yaml"), "data: {}\nr_max: 4.0\n");
        assertFalse(NequipTrainConfig.isNequip(ours), "a file with md's sections is md's (r_max there is an unknown key)");
        ConfigNode plain = ConfigNode.parse(dir.resolve("c.yaml"), "seed: 1\n");
        assertFalse(NequipTrainConfig.isNequip(plain));

        Path xyz = TrainFixtures.extxyz(dir.resolve("d.extxyz"), 10, 3, 2);
        Path cfg = dir.resolve("ase.yaml");
        Files.writeString(cfg, """
                root: res
                run_name: ase
                r_max: 3.5
                l_max: 1
                parity: false
                num_features: 8
                dataset: ase
                dataset_file_name: d.extxyz
                ase_args:
                  format: extxyz
                key_mapping:
                  energy: total_energy
                  forces: forces
                chemical_symbols: [H, C, O]
                n_train: 6
                n_val: 2
                loss_coeffs:
                  forces: 10
                  total_energy: [2, PerAtomMSELoss]
                optimizer_name: AdamW
                optimizer_weight_decay: 0.001
                optimizer_eps: 1.0e-6
                optimizer_betas: !!python/tuple
                  - 0.8
                  - 0.99
                lr_scheduler_name: ReduceLROnPlateau
                avg_num_neighbors: null
                per_species_rescale_shifts: dataset_per_species_total_energy_mean
                """);
        TrainConfig c = TrainConfigLoader.load(cfg);
        TrainConfig.Source s = c.data().train().get(0);
        assertEquals(xyz, s.file());
        assertEquals("extxyz", s.format());
        assertEquals("energy", s.energyKey());
        assertEquals("forces", s.forcesKey());
        assertEquals(false, option(c, "parity"));
        assertEquals(3.5, c.model().cutoffAngstrom(), 0.0);
        assertEquals(1.0, ((Number) option(c, "avg_num_neighbors")).doubleValue(), 0.0, "null: no normalisation");
        assertEquals(TrainConfig.EnergyShifts.LEAST_SQUARES, c.model().energyShifts());
        assertEquals(10.0, c.training().loss().forces(), 0.0);
        assertEquals(2.0, c.training().loss().energyPerAtom(), 0.0);
        assertTrue(c.training().optimizer().decoupled());
        assertEquals(0.001, c.training().optimizer().weightDecay(), 0.0);
        assertEquals(1e-6, c.training().optimizer().epsilon(), 0.0);
        assertEquals(0.8, c.training().optimizer().beta1(), 0.0);
        assertEquals(0.99, c.training().optimizer().beta2(), 0.0);
        assertEquals(10, c.training().plateauPatience(), "torch's ReduceLROnPlateau default patience");
        assertEquals(0.1, c.training().plateauFactor(), 0.0, "torch's default factor");
        assertEquals(dir.resolve("res/ase"), c.output().directory());
    }

    /** md's keys behind chemical_symbols and nequip's default shifts: model.species (a superset of the data's) and energy_shifts: per_atom_mean. */
    @Test
    void modelSpeciesAndPerAtomMeanShifts() throws Exception {
        Path data = TrainFixtures.extxyz(dir.resolve("m.extxyz"), 14, 5, 3);
        Path cfg = dir.resolve("train.yaml");
        Files.writeString(cfg, """
                seed: 2
                data:
                  train: [{file: m.extxyz}]
                  split: {n_train: 8, n_val: 3, n_test: 3}
                model: {l_max: 1, num_features: 4, num_layers: 1, r_max: 4.0, num_basis: 4, invariant_layers: 1, invariant_neurons: 8,
                        species: [O, H, N, C], energy_shifts: per_atom_mean}
                training: {max_epochs: 1, batch_size: 4}
                output: {directory: out}
                """);
        TrainFixtures.run("train", cfg.toString());
        assertArrayEquals(new int[] {1, 6, 7, 8}, ModelFile.read(dir.resolve("out/model.nqp")).architecture().atomicNumbers());
        double[] shifts = TrainCheckpoint.readModelInfo(dir.resolve("out/checkpoint-last.npz")).perSpeciesShiftsEv();
        double mean = 0;
        List<md.forcefields.training.TrainingFrame> train = TrainingData.load(TrainConfigLoader.load(cfg).data()).train();
        for (var f : train) mean += f.energyEv() / f.atomicNumbers().length;
        mean /= train.size();
        assertEquals(4, shifts.length);
        for (double b : shifts) assertEquals(mean, b, 1e-12 * Math.abs(mean));

        Files.writeString(cfg, Files.readString(cfg).replace("species: [O, H, N, C]", "species: [H, C]").replace("out}", "out2}"));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = md.engine.cli.Main.run(new String[] {"train", cfg.toString()}, new java.io.PrintStream(err));
        assertEquals(2, rc);
        assertTrue(err.toString().contains("element O, which is not among the model's species [H, C]"), err.toString());
    }
}
