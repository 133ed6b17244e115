package md.forcefields.ml.families;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.forcefields.ml.SpecReader;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.ops.AffineActivation;
import md.forcefields.ml.ops.ComponentLinear;
import md.forcefields.ml.ops.ComponentNorm;
import md.forcefields.ml.ops.ElementRows;
import md.forcefields.ml.ops.Elementwise;
import md.forcefields.ml.ops.EquivariantAttention;
import md.forcefields.ml.ops.GraphConstant;
import md.forcefields.ml.ops.HeadOps;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.ops.Representation;
import md.forcefields.ml.ops.SelectColumns;
import md.forcefields.ml.ops.ShareOverAtoms;
import md.forcefields.ml.ops.Transpose;
import md.forcefields.ml.ops.UnitVectors;

/**
 * TorchMD-Net's Equivariant Transformer (Thölke &amp; De Fabritiis 2022) with the conventions of torchmd-net
 * 2.4 (written down in shared/data/torchmdnet-reference/ethanol-et/README.md): atom and neighbour
 * embedding, exp-normal radial basis with trainable means and betas, cosine cutoff, attention layers with
 * weights SiLU(Σ q·k·dk)·φ(r) (no softmax), per-head interleaved value projections, pre-LayerNorm on the
 * scalars, the vector update, the gated equivariant output head (EquivariantScalar), std scaling per atom,
 * optional per-element reference energies, and the mean once per molecule.
 *
 * <p>Parameters are TorchMD-Net's {@code state_dict} verbatim, under its keys and in its layouts (Linear
 * weights out × in, used through {@link Transpose}; the value projections' per-head interleaving undone by
 * {@link SelectColumns}); these parameter-only ops are constants of the MD plan.
 *
 * <p>Self-loops: TorchMD-Net adds one (i, i) entry per atom to the attention graph, with distance 0,
 * unit vector 0 and cutoff 1. Such an entry does not depend on the positions, so its messages are added
 * here as per-atom terms (the radial basis at distance 0 from a {@link GraphConstant}) instead of being
 * edges of the graph: the same sums, with no 0/0 in the edge lengths or unit vectors and no change to the
 * graph. The neighbour embedding has no self-loops (as TorchMD-Net's).
 *
 * <p>Energy: E = Σ_i (std·ε_i + atomref[Z_i]) + mean. Models return per-atom energies, so the mean,
 * added once per molecule by TorchMD-Net, is shared equally by the atoms ({@link ShareOverAtoms}): per-atom
 * energies are std·ε_i + atomref[Z_i] + mean/N (TorchMD-Net's per-atom values plus mean/N); their sum, the
 * energy and the forces are TorchMD-Net's. In MD the whole simulated system is the molecule.
 */
public final class EquivariantTransformer implements EquivariantModel {
    public static final String FAMILY = "torchmdnet-et";
    public static final String REP = "representation_model.", HEAD = "output_model.output_network.";
    public static final String EMBEDDING = REP + "embedding.weight", RBF_MEANS = REP + "distance_expansion.means",
            RBF_BETAS = REP + "distance_expansion.betas", NEIGHBOR = REP + "neighbor_embedding.", OUT_NORM = REP + "out_norm.",
            MEAN = "mean", STD = "std", ATOMREF = "prior_model.atomref.weight";

    public static String layer(int l, String rest) { return REP + "attention_layers." + l + "." + rest; }
    public static String head(int b, String rest) { return HEAD + b + "." + rest; }

    private final EquivariantTransformerHyperparameters hp;
    private final int[] atomicNumbers;
    private final Map<String, ParameterSpec> parameters = new LinkedHashMap<>();
    private final ElementRows elementRows;
    private final SelectColumns[] valueParts = new SelectColumns[3];
    private final HeadOps.HeadSum headSum;
    private final HeadOps.HeadRepeat headRepeat;
    private final Elementwise.Activation act, attnAct;
    private final EquivariantAttention[] attention = new EquivariantAttention[2]; // without, with vector features

