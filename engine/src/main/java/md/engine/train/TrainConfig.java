package md.engine.train;

import java.nio.file.Path;
import java.util.List;

import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.training.Objective;
import md.forcefields.training.Trainer;

/** A validated {@code md train} configuration (keys, units and defaults in docs/training.md). */
public record TrainConfig(Path file, long seed, int threads, Data data, Model model, Trainer.Options training, Output output) {

    /** The same configuration run with {@code n} worker threads. */
    public TrainConfig withThreads(int n) {
        Trainer.Options t = training;
        return new TrainConfig(file, seed, n, data, model, new Trainer.Options(t.maxEpochs(), t.batchSize(), t.seed(), n, t.loss(), t.optimizer(),
                t.warmupSteps(), t.emaDecay(), t.maxGradientNorm(), t.plateauFactor(), t.plateauPatience(), t.plateauThreshold(),
                t.learningRateFloor(), t.earlyStoppingPatience(), t.maxWallSeconds()), output);
    }

    /** One data file: format (npz, extxyz, ani), objective, extxyz key names, ANI level of theory. */
    public record Source(Path file, String format, Objective objective, String energyKey, String forcesKey, String aniMethod, String where) {}

    /** Split of the {@code train} pool into training/validation(/test) unless explicit files are given. */
    public record Split(String method, Integer nTrain, Integer nValidation, Integer nTest, long seed) {}

    public record Data(List<Source> train, List<Source> validation, List<Source> test, Split split) {}

    /** Architecture (NequIP names); avg_num_neighbors comes from the training set. */
    public record Model(int lMax, boolean parity, int numFeatures, int numLayers, double rMax, int numBasis, int invariantLayers,
                        int invariantNeurons) {
        public NequipHyperparameters hyperparameters(int numTypes, double avgNumNeighbors) {
            return NequipHyperparameters.of(numTypes, lMax, parity, numFeatures, numLayers, rMax, avgNumNeighbors)
                    .withRadial(numBasis, invariantLayers, invariantNeurons);
        }

        /** A freshly initialised model for these species and training statistics. */
        public LearnedModel initialModel(int[] species, double avgNumNeighbors, double[] perSpeciesShiftsEv, double forceScale, long seed) {
            return Nequip.initial(hyperparameters(species.length, avgNumNeighbors), species, perSpeciesShiftsEv, forceScale, seed);
        }
    }

    /** Where results go: the folder (metrics, checkpoints, report) and the model file. */
    public record Output(Path directory, Path modelFile) {
        public Path metrics() { return directory.resolve("metrics.csv"); }
        public Path lastCheckpoint() { return directory.resolve("checkpoint-last.npz"); }
        public Path bestCheckpoint() { return directory.resolve("checkpoint-best.npz"); }
        public Path testReport() { return directory.resolve("test-report.json"); }
    }
}
