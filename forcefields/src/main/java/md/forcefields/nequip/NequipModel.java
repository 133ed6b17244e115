package md.forcefields.nequip;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import md.forcefields.ml.families.Nequip;

/**
 * An imported NequIP model: configuration and the weights by nequip's state_dict names (checked against
 * {@link NequipConversion#weightShapes}). What the importer and the {@code .nqp} files hold; every
 * executor runs it as {@link NequipConversion#toLearned}. Immutable.
 *
 * <p>The Bessel frequencies are a weight ({@link Nequip#BESSEL}) when the configuration
 * has {@code besselTrainable}; otherwise they are a fixed buffer held next to the weights (nequip's
 * {@code BesselBasis_trainable: false}: initialised to nπ, but whatever values the state_dict holds
 * are what the model computes with).
 */
public final class NequipModel {
    private final NequipConfig config;
    private final Map<String, double[]> weights;
    private final double[] fixedBessel;

    /**
     * Fails with a message naming the weight when one is missing, has the wrong size, or is unknown, and with
     * the reason for a configuration the {@link Nequip} family cannot express.
     * Without trainable Bessel frequencies they are nπ.
     */
    public NequipModel(NequipConfig config, Map<String, double[]> weights) { this(config, weights, null); }

    /**
     * As {@link #NequipModel(NequipConfig, Map)}, with the fixed Bessel frequencies of a model whose
     * configuration does not train them ({@code null}: nπ). They must be null for a model with trainable
     * frequencies (those are the weight {@link Nequip#BESSEL}).
     */
    public NequipModel(NequipConfig config, Map<String, double[]> weights, double[] fixedBesselWeights) {
        this.config = config;
        if (fixedBesselWeights != null) {
            if (config.besselTrainable())
                throw new IllegalArgumentException("fixed Bessel frequencies given for a model whose frequencies are the trainable weight '"
                        + Nequip.BESSEL + "'");
            if (fixedBesselWeights.length != config.numBasis())
                throw new IllegalArgumentException("fixed Bessel frequencies '" + Nequip.BESSEL + "' have " + fixedBesselWeights.length
                        + " numbers, num_basis is " + config.numBasis());
            for (double w : fixedBesselWeights)
                if (!Double.isFinite(w)) throw new IllegalArgumentException("fixed Bessel frequencies '" + Nequip.BESSEL + "' contain " + w);
            this.fixedBessel = fixedBesselWeights.clone();
        } else {
            this.fixedBessel = config.besselTrainable() ? null : defaultBesselWeights(config.numBasis());
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (var e : NequipConversion.weightShapes(config).entrySet()) {
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
        for (var e : NequipConversion.weightShapes(config).entrySet()) {
            double[] a = new double[size(e.getValue())];
            if (e.getKey().equals(Nequip.BESSEL)) a = defaultBesselWeights(a.length);
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
    /** Weights by name (read-only map; the arrays must not be modified). */
    public Map<String, double[]> weights() { return weights; }
    public double[] weight(String name) { return weights.get(name); }

    /**
     * Bessel frequencies w_n the model computes with (a copy): the weight when trainable, else the fixed
     * buffer (nπ unless the model was given other values).
     */
    public double[] besselWeights() {
        return (config.besselTrainable() ? weights.get(Nequip.BESSEL) : fixedBessel).clone();
    }

    /** nequip's initial Bessel frequencies w_n = nπ, n = 1 … numBasis. */
    public static double[] defaultBesselWeights(int numBasis) {
        double[] w = new double[numBasis];
        for (int i = 0; i < numBasis; i++) w[i] = (i + 1) * Math.PI;
        return w;
    }

    /** Number of trainable parameters (as nequip counts them; the fixed Bessel buffer is not one). */
    public long parameterCount() {
        long n = 0;
        for (double[] w : weights.values()) n += w.length;
        return n;
    }
}
