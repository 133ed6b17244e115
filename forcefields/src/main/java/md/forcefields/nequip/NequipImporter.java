package md.forcefields.nequip;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import md.core.Elements;
import md.core.io.NpyArray;
import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Wigner3j;
import md.forcefields.ml.families.Nequip;

/**
 * Builds a {@link NequipModel} from a reference NequIP (0.6) training configuration (the parsed
 * {@code config.yaml}, as plain maps/lists) and its {@code state_dict} saved as {@code .npz}
 * (keys like {@code model.model.func.layer0_convnet.conv.linear_1.weight}).
 *
 * <p>Hyperparameters come from the configuration (nequip's defaults where a key is absent); the
 * per-species scales/shifts, the global scale and (with {@code BesselBasis_trainable: false}) the fixed
 * Bessel frequencies come from the state_dict buffers, which are what the reference model actually uses.
 * Every entry must be placed: a missing or misshaped tensor, or an entry that is neither a weight or
 * buffer the model uses nor a number-free entry of one of its modules (output masks, empty biases,
 * e3nn's Wigner 3j constants, which are checked), is an error naming the key. Errors are
 * {@link IllegalArgumentException}s whose message starts with the offending key.
 */
public final class NequipImporter {
    private NequipImporter() {}

    private static final List<String> FORCE_BUILDERS = List.of("SimpleIrrepsConfig", "EnergyModel", "PerSpeciesRescale", "ForceOutput", "RescaleEnergyEtc");
    /**
     * nequip 0.6's default list (nequip-train's and minimal.yaml's): StressForceOutput computes forces as
     * ForceOutput does, plus the stress from a strain derivative; its only state is an empty buffer
     * {@code _empty}. md's executors give the virial −Σ r_ij ⊗ ∂E/∂r_ij of the same energy, so nothing is lost.
     */
    private static final List<String> STRESS_BUILDERS = List.of("SimpleIrrepsConfig", "EnergyModel", "PerSpeciesRescale", "StressForceOutput", "RescaleEnergyEtc");

