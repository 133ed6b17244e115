package md.forcefields.nequip.differentiable;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import md.core.io.NpyArray;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.Irreps;
import md.forcefields.nequip.NequipArchitecture;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;

/**
 * NequIP (nequip 0.6 / e3nn 0.5 conventions) written in differentiable tensor ops: the reference path for
 * training, where forces F = −∂E/∂R are computed with a graph so that a force loss can be differentiated
 * with respect to every weight. The MD hot loop uses the hand-differentiated fast path instead.
 *
 * <p>Trainable tensors are kept under their nequip {@code state_dict} keys, so a model loads from and
 * saves to the reference format unchanged. Per-species scales/shifts and the global scale are constants.
 *
 * <p>Inside the network, features of an irreps block are stored component-major (index offset + c·mul + u
 * for component c of channel u, unlike e3nn's channel-major u·(2l+1) + c), so that equivariant linear
 * maps are plain matrix products and the fused kernels ({@link BlockLinear}, {@link UvuConvolution}) run
 * over contiguous channels. Only scalars enter and leave the network, where both layouts coincide.
 */
public final class DifferentiableNequip {
    /** nequip's state_dict prefix of the network's tensors; the names below follow {@link NequipArchitecture}. */
    static final String PREFIX = "model.model.func.";
    static final String BESSEL = NequipArchitecture.BESSEL;
    static final String EMBEDDING = NequipArchitecture.CHEMICAL_EMBEDDING;
    static final String HIDDEN = NequipArchitecture.CONV_TO_OUTPUT_HIDDEN;
    static final String SCALAR = NequipArchitecture.OUTPUT_HIDDEN_TO_SCALAR;
    static final String SCALES = PREFIX + "per_species_rescale.scales";
    static final String SHIFTS = PREFIX + "per_species_rescale.shifts";
    static final String GLOBAL_SCALE = "model.scale_by";
    static final String GLOBAL_SHIFT = "model.shift_by";

    static String layerKey(int k, String rest) { return "layer" + k + "_convnet.conv." + rest; }

    /** Total energy (0-d) and per-atom energies (N), both in the units of the training data. */
    public record Output(Tensor energy, Tensor atomicEnergies) {}

    private final Hyperparameters hp;
    private final NequipLayout layout;
    private final Map<String, Tensor> parameters;
    private final Tensor besselWeights, speciesScales, speciesShifts;
    private final double globalScale;
    private final SphericalHarmonicsOp sphericalHarmonics;
    private final BlockLinear embedding, toHidden, toScalar;
    private final BlockLinear[] linear1, linear2, selfConnection;
    private final UvuConvolution[] convolution;

    private DifferentiableNequip(Hyperparameters hp, Map<String, Tensor> parameters, Tensor besselWeights,
                                 Tensor speciesScales, Tensor speciesShifts, double globalScale) {
        this.hp = hp;
        this.layout = NequipLayout.derive(hp);
        this.parameters = parameters;
        this.besselWeights = besselWeights;
        this.speciesScales = speciesScales;
        this.speciesShifts = speciesShifts;
        this.globalScale = globalScale;
        sphericalHarmonics = new SphericalHarmonicsOp(hp.lMax());
        embedding = new BlockLinear(Irreps.parse(hp.numTypes() + "x0e"), layout.embedding(), 1);
        int n = hp.numLayers();
        linear1 = new BlockLinear[n];
        linear2 = new BlockLinear[n];
        selfConnection = new BlockLinear[n];
        convolution = new UvuConvolution[n];
        for (int k = 0; k < n; k++) {
            NequipLayout.Layer l = layout.layers().get(k);
            linear1[k] = new BlockLinear(l.input(), l.input(), 1);
            linear2[k] = new BlockLinear(l.linear2In(), l.gateInput(), 1);
            selfConnection[k] = new BlockLinear(l.input(), l.gateInput(), hp.numTypes());
            // Only scalar (0e) outputs of the last convolution reach the energy (through the 0e gate scalars and
            // the readout): its other paths, and the radial weights they read, are left out.
            Predicate<md.forcefields.e3nn.Irrep> reachesEnergy = k == n - 1 ? ir -> ir.equals(md.forcefields.e3nn.Irrep.SCALAR) : ir -> true;
            convolution[k] = new UvuConvolution(l.input(), layout.edgeAttrs(), l.tpOut(), l.instructions(), 1.0 / Math.sqrt(hp.avgNumNeighbors()),
                    reachesEnergy, UvuKernels.best());
        }
        NequipLayout.Layer last = layout.layers().get(n - 1);
        toHidden = new BlockLinear(last.output(), layout.readoutHidden(), 1);
        toScalar = new BlockLinear(layout.readoutHidden(), Irreps.parse("1x0e"), 1);
    }