    public EquivariantTransformer(EquivariantTransformerHyperparameters hp, int[] atomicNumbers) {
        this.hp = hp;
        this.atomicNumbers = atomicNumbers.clone();
        for (int i = 0; i < atomicNumbers.length; i++) {
            int z = atomicNumbers[i];
            if (z < 1 || z >= hp.maxZ()) throw new IllegalArgumentException("atomic number " + z + " outside 1 … max_z − 1 = " + (hp.maxZ() - 1));
            for (int j = 0; j < i; j++) if (atomicNumbers[j] == z) throw new IllegalArgumentException("atomic number " + z + " listed twice");
        }
        elementRows = new ElementRows(atomicNumbers);
        int h = hp.embeddingDimension(), d = hp.headDim(), heads = hp.numHeads(), k = hp.numRbf();
        headSum = new HeadOps.HeadSum(heads, d);
        headRepeat = new HeadOps.HeadRepeat(heads, d);
        act = Elementwise.Activation.byName(hp.activation());
        attnAct = Elementwise.Activation.byName(hp.attnActivation());
        for (int withVectors = 0; withVectors < 2; withVectors++)
            attention[withVectors] = new EquivariantAttention(heads, d, attnAct, hp.filtersKeys(), hp.filtersValues(), hp.vectorCutoff(), withVectors == 1);
        // value layout h·3d + p·d + t: part p of every head, in head order
        int[] starts = new int[3 * heads], sizes = new int[3 * heads];
        for (int g = 0; g < 3 * heads; g++) { starts[g] = g * d; sizes[g] = d; }
        for (int p = 0; p < 3; p++) {
            boolean[] kept = new boolean[3 * heads];
            for (int g = 0; g < 3 * heads; g++) kept[g] = g % 3 == p;
            valueParts[p] = new SelectColumns(3 * h, starts, sizes, kept);
        }

        parameters.put(MEAN, ParameterSpec.buffer(1, 1));
        parameters.put(STD, ParameterSpec.buffer(1, 1));
        parameters.put(EMBEDDING, ParameterSpec.trainable(hp.maxZ(), h));
        parameters.put(RBF_MEANS, new ParameterSpec(md.forcefields.ml.Shape.fixed(1, k), hp.trainableRbf()));
        parameters.put(RBF_BETAS, new ParameterSpec(md.forcefields.ml.Shape.fixed(1, k), hp.trainableRbf()));
        if (hp.neighborEmbedding()) {
            parameters.put(NEIGHBOR + "embedding.weight", ParameterSpec.trainable(hp.maxZ(), h));
            linear(NEIGHBOR + "distance_proj", k, h, true);
            linear(NEIGHBOR + "combine", 2 * h, h, true);
        }
        for (int l = 0; l < hp.numLayers(); l++) {
            parameters.put(layer(l, "layernorm.weight"), ParameterSpec.trainable(1, h));
            parameters.put(layer(l, "layernorm.bias"), ParameterSpec.trainable(1, h));
            linear(layer(l, "q_proj"), h, h, true);
            linear(layer(l, "k_proj"), h, h, true);
            linear(layer(l, "v_proj"), h, 3 * h, true);
            linear(layer(l, "o_proj"), h, 3 * h, true);
            linear(layer(l, "vec_proj"), h, 3 * h, false);
            if (hp.filtersKeys()) linear(layer(l, "dk_proj"), k, h, true);
            if (hp.filtersValues()) linear(layer(l, "dv_proj"), k, 3 * h, true);
        }
        parameters.put(OUT_NORM + "weight", ParameterSpec.trainable(1, h));
        parameters.put(OUT_NORM + "bias", ParameterSpec.trainable(1, h));
        int[] widths = {h, h / 2, 1};
        for (int b = 0; b < 2; b++) {
            int in = widths[b], out = widths[b + 1];
            linear(head(b, "vec1_proj"), in, in, false);
            // block 1's vector output is discarded: its vec2_proj has no effect (kept for TorchMD-Net's state_dict)
            linear(head(b, "vec2_proj"), in, out, false);
            linear(head(b, "update_net.layers.0"), 2 * in, in, true);
            linear(head(b, "update_net.layers.2"), in, 2 * out, true);
        }
        if (hp.atomref()) parameters.put(ATOMREF, ParameterSpec.buffer(hp.maxZ(), 1));
    }

