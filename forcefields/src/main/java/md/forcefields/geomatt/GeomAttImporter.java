package md.forcefields.geomatt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import md.core.Elements;
import md.core.Units;
import md.core.io.NpyArray;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.LearnedModel;

/**
 * Converts a model of the authors' GeomAtt code ({@code EnergyPredictor(GeometricAttentionNetwork(streams))}, float64)
 * from its configuration (the keyword arguments of every {@code Stream} and of the {@code EnergyPredictor}, plus
 * the energy standardisation of its training data) and its {@code state_dict} into a {@link GeomAtt} model.
 * Every state_dict entry must be placed; anything that cannot be is an error naming the key or option.
 */
public final class GeomAttImporter {
    private GeomAttImporter() {}

    private static final Set<String> TOP_LEVEL = Set.of("streams", "EnergyPredictor", "GeometricAttentionNetwork", "energy_standardisation",
            "model", "train_py_equivalent", "_fixture");
    private static final Set<String> STREAM_KEYS = Set.of("order", "N_L", "F", "F_v", "d_min", "d_max", "interval", "gamma", "shared", "bias", "mode");

    public static LearnedModel fromReference(Map<String, Object> config, Map<String, NpyArray> stateDict) {
        for (String k : new TreeSet<>(config.keySet()))
            if (!TOP_LEVEL.contains(k))
                throw new IllegalArgumentException("geomatt config: unknown option '" + k + "' (known: " + String.join(", ", new TreeSet<>(TOP_LEVEL)) + ")");
        if (!(config.get("streams") instanceof List<?> rawStreams) || rawStreams.isEmpty())
            throw new IllegalArgumentException("geomatt config: 'streams' must list the keyword arguments of every Stream(...), got " + config.get("streams"));

        // Streams; the grid and γ of the network are the last stream's in the reference, so all must agree.
        List<GeomAtt.Stream> streams = new ArrayList<>();
        Integer fv = null;
        double[] grid = null;
        for (int s = 0; s < rawStreams.size(); s++) {
            Map<String, Object> m = mapping(rawStreams.get(s), "streams[" + s + "]");
            String where = "streams[" + s + "]";
            for (String k : new TreeSet<>(m.keySet()))
                if (!STREAM_KEYS.contains(k))
                    throw new IllegalArgumentException("geomatt config: " + where + ": unknown option '" + k + "' (known: " + String.join(", ", new TreeSet<>(STREAM_KEYS)) + ")");
            int order = integer(m, "order", where);
            if (order < 2 || order > 5) throw new IllegalArgumentException("geomatt config: " + where + ".order = " + order + " is not supported (the reference has orders 2 to 5)");
            if (m.containsKey("mode") && !(m.get("mode") instanceof String mode && (mode.equals("training") || mode.equals("evaluation"))))
                throw new IllegalArgumentException("geomatt config: " + where + ".mode must be training or evaluation, got " + m.get("mode"));
            streams.add(new GeomAtt.Stream(order, integer(m, "F", where), integer(m, "N_L", where), bool(m, "shared", where), bool(m, "bias", where)));
            int f = integer(m, "F_v", where);
            double[] g = {number(m, "d_min", where), number(m, "d_max", where), number(m, "interval", where), number(m, "gamma", where)};
            if (fv != null && fv != f) throw new IllegalArgumentException("geomatt config: " + where + ".F_v = " + f + " differs from the first stream's " + fv);
            if (grid != null && !java.util.Arrays.equals(grid, g))
                throw new IllegalArgumentException("geomatt config: " + where + " has d_min/d_max/interval/gamma " + java.util.Arrays.toString(g)
                        + " but an earlier stream has " + java.util.Arrays.toString(grid) + "; the reference uses the last stream's for all, so per-stream grids are not supported");
            fv = f;
            grid = g;
        }
        double dMin = grid[0], dMax = grid[1], interval = grid[2], gamma = grid[3];
        if (!(interval > 0) || !(dMax > dMin) || !(gamma > 0))
            throw new IllegalArgumentException("geomatt config: expected d_max > d_min, interval > 0 and gamma > 0, got " + java.util.Arrays.toString(grid));
        int k = (int) Math.ceil((dMax - dMin) / interval), d = (int) Math.floor(Math.abs(dMax - dMin) / interval);
        if (k != d)
            throw new IllegalArgumentException("geomatt config: arange(d_min, d_max, interval) has " + k + " points but the linear layers take floor((d_max - d_min)/interval) = "
                    + d + " inputs; the reference cannot run this grid");

        Map<String, Object> predictor = mapping(config.get("EnergyPredictor"), "EnergyPredictor");
        for (String key : new TreeSet<>(predictor.keySet()))
            if (!Set.of("F", "atom_types", "linear", "with_forces").contains(key))
                throw new IllegalArgumentException("geomatt config: EnergyPredictor: unknown option '" + key + "' (known: F, atom_types, linear, with_forces)");
        if (predictor.containsKey("linear") && !Boolean.FALSE.equals(predictor.get("linear")))
            throw new IllegalArgumentException("geomatt config: EnergyPredictor.linear = " + predictor.get("linear") + " is not supported (only the shifted-softplus readout, linear: false)");
        if (integer(predictor, "F", "EnergyPredictor") != fv)
            throw new IllegalArgumentException("geomatt config: EnergyPredictor.F = " + predictor.get("F") + " differs from the streams' F_v = " + fv);

        Weights w = new Weights(stateDict);
        // Per-element embeddings "<symbol>_embeddings" (1, 1, F_V), in order of atomic number.
        TreeMap<Integer, double[]> embeddings = new TreeMap<>();
        for (String key : stateDict.keySet()) {
            if (!key.endsWith("_embeddings")) continue;
            String symbol = key.substring(0, key.length() - "_embeddings".length());
            int z = Elements.atomicNumber(symbol).orElseThrow(() -> new IllegalArgumentException("geomatt weights: '" + key + "' is not the embedding of a known element"));
            embeddings.put(z, w.take(key, new int[] {1, 1, fv}));
        }
        if (embeddings.isEmpty()) throw new IllegalArgumentException("geomatt weights: no element embeddings ('H_embeddings', 'C_embeddings', ...)");
        int[] species = embeddings.keySet().stream().mapToInt(Integer::intValue).toArray();
        if (predictor.get("atom_types") instanceof List<?> types)
            for (Object t : types)
                if (!(t instanceof Number n) || !embeddings.containsKey(n.intValue()))
                    throw new IllegalArgumentException("geomatt config: EnergyPredictor.atom_types holds " + t + ", which has no embedding in the weights (elements: "
                            + embeddings.keySet() + ")");

        Map<String, double[]> values = new LinkedHashMap<>();
        double[] table = new double[species.length * fv];
        for (int t = 0; t < species.length; t++) System.arraycopy(embeddings.get(species[t]), 0, table, t * fv, fv);
        int gridSize = k;
        int hidden = w.shape(GeomAtt.READOUT_HIDDEN + ".weight")[0];
        double[] standardisation = standardisation(config);
        GeomAtt model = new GeomAtt(species, fv, streams, hidden, dMin, interval, gridSize, gamma, standardisation[0], standardisation[1]);
        for (String key : model.parameters().keySet()) {
            if (key.equals(GeomAtt.EMBEDDINGS)) values.put(key, table);
            else if (key.equals(GeomAtt.GRID)) values.put(key, GeomAtt.grid(dMin, interval, gridSize));
            else {
                md.forcefields.ml.Shape s = model.parameters().get(key).shape();
                // Linear weights: PyTorch's (out, in) transposed to (in, out); biases (out,).
                values.put(key, key.endsWith(".weight") ? transpose(w.take(key, new int[] {s.width(), s.fixedRows()}), s.width(), s.fixedRows())
                        : w.take(key, new int[] {s.width()}));
            }
        }
        w.requireAllUsed();
        return new LearnedModel(model, values);
    }

