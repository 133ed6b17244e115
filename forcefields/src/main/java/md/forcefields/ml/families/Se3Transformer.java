package md.forcefields.ml.families;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.forcefields.ml.SpecReader;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.ops.AttentionAggregate;
import md.forcefields.ml.ops.AttentionLogits;
import md.forcefields.ml.ops.Elementwise;
import md.forcefields.ml.ops.Fiber;
import md.forcefields.ml.ops.FiberLinear;
import md.forcefields.ml.ops.GraphConstant;
import md.forcefields.ml.ops.NormNonlinearity;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.ops.Representation;
import md.forcefields.ml.ops.SphericalHarmonicsOp;
import md.forcefields.ml.ops.SumColumns;
import md.forcefields.ml.ops.TfnBasis;
import md.forcefields.ml.ops.TfnClebschGordan;
import md.forcefields.ml.ops.TfnConvolution;
import md.forcefields.ml.ops.Transpose;

/**
 * The SE(3)-Transformer potential (Fuchs et al. 2020) as built from the reference modules in the
 * se3t-reference fixture: species one-hot (type 0) input; attention layers of TFN values and keys
 * (radial MLP Linear–LayerNorm–ReLU ×2–Linear per degree pair times the basis kernels), per-degree
 * queries, per-head dot-product logits scaled by 1/√(all key features), softmax over each receiver's
 * incoming edges, heads concatenated by sum or mean aggregation, an equivariant linear layer (no bias),
 * and the norm nonlinearity (LayerNorm over channel norms, ReLU) after every layer but the last. The last
 * layer's type-0 output is the per-atom energy (E = Σ_i E_i; conservative forces −∂E/∂r follow from the
 * executors); its type-1 output is the direct force ({@link #directForces}). Both are multiplied by
 * {@code energy_scale} (eV per unit of the reference's outputs, e.g. kcal/mol). A per-species energy shift
 * (spec {@code energy_shifts}, eV; absent = 0, as for imported models) is added to each atom's energy:
 * E_i = energy_scale · ε_i + b_{t_i}. {@code md train} sets energy_scale = σ_F and b from the training data.
 * No residuals, no self-interaction, no cutoff envelope.
 *
 * <p>Graph: fully connected within a molecule by default ({@link #cutoff()} = +∞: every ordered pair
 * i ≠ j), or a radius graph r &lt; cutoff. Parameters keep the reference {@code state_dict} keys and shapes
 * (torch Linear weights (out, in), transposed in the forward pass; vectors as 1 × n). Values are sums over
 * degree blocks laid out channel-major ({@link Fiber}); type-1 components are (x, y, z).
 */
public final class Se3Transformer implements EquivariantModel {
    public static final String FAMILY = "se3-transformer";

    private final Se3TransformerHyperparameters hp;
    private final int[] atomicNumbers;
    /** Per-species energy shifts (eV), or null when all are zero (imported models: the reference has none). */
    private final double[] energyShifts;
    private final SphericalHarmonicsOp harmonics;
    private final TfnBasis basis;
    private final List<int[]> basisPairs;
    private final Layer[] layers;
    private final Map<String, ParameterSpec> parameters = new LinkedHashMap<>();

    /** The ops of one attention layer; per output degree (so the plan drops the type-1 branch for energies). */
    private record Layer(int block, Fiber input, Fiber output, Fiber keys, TfnConvolution[] values, TfnConvolution keyConv, FiberLinear query,
                         AttentionLogits logits, AttentionAggregate[] aggregate, FiberLinear[] linear, NormNonlinearity norm) {}

    public Se3Transformer(Se3TransformerHyperparameters hp, int[] atomicNumbers) { this(hp, atomicNumbers, null); }

