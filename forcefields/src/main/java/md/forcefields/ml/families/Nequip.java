package md.forcefields.ml.families;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.SpecReader;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.ops.BlockLinear;
import md.forcefields.ml.ops.Elementwise;
import md.forcefields.ml.ops.Representation;
import md.forcefields.ml.ops.SelectColumns;
import md.forcefields.ml.ops.SphericalHarmonicsOp;
import md.forcefields.ml.ops.UvuConvolution;

/**
 * NequIP (nequip 0.6 / e3nn 0.5 conventions, SimpleIrrepsConfig): one-hot species embedding, interaction
 * blocks of linear → 'uvu' convolution with the edge spherical harmonics and radial-MLP weights of the
 * Bessel × polynomial-envelope embedding → linear + species self-connection → gate (→ residual), then a
 * two-layer scalar readout and the per-species scale and shift.
 *
 * <p>Parameters keep nequip's {@code state_dict} names without the {@code model.model.func.} prefix; the
 * per-species scales and shifts are fixed buffers; the global scale is part of the spec. Features are
 * component-major inside each irreps block (see {@link BlockLinear}).
 *
 * <p>Exact savings: the radial embedding and MLP run once per unordered pair; in the last block only the
 * tensor-product paths with scalar outputs (the only ones that reach the energy) and their MLP columns
 * are evaluated.
 */
public final class Nequip implements EquivariantModel {
    public static final String FAMILY = "nequip";
    public static final String BESSEL = "radial_basis.basis.bessel_weights", EMBEDDING = "chemical_embedding.linear.weight",
            HIDDEN = "conv_to_output_hidden.linear.weight", SCALAR = "output_hidden_to_scalar.linear.weight",
            SCALES = "per_species_rescale.scales", SHIFTS = "per_species_rescale.shifts";

    public static String layerKey(int k, String rest) { return "layer" + k + "_convnet.conv." + rest; }

    private final NequipHyperparameters hp;
    private final int[] atomicNumbers;
    private final double globalScale;
    private final NequipLayout layout;
    private final SphericalHarmonicsOp sphericalHarmonics;
    private final BlockLinear embedding, toHidden, toScalar;
    private final BlockLinear[] linear1, linear2, selfConnection;
    private final UvuConvolution[] convolution;
    private final SelectColumns[] keptColumns;
    private final Map<String, ParameterSpec> parameters = new LinkedHashMap<>();

    public Nequip(NequipHyperparameters hp, int[] atomicNumbers, double globalScale) {
        if (atomicNumbers.length != hp.numTypes())
            throw new IllegalArgumentException(atomicNumbers.length + " atomic numbers for a model of " + hp.numTypes() + " species");
        this.hp = hp;
        this.atomicNumbers = atomicNumbers.clone();
        this.globalScale = globalScale;
        this.layout = NequipLayout.derive(hp);
        sphericalHarmonics = new SphericalHarmonicsOp(hp.lMax());
        embedding = new BlockLinear(Irreps.parse(hp.numTypes() + "x0e"), layout.embedding(), 1);
        int n = hp.numLayers();
        linear1 = new BlockLinear[n];
        linear2 = new BlockLinear[n];
        selfConnection = new BlockLinear[n];
        convolution = new UvuConvolution[n];
        keptColumns = new SelectColumns[n];
        if (hp.besselTrainable()) parameters.put(BESSEL, ParameterSpec.trainable(1, hp.numBasis()));
        else parameters.put(BESSEL, ParameterSpec.buffer(1, hp.numBasis()));
        parameters.put(EMBEDDING, ParameterSpec.trainable(1, embedding.weightCount()));
        for (int k = 0; k < n; k++) {
            NequipLayout.Layer l = layout.layers().get(k);
            linear1[k] = new BlockLinear(l.input(), l.input(), 1);
            linear2[k] = new BlockLinear(l.linear2In(), l.gateInput(), 1);
            selfConnection[k] = new BlockLinear(l.input(), l.gateInput(), hp.numTypes());
            // Only scalar (0e) outputs of the last convolution reach the energy (through the 0e gate scalars and
            // the readout): its other paths, and the radial weights they read, are left out.
            Predicate<Irrep> reachesEnergy = k == n - 1 ? ir -> ir.equals(Irrep.SCALAR) : ir -> true;
            convolution[k] = new UvuConvolution(l.input(), layout.edgeAttrs(), l.tpOut(), l.instructions(), 1.0 / Math.sqrt(hp.avgNumNeighbors()),
                    reachesEnergy, md.forcefields.ml.ops.UvuKernels.best());
            keptColumns[k] = convolution[k].keptWeights();
            parameters.put(layerKey(k, "linear_1.weight"), ParameterSpec.trainable(1, linear1[k].weightCount()));
            int[] sizes = mlpSizes(l.tpWeights());
            for (int m = 0; m + 1 < sizes.length; m++) parameters.put(layerKey(k, "fc.layer" + m + ".weight"), ParameterSpec.trainable(sizes[m], sizes[m + 1]));
            parameters.put(layerKey(k, "linear_2.weight"), ParameterSpec.trainable(1, linear2[k].weightCount()));
            parameters.put(layerKey(k, "sc.weight"), ParameterSpec.trainable(1, selfConnection[k].weightCount()));
        }
        NequipLayout.Layer last = layout.layers().get(n - 1);
        toHidden = new BlockLinear(last.output(), layout.readoutHidden(), 1);
        toScalar = new BlockLinear(layout.readoutHidden(), Irreps.parse("1x0e"), 1);
        parameters.put(HIDDEN, ParameterSpec.trainable(1, toHidden.weightCount()));
        parameters.put(SCALAR, ParameterSpec.trainable(1, toScalar.weightCount()));
        parameters.put(SCALES, ParameterSpec.buffer(1, hp.numTypes()));
        parameters.put(SHIFTS, ParameterSpec.buffer(1, hp.numTypes()));
    }