    public static NequipModel fromReference(Map<String, Object> config, Map<String, NpyArray> stateDict) {
        boolean stress = checkBuilders(config);
        String nonlin = string(config, "nonlinearity_type", "gate");
        if (!nonlin.equals("gate")) throw bad("nonlinearity_type", "only 'gate' is supported, got '" + nonlin + "'");
        int[] z = species(config);
        double rMax = number(config, "r_max", null);
        int numLayers = integer(config, "num_layers", 3);
        int numBasis = integer(config, "num_basis", 8);
        boolean besselTrainable = bool(config, "BesselBasis_trainable", true);
        double p = number(config, "PolynomialCutoff_p", 6.0);
        int invLayers = integer(config, "invariant_layers", 1);   // nequip 0.6's InteractionBlock defaults
        int invNeurons = integer(config, "invariant_neurons", 8);
        Object avg = config.get("avg_num_neighbors");
        if (!(avg instanceof Number)) throw bad("avg_num_neighbors", "needs the number the model was trained with (got " + avg + ")");
        double avgNum = ((Number) avg).doubleValue();
        Irreps hidden, sh, emb, readout;
        if (config.containsKey("feature_irreps_hidden")) {
            hidden = irreps(config, "feature_irreps_hidden");
            sh = irreps(config, "irreps_edge_sh");
            emb = irreps(config, "chemical_embedding_irreps_out");
            readout = irreps(config, "conv_to_output_hidden_irreps_out");
        } else {
            int lmax = integer(config, "l_max", 1);
            boolean parity = bool(config, "parity", true);
            int f = integer(config, "num_features", 32);
            NequipConfig simple = NequipConfig.simple(z, rMax, lmax, parity, f, numLayers, numBasis, invLayers, invNeurons, avgNum,
                    new double[z.length], new double[z.length], 1);
            hidden = simple.featureIrrepsHidden();
            sh = simple.irrepsEdgeSh();
            emb = simple.chemicalEmbeddingIrreps();
            readout = simple.convToOutputHiddenIrreps();
        }
        Map<String, Activation> scalars = activations(config, "nonlinearity_scalars");
        Map<String, Activation> gates = activations(config, "nonlinearity_gates");

        String prefix = findPrefix(stateDict);
        String outer = outerPrefix(prefix);
        double[] scales = buffer(stateDict, prefix + "per_species_rescale.scales", z.length, 1.0);
        double[] shifts = buffer(stateDict, prefix + "per_species_rescale.shifts", z.length, 0.0);
        double globalScale = buffer(stateDict, outer + "scale_by", 1, 1.0)[0];
        double globalShift = buffer(stateDict, outer + "shift_by", 1, 0.0)[0];

        NequipConfig cfg;
        try {
            cfg = new NequipConfig(z, rMax, numBasis, besselTrainable, p, numLayers, hidden, sh, emb, readout, invLayers, invNeurons,
                    avgNum, bool(config, "resnet", false), bool(config, "use_sc", true), scalars.get("e"), scalars.get("o"),
                    gates.get("e"), gates.get("o"), scales, shifts, globalScale, globalShift, "eV", "Angstrom");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config: " + e.getMessage(), e);
        }
        Map<String, int[]> shapes;
        try {
            shapes = NequipConversion.weightShapes(cfg);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config: " + e.getMessage(), e);
        }
        Map<String, double[]> weights = new LinkedHashMap<>();
        Set<String> used = new HashSet<>(List.of(prefix + "per_species_rescale.scales", prefix + "per_species_rescale.shifts",
                outer + "scale_by", outer + "shift_by"));
        for (var e : shapes.entrySet()) {
            String key = prefix + e.getKey();
            NpyArray a = stateDict.get(key);
            if (a == null) throw bad(key, "missing from the weights file (needed by this configuration, shape " + shape(e.getValue()) + ")");
            if (!java.util.Arrays.equals(a.shape(), e.getValue()))
                throw bad(key, "has shape " + shape(a.shape()) + ", the configuration needs " + shape(e.getValue()));
            weights.put(e.getKey(), a.data());
            used.add(key);
        }
        double[] fixedBessel = null;
        if (!besselTrainable) {
            // BesselBasis_trainable: false makes the frequencies a registered buffer: still in the state_dict, and
            // those values (nπ at initialisation, but whatever was saved) are what the model computes with.
            String key = prefix + Nequip.BESSEL;
            NpyArray b = stateDict.get(key);
            if (b == null)
                throw bad(key, "missing from the weights file (with BesselBasis_trainable: false the Bessel frequencies are a buffer of the"
                        + " state_dict, shape (" + numBasis + "))");
            if (!java.util.Arrays.equals(b.shape(), new int[] {numBasis}))
                throw bad(key, "has shape " + shape(b.shape()) + ", the configuration needs (" + numBasis + ")");
            for (double w : b.data()) if (!Double.isFinite(w)) throw bad(key, "contains " + w);
            fixedBessel = b.data().clone();
            used.add(key);
        }
        if (stress) {
            // StressOutput's empty buffer, beside the network ('model.model._empty' next to 'model.model.func.*')
            String empty = (prefix.endsWith("func.") ? prefix.substring(0, prefix.length() - "func.".length()) : prefix) + "_empty";
            NpyArray e = stateDict.get(empty);
            if (e != null) {
                if (e.size() != 0) throw bad(empty, "should be StressForceOutput's empty buffer, but holds " + e.size() + " numbers");
                used.add(empty);
            }
        }
        Set<String> modules = modulesWithoutWeights(cfg);
        for (var e : stateDict.entrySet()) {
            String k = e.getKey();
            if (used.contains(k)) continue;
            if (k.startsWith(prefix) && carriesNoWeight(k.substring(prefix.length()), e.getValue(), modules)) {
                int w = k.indexOf("._w3j_");
                if (w >= 0) checkWigner(k, k.substring(w + 6), e.getValue());
                continue;
            }
            throw bad(k, "is not used by a NequIP model of this configuration (unsupported module or option?)");
        }
        return new NequipModel(cfg, weights, fixedBessel);
    }