    /**
     * A model whose atomic energies are shifted per species by {@code energyShiftsEv} (eV, in the order of
     * {@code atomicNumbers}; null or all zero: no shift).
     */
    public Se3Transformer(Se3TransformerHyperparameters hp, int[] atomicNumbers, double[] energyShiftsEv) {
        if (atomicNumbers.length != hp.numSpecies())
            throw new IllegalArgumentException(FAMILY + ": " + atomicNumbers.length + " atomic numbers for a model of " + hp.numSpecies() + " species");
        this.hp = hp;
        this.atomicNumbers = atomicNumbers.clone();
        if (energyShiftsEv != null) {
            if (energyShiftsEv.length != atomicNumbers.length)
                throw new IllegalArgumentException(FAMILY + ": " + energyShiftsEv.length + " energy shifts for " + atomicNumbers.length + " species");
            for (double b : energyShiftsEv)
                if (!Double.isFinite(b)) throw new IllegalArgumentException(FAMILY + ": energy shifts must be finite, got " + java.util.Arrays.toString(energyShiftsEv));
        }
        boolean any = false;
        if (energyShiftsEv != null) for (double b : energyShiftsEv) any |= b != 0;
        this.energyShifts = any ? energyShiftsEv.clone() : null;
        basisPairs = new ArrayList<>();
        for (int li = 0; li <= hp.maxDegree(); li++) for (int lo = 0; lo <= hp.maxDegree(); lo++) basisPairs.add(new int[] {li, lo});
        basis = new TfnBasis(basisPairs, hp.basisSigns());
        harmonics = new SphericalHarmonicsOp(basis.jMax());
        layers = new Layer[hp.numLayers()];
        for (int k = 0; k < layers.length; k++) {
            Fiber in = hp.input(k), out = hp.output(k), keys = hp.keys(k), vals = hp.values(k);
            int b = 3 * k;
            TfnConvolution[] valueConv = new TfnConvolution[out.size()];
            AttentionAggregate[] agg = new AttentionAggregate[out.size()];
            FiberLinear[] lin = new FiberLinear[out.size()];
            for (int o = 0; o < out.size(); o++) {
                Fiber v = single(vals, o), w = single(out, o);
                valueConv[o] = new TfnConvolution(in, v, basis, basisPairs, true);
                agg[o] = new AttentionAggregate(v, hp.heads(), hp.mean());
                lin[o] = new FiberLinear(v, w);
                radialParameters(b, "v", valueConv[o]);
                parameters.put(key(b + 1, "transform." + out.degree(o)), ParameterSpec.trainable(out.channels(o), vals.channels(o)));
            }
            TfnConvolution keyConv = new TfnConvolution(in, keys, basis, basisPairs, true);
            radialParameters(b, "k", keyConv);
            for (int i = 0; i < keys.size(); i++)
                parameters.put(key(b, "GMAB.q.transform." + keys.degree(i)), ParameterSpec.trainable(keys.channels(i), in.channels(in.indexOf(keys.degree(i)))));
            NormNonlinearity norm = null;
            if (k < layers.length - 1) {
                norm = new NormNonlinearity(out, hp.layerNormEps(), hp.normFloor());
                for (int o = 0; o < out.size(); o++) {
                    parameters.put(key(b + 2, "transform." + out.degree(o) + ".0.bn.weight"), ParameterSpec.trainable(1, out.channels(o)));
                    parameters.put(key(b + 2, "transform." + out.degree(o) + ".0.bn.bias"), ParameterSpec.trainable(1, out.channels(o)));
                }
            }
            layers[k] = new Layer(b, in, out, keys, valueConv, keyConv, new FiberLinear(in, keys), new AttentionLogits(keys, hp.heads(), hp.logitScale(k)),
                    agg, lin, norm);
        }
    }

    /** Block i of a fiber as a fiber of its own. */
    private static Fiber single(Fiber f, int i) { return new Fiber(new int[] {f.degree(i)}, new int[] {f.channels(i)}); }

    /** A reference state_dict key of Gblock {@code block}. */
    public static String key(int block, String rest) { return "Gblock." + block + "." + rest; }

    /** The radial MLP keys of one degree pair of a value ("v") or key ("k") convolution, without the layer suffix. */
    public static String radialKey(int block, String vk, int lIn, int lOut) {
        return key(block, "GMAB." + vk + ".kernel_unary.(" + lIn + "," + lOut + ").rp.net.");
    }