    /**
     * A freshly initialised model for training ({@link #initialParameters} with {@code seed}): global scale
     * σ_F = {@code forceScale}, per-species scales 1 and shifts b_t/σ_F, so that E = Σ_i (σ_F ε_i + b_{t_i})
     * with ε_i the network's atomic output.
     */
    public static md.forcefields.ml.model.LearnedModel initial(NequipHyperparameters hp, int[] atomicNumbers, double[] perSpeciesShiftsEv,
                                                          double forceScale, long seed) {
        if (!(forceScale > 0) || !Double.isFinite(forceScale))
            throw new IllegalArgumentException("the force scale (RMS of the training forces) is " + forceScale + "; the training data's forces must be finite and not all zero");
        Nequip model = new Nequip(hp, atomicNumbers, forceScale);
        Map<String, double[]> v = model.initialParameters(new Random(seed));
        double[] shifts = v.get(SHIFTS);
        for (int t = 0; t < shifts.length; t++) shifts[t] = perSpeciesShiftsEv[t] / forceScale;
        return new md.forcefields.ml.model.LearnedModel(model, v);
    }

    private int[] mlpSizes(int outputs) {
        int[] sizes = new int[hp.invariantLayers() + 2];
        sizes[0] = hp.numBasis();
        for (int m = 1; m <= hp.invariantLayers(); m++) sizes[m] = hp.invariantNeurons();
        sizes[sizes.length - 1] = outputs;
        return sizes;
    }

    public NequipHyperparameters hyperparameters() { return hp; }
    public double globalScale() { return globalScale; }

    @Override public String family() { return FAMILY; }
    @Override public int[] atomicNumbers() { return atomicNumbers.clone(); }
    @Override public double cutoff() { return hp.rMax(); }
    @Override public Map<String, ParameterSpec> parameters() { return java.util.Collections.unmodifiableMap(parameters); }