    /** {σ, μ} in eV from 'energy_standardisation' {mean, std, unit} (or the reference fixture's '_fixture' block). */
    private static double[] standardisation(Map<String, Object> config) {
        Map<String, Object> m;
        Object unit;
        if (config.containsKey("energy_standardisation")) {
            m = mapping(config.get("energy_standardisation"), "energy_standardisation");
            unit = m.get("unit");
        } else if (config.get("_fixture") instanceof Map<?, ?> fx && fx.get("energy_standardisation") instanceof Map<?, ?>) {
            m = mapping(fx.get("energy_standardisation"), "_fixture.energy_standardisation");
            unit = fx.get("units") instanceof Map<?, ?> u ? u.get("E_phys") : null;
        } else {
            throw new IllegalArgumentException("geomatt config: no 'energy_standardisation: {mean, std, unit}': the model predicts standardised energies, "
                    + "E = std * prediction + mean, with the mean and (population) standard deviation of the training energies the authors' train.py "
                    + "fitted (unit e.g. kcal/mol for MD17); give mean: 0, std: 1, unit: eV to keep model units");
        }
        if (!(unit instanceof String u)) throw new IllegalArgumentException("geomatt config: energy_standardisation needs 'unit' (e.g. kcal/mol), got " + unit);
        double toEv = Units.energyToEv(u);
        double std = number(m, "std", "energy_standardisation"), mean = number(m, "mean", "energy_standardisation");
        if (!(std > 0)) throw new IllegalArgumentException("geomatt config: energy_standardisation.std must be positive, got " + std);
        return new double[] {std * toEv, mean * toEv};
    }