    /** A torch Linear: weight (out × in), bias (1 × out). */
    private void linear(String prefix, int in, int out, boolean bias) {
        parameters.put(prefix + ".weight", ParameterSpec.trainable(out, in));
        if (bias) parameters.put(prefix + ".bias", ParameterSpec.trainable(1, out));
    }

    public EquivariantTransformerHyperparameters hyperparameters() { return hp; }

    @Override public String family() { return FAMILY; }
    @Override public int[] atomicNumbers() { return atomicNumbers.clone(); }
    @Override public double cutoff() { return hp.cutoffUpper(); }
    @Override public Map<String, ParameterSpec> parameters() { return java.util.Collections.unmodifiableMap(parameters); }

    /**
     * TorchMD-Net's initialisation: Xavier-uniform Linear weights with zero biases (its attention layers and
     * heads), N(0, 1) embeddings, LayerNorm γ = 1 and β = 0, exp-normal means evenly from exp(−r_c) to 1 and
     * betas ((2/K)(1 − exp(−r_c)))^−2; mean 0, std 1, reference energies 0.
     */
    @Override public Map<String, double[]> initialParameters(Random rng) {
        Map<String, double[]> v = new LinkedHashMap<>();
        int k = hp.numRbf();
        double start = Math.exp(-hp.cutoffUpper());
        for (Map.Entry<String, ParameterSpec> e : parameters.entrySet()) {
            String name = e.getKey();
            ParameterSpec s = e.getValue();
            double[] a = new double[s.size()];
            if (name.equals(STD)) a[0] = 1;
            else if (name.equals(RBF_MEANS)) for (int i = 0; i < k; i++) a[i] = k == 1 ? start : start + (1 - start) * i / (k - 1);
            else if (name.equals(RBF_BETAS)) java.util.Arrays.fill(a, Math.pow(2.0 / k * (1 - start), -2));
            else if (name.endsWith("embedding.weight")) for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
            else if (name.endsWith("layernorm.weight") || name.equals(OUT_NORM + "weight")) java.util.Arrays.fill(a, 1.0);
            else if (name.endsWith(".weight") && !name.equals(ATOMREF)) {
                double bound = Math.sqrt(6.0 / (s.shape().fixedRows() + s.shape().width()));
                for (int i = 0; i < a.length; i++) a[i] = bound * (2 * rng.nextDouble() - 1);
            }
            v.put(name, a);
        }
        return v;
    }

    // ---- forward --------------------------------------------------------------------------------------

    /** x·Wᵀ + b for the torch Linear {@code prefix}. */
    private <T> T linear(Ops<T> ops, T x, String prefix) {
        T w = ops.apply(Transpose.INSTANCE, ops.parameter(prefix + ".weight"));
        return ops.linear(x, w, ops.parameter(prefix + ".bias"));
    }

    /** Part p (0, 1, 2) of a Linear with per-head interleaved outputs: channel h·d + t of part p. */
    private <T> T linearPart(Ops<T> ops, T x, String prefix, int p) {
        T w = ops.apply(valueParts[p], ops.apply(Transpose.INSTANCE, ops.parameter(prefix + ".weight")));
        return ops.linear(x, w, ops.apply(valueParts[p], ops.parameter(prefix + ".bias")));
    }