    /**
     * Where nequip 0.6 keeps the global rescaling relative to the network's prefix: {@code model.scale_by}
     * next to {@code model.model.func.*} (state_dict of the whole model), {@code scale_by} next to
     * {@code model.func.*} (state_dict of its RescaleOutput).
     */
    private static String outerPrefix(String prefix) {
        String network = "model.func.";
        return prefix.endsWith(network) ? prefix.substring(0, prefix.length() - network.length()) : "model.";
    }

    /** The modules of this architecture whose state_dict entries carry no weight of their own (masks, empty biases). */
    private static Set<String> modulesWithoutWeights(NequipConfig cfg) {
        Set<String> m = new HashSet<>(List.of("chemical_embedding.linear", "conv_to_output_hidden.linear", "output_hidden_to_scalar.linear"));
        for (int k = 0; k < cfg.numLayers(); k++) {
            String layer = "layer" + k + "_convnet.";
            m.add(layer + "equivariant_nonlin.mul");
            for (String conv : cfg.useSc() ? List.of("linear_1", "tp", "linear_2", "sc") : List.of("linear_1", "tp", "linear_2"))
                m.add(layer + "conv." + conv);
        }
        return m;
    }

    /**
     * True for an entry (key without the network prefix) of a module of this architecture that holds no
     * number the model needs: an {@code output_mask}, an empty tensor (bias, weight of a TP whose weights come
     * from the radial MLP), or e3nn's baked Wigner 3j constants ({@code …._compiled_main_*._w3j_l1_l2_l3},
     * checked by the caller). Anything else the importer did not place is an error.
     */
    private static boolean carriesNoWeight(String rest, NpyArray a, Set<String> modules) {
        int compiled = rest.indexOf("._compiled_main_");
        if (compiled >= 0) return rest.contains("._w3j_") && modules.contains(rest.substring(0, compiled));
        int dot = rest.lastIndexOf('.');
        if (dot < 0 || !modules.contains(rest.substring(0, dot))) return false;
        return rest.endsWith(".output_mask") || a.size() == 0;
    }

    /** True for StressForceOutput (also nequip 0.6's default when model_builders is absent), false for ForceOutput. */
    private static boolean checkBuilders(Map<String, Object> config) {
        Object b = config.get("model_builders");
        if (b == null) return true;
        if (!(b instanceof List<?> list)) throw bad("model_builders", "expected a list");
        List<String> names = list.stream().map(String::valueOf).toList();
        if (names.equals(STRESS_BUILDERS)) return true;
        if (!names.equals(FORCE_BUILDERS))
            throw bad("model_builders", "only nequip's default builders " + STRESS_BUILDERS + " (or with ForceOutput) are supported, got " + names);
        return false;
    }

    private static int[] species(Map<String, Object> config) {
        Object s = config.containsKey("chemical_symbols") ? config.get("chemical_symbols") : config.get("type_names");
        String key = config.containsKey("chemical_symbols") ? "chemical_symbols" : "type_names";
        if (!(s instanceof List<?> list) || list.isEmpty()) throw bad("chemical_symbols", "needs the list of element symbols of the model");
        int[] z = new int[list.size()];
        for (int i = 0; i < z.length; i++) {
            String sym = String.valueOf(list.get(i));
            z[i] = Elements.atomicNumber(sym).orElseThrow(() -> bad(key, "'" + sym + "' is not an element symbol"));
        }
        int[] sorted = z.clone();
        java.util.Arrays.sort(sorted);
        if (key.equals("type_names") && !java.util.Arrays.equals(sorted, z))
            throw bad("type_names", "must be element symbols in order of atomic number (or give chemical_symbols)");
        return sorted; // nequip sorts chemical_symbols by atomic number
    }