    /** Shapes of the trainable tensors under their state_dict keys, in nequip's order. */
    public static Map<String, int[]> parameterShapes(Hyperparameters hp) {
        NequipLayout layout = NequipLayout.derive(hp);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        if (hp.besselTrainable()) shapes.put(BESSEL, new int[] {hp.numBasis()});
        shapes.put(EMBEDDING, new int[] {hp.numTypes() * hp.numFeatures()});
        for (int k = 0; k < hp.numLayers(); k++) {
            NequipLayout.Layer l = layout.layers().get(k);
            shapes.put(layerKey(k, "linear_1.weight"), new int[] {new BlockLinear(l.input(), l.input(), 1).weightCount()});
            int[] sizes = new int[hp.invariantLayers() + 2];
            sizes[0] = hp.numBasis();
            for (int m = 1; m <= hp.invariantLayers(); m++) sizes[m] = hp.invariantNeurons();
            sizes[sizes.length - 1] = l.tpWeights();
            for (int m = 0; m + 1 < sizes.length; m++) shapes.put(layerKey(k, "fc.layer" + m + ".weight"), new int[] {sizes[m], sizes[m + 1]});
            shapes.put(layerKey(k, "linear_2.weight"), new int[] {new BlockLinear(l.linear2In(), l.gateInput(), 1).weightCount()});
            shapes.put(layerKey(k, "sc.weight"), new int[] {new BlockLinear(l.input(), l.gateInput(), hp.numTypes()).weightCount()});
        }
        NequipLayout.Layer last = layout.layers().get(hp.numLayers() - 1);
        shapes.put(HIDDEN, new int[] {new BlockLinear(last.output(), layout.readoutHidden(), 1).weightCount()});
        shapes.put(SCALAR, new int[] {layout.readoutHidden().dim()});
        return shapes;
    }