    private static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
        return t;
    }

    /** The state_dict, with the keys taken so far. */
    private static final class Weights {
        private final Map<String, NpyArray> sd;
        private final Set<String> used = new TreeSet<>();

        Weights(Map<String, NpyArray> sd) { this.sd = sd; }

        int[] shape(String key) {
            NpyArray a = sd.get(key);
            if (a == null) throw new IllegalArgumentException("geomatt weights: missing '" + key + "'");
            return a.shape();
        }

        double[] take(String key, int[] shape) {
            NpyArray a = sd.get(key);
            if (a == null) throw new IllegalArgumentException("geomatt weights: missing '" + key + "' (expected shape " + java.util.Arrays.toString(shape) + ")");
            if (a.isString() || !java.util.Arrays.equals(a.shape(), shape))
                throw new IllegalArgumentException("geomatt weights: '" + key + "' has shape " + java.util.Arrays.toString(a.shape()) + ", expected "
                        + java.util.Arrays.toString(shape) + " (from the config)");
            used.add(key);
            return a.data().clone();
        }

        void requireAllUsed() {
            for (String k : new TreeSet<>(sd.keySet()))
                if (!used.contains(k))
                    throw new IllegalArgumentException("geomatt weights: '" + k + "' has no place in the model the config describes "
                            + "(check the streams' order, shared and bias options)");
        }
    }

    // ---- reading config values with located errors -----------------------------------------------------

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Object o, String where) {
        if (o instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException("geomatt config: '" + where + "' must be a mapping, got " + o);
    }

    private static double number(Map<String, Object> m, String key, String where) {
        if (m.get(key) instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException("geomatt config: " + where + "." + key + " must be a number, got " + m.get(key));
    }

    private static int integer(Map<String, Object> m, String key, String where) {
        double v = number(m, key, where);
        if (v != Math.rint(v) || Math.abs(v) > 1e9) throw new IllegalArgumentException("geomatt config: " + where + "." + key + " must be a whole number, got " + m.get(key));
        return (int) v;
    }

    private static boolean bool(Map<String, Object> m, String key, String where) {
        if (m.get(key) instanceof Boolean b) return b;
        throw new IllegalArgumentException("geomatt config: " + where + "." + key + " must be true or false, got " + m.get(key));
    }
}
