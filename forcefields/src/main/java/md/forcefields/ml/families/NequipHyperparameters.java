package md.forcefields.ml.families;

/**
 * The NequIP hyperparameters that fix the architecture (names as in nequip's config.yaml).
 * Activations: {@code scalarEven/scalarOdd} act on 0e/0o features, {@code gateEven/gateOdd} on gates
 * ("silu" or "tanh", e3nn-normalised).
 */
public record NequipHyperparameters(int numTypes, int lMax, boolean parity, int numFeatures, int numLayers,
                              double rMax, int numBasis, boolean besselTrainable, double cutoffP,
                              int invariantLayers, int invariantNeurons, double avgNumNeighbors, boolean resnet,
                              String scalarEven, String scalarOdd, String gateEven, String gateOdd) {

    public NequipHyperparameters {
        if (numTypes < 1) throw new IllegalArgumentException("numTypes must be >= 1, got " + numTypes);
        if (lMax < 0) throw new IllegalArgumentException("l_max must be >= 0, got " + lMax);
        if (numFeatures < 1 || numLayers < 1 || numBasis < 1 || invariantNeurons < 1 || invariantLayers < 0)
            throw new IllegalArgumentException("num_features, num_layers, num_basis, invariant_neurons must be >= 1 and invariant_layers >= 0");
        if (!(rMax > 0) || !(avgNumNeighbors > 0)) throw new IllegalArgumentException("r_max and avg_num_neighbors must be > 0");
    }

    /** NequIP's defaults for everything but the sizes. */
    public static NequipHyperparameters of(int numTypes, int lMax, boolean parity, int numFeatures, int numLayers, double rMax,
                                     double avgNumNeighbors) {
        return new NequipHyperparameters(numTypes, lMax, parity, numFeatures, numLayers, rMax, 8, true, 6.0, 2, 64,
                avgNumNeighbors, false, "silu", "tanh", "silu", "tanh");
    }

    public NequipHyperparameters withRadial(int numBasis, int invariantLayers, int invariantNeurons) {
        return new NequipHyperparameters(numTypes, lMax, parity, numFeatures, numLayers, rMax, numBasis, besselTrainable, cutoffP,
                invariantLayers, invariantNeurons, avgNumNeighbors, resnet, scalarEven, scalarOdd, gateEven, gateOdd);
    }
}