    /**
     * A model with every weight N(0, 1) (e3nn's initialisation), Bessel frequencies nπ, and the given
     * per-species scales/shifts and global scale.
     */
    public static DifferentiableNequip random(Hyperparameters hp, Random rng, double[] scales, double[] shifts, double globalScale) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : parameterShapes(hp).entrySet())
            params.put(e.getKey(), e.getKey().equals(BESSEL) ? besselInit(hp.numBasis()) : Tensor.randn(rng, e.getValue()).requireGrad());
        Tensor bessel = hp.besselTrainable() ? params.get(BESSEL) : besselInit(hp.numBasis());
        return new DifferentiableNequip(hp, params, bessel, Tensor.vector(scales), Tensor.vector(shifts), globalScale);
    }

    private static Tensor besselInit(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = (i + 1) * Math.PI;
        return Tensor.of(w, n).requireGrad();
    }

    /**
     * Loads nequip {@code state_dict} arrays (e.g. a reference {@code weights.npz}). Fails on a missing
     * tensor, a shape mismatch, or a non-empty key this architecture does not use (output masks and
     * baked Wigner-3j buffers carry no numbers of their own and are accepted).
     */
    public static DifferentiableNequip fromStateDict(Hyperparameters hp, Map<String, NpyArray> stateDict, String source) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        Set<String> used = new TreeSet<>();
        for (Map.Entry<String, int[]> e : parameterShapes(hp).entrySet()) {
            NpyArray a = require(stateDict, PREFIX + e.getKey(), source);
            long expected = 1;
            for (int s : e.getValue()) expected *= s;
            if (a.size() != expected)
                throw new IllegalArgumentException(source + ": '" + e.getKey() + "' has shape " + Arrays.toString(a.shape())
                        + ", expected " + Arrays.toString(e.getValue()) + " for this configuration");
            params.put(e.getKey(), Tensor.of(a.data().clone(), e.getValue()).requireGrad());
            used.add(PREFIX + e.getKey());
        }
        Tensor bessel;
        if (hp.besselTrainable()) bessel = params.get(BESSEL);
        else {
            NpyArray b = require(stateDict, PREFIX + BESSEL, source);
            bessel = Tensor.of(b.data().clone(), hp.numBasis());
            used.add(PREFIX + BESSEL);
        }
        NpyArray scales = require(stateDict, SCALES, source), shifts = require(stateDict, SHIFTS, source), g = require(stateDict, GLOBAL_SCALE, source);
        used.add(SCALES);
        used.add(SHIFTS);
        used.add(GLOBAL_SCALE);
        if (stateDict.containsKey(GLOBAL_SHIFT) && stateDict.get(GLOBAL_SHIFT).size() != 0)
            throw new IllegalArgumentException(source + ": a global energy shift ('" + GLOBAL_SHIFT + "') is not supported");
        for (Map.Entry<String, NpyArray> e : stateDict.entrySet()) {
            String k = e.getKey();
            if (used.contains(k) || e.getValue().size() == 0 || k.endsWith(".output_mask") || k.contains("._w3j_")) continue;
            throw new IllegalArgumentException(source + ": tensor '" + k + "' is not used by a NequIP model with this configuration");
        }
        if (scales.size() != hp.numTypes() || shifts.size() != hp.numTypes() || g.size() != 1)
            throw new IllegalArgumentException(source + ": per-species scales/shifts need " + hp.numTypes() + " entries and the global scale one");
        return new DifferentiableNequip(hp, params, bessel, Tensor.of(scales.data().clone(), hp.numTypes()),
                Tensor.of(shifts.data().clone(), hp.numTypes()), g.data()[0]);
    }

    /**
     * The same function as a fast-path {@link NequipModel} (copies of its weights, now trainable). Supports
     * the configurations nequip's SimpleIrrepsConfig produces, with self-connection and no global shift.
     */
    public static DifferentiableNequip fromModel(NequipModel model) {
        NequipConfig c = model.config();
        int lMax = c.irrepsEdgeSh().lmax();
        boolean parity = c.featureIrrepsHidden().blocks().stream().anyMatch(b -> b.ir().p() == -1);
        int f = c.chemicalEmbeddingIrreps().mul(0);
        NequipConfig simple = NequipConfig.simple(c.atomicNumbers(), c.rMax(), lMax, parity, f, c.numLayers(), c.numBasis(),
                c.invariantLayers(), c.invariantNeurons(), c.avgNumNeighbors(), c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale());
        if (!c.featureIrrepsHidden().equals(simple.featureIrrepsHidden()) || !c.irrepsEdgeSh().equals(simple.irrepsEdgeSh())
                || !c.convToOutputHiddenIrreps().equals(simple.convToOutputHiddenIrreps()) || !c.useSc() || c.globalShift() != 0)
            throw new IllegalArgumentException("the differentiable NequIP supports SimpleIrrepsConfig models (hidden irreps from l_max, parity and"
                    + " num_features) with self-connection and no global shift; this model has hidden " + c.featureIrrepsHidden()
                    + ", edge irreps " + c.irrepsEdgeSh() + ", use_sc " + c.useSc() + ", global shift " + c.globalShift());
        Hyperparameters hp = new Hyperparameters(c.numTypes(), lMax, parity, f, c.numLayers(), c.rMax(), c.numBasis(), c.besselTrainable(),
                c.polynomialCutoffP(), c.invariantLayers(), c.invariantNeurons(), c.avgNumNeighbors(), c.resnet(),
                c.scalarsEven().key(), c.scalarsOdd().key(), c.gatesEven().key(), c.gatesOdd().key());
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : parameterShapes(hp).entrySet())
            params.put(e.getKey(), Tensor.of(model.weight(e.getKey()).clone(), e.getValue()).requireGrad());
        Tensor bessel = hp.besselTrainable() ? params.get(BESSEL) : Tensor.of(model.besselWeights().clone(), hp.numBasis());
        return new DifferentiableNequip(hp, params, bessel, Tensor.vector(c.perSpeciesScales()), Tensor.vector(c.perSpeciesShifts()), c.globalScale());
    }

    /**
     * The current weights as a fast-path model with the given configuration (e.g. after training); without
     * trainable Bessel frequencies the model keeps this model's fixed ones.
     */
    public NequipModel toModel(NequipConfig config) {
        Map<String, double[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) w.put(e.getKey(), e.getValue().data().clone());
        return new NequipModel(config, w, config.besselTrainable() ? null : besselWeights.data().clone());
    }

    /**
     * The current weights as a fast-path model for atoms whose type t has atomic number
     * {@code atomicNumbers[t]}, with this model's hyperparameters, per-species scales/shifts and global scale.
     */
    public NequipModel toNequipModel(int[] atomicNumbers) {
        if (atomicNumbers.length != hp.numTypes())
            throw new IllegalArgumentException(atomicNumbers.length + " atomic numbers for a model of " + hp.numTypes() + " types");
        StringBuilder hidden = new StringBuilder();
        for (int p : hp.parity() ? new int[] {1, -1} : new int[] {1})
            for (int l = 0; l <= hp.lMax(); l++) hidden.append(hidden.isEmpty() ? "" : "+").append(hp.numFeatures()).append('x').append(l).append(p == 1 ? 'e' : 'o');
        return toModel(new NequipConfig(atomicNumbers, hp.rMax(), hp.numBasis(), hp.besselTrainable(), hp.cutoffP(), hp.numLayers(),
                Irreps.parse(hidden.toString()), layout.edgeAttrs(), layout.embedding(), layout.readoutHidden(), hp.invariantLayers(),
                hp.invariantNeurons(), hp.avgNumNeighbors(), hp.resnet(), true, Activation.byKey(hp.scalarEven()), Activation.byKey(hp.scalarOdd()),
                Activation.byKey(hp.gateEven()), Activation.byKey(hp.gateOdd()), speciesScales.data().clone(), speciesShifts.data().clone(),
                globalScale, 0.0, "eV", "Angstrom"));
    }

    private static NpyArray require(Map<String, NpyArray> dict, String key, String source) {
        NpyArray a = dict.get(key);
        if (a == null) throw new IllegalArgumentException(source + ": missing tensor '" + key + "'");
        return a;
    }

    public Hyperparameters hyperparameters() { return hp; }

    /** The trainable tensors by state_dict key (live: an optimizer updates their data in place). */
    public Map<String, Tensor> parameters() { return Collections.unmodifiableMap(parameters); }

    /** Energy of atoms of the given types (0 … numTypes−1) at {@code positions} (N, 3). */
    public Output evaluate(Tensor positions, int[] types, EdgeList edges) {
        int n = types.length;
        if (positions.size(0) != n || positions.size(1) != 3)
            throw new IllegalArgumentException("positions must have shape (" + n + ", 3), got " + Arrays.toString(positions.shape()));
        double[] onehot = new double[n * hp.numTypes()];
        for (int i = 0; i < n; i++) {
            if (types[i] < 0 || types[i] >= hp.numTypes()) throw new IllegalArgumentException("atom " + i + " has type " + types[i] + ", model has " + hp.numTypes());
            onehot[i * hp.numTypes() + types[i]] = 1;
        }
        EdgeGraph graph = EdgeGraph.of(edges, n);
        Tensor attrs = Tensor.of(onehot, n, hp.numTypes());
        Tensor vectors = positions.indexSelect(edges.neighbour()).sub(positions.indexSelect(edges.centre()))
                .add(Tensor.of(edges.shifts(), edges.size(), 3));
        // Both directions of a pair have the same length: radial functions are evaluated once per pair.
        Tensor pairLengths = vectors.indexSelect(graph.pairEdge()).square().sum(1).sqrt();
        Tensor sh = Tensor.concat(sphericalHarmonics.apply(vectors), 1);
        Tensor radial = RadialEmbedding.apply(pairLengths, besselWeights, hp.rMax(), hp.cutoffP());
        Tensor x = embedding.apply(attrs, parameters.get(EMBEDDING), null);
        for (int k = 0; k < hp.numLayers(); k++) {
            NequipLayout.Layer layer = layout.layers().get(k);
            Tensor sc = selfConnection[k].apply(x, parameters.get(layerKey(k, "sc.weight")), types);
            Tensor x1 = linear1[k].apply(x, parameters.get(layerKey(k, "linear_1.weight")), null);
            Tensor[] fc = new Tensor[hp.invariantLayers() + 1];
            for (int m = 0; m < fc.length; m++) fc[m] = parameters.get(layerKey(k, "fc.layer" + m + ".weight"));
            fc[fc.length - 1] = convolution[k].keptWeights(fc[fc.length - 1]);
            Tensor pairWeights = RadialMlp.apply(radial, fc, Activations.SILU);
            Tensor aggregated = convolution[k].apply(x1, sh, pairWeights, graph);
            Tensor y = linear2[k].apply(aggregated, parameters.get(layerKey(k, "linear_2.weight")), null).add(sc);
            Tensor out = layer.gate().apply(y);
            x = layer.resnet() ? x.add(out) : out;
        }
        Tensor hidden = toHidden.apply(x, parameters.get(HIDDEN), null);
        Tensor raw = toScalar.apply(hidden, parameters.get(SCALAR), null).reshape(n);
        Tensor atomic = raw.mul(speciesScales.indexSelect(types)).add(speciesShifts.indexSelect(types)).mul(globalScale);
        return new Output(atomic.sum(), atomic);
    }

    /** F = −∂E/∂R as (N, 3); with {@code createGraph} the forces can be differentiated again (training). */
    public static Tensor forces(Output output, Tensor positions, boolean createGraph) {
        return Autograd.grad(output.energy(), new Tensor[] {positions}, null, createGraph)[0].neg();
    }
}