    private void radialParameters(int block, String vk, TfnConvolution conv) {
        int h = hp.radialHidden();
        for (int p = 0; p < conv.pairCount(); p++) {
            int[] lp = conv.pair(p);
            String r = radialKey(block, vk, lp[0], lp[1]);
            parameters.put(r + "0.weight", ParameterSpec.trainable(h, 1));
            parameters.put(r + "0.bias", ParameterSpec.trainable(1, h));
            parameters.put(r + "1.bn.weight", ParameterSpec.trainable(1, h));
            parameters.put(r + "1.bn.bias", ParameterSpec.trainable(1, h));
            parameters.put(r + "3.weight", ParameterSpec.trainable(h, h));
            parameters.put(r + "3.bias", ParameterSpec.trainable(1, h));
            parameters.put(r + "4.bn.weight", ParameterSpec.trainable(1, h));
            parameters.put(r + "4.bn.bias", ParameterSpec.trainable(1, h));
            parameters.put(r + "6.weight", ParameterSpec.trainable(conv.radialWidth(p), h));
            parameters.put(r + "6.bias", ParameterSpec.trainable(1, conv.radialWidth(p)));
        }
    }

    public Se3TransformerHyperparameters hyperparameters() { return hp; }

    /** The per-species energy shifts (eV, in the order of {@link #atomicNumbers()}); zeros when the model has none. */
    public double[] energyShifts() { return energyShifts == null ? new double[atomicNumbers.length] : energyShifts.clone(); }

    @Override public String family() { return FAMILY; }
    @Override public int[] atomicNumbers() { return atomicNumbers.clone(); }
    /** The graph cutoff; +∞ (the default) means every ordered pair of atoms is an edge. */
    @Override public double cutoff() { return hp.cutoff(); }
    @Override public Map<String, ParameterSpec> parameters() { return java.util.Collections.unmodifiableMap(parameters); }