    private static String findPrefix(Map<String, NpyArray> sd) {
        for (String k : sd.keySet())
            if (k.endsWith(Nequip.EMBEDDING)) return k.substring(0, k.length() - Nequip.EMBEDDING.length());
        throw bad(Nequip.EMBEDDING, "not found: this is not a NequIP state_dict");
    }

    private static double[] buffer(Map<String, NpyArray> sd, String key, int n, double absent) {
        NpyArray a = sd.get(key);
        double[] out = new double[n];
        if (a == null || a.size() == 0) { java.util.Arrays.fill(out, absent); return out; }
        if (a.size() == 1) { java.util.Arrays.fill(out, a.data()[0]); return out; }
        if (a.size() != n) throw bad(key, "has " + a.size() + " values, expected " + n);
        return a.data().clone();
    }

    private static void checkWigner(String key, String ls, NpyArray a) {
        String[] p = ls.split("_");
        double[] ours;
        try {
            if (p.length != 3) throw new NumberFormatException();
            ours = Wigner3j.get(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        } catch (IllegalArgumentException e) {
            throw bad(key, "is not a Wigner 3j buffer _w3j_L1_L2_L3 this importer understands");
        }
        if (ours.length != a.data().length) throw bad(key, "has an unexpected shape " + shape(a.shape()));
        for (int i = 0; i < ours.length; i++)
            if (Math.abs(ours[i] - a.data()[i]) > 1e-12)
                throw bad(key, "differs from e3nn 0.5's Wigner 3j symbols: the model was made with an incompatible e3nn version");
    }

    private static Map<String, Activation> activations(Map<String, Object> config, String key) {
        Map<String, Activation> out = new LinkedHashMap<>(Map.of("e", Activation.SILU, "o", Activation.TANH));
        Object v = config.get(key);
        if (v == null) return out;
        if (!(v instanceof Map<?, ?> m)) throw bad(key, "expected a mapping like {e: silu, o: tanh}");
        for (var e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!k.equals("e") && !k.equals("o")) throw bad(key + "." + k, "keys must be 'e' or 'o'");
            try {
                out.put(k, Activation.byKey(String.valueOf(e.getValue())));
            } catch (IllegalArgumentException x) {
                throw bad(key + "." + k, x.getMessage());
            }
        }
        return out;
    }

    private static Irreps irreps(Map<String, Object> c, String key) {
        Object v = c.get(key);
        if (v == null) throw bad(key, "missing (needed when feature_irreps_hidden is given)");
        try {
            return Irreps.parse(String.valueOf(v));
        } catch (IllegalArgumentException e) {
            throw bad(key, e.getMessage());
        }
    }

    private static double number(Map<String, Object> c, String key, Double dflt) {
        Object v = c.get(key);
        if (v == null) {
            if (dflt == null) throw bad(key, "missing");
            return dflt;
        }
        if (v instanceof Number n) return n.doubleValue();
        throw bad(key, "expected a number, got '" + v + "'");
    }

    private static int integer(Map<String, Object> c, String key, int dflt) {
        Object v = c.get(key);
        if (v == null) return dflt;
        if (v instanceof Integer || v instanceof Long) return ((Number) v).intValue();
        throw bad(key, "expected an integer, got '" + v + "'");
    }

    private static boolean bool(Map<String, Object> c, String key, boolean dflt) {
        Object v = c.get(key);
        if (v == null) return dflt;
        if (v instanceof Boolean b) return b;
        throw bad(key, "expected true or false, got '" + v + "'");
    }

    private static String string(Map<String, Object> c, String key, String dflt) {
        Object v = c.get(key);
        return v == null ? dflt : String.valueOf(v);
    }

    private static String shape(int[] s) { return java.util.Arrays.toString(s).replace('[', '(').replace(']', ')'); }

    private static IllegalArgumentException bad(String key, String msg) { return new IllegalArgumentException(key + ": " + msg); }
}
