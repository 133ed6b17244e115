package md.forcefields.se3t;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.families.Se3TransformerHyperparameters;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.ml.ops.TfnClebschGordan;

/**
 * {@code md train}'s {@code model} section for the SE(3)-Transformer: the keys {@code md import se3t} reads
 * from the reference configuration (num_layers, n_heads, num_channels, max_degree, aggregation, cutoff,
 * radial_mlp.hidden, norm_nonlinearity.layernorm_eps / norm_clamp_min) with the workshop paper's "basic"
 * variant as defaults. The energy is trained in eV: energy_scale = σ_F (force RMS of the training set) and
 * per-species shifts from the training energies, so E = Σ_i (σ_F ε_i + b_{t_i}); forces are −∂E/∂r.
 */
final class Se3tTraining implements ModelFamily.Training {
    static final Set<String> KEYS = Set.of("num_layers", "n_heads", "num_channels", "max_degree", "aggregation", "cutoff", "radial_mlp", "norm_nonlinearity");
    private static final Set<String> RADIAL_KEYS = Set.of("hidden", "layernorm_eps");
    private static final Set<String> NORM_KEYS = Set.of("layernorm_eps", "norm_clamp_min");
    private static final double EPS = 1e-5, NORM_FLOOR = 1e-12;

    @Override public List<String> help() {
        return List.of(
                "num_layers: 3                      attention layers (the last outputs the per-atom energy)",
                "n_heads: 4                         attention heads",
                "num_channels: 4                    channels per degree and head (values and keys: n_heads x num_channels)",
                "max_degree: 2                      highest degree of the hidden features (>= 1)",
                "aggregation: sum                   sum or mean of the attention-weighted messages",
                "cutoff: .inf                       radius graph r < cutoff, Å; absent or .inf: fully connected within a molecule",
                "radial_mlp: {hidden: 32}           width of the radial MLPs' two hidden layers",
                "norm_nonlinearity: {layernorm_eps: 1e-5, norm_clamp_min: 1e-12}   LayerNorm eps (also the radial MLPs') and norm floor");
    }

    @Override public void validate(ForceFieldSpec o) { hyperparameters(o, 1); }

    @Override public double cutoffAngstrom(ForceFieldSpec o) { return cutoff(o); }

    @Override public LearnedModel initial(ForceFieldSpec o, DatasetStatistics s, long seed) {
        Se3TransformerHyperparameters hp = hyperparameters(o, s.atomicNumbers().length).withEnergyScale(s.forceRmsEvPerAngstrom());
        Se3Transformer model = new Se3Transformer(hp, s.atomicNumbers(), s.perSpeciesEnergyShiftsEv());
        Map<String, double[]> values = model.initialParameters(new Random(seed));
        return new LearnedModel(model, values);
    }

    /** The hyperparameters the options give, with outputs in eV (energy_scale 1). */
    static Se3TransformerHyperparameters hyperparameters(ForceFieldSpec o, int numSpecies) {
        if (o.has("num_degrees"))
            throw new ForceFieldConfigException("num_degrees", "use max_degree (= num_degrees - 1, the highest degree of the hidden features), as md import se3t reads it");
        if (o.has("div"))
            throw new ForceFieldConfigException("div", "is not an option: the value and key fibers have n_heads x num_channels channels per degree "
                    + "(the reference's div = output channels / (n_heads x num_channels)), as md import se3t builds them");
        o.rejectUnknownKeys(KEYS);
        String agg = o.getString("aggregation", "sum");
        if (!agg.equals("sum") && !agg.equals("mean")) throw new ForceFieldConfigException("aggregation", "expected sum or mean, got '" + agg + "'");
        ForceFieldSpec radial = nested(o, "radial_mlp", RADIAL_KEYS), norm = nested(o, "norm_nonlinearity", NORM_KEYS);
        double eps = positive(norm, "norm_nonlinearity", "layernorm_eps", EPS, "a LayerNorm eps");
        double radialEps = positive(radial, "radial_mlp", "layernorm_eps", eps, "a LayerNorm eps");
        if (radialEps != eps)
            throw new ForceFieldConfigException("radial_mlp.layernorm_eps", "must equal norm_nonlinearity.layernorm_eps (" + eps + "): one eps for every LayerNorm, got " + radialEps);
        return new Se3TransformerHyperparameters(numSpecies, atLeast(o, "", "num_layers", 3, 1, "a number of attention layers"),
                atLeast(o, "", "n_heads", 4, 1, "a number of attention heads"), atLeast(o, "", "num_channels", 4, 1, "a number of channels per degree and head"),
                atLeast(o, "", "max_degree", 2, 1, "the highest degree of the hidden features (the output has a type-1 part)"), agg.equals("mean"),
                atLeast(radial, "radial_mlp.", "hidden", 32, 1, "a radial MLP width"), eps,
                positive(norm, "norm_nonlinearity", "norm_clamp_min", NORM_FLOOR, "a lower bound of the channel norms"), cutoff(o),
                TfnClebschGordan.REFERENCE_SIGNS, 1.0);
    }

    /** The cutoff in Å: absent or +∞ = fully connected. */
    static double cutoff(ForceFieldSpec o) {
        double c = o.getDouble("cutoff", Double.POSITIVE_INFINITY);
        if (!(c > 0)) throw new ForceFieldConfigException("cutoff", "expected a cutoff radius in Å (a positive number, or .inf / absent for a fully connected graph), got " + c);
        return c;
    }

    /** A nested mapping as a spec of its own (empty when absent); errors are re-thrown with the dotted key. */
    private static ForceFieldSpec nested(ForceFieldSpec o, String key, Set<String> allowed) {
        ForceFieldSpec s = new ForceFieldSpec(o.type() + " " + key, o.has(key) ? o.getMap(key) : Map.of(), o.baseDirectory());
        try {
            s.rejectUnknownKeys(allowed);
        } catch (ForceFieldConfigException e) {
            throw new ForceFieldConfigException(key + "." + e.key(), e.getMessage());
        }
        return s;
    }

    private static int atLeast(ForceFieldSpec o, String prefix, String key, int defaultValue, int min, String expected) {
        int v;
        try {
            v = o.getInt(key, defaultValue);
        } catch (ForceFieldConfigException e) {
            throw new ForceFieldConfigException(prefix + key, e.getMessage());
        }
        if (v < min) throw new ForceFieldConfigException(prefix + key, "expected " + expected + " (a whole number >= " + min + "), got " + v);
        return v;
    }

    private static double positive(ForceFieldSpec o, String parent, String key, double defaultValue, String expected) {
        String full = parent + "." + key;
        double v;
        try {
            v = o.getDouble(key, defaultValue);
        } catch (ForceFieldConfigException e) {
            throw new ForceFieldConfigException(full, e.getMessage());
        }
        if (!(v > 0) || !Double.isFinite(v)) throw new ForceFieldConfigException(full, "expected " + expected + " (a positive number), got " + v);
        return v;
    }
}
