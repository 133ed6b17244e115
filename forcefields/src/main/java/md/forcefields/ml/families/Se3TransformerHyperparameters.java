package md.forcefields.ml.families;

import java.util.Map;

import md.forcefields.ml.ops.Fiber;

/**
 * Hyperparameters of the SE(3)-Transformer potential (the workshop paper's variants: basic = 3 layers,
 * 4 heads, 4 channels, degrees ≤ 2, sum; mean = {@code aggregation: mean}; higher = max degree 3; wider =
 * 8 channels; deeper = 4 layers; heads = 8 heads).
 *
 * @param numSpecies     one-hot input channels (the species order is the model's atomic numbers)
 * @param numLayers      attention layers; the last maps to the output fiber {0: 1, 1: 1}
 * @param heads          attention heads; each has {@code channels} channels per degree
 * @param channels       hidden channels per degree (between layers)
 * @param maxDegree      hidden degrees 0 … maxDegree
 * @param mean           mean instead of sum aggregation over a receiver's incoming edges
 * @param radialHidden   width of the radial MLPs' two hidden layers
 * @param layerNormEps   eps of every LayerNorm (radial MLPs and norm nonlinearities)
 * @param normFloor      lower bound of the channel norms in the norm nonlinearity
 * @param cutoff         graph cutoff (Å, pairs with r &lt; cutoff); +∞ = fully connected within a molecule
 * @param basisSigns     sign of each Q_J per degree pair "l_in,l_out" (the reference's; canonical when absent)
 * @param energyScale    eV per unit of the network's outputs (per-atom energies and direct forces), e.g. 1 kcal/mol in eV
 */
public record Se3TransformerHyperparameters(int numSpecies, int numLayers, int heads, int channels, int maxDegree, boolean mean,
                                            int radialHidden, double layerNormEps, double normFloor, double cutoff,
                                            Map<String, int[]> basisSigns, double energyScale) {
    public Se3TransformerHyperparameters {
        if (numSpecies < 1) throw new IllegalArgumentException("se3-transformer: need at least one species, got " + numSpecies);
        if (numLayers < 1) throw new IllegalArgumentException("se3-transformer: num_layers must be >= 1, got " + numLayers);
        if (heads < 1 || channels < 1) throw new IllegalArgumentException("se3-transformer: n_heads and num_channels must be >= 1, got " + heads + ", " + channels);
        if (maxDegree < 1) throw new IllegalArgumentException("se3-transformer: max_degree must be >= 1 (the direct force is type 1), got " + maxDegree);
        if (radialHidden < 1) throw new IllegalArgumentException("se3-transformer: radial_hidden must be >= 1, got " + radialHidden);
        if (!(cutoff > 0)) throw new IllegalArgumentException("se3-transformer: cutoff must be > 0 (or absent for a fully connected graph), got " + cutoff);
        if (!(energyScale > 0) || !Double.isFinite(energyScale)) throw new IllegalArgumentException("se3-transformer: energy_scale must be > 0, got " + energyScale);
        basisSigns = Map.copyOf(basisSigns);
    }

    /** The workshop paper's "basic" variant (fully connected, outputs in eV). */
    public static Se3TransformerHyperparameters basic(int numSpecies) {
        return new Se3TransformerHyperparameters(numSpecies, 3, 4, 4, 2, false, 32, 1e-5, 1e-12, Double.POSITIVE_INFINITY,
                md.forcefields.ml.ops.TfnClebschGordan.REFERENCE_SIGNS, 1.0);
    }

    /** The same hyperparameters with another energy unit (eV per unit of the network's outputs). */
    public Se3TransformerHyperparameters withEnergyScale(double scale) {
        return new Se3TransformerHyperparameters(numSpecies, numLayers, heads, channels, maxDegree, mean, radialHidden, layerNormEps, normFloor, cutoff,
                basisSigns, scale);
    }

    /** Input fiber of layer k: the one-hot species (type 0) for the first, the hidden fiber after. */
    public Fiber input(int k) {
        return k == 0 ? new Fiber(new int[] {0}, new int[] {numSpecies}) : Fiber.uniform(maxDegree, channels);
    }

    /** Output fiber of layer k: hidden, or {0: 1, 1: 1} (energy and direct force) for the last. */
    public Fiber output(int k) {
        return k == numLayers - 1 ? new Fiber(new int[] {0, 1}, new int[] {1, 1}) : Fiber.uniform(maxDegree, channels);
    }

    /** Value fiber of layer k: the output degrees with heads·channels channels each. */
    public Fiber values(int k) {
        Fiber out = output(k);
        int[] c = new int[out.size()];
        java.util.Arrays.fill(c, heads * channels);
        return new Fiber(out.degrees(), c);
    }

    /** Key (and query) fiber of layer k: the output degrees that are also input degrees, heads·channels each. */
    public Fiber keys(int k) {
        Fiber out = output(k), in = input(k);
        int n = 0;
        for (int l : out.degrees()) if (in.indexOf(l) >= 0) n++;
        int[] d = new int[n], c = new int[n];
        n = 0;
        for (int l : out.degrees()) if (in.indexOf(l) >= 0) { d[n] = l; c[n++] = heads * channels; }
        return new Fiber(d, c);
    }

    /** The reference's logit scale 1/√(key features of all heads). */
    public double logitScale(int k) {
        Fiber keys = keys(k);
        return 1 / Math.sqrt(keys.dim());
    }
}
