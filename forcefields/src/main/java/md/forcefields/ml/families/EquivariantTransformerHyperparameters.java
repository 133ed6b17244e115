package md.forcefields.ml.families;

import md.forcefields.ml.ops.Elementwise;

/**
 * The architecture of a TorchMD-Net Equivariant Transformer, with TorchMD-Net's option names in
 * {@link EquivariantTransformer#spec()} ({@code create_model} arguments).
 *
 * @param embeddingDimension H, channels of the scalar and of each Cartesian component of the vector features
 * @param numLayers          attention layers
 * @param numRbf             exp-normal radial functions
 * @param numHeads           attention heads (H divisible by it)
 * @param cutoffUpper        r_c (Å); pairs at r ≥ r_c are not neighbours
 * @param maxZ               rows of the embedding tables (atomic numbers 0 … max_z − 1)
 * @param neighborEmbedding  whether the neighbour embedding follows the atom embedding
 * @param distanceInfluence  "keys", "values", "both" or "none": which of the attention's keys and values
 *                           the distance filters dk, dv multiply
 * @param activation         of the filters, the output head and its gates (TorchMD-Net's {@code activation})
 * @param attnActivation     of the attention weights (TorchMD-Net's {@code attn_activation})
 * @param vectorCutoff       false: the cosine cutoff multiplies the attention weight (the vector message then
 *                           jumps at r_c); true: it multiplies the values of all three parts instead
 * @param trainableRbf       whether the exp-normal means and betas are trained
 * @param atomref            whether per-element reference energies (TorchMD-Net's Atomref prior) are added
 */
public record EquivariantTransformerHyperparameters(int embeddingDimension, int numLayers, int numRbf, int numHeads, double cutoffUpper,
                                                    int maxZ, boolean neighborEmbedding, String distanceInfluence, String activation,
                                                    String attnActivation, boolean vectorCutoff, boolean trainableRbf, boolean atomref) {
    /** TorchMD-Net's LayerNorm eps (torch's default). */
    public static final double LAYER_NORM_EPS = 1e-5;

    public EquivariantTransformerHyperparameters {
        if (embeddingDimension < 2) throw new IllegalArgumentException("embedding_dimension must be >= 2, got " + embeddingDimension);
        if (numLayers < 1) throw new IllegalArgumentException("num_layers must be >= 1, got " + numLayers);
        if (numRbf < 1) throw new IllegalArgumentException("num_rbf must be >= 1, got " + numRbf);
        if (numHeads < 1 || embeddingDimension % numHeads != 0)
            throw new IllegalArgumentException("num_heads (" + numHeads + ") must divide embedding_dimension (" + embeddingDimension + ")");
        if (!(cutoffUpper > 0) || Double.isInfinite(cutoffUpper)) throw new IllegalArgumentException("cutoff_upper must be a finite distance > 0, got " + cutoffUpper);
        if (maxZ < 2) throw new IllegalArgumentException("max_z must be >= 2, got " + maxZ);
        if (!java.util.List.of("keys", "values", "both", "none").contains(distanceInfluence))
            throw new IllegalArgumentException("distance_influence must be keys, values, both or none, got '" + distanceInfluence + "'");
        Elementwise.Activation.byName(activation);
        Elementwise.Activation.byName(attnActivation);
    }

    public int headDim() { return embeddingDimension / numHeads; }
    public boolean filtersKeys() { return distanceInfluence.equals("keys") || distanceInfluence.equals("both"); }
    public boolean filtersValues() { return distanceInfluence.equals("values") || distanceInfluence.equals("both"); }
    /** TorchMD-Net's ExpNormal α = 5/(cutoff_upper − cutoff_lower), with cutoff_lower = 0. */
    public double expNormalAlpha() { return 5.0 / cutoffUpper; }
}
