package md.forcefields.nequip;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A NequIP model: configuration, the {@link NequipArchitecture} it defines, and the weights by name
 * (checked against {@link NequipArchitecture#weightShapes()}). Immutable and shareable between
 * threads; evaluation state lives in {@link NequipEvaluator}.
 */
public final class NequipModel {
    private final NequipConfig config;
    private final NequipArchitecture architecture;
    private final Map<String, double[]> weights;

    /** Fails with a message naming the weight when one is missing, has the wrong size, or is unknown. */
    public NequipModel(NequipConfig config, Map<String, double[]> weights) {
        this.config = config;
        this.architecture = new NequipArchitecture(config);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (var e : architecture.weightShapes().entrySet()) {
            double[] w = weights.get(e.getKey());
            int n = size(e.getValue());
            if (w == null) throw new IllegalArgumentException("missing weight '" + e.getKey() + "' (" + n + " numbers)");
            if (w.length != n)
                throw new IllegalArgumentException("weight '" + e.getKey() + "' has " + w.length + " numbers, the configuration needs " + n);
            out.put(e.getKey(), w.clone());
        }
        for (String k : weights.keySet())
            if (!out.containsKey(k)) throw new IllegalArgumentException("unexpected weight '" + k + "' for this configuration");
        this.weights = Collections.unmodifiableMap(out);
    }

    /**
     * A model with random weights for tests and benchmarks: N(0,1) entries (e3nn's initialisation of
     * these modules) and Bessel frequencies nπ.
     */
    public static NequipModel withRandomWeights(NequipConfig config, long seed) {
        Random rnd = new Random(seed);
        Map<String, double[]> w = new LinkedHashMap<>();
        for (var e : new NequipArchitecture(config).weightShapes().entrySet()) {
            double[] a = new double[size(e.getValue())];
            if (e.getKey().equals(NequipArchitecture.BESSEL)) for (int i = 0; i < a.length; i++) a[i] = (i + 1) * Math.PI;
            else for (int i = 0; i < a.length; i++) a[i] = rnd.nextGaussian();
            w.put(e.getKey(), a);
        }
        return new NequipModel(config, w);
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public NequipConfig config() { return config; }
    public NequipArchitecture architecture() { return architecture; }
    /** Weights by name (read-only map; the arrays must not be modified). */
    public Map<String, double[]> weights() { return weights; }
    public double[] weight(String name) { return weights.get(name); }

    /** Bessel frequencies w_n: the weight when trainable, else nπ. */
    public double[] besselWeights() {
        if (config.besselTrainable()) return weights.get(NequipArchitecture.BESSEL);
        double[] w = new double[config.numBasis()];
        for (int i = 0; i < w.length; i++) w[i] = (i + 1) * Math.PI;
        return w;
    }

    /** Number of trainable parameters (as nequip counts them). */
    public long parameterCount() {
        long n = 0;
        for (double[] w : weights.values()) n += w.length;
        return n;
    }
}
