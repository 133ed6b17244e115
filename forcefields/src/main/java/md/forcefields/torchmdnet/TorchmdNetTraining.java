package md.forcefields.torchmdnet;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.families.EquivariantTransformerHyperparameters;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;

/**
 * {@code md train}'s {@code model} section for the TorchMD-Net Equivariant Transformer ({@code family:
 * torchmdnet-et}): TorchMD-Net's own option names ({@code create_model} arguments, as
 * {@link TorchmdNetImporter} reads them), with smaller sizes than TorchMD-Net's defaults and
 * {@code vector_cutoff: true} (a continuous energy, for MD). The energy normalisation comes from the data:
 * the Atomref prior holds the per-species energy shifts (eV), {@code std} the force RMS (eV/Å), mean 0, so
 * E = Σ_i (σ_F·ε_i + shift[Z_i]) and an untrained model starts at the fitted composition energy.
 */
final class TorchmdNetTraining implements ModelFamily.Training {
    static final Set<String> KEYS = Set.of("embedding_dimension", "num_layers", "num_rbf", "num_heads", "rbf_type", "trainable_rbf", "activation",
            "attn_activation", "distance_influence", "neighbor_embedding", "cutoff_lower", "cutoff_upper", "max_z", "vector_cutoff");

    /** TorchMD-Net options that md train decides itself or that have no meaning here: a specific message instead of "unknown key". */
    private static final Map<String, String> NOT_OPTIONS = Map.of(
            "max_num_neighbors", "md's neighbour lists have no cap (every pair within cutoff_upper is a neighbour); remove it",
            "prior_model", "md train always uses an Atomref prior holding the per-species energy shifts fitted to the training energies; remove it",
            "mean", "md train sets the energy offset itself (per-species shifts in the Atomref prior, mean 0); remove it",
            "std", "md train sets std to the training set's force RMS; remove it",
            "standardize", "md train always normalises (per-species shifts and the force RMS); remove it");

    private static final List<String> ACTIVATIONS = List.of("silu", "tanh", "sigmoid", "ssp");

    @Override public List<String> help() {
        return List.of(
                "embedding_dimension: 64     channels of the scalar features and of each component of the vector features (TorchMD-Net: 256)",
                "num_layers: 3               attention layers (TorchMD-Net: 6)",
                "num_rbf: 32                 exp-normal radial basis functions (TorchMD-Net: 64)",
                "num_heads: 8                attention heads (must divide embedding_dimension)",
                "rbf_type: expnorm           radial basis (only expnorm)",
                "trainable_rbf: true         train the exp-normal means and betas",
                "activation: silu            of the filters and the output head: silu, tanh, sigmoid or ssp",
                "attn_activation: silu       of the attention weights: silu, tanh, sigmoid or ssp",
                "distance_influence: both    which of keys and values the distance filters multiply: keys, values, both, none",
                "neighbor_embedding: true    neighbour embedding after the atom embedding",
                "cutoff_lower: 0.0           lower cutoff, Å (only 0)",
                "cutoff_upper: 5.0           cutoff radius, Å",
                "max_z: 100                  rows of the embedding tables (atomic numbers below max_z)",
                "vector_cutoff: true         damp the values (true: continuous energy, for MD) or the attention weights (TorchMD-Net's default false)");
    }

    @Override public void validate(ForceFieldSpec o) { hyperparameters(o); }

    @Override public double cutoffAngstrom(ForceFieldSpec o) { return cutoffUpper(o); }

    @Override public LearnedModel initial(ForceFieldSpec o, DatasetStatistics s, long seed) {
        EquivariantTransformerHyperparameters hp = hyperparameters(o);
        int[] z = s.atomicNumbers();
        for (int a : z)
            if (a >= hp.maxZ()) throw new ForceFieldConfigException("max_z", "the training data has atomic number " + a + ": max_z must be above it, got " + hp.maxZ());
        EquivariantTransformer et = new EquivariantTransformer(hp, z);
        Map<String, double[]> values = et.initialParameters(new Random(seed));
        double[] atomref = values.get(EquivariantTransformer.ATOMREF);
        Arrays.fill(atomref, 0.0);
        double[] shifts = s.perSpeciesEnergyShiftsEv();
        for (int i = 0; i < z.length; i++) atomref[z[i]] = shifts[i];
        values.get(EquivariantTransformer.STD)[0] = s.forceRmsEvPerAngstrom();
        values.get(EquivariantTransformer.MEAN)[0] = 0.0;
        return new LearnedModel(et, values);
    }

    static EquivariantTransformerHyperparameters hyperparameters(ForceFieldSpec o) {
        for (String k : o.params().keySet())
            if (NOT_OPTIONS.containsKey(k)) throw new ForceFieldConfigException(k, "'" + k + "' is not an md train option for torchmdnet-et: " + NOT_OPTIONS.get(k));
        o.rejectUnknownKeys(KEYS);
        int h = o.getIntAtLeast("embedding_dimension", 64, 2, "a number of channels");
        int layers = o.getIntAtLeast("num_layers", 3, 1, "a number of attention layers");
        int rbf = o.getIntAtLeast("num_rbf", 32, 1, "a number of radial basis functions");
        int heads = o.getIntAtLeast("num_heads", 8, 1, "a number of attention heads");
        if (h % heads != 0) throw new ForceFieldConfigException("num_heads", "expected a divisor of embedding_dimension (" + h + "), got " + heads);
        oneOf(o, "rbf_type", "expnorm", List.of("expnorm"));
        if (o.getDouble("cutoff_lower", 0.0) != 0.0)
            throw new ForceFieldConfigException("cutoff_lower", "only 0 is supported, got " + o.getDouble("cutoff_lower", 0.0));
        int maxZ = o.getIntAtLeast("max_z", 100, 2, "the number of embedding rows (atomic numbers below it)");
        return new EquivariantTransformerHyperparameters(h, layers, rbf, heads, cutoffUpper(o), maxZ, o.getBoolean("neighbor_embedding", true),
                oneOf(o, "distance_influence", "both", List.of("keys", "values", "both", "none")), oneOf(o, "activation", "silu", ACTIVATIONS),
                oneOf(o, "attn_activation", "silu", ACTIVATIONS), o.getBoolean("vector_cutoff", true), o.getBoolean("trainable_rbf", true), true);
    }

    private static double cutoffUpper(ForceFieldSpec o) {
        double v = o.getDouble("cutoff_upper", 5.0);
        if (!(v > 0) || !Double.isFinite(v)) throw new ForceFieldConfigException("cutoff_upper", "expected the cutoff radius in Å (a positive number), got " + v);
        return v;
    }


    private static String oneOf(ForceFieldSpec o, String key, String defaultValue, List<String> allowed) {
        String v = o.getString(key, defaultValue);
        if (!allowed.contains(v)) throw new ForceFieldConfigException(key, "expected one of " + allowed + ", got '" + v + "'");
        return v;
    }
}
