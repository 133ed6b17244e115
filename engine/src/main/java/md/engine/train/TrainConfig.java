package md.engine.train;

import java.nio.file.Path;
import java.util.List;

import java.util.Map;

import md.engine.config.ConfigNode;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.training.Objective;
import md.forcefields.training.Trainer;

/** A validated {@code md train} configuration (keys, units and defaults in docs/training.md). */
public record TrainConfig(Path file, long seed, int threads, Data data, Model model, Trainer.Options training, Output output, List<String> notes) {

    public TrainConfig(Path file, long seed, int threads, Data data, Model model, Trainer.Options training, Output output) {
        this(file, seed, threads, data, model, training, output, List.of());
    }

    /** The same configuration run with {@code n} worker threads. */
    public TrainConfig withThreads(int n) {
        return new TrainConfig(file, seed, n, data, model, training.withThreads(n), output, notes);
    }

    /**
     * One data file: format (npz, extxyz, ani), objective, the label keys (extxyz: comment key and column; npz: array
     * names, null for the layout's), ANI level of theory, the
     * energy unit of an npz file (null: its layout's), which of its frames to use (null: all) and how
     * many times each selected frame enters the pool (oversampling a small set, e.g. a few equilibrium
     * structures among thousands of off-equilibrium frames; each copy gets its own denoising noise).
     */
    public record Source(Path file, String format, Objective objective, String energyKey, String forcesKey, String aniMethod, String where,
                         String energyUnit, FrameSelection frames, int repeat) {
        public Source(Path file, String format, Objective objective, String energyKey, String forcesKey, String aniMethod, String where) {
            this(file, format, objective, energyKey, forcesKey, aniMethod, where, null, null, 1);
        }
    }

    /**
     * How the per-species energy shifts of a new model are computed from the training energies
     * ({@code model.energy_shifts}): a least-squares fit on the composition (md's default, nequip's
     * {@code dataset_per_species_total_energy_mean}), or one value for every species, the mean energy per
     * atom (nequip 0.6's default {@code dataset_per_atom_total_energy_mean}).
     */
    public enum EnergyShifts {
        LEAST_SQUARES("least_squares"), PER_ATOM_MEAN("per_atom_mean");

        private final String key;

        EnergyShifts(String key) { this.key = key; }

        public String key() { return key; }

        public static java.util.List<String> keys() { return java.util.Arrays.stream(values()).map(EnergyShifts::key).toList(); }

        public static EnergyShifts byKey(String k) {
            for (EnergyShifts e : values()) if (e.key.equals(k)) return e;
            throw new IllegalArgumentException("unknown energy_shifts '" + k + "'");
        }
    }

    /** Split of the {@code train} pool into training/validation(/test) unless explicit files are given. */
    /** {@code where} locates the split section for messages about its counts ("FILE, line L, key 'data.split'"). */
    public record Split(String method, Integer nTrain, Integer nValidation, Integer nTest, long seed, String where) {
        public Split(String method, Integer nTrain, Integer nValidation, Integer nTest, long seed) {
            this(method, nTrain, nValidation, nTest, seed, "data.split");
        }
    }

    public record Data(List<Source> train, List<Source> validation, List<Source> test, Split split) {}

    /**
     * The model to train: its family and the {@code model} section's other keys as the family's options
     * ({@code node} and {@code marks} locate them for errors).
     */
    public record Model(ModelFamily family, ModelFamily.Training training, ForceFieldSpec options, ConfigNode node, Map<String, Integer> marks,
                        LearnedModel pretrained, java.util.Set<String> frozen, int[] species, EnergyShifts energyShifts) {
        public Model(ModelFamily family, ModelFamily.Training training, ForceFieldSpec options, ConfigNode node, Map<String, Integer> marks,
                     LearnedModel pretrained, java.util.Set<String> frozen) {
            this(family, training, options, node, marks, pretrained, frozen, null, EnergyShifts.LEAST_SQUARES);
        }

        /** The cutoff (Å) the options give, or the pre-trained model's. */
        public double cutoffAngstrom() { return pretrained != null ? pretrained.architecture().cutoff() : located(() -> training.cutoffAngstrom(options)); }

        /**
         * A freshly initialised model for these training-set statistics; with {@code init_from}, the
         * pre-trained model (its own energy shifts and scale, unless its family re-fits them to the data:
         * {@code ModelFamily.Training.fineTuningStart}), which must know every species of the data.
         */
        public LearnedModel initialModel(DatasetStatistics statistics, long seed) {
            if (pretrained == null) return located(() -> training.initial(options, statistics, seed));
            for (int z : statistics.atomicNumbers())
                if (pretrained.architecture().typeOf(z) < 0)
                    throw node.error("the training data have element " + md.core.Elements.symbol(z) + ", which the init_from model does not know (its species: "
                            + java.util.Arrays.toString(pretrained.architecture().atomicNumbers()) + ")");
            return training == null ? pretrained : training.fineTuningStart(pretrained, statistics);
        }

        /**
         * Whether the model has a direct force head ({@code EquivariantModel.hasDirectForces}): the pre-trained
         * model's, or that of a model built from the options with placeholder statistics.
         */
        public boolean hasDirectForces() {
            if (pretrained != null) return pretrained.architecture().hasDirectForces();
            if (training == null) return false;
            DatasetStatistics placeholder = new DatasetStatistics(new int[] {1}, 1.0, new double[] {0.0}, 1.0);
            return located(() -> training.initial(options, placeholder, 0)).architecture().hasDirectForces();
        }

        /** The family's name, for messages. */
        public String familyName() { return pretrained != null ? pretrained.architecture().family() : family == null ? "these" : family.name(); }

        /** Runs {@code f}, turning a bad option into an error at its line. */
        <T> T located(java.util.function.Supplier<T> f) {
            try {
                return f.get();
            } catch (ForceFieldConfigException e) {
                throw node.errorAt(e.key(), marks, e.getMessage());
            }
        }
    }

    /**
     * Where results go: the folder (metrics, checkpoints, report), the model file, and how many per-epoch
     * model snapshots to keep ({@code training.keep_snapshots}, 0: none) under {@code snapshots/}.
     */
    public record Output(Path directory, Path modelFile, int keepSnapshots) {
        public Output(Path directory, Path modelFile) { this(directory, modelFile, 0); }

        public Output withKeepSnapshots(int n) { return new Output(directory, modelFile, n); }

        public Path snapshots() { return directory.resolve("snapshots"); }

        /** {@code snapshots/epoch-NNNN.EXT}, EXT the model file's extension (zip when it has none). */
        public Path snapshot(int epoch) {
            String name = modelFile.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String ext = dot > 0 ? name.substring(dot + 1) : "zip";
            return snapshots().resolve(String.format(java.util.Locale.ROOT, "epoch-%04d.%s", epoch, ext));
        }

        public Path metrics() { return directory.resolve("metrics.csv"); }
        public Path lastCheckpoint() { return directory.resolve("checkpoint-last.npz"); }
        public Path bestCheckpoint() { return directory.resolve("checkpoint-best.npz"); }
        public Path testReport() { return directory.resolve("test-report.json"); }
    }
}
