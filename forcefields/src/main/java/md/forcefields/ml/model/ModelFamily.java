package md.forcefields.ml.model;


import java.util.Map;

/**
 * Makes models of one family from their stored spec. Families are listed in
 * {@code META-INF/services/md.forcefields.ml.model.ModelFamily} (see {@link ModelFamilies}), so a model file
 * naming the family loads without any other code knowing the family.
 */
public interface ModelFamily {
    /** The {@code model} value in model files, e.g. "nequip". */
    String name();

    /** One line for listings. */
    String description();

    /** The model a {@link EquivariantModel#spec()} describes; IllegalArgumentException naming the key on a bad spec. */
    EquivariantModel fromSpec(Map<String, Object> spec);

    /**
     * Reads a model file of an older, family-specific format (its {@code format} field in
     * {@code model.json}), or returns null when this family does not know {@code format}.
     */
    default LearnedModel readLegacy(java.nio.file.Path file, String format) throws java.io.IOException { return null; }

    /** How {@code md train} makes a new model of this family; null when it cannot. */
    default Training training() { return null; }

    /**
     * A new model for {@code md train}: the {@code model} section of the training configuration (its keys
     * beside {@code family}) as {@code options}, errors as {@link md.forcefields.ForceFieldConfigException}
     * naming the key, so the engine points at its line.
     */
    interface Training {
        /** The option keys with their defaults and meaning, one line each, for {@code md train --help} and docs. */
        java.util.List<String> help();

        /** Fails on unknown keys and bad values, before any data is read. */
        void validate(md.forcefields.ForceFieldSpec options);

        /** The cutoff (Å; +∞: every pair) the options give: the training set's neighbour statistics are taken at it. */
        double cutoffAngstrom(md.forcefields.ForceFieldSpec options);

        /**
         * A model with initial parameters drawn with {@code seed}, its energy shifted and scaled by the
         * training set's statistics so that an untrained model starts near the data.
         */
        LearnedModel initial(md.forcefields.ForceFieldSpec options, DatasetStatistics statistics, long seed);

        /**
         * The model training starts from when it continues a pre-trained one ({@code init_from}) on this training
         * set: by default the pre-trained model unchanged; a family whose normalisation belongs to the data set
         * rather than to the network may re-fit it (GeomAtt's energy standardisation, as the authors' transfer
         * learning does).
         */
        default LearnedModel fineTuningStart(LearnedModel pretrained, DatasetStatistics statistics) { return pretrained; }
    }

    /** How {@code md import} converts models trained by this family's reference implementation; null when it cannot. */
    default Importer importer() { return null; }

    /**
     * {@code md import KIND CONFIG WEIGHTS.npz -o MODEL}: a reference implementation's configuration (YAML
     * read into a map) and state_dict (saved with numpy, keys as in the state_dict) to a model of this family.
     */
    interface Importer {
        /** The KIND argument, e.g. "nequip" or "torchmdnet". */
        String kind();

        /** Lines for {@code md import --help}: what CONFIG and WEIGHTS are for this kind. */
        String help();

        /** The model; IllegalArgumentException naming the option or state_dict key on anything it cannot place. */
        LearnedModel fromReference(Map<String, Object> config, Map<String, md.core.io.NpyArray> stateDict);

        /** One line describing an imported model (species, size), printed after writing it. */
        String describe(LearnedModel model);
    }
}
