package md.forcefields.ml.model;


import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model with values for every parameter (what a model file holds). Values are copied in and are not
 * changed afterwards; training works on its own copies.
 */
public record LearnedModel(EquivariantModel architecture, Map<String, double[]> parameters) {

    public LearnedModel {
        Map<String, double[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, EquivariantModel.ParameterSpec> e : architecture.parameters().entrySet()) {
            double[] v = parameters.get(e.getKey());
            if (v == null) throw new IllegalArgumentException(architecture.family() + " model: missing parameter '" + e.getKey() + "'");
            if (v.length != e.getValue().size())
                throw new IllegalArgumentException(architecture.family() + " model: parameter '" + e.getKey() + "' has " + v.length
                        + " values, expected " + e.getValue().size() + " (" + e.getValue().shape() + ")");
            try {
                requireFinite(e.getKey(), v);
            } catch (IllegalArgumentException x) {
                throw new IllegalArgumentException(architecture.family() + " model: " + x.getMessage());
            }
            copy.put(e.getKey(), v.clone());
        }
        for (String k : parameters.keySet())
            if (!architecture.parameters().containsKey(k))
                throw new IllegalArgumentException(architecture.family() + " model: parameter '" + k + "' is not used by this model (its parameters: "
                        + architecture.parameters().keySet() + ")");
        parameters = Collections.unmodifiableMap(copy);
    }

    /**
     * The check every weight passes (on import, on reading a model file, on building a model): an
     * {@link IllegalArgumentException} naming the parameter, the first bad value and its index.
     */
    public static void requireFinite(String parameter, double[] values) {
        int bad = 0, first = -1;
        for (int i = 0; i < values.length; i++)
            if (!Double.isFinite(values[i])) { if (first < 0) first = i; bad++; }
        if (first >= 0)
            throw new IllegalArgumentException("parameter '" + parameter + "' holds a non-finite value (" + values[first] + " at index " + first
                    + " of " + values.length + (bad > 1 ? "; " + bad + " non-finite values in all" : "") + ")");
    }

    /** A copy of one parameter's values. */
    public double[] parameter(String name) {
        double[] v = parameters.get(name);
        if (v == null) throw new IllegalArgumentException("no parameter '" + name + "'");
        return v.clone();
    }

    public int parameterCount() {
        int n = 0;
        for (Map.Entry<String, EquivariantModel.ParameterSpec> e : architecture.parameters().entrySet())
            if (e.getValue().trainable()) n += e.getValue().size();
        return n;
    }

    @Override public String toString() {
        return architecture.family() + " model, species Z=" + Arrays.toString(architecture.atomicNumbers()) + ", cutoff " + architecture.cutoff()
                + " Å, " + parameterCount() + " trainable parameters";
    }
}