    /**
     * Layer l's distance filters, packed as {@link EquivariantAttention} reads them:
     * act(x·[W_dk | W_dv,0 | W_dv,1 | W_dv,2] + [b_dk | b_dv,0 | …]) (the parts the model has), one linear
     * layer with its activation ({@link AffineActivation}) instead of four linear layers and four activations.
     * The packed weights depend on parameters only: constants of the MD plan.
     */
    private <T> T filters(Ops<T> ops, T x, int l) {
        List<T> w = new ArrayList<>(), b = new ArrayList<>();
        if (hp.filtersKeys()) {
            w.add(ops.apply(Transpose.INSTANCE, ops.parameter(layer(l, "dk_proj.weight"))));
            b.add(ops.parameter(layer(l, "dk_proj.bias")));
        }
        if (hp.filtersValues())
            for (int p = 0; p < 3; p++) {
                w.add(ops.apply(valueParts[p], ops.apply(Transpose.INSTANCE, ops.parameter(layer(l, "dv_proj.weight")))));
                b.add(ops.apply(valueParts[p], ops.parameter(layer(l, "dv_proj.bias"))));
            }
        return ops.apply(new AffineActivation(act), x, w.size() == 1 ? w.get(0) : ops.concatColumns(w), b.size() == 1 ? b.get(0) : ops.concatColumns(b));
    }

    /** x·Wᵀ on each Cartesian component, W = rows [from, to) of the torch weight {@code prefix}. */
    private <T> T componentLinear(Ops<T> ops, T v, String weight, int from, int to) {
        T w = ops.apply(Transpose.INSTANCE, ops.parameter(weight));
        if (from != 0 || to != ops.shape(w).width()) w = ops.sliceColumns(w, from, to);
        return ops.apply(ComponentLinear.INSTANCE, v, w);
    }

    /** A per-channel value repeated over the three Cartesian components. */
    private static <T> T components(Ops<T> ops, T x) { return ops.concatColumns(x, x, x); }