    /**
     * The reference initialisation (in distribution): radial Linear weights kaiming-uniform
     * (bound √(6/fan_in)), biases U(±1/√fan_in), LayerNorm γ = 1, β = 0, per-degree linear maps N(0, 1)/√fan_in.
     */
    @Override public Map<String, double[]> initialParameters(Random rng) {
        Map<String, double[]> v = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterSpec> e : parameters.entrySet()) {
            String name = e.getKey();
            ParameterSpec s = e.getValue();
            double[] a = new double[s.size()];
            if (name.endsWith(".bn.weight")) java.util.Arrays.fill(a, 1.0);
            else if (name.endsWith(".bn.bias")) { }
            else if (name.contains(".rp.net.") && name.endsWith(".weight")) {
                double bound = Math.sqrt(6.0 / s.shape().width());
                for (int i = 0; i < a.length; i++) a[i] = bound * (2 * rng.nextDouble() - 1);
            } else if (name.contains(".rp.net.") && name.endsWith(".bias")) {
                ParameterSpec w = parameters.get(name.substring(0, name.length() - 4) + "weight");
                double bound = 1 / Math.sqrt(w.shape().width());
                for (int i = 0; i < a.length; i++) a[i] = bound * (2 * rng.nextDouble() - 1);
            } else {
                double c = 1 / Math.sqrt(s.shape().width());
                for (int i = 0; i < a.length; i++) a[i] = c * rng.nextGaussian();
            }
            v.put(name, a);
        }
        return v;
    }

    @Override public <T> T atomicEnergies(Ops<T> ops) { return outputs(ops).get(0); }

    /** The direct force of every atom, the type-1 output (atoms × 3, components x, y, z). Not −∂E/∂r. */
    public <T> T directForces(Ops<T> ops) { return outputs(ops).get(1); }

    /** The last layer always has a type-1 output of one channel: the direct force head. */
    @Override public boolean hasDirectForces() { return true; }

    @Override public <T> Outputs<T> energiesAndDirectForces(Ops<T> ops) {
        List<T> out = outputs(ops);
        return new Outputs<>(out.get(0), out.get(1));
    }

    /** The last layer's outputs per degree: type 0 (atoms × 1, per-atom energies) and type 1 (atoms × 3). */
    public <T> List<T> outputs(Ops<T> ops) {
        T vectors = ops.edgeVectors();
        T lengths = ops.pairLengths(vectors);
        T w = ops.apply(basis, ops.apply(harmonics, vectors));
        T x = ops.speciesOneHot(hp.numSpecies());
        List<T> perDegree = null;
        for (Layer layer : layers) {
            int b = layer.block();
            T keys = ops.apply(layer.keyConv(), convolutionInputs(ops, x, w, lengths, b, "k", layer.keyConv()));
            List<T> queryWeights = new ArrayList<>();
            queryWeights.add(x);
            for (int i = 0; i < layer.keys().size(); i++) queryWeights.add(ops.parameter(key(b, "GMAB.q.transform." + layer.keys().degree(i))));
            T queries = ops.apply(layer.query(), array(queryWeights));
            T alpha = ops.segmentSoftmax(ops.apply(layer.logits(), keys, queries));
            perDegree = new ArrayList<>();
            for (int o = 0; o < layer.output().size(); o++) {
                T values = ops.apply(layer.values()[o], convolutionInputs(ops, x, w, lengths, b, "v", layer.values()[o]));
                T aggregated = ops.apply(layer.aggregate()[o], alpha, values);
                perDegree.add(ops.apply(layer.linear()[o], aggregated, ops.parameter(key(b + 1, "transform." + layer.output().degree(o)))));
            }
            String at = "layer" + (b / 3) + ".";
            if (layer.norm() == null) {
                for (int o = 0; o < perDegree.size(); o++)
                    ops.named(at + "type" + layer.output().degree(o), perDegree.get(o), representation(single(layer.output(), o)));
                break;
            }
            List<T> norm = new ArrayList<>();
            norm.add(ops.named(at + "attention", ops.concatColumns(perDegree), representation(layer.output())));
            for (int o = 0; o < layer.output().size(); o++) {
                norm.add(ops.parameter(key(b + 2, "transform." + layer.output().degree(o) + ".0.bn.weight")));
                norm.add(ops.parameter(key(b + 2, "transform." + layer.output().degree(o) + ".0.bn.bias")));
            }
            x = ops.named(at + "out", ops.apply(layer.norm(), array(norm)), representation(layer.output()));
        }
        if (hp.energyScale() != 1) perDegree.replaceAll(v -> ops.scale(v, hp.energyScale()));
        if (energyShifts != null) {
            // b_{t_i} = Σ_t onehot_{it} b_t: a constant of the graph, added to the type-0 output only
            T onehot = ops.speciesOneHot(hp.numSpecies());
            T table = ops.apply(Elementwise.BROADCAST_ROWS, ops.apply(new GraphConstant(energyShifts)), onehot);
            perDegree.set(0, ops.add(perDegree.get(0), ops.apply(new SumColumns(1.0), ops.mul(onehot, table))));
        }
        return perDegree;
    }

    /**
     * How a rotation acts on features of a fiber: degree l by the Wigner D matrix in the reference's harmonic
     * basis (the basis of the kernels' Q_J, {@link TfnClebschGordan#toReference}), O_l·D_e3nn·O_lᵀ.
     */
    public static Representation representation(Fiber fiber) { return Representation.fiber(fiber, TfnClebschGordan::toReference); }

    /** The list as the varargs of {@link Ops#apply} (generic: erased to Object[], which apply accepts). */
    @SuppressWarnings("unchecked")
    private static <T> T[] array(List<T> values) { return (T[]) values.toArray(); }

    /** [features, basis, φ per degree pair of {@code conv}] with φ the pair's radial MLP on the pair lengths. */
    private <T> T[] convolutionInputs(Ops<T> ops, T x, T basis, T lengths, int block, String vk, TfnConvolution conv) {
        List<T> in = new ArrayList<>();
        in.add(x);
        in.add(basis);
        for (int p = 0; p < conv.pairCount(); p++) {
            int[] lp = conv.pair(p);
            in.add(radialMlp(ops, lengths, radialKey(block, vk, lp[0], lp[1])));
        }
        return array(in);
    }

    /** Linear(1, h) → LayerNorm → ReLU → Linear(h, h) → LayerNorm → ReLU → Linear(h, c_out·c_in·nJ). */
    private <T> T radialMlp(Ops<T> ops, T r, String k) {
        T h = ops.linear(r, ops.apply(Transpose.INSTANCE, ops.parameter(k + "0.weight")), ops.parameter(k + "0.bias"));
        h = ops.activation(ops.layerNorm(h, ops.parameter(k + "1.bn.weight"), ops.parameter(k + "1.bn.bias"), hp.layerNormEps()), Elementwise.Activation.RELU, 1.0);
        h = ops.linear(h, ops.apply(Transpose.INSTANCE, ops.parameter(k + "3.weight")), ops.parameter(k + "3.bias"));
        h = ops.activation(ops.layerNorm(h, ops.parameter(k + "4.bn.weight"), ops.parameter(k + "4.bn.bias"), hp.layerNormEps()), Elementwise.Activation.RELU, 1.0);
        return ops.linear(h, ops.apply(Transpose.INSTANCE, ops.parameter(k + "6.weight")), ops.parameter(k + "6.bias"));
    }

    // ---- spec -------------------------------------------------------------------------------------

    private static final List<String> KEYS = List.of("atomic_numbers", "num_layers", "n_heads", "num_channels", "max_degree", "aggregation",
            "radial_hidden", "layernorm_eps", "norm_clamp_min", "cutoff", "basis_signs", "energy_scale", "energy_shifts");

    /** Hyperparameters as JSON values; {@code cutoff} is absent for a fully connected graph, {@code energy_shifts} when all are zero. */
    @Override public Map<String, Object> spec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("atomic_numbers", atomicNumbers.clone());
        m.put("num_layers", hp.numLayers());
        m.put("n_heads", hp.heads());
        m.put("num_channels", hp.channels());
        m.put("max_degree", hp.maxDegree());
        m.put("aggregation", hp.mean() ? "mean" : "sum");
        m.put("radial_hidden", hp.radialHidden());
        m.put("layernorm_eps", hp.layerNormEps());
        m.put("norm_clamp_min", hp.normFloor());
        if (Double.isFinite(hp.cutoff())) m.put("cutoff", hp.cutoff());
        Map<String, Object> signs = new java.util.TreeMap<>();
        for (Map.Entry<String, int[]> e : hp.basisSigns().entrySet()) {
            List<Object> l = new ArrayList<>();
            for (int s : e.getValue()) l.add(s);
            signs.put(e.getKey(), l);
        }
        m.put("basis_signs", signs);
        m.put("energy_scale", hp.energyScale());
        if (energyShifts != null) m.put("energy_shifts", energyShifts.clone());
        return m;
    }

    /** The model a {@link #spec()} describes. */
    public static Se3Transformer fromSpec(Map<String, Object> s) {
        SpecReader r = new SpecReader(FAMILY, s);
        r.rejectUnknown(KEYS);
        int[] z = r.ints("atomic_numbers");
        String agg = r.string("aggregation");
        if (!agg.equals("sum") && !agg.equals("mean")) throw new IllegalArgumentException(FAMILY + " model spec: 'aggregation' must be sum or mean, got " + agg);
        Map<String, int[]> signs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : r.map("basis_signs").entrySet())
            signs.put(e.getKey(), new SpecReader(FAMILY, Map.of("basis_signs." + e.getKey(), e.getValue())).ints("basis_signs." + e.getKey()));
        double cutoff = s.containsKey("cutoff") ? r.number("cutoff") : Double.POSITIVE_INFINITY;
        return new Se3Transformer(new Se3TransformerHyperparameters(z.length, r.integer("num_layers"), r.integer("n_heads"), r.integer("num_channels"),
                r.integer("max_degree"), agg.equals("mean"), r.integer("radial_hidden"), r.number("layernorm_eps"), r.number("norm_clamp_min"), cutoff, signs,
                s.containsKey("energy_scale") ? r.number("energy_scale") : 1.0), z, s.containsKey("energy_shifts") ? numbers(s.get("energy_shifts")) : null);
    }

    private static double[] numbers(Object v) {
        if (v instanceof double[] a) return a.clone();
        if (v instanceof List<?> l) {
            double[] a = new double[l.size()];
            for (int i = 0; i < a.length; i++) {
                if (!(l.get(i) instanceof Number n)) throw new IllegalArgumentException(FAMILY + " model spec: 'energy_shifts' must be a list of numbers (eV per species), got " + v);
                a[i] = n.doubleValue();
            }
            return a;
        }
        throw new IllegalArgumentException(FAMILY + " model spec: 'energy_shifts' must be a list of numbers (eV per species), got " + v);
    }
}