    /** e3nn's initialisation: every weight N(0, 1), Bessel frequencies nπ, unit scales, zero shifts. */
    @Override public Map<String, double[]> initialParameters(Random rng) {
        Map<String, double[]> v = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterSpec> e : parameters.entrySet()) {
            double[] a = new double[e.getValue().size()];
            switch (e.getKey()) {
                case BESSEL -> { for (int i = 0; i < a.length; i++) a[i] = (i + 1) * Math.PI; }
                case SCALES -> java.util.Arrays.fill(a, 1.0);
                case SHIFTS -> { }
                default -> { for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian(); }
            }
            v.put(e.getKey(), a);
        }
        return v;
    }

    /**
     * The forward pass. Stages are named as in nequip's module tree ({@link Ops#named}: {@code chemical_embedding},
     * {@code layerK.linear_1}, {@code layerK.aggregated}, {@code layerK.conv_out}, {@code layerK.out},
     * {@code atomic_energy_raw}), the names of the reference fixture's intermediates, each with its irreps
     * (component-major) as its {@link Representation}.
     */
    @Override public <T> T atomicEnergies(Ops<T> ops) {
        T vectors = ops.edgeVectors();
        T lengths = ops.pairLengths(vectors);
        T sh = ops.apply(sphericalHarmonics, vectors);
        T radial = ops.mul(ops.besselBasis(lengths, ops.parameter(BESSEL), hp.rMax()), ops.polynomialCutoff(lengths, hp.rMax(), hp.cutoffP()));
        T x = ops.named("chemical_embedding", ops.apply(embedding, ops.speciesOneHot(hp.numTypes()), ops.parameter(EMBEDDING)),
                Representation.irreps(layout.embedding()));
        for (int k = 0; k < hp.numLayers(); k++) {
            NequipLayout.Layer layer = layout.layers().get(k);
            T sc = ops.apply(selfConnection[k], x, ops.parameter(layerKey(k, "sc.weight")));
            T x1 = ops.named("layer" + k + ".linear_1", ops.apply(linear1[k], x, ops.parameter(layerKey(k, "linear_1.weight"))),
                    Representation.irreps(layer.input()));
            T pairWeights = radialMlp(ops, radial, k);
            T aggregated = ops.named("layer" + k + ".aggregated", ops.apply(convolution[k], x1, sh, pairWeights), Representation.irreps(layer.linear2In()));
            T y = ops.named("layer" + k + ".conv_out", ops.add(ops.apply(linear2[k], aggregated, ops.parameter(layerKey(k, "linear_2.weight"))), sc),
                    Representation.irreps(layer.gateInput()));
            T out = ops.apply(layer.gate(), y);
            x = ops.named("layer" + k + ".out", layer.resnet() ? ops.add(x, out) : out, Representation.irreps(layer.output()));
        }
        T hidden = ops.apply(toHidden, x, ops.parameter(HIDDEN));
        T raw = ops.named("atomic_energy_raw", ops.apply(toScalar, hidden, ops.parameter(SCALAR)), Representation.scalars(1));
        return ops.scale(ops.speciesAffine(raw, ops.parameter(SCALES), ops.parameter(SHIFTS)), globalScale);
    }

    /** e3nn's FullyConnectedNet without biases: h ← c·silu(h·W/√h_in) on hidden layers, h·W/√h_in on the last. */
    private <T> T radialMlp(Ops<T> ops, T radial, int k) {
        int layers = hp.invariantLayers() + 1;
        T h = radial;
        for (int m = 0; m < layers; m++) {
            T w = ops.parameter(layerKey(k, "fc.layer" + m + ".weight"));
            if (m == layers - 1 && !keptColumns[k].keepsAll()) w = ops.apply(keptColumns[k], w);
            int fanIn = m == 0 ? hp.numBasis() : hp.invariantNeurons();
            // The constants act on the (small) weight matrix rather than on the (rows × width) activations.
            double c = (m == 0 ? 1.0 : md.forcefields.ml.ops.Activations.SILU) / Math.sqrt(fanIn);
            h = ops.matmul(h, ops.scale(w, c), 1.0);
            if (m < layers - 1) h = ops.activation(h, Elementwise.Activation.SILU, 1.0);
        }
        return h;
    }

    // ---- spec -------------------------------------------------------------------------------------

    @Override public Map<String, Object> spec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("atomic_numbers", atomicNumbers.clone());
        m.put("l_max", hp.lMax());
        m.put("parity", hp.parity());
        m.put("num_features", hp.numFeatures());
        m.put("num_layers", hp.numLayers());
        m.put("r_max", hp.rMax());
        m.put("num_basis", hp.numBasis());
        m.put("bessel_trainable", hp.besselTrainable());
        m.put("polynomial_cutoff_p", hp.cutoffP());
        m.put("invariant_layers", hp.invariantLayers());
        m.put("invariant_neurons", hp.invariantNeurons());
        m.put("avg_num_neighbors", hp.avgNumNeighbors());
        m.put("resnet", hp.resnet());
        m.put("nonlinearity_scalars", Map.of("e", hp.scalarEven(), "o", hp.scalarOdd()));
        m.put("nonlinearity_gates", Map.of("e", hp.gateEven(), "o", hp.gateOdd()));
        m.put("global_scale", globalScale);
        return m;
    }

    /** The model a {@link #spec()} describes. */
    public static Nequip fromSpec(Map<String, Object> s) {
        SpecReader r = new SpecReader(FAMILY, s);
        int[] z = r.ints("atomic_numbers");
        Map<String, Object> act = r.map("nonlinearity_scalars"), gates = r.map("nonlinearity_gates");
        NequipHyperparameters hp = new NequipHyperparameters(z.length, r.integer("l_max"), r.bool("parity"), r.integer("num_features"),
                r.integer("num_layers"), r.number("r_max"), r.integer("num_basis"), r.bool("bessel_trainable"), r.number("polynomial_cutoff_p"),
                r.integer("invariant_layers"), r.integer("invariant_neurons"), r.number("avg_num_neighbors"), r.bool("resnet"),
                SpecReader.string(act, "e", "nonlinearity_scalars"), SpecReader.string(act, "o", "nonlinearity_scalars"),
                SpecReader.string(gates, "e", "nonlinearity_gates"), SpecReader.string(gates, "o", "nonlinearity_gates"));
        r.rejectUnknown(List.of("atomic_numbers", "l_max", "parity", "num_features", "num_layers", "r_max", "num_basis", "bessel_trainable",
                "polynomial_cutoff_p", "invariant_layers", "invariant_neurons", "avg_num_neighbors", "resnet", "nonlinearity_scalars",
                "nonlinearity_gates", "global_scale"));
        return new Nequip(hp, z, r.number("global_scale"));
    }
}