    @Override public <T> T atomicEnergies(Ops<T> ops) {
        int h = hp.embeddingDimension();
        double rc = hp.cutoffUpper(), alpha = hp.expNormalAlpha();
        T vectors = ops.edgeVectors();
        T lengths = ops.pairLengths(vectors);
        T cutoffPairs = ops.cosineCutoff(lengths, rc);
        T means = ops.parameter(RBF_MEANS), betas = ops.parameter(RBF_BETAS);
        T rbf = ops.expNormalBasis(lengths, means, betas, 0, rc, alpha);
        // the self-loops' basis: distance 0 (cutoff 1 there)
        T rbfSelf = ops.expNormalBasis(ops.apply(new GraphConstant(new double[] {0})), means, betas, 0, rc, alpha);
        T unit = ops.apply(UnitVectors.INSTANCE, vectors);

        ops.named("edge_attr", rbf);
        T x = ops.named("embedding", ops.apply(elementRows, ops.parameter(EMBEDDING)), Representation.scalars(h));
        if (hp.neighborEmbedding()) {
            T filter = ops.mul(linear(ops, rbf, NEIGHBOR + "distance_proj"), cutoffPairs);
            T neighbours = ops.gatherNeighbour(ops.apply(elementRows, ops.parameter(NEIGHBOR + "embedding.weight")));
            T summed = ops.scatterToCentre(ops.mul(ops.pairsToEdges(filter), neighbours));
            x = ops.named("nbr.out", linear(ops, ops.concatColumns(x, summed), NEIGHBOR + "combine"), Representation.scalars(h));
        }
        T v = null; // vector features start at zero: the terms they enter vanish in the first layer
        for (int l = 0; l < hp.numLayers(); l++) {
            T xn = ops.layerNorm(x, ops.parameter(layer(l, "layernorm.weight")), ops.parameter(layer(l, "layernorm.bias")),
                    EquivariantTransformerHyperparameters.LAYER_NORM_EPS);
            String at = "layer" + l + ".";
            ops.named(at + "x_ln", xn);
            T q = ops.named(at + "q", linear(ops, xn, layer(l, "q_proj"))), k = ops.named(at + "k", linear(ops, xn, layer(l, "k_proj")));
            List<T> s = new ArrayList<>();
            List<T> inputs = new ArrayList<>(List.of(q, k));
            for (int p = 0; p < 3; p++) s.add(linearPart(ops, xn, layer(l, "v_proj"), p));
            inputs.addAll(s);
            inputs.add(cutoffPairs);
            inputs.add(unit);
            // distance filters per pair (both edges of a pair share them), packed; the fused op reads them by pair
            boolean filtered = hp.filtersKeys() || hp.filtersValues();
            if (filtered) inputs.add(filters(ops, rbf, l));
            // the self-loops' filters (distance 0), packed the same way: part p's h columns from column dvAt + p·h
            T self = filtered ? filters(ops, rbfSelf, l) : null;
            int dvAt = hp.filtersKeys() ? h : 0;
            List<T> dvSelf = new ArrayList<>();
            if (hp.filtersValues())
                for (int p = 0; p < 3; p++) dvSelf.add(ops.apply(Elementwise.BROADCAST_ROWS, ops.sliceColumns(self, dvAt + p * h, dvAt + (p + 1) * h), q));
            if (v != null) inputs.add(v);
            // edges: receiver i = centre (query), sender j = neighbour (key, values, vector features)
            EquivariantAttention fused = attention[v == null ? 0 : 1];
            T messages;
            if (ops.recordsIntermediates()) {
                EquivariantAttention.Composed<T> c = fused.separateOps(ops, inputs);
                ops.named(at + "attn", c.attention());
                messages = c.messages();
            } else messages = ops.applyAll(fused, inputs);
            T y = ops.sliceColumns(messages, 0, h), w = ops.sliceColumns(messages, h, 4 * h);
            T qkSelf = ops.mul(q, k);
            if (hp.filtersKeys()) {
                T dkSelf = hp.filtersValues() ? ops.sliceColumns(self, 0, h) : self;
                qkSelf = ops.mul(qkSelf, ops.apply(Elementwise.BROADCAST_ROWS, dkSelf, q));
            }
            // self-loops (distance 0: cutoff 1, unit vector 0)
            T attnSelf = ops.activation(ops.apply(headSum, qkSelf), attnAct, 1.0);
            T s0 = hp.filtersValues() ? ops.mul(s.get(0), dvSelf.get(0)) : s.get(0);
            y = ops.add(y, ops.mul(ops.apply(headRepeat, attnSelf), s0));
            if (v != null) {
                T s1 = hp.filtersValues() ? ops.mul(s.get(1), dvSelf.get(1)) : s.get(1);
                w = ops.add(w, ops.mul(v, components(ops, s1)));
            }
            ops.named(at + "agg_x", y);
            ops.named(at + "agg_vec", w);
            if (v == null) {
                // without vector features only o3 enters: the layer computes just its h columns of o_proj
                T o3 = ops.linear(y, ops.sliceColumns(ops.apply(Transpose.INSTANCE, ops.parameter(layer(l, "o_proj.weight"))), 2 * h, 3 * h),
                        ops.sliceColumns(ops.parameter(layer(l, "o_proj.bias")), 2 * h, 3 * h));
                ops.named(at + "dx", o3);
                ops.named(at + "dvec", w);
                x = ops.add(x, o3);
                v = w;
            } else {
                T o = linear(ops, y, layer(l, "o_proj"));
                T o1 = ops.sliceColumns(o, 0, h), o2 = ops.sliceColumns(o, h, 2 * h), o3 = ops.sliceColumns(o, 2 * h, 3 * h);
                String u = layer(l, "vec_proj.weight");
                T v1 = componentLinear(ops, v, u, 0, h), v2 = componentLinear(ops, v, u, h, 2 * h), v3 = componentLinear(ops, v, u, 2 * h, 3 * h);
                T prod = ops.mul(v1, v2);
                T dot = ops.add(ops.add(ops.sliceColumns(prod, 0, h), ops.sliceColumns(prod, h, 2 * h)), ops.sliceColumns(prod, 2 * h, 3 * h));
                x = ops.add(x, ops.named(at + "dx", ops.add(ops.mul(dot, o2), o3)));
                v = ops.add(v, ops.named(at + "dvec", ops.add(ops.mul(v3, components(ops, o1)), w)));
            }
            ops.named(at + "x_out", x, Representation.scalars(h));
            ops.named(at + "vec_out", v, Representation.vectors(h));
        }
        x = ops.named("x_final", ops.layerNorm(x, ops.parameter(OUT_NORM + "weight"), ops.parameter(OUT_NORM + "bias"),
                EquivariantTransformerHyperparameters.LAYER_NORM_EPS), Representation.scalars(h));
        ops.named("vec_final", v, Representation.vectors(h));
        // gated equivariant blocks H → H/2 → 1
        int[] widths = {h, h / 2, 1};
        for (int b = 0; b < 2; b++) {
            int out = widths[b + 1];
            T norm = ops.named("head" + b + ".vec1_norm", ops.apply(ComponentNorm.INSTANCE, componentLinear(ops, v, head(b, "vec1_proj.weight"), 0, widths[b])));
            T hidden = ops.activation(linear(ops, ops.concatColumns(x, norm), head(b, "update_net.layers.0")), act, 1.0);
            T update = linear(ops, hidden, head(b, "update_net.layers.2"));
            T scalars = ops.sliceColumns(update, 0, out);
            if (b == 0) {
                T gates = ops.sliceColumns(update, out, 2 * out);
                v = ops.mul(components(ops, gates), componentLinear(ops, v, head(b, "vec2_proj.weight"), 0, out));
                x = ops.activation(scalars, act, 1.0);
                ops.named("head0.vec_out", v, Representation.vectors(out));
            } else {
                x = scalars;
            }
            ops.named("head" + b + ".x_out", x, Representation.scalars(out));
        }
        ops.named("atomic_energy_raw", x, Representation.scalars(1));
        T energy = ops.mul(x, ops.apply(Elementwise.BROADCAST_ROWS, ops.parameter(STD), x));
        if (hp.atomref()) energy = ops.add(energy, ops.apply(elementRows, ops.parameter(ATOMREF)));
        return ops.add(energy, ops.apply(ShareOverAtoms.INSTANCE, ops.parameter(MEAN)));
    }

