package md.forcefields.se3t;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import md.core.Elements;
import md.core.Units;
import md.core.io.NpyArray;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.families.Se3TransformerHyperparameters;
import md.forcefields.ml.ops.TfnClebschGordan;

/**
 * Imports an SE(3)-Transformer potential trained with the public reference code (Fuchs et al.,
 * {@code se3-transformer-public}, assembled as in the se3t-reference fixture): the configuration (the
 * fixture's {@code config.yaml} keys) and the model's {@code state_dict} saved with numpy (keys unchanged).
 * Every state_dict key must be used and every parameter present, with its exact shape.
 *
 * <p>Configuration keys: {@code species_onehot} (element symbols in one-hot order), {@code num_layers},
 * {@code n_heads}, {@code num_channels}, {@code max_degree}, {@code aggregation} (sum | mean), optional
 * {@code norm_nonlinearity.layernorm_eps} / {@code norm_clamp_min}, {@code radial_mlp.hidden} /
 * {@code layernorm_eps}, {@code cutoff} (Å; absent = fully connected), {@code energy_units} (kcal/mol by
 * default, the unit of the reference training data; eV, kJ/mol, Hartree), {@code skip} (only "none").
 */
public final class Se3tImporter {
    private Se3tImporter() {}

    public static LearnedModel fromReference(Map<String, Object> config, Map<String, NpyArray> stateDict) {
        Object model = config.get("model");
        if (model != null && !String.valueOf(model).startsWith("se3-transformer"))
            throw new IllegalArgumentException("se3t config: 'model' is '" + model + "', expected an se3-transformer potential");
        Object skip = config.get("skip");
        if (skip != null && !String.valueOf(skip).toLowerCase().startsWith("none"))
            throw new IllegalArgumentException("se3t config: skip '" + skip + "' is not supported (only skip: none, the seeds' attention blocks without skip connections)");
        int[] z = species(config);
        Map<String, Object> norm = map(config, "norm_nonlinearity"), radial = map(config, "radial_mlp");
        String agg = String.valueOf(config.getOrDefault("aggregation", "sum"));
        if (!agg.equals("sum") && !agg.equals("mean")) throw new IllegalArgumentException("se3t config: 'aggregation' must be sum or mean, got " + agg);
        Object nl = norm.get("nonlin");
        if (nl != null && !String.valueOf(nl).equalsIgnoreCase("relu")) throw new IllegalArgumentException("se3t config: norm_nonlinearity.nonlin '" + nl + "' is not supported (ReLU only)");
        Object nlLayers = norm.get("num_layers");
        if (nlLayers != null && ((Number) nlLayers).intValue() != 0)
            throw new IllegalArgumentException("se3t config: norm_nonlinearity.num_layers " + nlLayers + " is not supported (0 only: LayerNorm + ReLU on the norms)");
        double eps = number(radial, "layernorm_eps", number(norm, "layernorm_eps", 1e-5));
        if (number(norm, "layernorm_eps", eps) != eps) throw new IllegalArgumentException("se3t config: the radial MLPs and the norm nonlinearity need the same layernorm_eps");
        double cutoff = config.containsKey("cutoff") ? number(config, "cutoff", 0) : Double.POSITIVE_INFINITY;
        Se3TransformerHyperparameters hp = new Se3TransformerHyperparameters(z.length, integer(config, "num_layers"), integer(config, "n_heads"),
                integer(config, "num_channels"), integer(config, "max_degree"), agg.equals("mean"), (int) number(radial, "hidden", 32), eps,
                number(norm, "norm_clamp_min", 1e-12), cutoff, TfnClebschGordan.REFERENCE_SIGNS, energyScale(String.valueOf(config.getOrDefault("energy_units", "kcal/mol"))));
        Se3Transformer arch = new Se3Transformer(hp, z);
        Map<String, double[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, EquivariantModel.ParameterSpec> e : arch.parameters().entrySet()) {
            NpyArray a = stateDict.get(e.getKey());
            if (a == null) throw new IllegalArgumentException("se3t state_dict: missing key '" + e.getKey() + "' (a model with " + hp.numLayers() + " layers, degrees <= "
                    + hp.maxDegree() + ", " + hp.heads() + " heads of " + hp.channels() + " channels needs it)");
            int rows = e.getValue().shape().fixedRows(), width = e.getValue().shape().width();
            boolean ok = a.shape().length == 2 ? a.shape()[0] == rows && a.shape()[1] == width : a.shape().length == 1 && rows == 1 && a.shape()[0] == width;
            if (!ok) throw new IllegalArgumentException("se3t state_dict: '" + e.getKey() + "' has shape " + java.util.Arrays.toString(a.shape()) + ", expected "
                    + (rows == 1 && !e.getKey().endsWith("weight") ? "[" + width + "]" : "[" + rows + ", " + width + "]"));
            values.put(e.getKey(), a.data());
        }
        for (String k : stateDict.keySet())
            if (!values.containsKey(k)) throw new IllegalArgumentException("se3t state_dict: key '" + k + "' is not used by this configuration (the model has "
                    + values.size() + " parameters; check num_layers, max_degree, n_heads, num_channels)");
        return new LearnedModel(arch, values);
    }

    /** eV per unit of the reference model's energies. */
    static double energyScale(String unit) {
        return switch (unit.toLowerCase().replace(" ", "")) {
            case "ev" -> 1.0;
            case "kcal/mol" -> Units.KCAL_PER_MOL_TO_EV;
            case "kj/mol" -> Units.KJ_PER_MOL_TO_EV;
            case "hartree", "ha" -> Units.HARTREE_TO_EV;
            default -> throw new IllegalArgumentException("se3t config: energy_units '" + unit + "' is not known (eV, kcal/mol, kJ/mol, Hartree)");
        };
    }

    private static int[] species(Map<String, Object> config) {
        if (!(config.get("species_onehot") instanceof List<?> l) || l.isEmpty())
            throw new IllegalArgumentException("se3t config: 'species_onehot' must list the element symbols in one-hot order, e.g. [H, C, N, O]");
        int[] z = new int[l.size()];
        for (int i = 0; i < z.length; i++) {
            String s = String.valueOf(l.get(i));
            z[i] = Elements.atomicNumber(s).orElseThrow(() -> new IllegalArgumentException("se3t config: species_onehot: unknown element '" + s + "'"));
        }
        return z;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> config, String key) {
        Object v = config.get(key);
        if (v == null) return Map.of();
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException("se3t config: '" + key + "' must be a mapping, got " + v);
    }

    private static double number(Map<String, Object> m, String key, double fallback) {
        Object v = m.get(key);
        if (v == null) return fallback;
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("se3t config: '" + key + "' must be a number, got " + v);
    }

    private static int integer(Map<String, Object> config, String key) {
        Object v = config.get(key);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()))
            throw new IllegalArgumentException("se3t config: '" + key + "' must be a whole number, got " + v);
        return n.intValue();
    }
}