    // ---- spec ------------------------------------------------------------------------------------------

    @Override public Map<String, Object> spec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("atomic_numbers", atomicNumbers.clone());
        m.put("embedding_dimension", hp.embeddingDimension());
        m.put("num_layers", hp.numLayers());
        m.put("num_rbf", hp.numRbf());
        m.put("num_heads", hp.numHeads());
        m.put("cutoff_upper", hp.cutoffUpper());
        m.put("max_z", hp.maxZ());
        m.put("neighbor_embedding", hp.neighborEmbedding());
        m.put("distance_influence", hp.distanceInfluence());
        m.put("activation", hp.activation());
        m.put("attn_activation", hp.attnActivation());
        m.put("vector_cutoff", hp.vectorCutoff());
        m.put("trainable_rbf", hp.trainableRbf());
        m.put("atomref", hp.atomref());
        return m;
    }

    /** The model a {@link #spec()} describes. */
    public static EquivariantTransformer fromSpec(Map<String, Object> s) {
        SpecReader r = new SpecReader(FAMILY, s);
        r.rejectUnknown(List.of("atomic_numbers", "embedding_dimension", "num_layers", "num_rbf", "num_heads", "cutoff_upper", "max_z",
                "neighbor_embedding", "distance_influence", "activation", "attn_activation", "vector_cutoff", "trainable_rbf", "atomref"));
        EquivariantTransformerHyperparameters hp = new EquivariantTransformerHyperparameters(r.integer("embedding_dimension"), r.integer("num_layers"),
                r.integer("num_rbf"), r.integer("num_heads"), r.number("cutoff_upper"), r.integer("max_z"), r.bool("neighbor_embedding"),
                r.string("distance_influence"), r.string("activation"), r.string("attn_activation"), r.bool("vector_cutoff"), r.bool("trainable_rbf"),
                r.bool("atomref"));
        return new EquivariantTransformer(hp, r.ints("atomic_numbers"));
    }
}
