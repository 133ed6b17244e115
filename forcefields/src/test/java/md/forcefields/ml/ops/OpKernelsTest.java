package md.forcefields.ml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.GradCheck;
import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.ml.families.NequipLayout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op of {@code ml.ops} on a small periodic graph: the MD executor's array kernels are the tape's
 * function and its vector–Jacobian product, and the tape is differentiable to second order.
 * <ol>
 *   <li>{@code forward} (into an output of exactly rows × width, prefilled with NaN) equals {@code tape} to
 *       1e-13 (relative to max(1, max|value|));</li>
 *   <li>{@code backward} with a random gradOut equals {@link Autograd#grad} of the tape to 1e-12 for every
 *       input, with all gradients requested at once and with each alone (the others null) accumulated onto
 *       random values;</li>
 *   <li>the tape's first and second derivatives pass {@link GradCheck} (central differences, same step and
 *       tolerances as the built-in autodiff ops).</li>
 * </ol>
 */
class OpKernelsTest {
    private static final double STEP = 1e-5, RTOL = 1e-7, ATOL = 1e-9;
    private static final double FORWARD_TOL = 1e-13, BACKWARD_TOL = 1e-12;
    private static final double CUTOFF = 3.0;

    /** Species of the 5 atoms (3 types). */
    private static final int[] SPECIES = {2, 0, 1, 2, 0};
    private static final double[] POSITIONS = {
        0.10, 0.20, 0.05,
        1.30, 0.40, -0.20,
        0.70, 1.50, 0.60,
        -0.40, 0.90, 1.10,
        1.60, 1.70, 1.40};
    private static final double[] IMAGE = {3.1, 0, 0}, IMAGE2 = {0.4, -2.9, 0.3};

    /**
     * Directed edges: both directions of pairs 0-1, 1-2, 2-3, 3-0, 3-4, 1-3 (the reverse edges not next to
     * their partner), the pair 1-4 across a periodic image (shifts ±IMAGE), and a second image of the pair
     * 0-2 (shifts ±IMAGE2) besides the direct one.
     */
    static EdgeList edges() {
        int[][] e = {{0, 1}, {1, 2}, {2, 3}, {1, 0}, {3, 0}, {3, 4}, {2, 1}, {1, 3}, {0, 3}, {4, 3}, {3, 2}, {3, 1},
                     {1, 4}, {0, 2}, {4, 1}, {2, 0}, {0, 2}, {2, 0}};
        double[][] s = {null, null, null, null, null, null, null, null, null, null, null, null,
                        IMAGE, null, neg(IMAGE), null, IMAGE2, neg(IMAGE2)};
        int[] ci = new int[e.length], nj = new int[e.length];
        double[] sh = new double[3 * e.length];
        for (int k = 0; k < e.length; k++) {
            ci[k] = e[k][0];
            nj[k] = e[k][1];
            if (s[k] != null) System.arraycopy(s[k], 0, sh, 3 * k, 3);
        }
        return new EdgeList(ci, nj, sh);
    }

    private static double[] neg(double[] v) { return new double[] {-v[0], -v[1], -v[2]}; }

    /** One species for every atom (for ops that must not depend on the species). */
    private static final int[] ONE_SPECIES = {0, 0, 0, 0, 0};

    /**
     * A new graph of these species over {@link #edges} (a graph caches tables computed from the op data of its
     * evaluations, which the finite-difference checks perturb in place).
     */
    static Graph graph(int[] species) { return Graph.of(species, edges()); }

    /** The graph's extents and geometry (all cases have these edges). */
    private static final Graph G = graph(SPECIES);

    // ---- inputs ----------------------------------------------------------------------------------

    /** How an input's values are drawn. */
    @FunctionalInterface
    interface Gen { double[] make(Random rng, int n); }

    /** One input: its shape and how its values are drawn. */
    record In(Shape shape, Gen gen) {}

    private static In randn(Shape s) { return new In(s, (rng, n) -> gaussian(rng, n, 0)); }

    /** Gaussian values at least {@code gap} away from 0 (kinks of relu and |x| there). */
    private static In awayFromZero(Shape s, double gap) { return new In(s, (rng, n) -> gaussian(rng, n, gap)); }

    private static double[] gaussian(Random rng, int n, double gap) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) do v[i] = rng.nextGaussian(); while (Math.abs(v[i]) < gap);
        return v;
    }

    /** The graph's edge vectors R_nbr + shift − R_ctr (edges × 3). */
    private static In vectors() {
        return new In(Shape.edges(3), (rng, n) -> {
            double[] v = new double[3 * G.edges()];
            for (int e = 0; e < G.edges(); e++)
                for (int c = 0; c < 3; c++)
                    v[3 * e + c] = POSITIONS[3 * G.neighbour()[e] + c] + G.shifts()[3 * e + c] - POSITIONS[3 * G.centre()[e] + c];
            return v;
        });
    }

    /** Lengths in (0.6, cutoff + 0.8), some beyond the cutoff, none within 0.05 of it. */
    private static In lengths(Shape s) {
        return new In(s, (rng, n) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                do v[i] = 0.6 + (CUTOFF + 0.2) * rng.nextDouble(); while (Math.abs(v[i] - CUTOFF) < 0.05);
            }
            v[0] = CUTOFF + 0.5; // at least one beyond the cutoff
            return v;
        });
    }

    /** Bessel frequencies near nπ. */
    private static In frequencies(int n) {
        return new In(Shape.fixed(1, n), (rng, count) -> {
            double[] v = new double[count];
            for (int k = 0; k < count; k++) v[k] = (k + 1) * Math.PI + 0.2 * rng.nextGaussian();
            return v;
        });
    }

    /** An op and its inputs, on a graph of the given species. */
    record Case(String name, Op op, int[] species, In... inputs) {
        Graph graph() { return OpKernelsTest.graph(species); }
        Shape[] shapes() { return Arrays.stream(inputs).map(In::shape).toArray(Shape[]::new); }
        Shape outputShape() { return op.outputShape(shapes()); }

        double[][] values(long seed) {
            Random rng = new Random(seed);
            double[][] v = new double[inputs.length][];
            for (int i = 0; i < inputs.length; i++) {
                v[i] = inputs[i].gen().make(rng, inputs[i].shape().size(G));
                assertEquals(inputs[i].shape().size(G), v[i].length, name + " input " + i);
            }
            return v;
        }

        Tensor[] tensors(double[][] values) {
            Tensor[] t = new Tensor[inputs.length];
            for (int i = 0; i < t.length; i++) t[i] = Tensor.of(values[i].clone(), inputs[i].shape().rowCount(G), inputs[i].shape().width()).requireGrad();
            return t;
        }

        @Override public String toString() { return name; }
    }

    private static Case c(String name, Op op, In... inputs) { return new Case(name, op, SPECIES, inputs); }

    // ---- the ops ---------------------------------------------------------------------------------

    static final Irreps LINEAR_IN = Irreps.parse("2x0e+3x1o+2x2e+1x1e"), LINEAR_OUT = Irreps.parse("3x0e+2x1o+1x2e+2x0o");

    private static NequipHyperparameters hp(int features) {
        return new NequipHyperparameters(3, 2, true, features, 2, CUTOFF, 3, true, 6.0, 1, 4, 3.0, false, "silu", "tanh", "silu", "tanh");
    }

    private static Case convolution(String name, int features, UvuKernels kernels, boolean scalarsOnly) {
        NequipLayout layout = NequipLayout.derive(hp(features));
        NequipLayout.Layer layer = layout.layers().get(1);
        UvuConvolution conv = new UvuConvolution(layer.input(), layout.edgeAttrs(), layer.tpOut(), layer.instructions(), 0.7,
                scalarsOnly ? ir -> ir.equals(Irrep.SCALAR) : ir -> true, kernels);
        return c(name, conv, randn(Shape.atoms(layer.input().dim())), randn(Shape.edges(layout.edgeAttrs().dim())),
                randn(Shape.pairs(conv.weightCount())));
    }

    private static Case gate(String name, int layerIndex) {
        NequipLayout.Layer layer = NequipLayout.derive(hp(3)).layers().get(layerIndex);
        return c(name, layer.gate(), randn(Shape.atoms(layer.gateInput().dim())));
    }

    static List<Case> allCases() {
        List<Case> cases = new ArrayList<>();
        // GraphOps
        cases.add(c("speciesOneHot", new GraphOps.SpeciesOneHot(3)));
        cases.add(c("pairLengths", GraphOps.PAIR_LENGTHS, vectors()));
        cases.add(c("edgeLengths", GraphOps.EDGE_LENGTHS, vectors()));
        cases.add(c("gatherNeighbour", GraphOps.GATHER_NEIGHBOUR, randn(Shape.atoms(4))));
        cases.add(c("gatherCentre", GraphOps.GATHER_CENTRE, randn(Shape.atoms(4))));
        cases.add(c("pairsToEdges", GraphOps.PAIRS_TO_EDGES, randn(Shape.pairs(3))));
        cases.add(c("scatterToCentre", GraphOps.SCATTER_TO_CENTRE, randn(Shape.edges(3))));
        cases.add(c("speciesAffine", GraphOps.SPECIES_AFFINE, randn(Shape.atoms(1)), randn(Shape.fixed(1, 3)), randn(Shape.fixed(1, 3))));
        cases.add(c("affineActivation silu (pairs 5 -> 11)", new AffineActivation(Elementwise.Activation.SILU), randn(Shape.pairs(5)),
                randn(Shape.fixed(5, 11)), randn(Shape.fixed(1, 11))));
        cases.add(c("affineActivation tanh (atoms 3 -> 4)", new AffineActivation(Elementwise.Activation.TANH), randn(Shape.atoms(3)),
                randn(Shape.fixed(3, 4)), randn(Shape.fixed(1, 4))));
        // RadialOps
        cases.add(c("bessel (pairs)", new RadialOps.Bessel(CUTOFF), lengths(Shape.pairs(1)), frequencies(5)));
        cases.add(c("bessel (edges)", new RadialOps.Bessel(2.5), lengths(Shape.edges(1)), frequencies(3)));
        cases.add(c("polynomialCutoff p=6", new RadialOps.PolynomialCutoff(CUTOFF, 6.0), lengths(Shape.pairs(1))));
        cases.add(c("polynomialCutoff p=3.5", new RadialOps.PolynomialCutoff(CUTOFF, 3.5), lengths(Shape.edges(1))));
        cases.add(c("cosineCutoff", new RadialOps.CosineCutoff(CUTOFF), lengths(Shape.edges(1))));
        cases.add(c("gaussian", new RadialOps.Gaussian(0.5, CUTOFF, 6, 2.0), lengths(Shape.pairs(1))));
        cases.add(c("gaussian n=1", new RadialOps.Gaussian(1.2, 1.2, 1, 0.7), lengths(Shape.edges(1))));
        // Elementwise
        cases.add(c("add (atoms)", Elementwise.ADD, randn(Shape.atoms(4)), randn(Shape.atoms(4))));
        cases.add(c("add (edges)", Elementwise.ADD, randn(Shape.edges(2)), randn(Shape.edges(2))));
        cases.add(c("mul", Elementwise.MUL, randn(Shape.edges(3)), randn(Shape.edges(3))));
        cases.add(c("mul (one-column broadcast)", Elementwise.MUL, randn(Shape.pairs(4)), randn(Shape.pairs(1))));
        cases.add(c("scale", new Elementwise.Scale(-1.7), randn(Shape.atoms(3))));
        for (Elementwise.Activation f : Elementwise.Activation.values()) {
            cases.add(c("act " + f, new Elementwise.Act(f, 1.0), awayFromZero(Shape.edges(3), 0.01)));
            cases.add(c("act " + f + " x1.3", new Elementwise.Act(f, 1.3), awayFromZero(Shape.atoms(2), 0.01)));
        }
        cases.add(c("matmul", new Elementwise.MatMul(1.0), randn(Shape.atoms(4)), randn(Shape.fixed(4, 3))));
        cases.add(c("matmul c=0.37", new Elementwise.MatMul(0.37), randn(Shape.pairs(5)), randn(Shape.fixed(5, 2))));
        cases.add(c("sumRows (atoms)", Elementwise.SUM_ROWS, randn(Shape.atoms(3))));
        cases.add(c("sumRows (edges)", Elementwise.SUM_ROWS, randn(Shape.edges(2))));
        cases.add(c("broadcastRows (parameter)", Elementwise.BROADCAST_ROWS, randn(Shape.fixed(1, 3)), randn(Shape.edges(2))));
        cases.add(c("broadcastRows (graph)", Elementwise.BROADCAST_ROWS, randn(Shape.graph(2)), randn(Shape.atoms(1))));
        // BlockLinear
        BlockLinear linear = new BlockLinear(LINEAR_IN, LINEAR_OUT, 1), perSpecies = new BlockLinear(LINEAR_IN, LINEAR_OUT, 3);
        // species 1 on a one-species graph: see linearIgnoresTheGraphsSpecies for BlockLinear's weight gradient on other graphs
        cases.add(new Case("linear (species 1, edges)", linear, ONE_SPECIES, randn(Shape.edges(LINEAR_IN.dim())), randn(Shape.fixed(1, linear.weightCount()))));
        cases.add(new Case("linear (species 1, atoms)", linear, ONE_SPECIES, randn(Shape.atoms(LINEAR_IN.dim())), randn(Shape.fixed(1, linear.weightCount()))));
        cases.add(c("speciesLinear (species 3)", perSpecies, randn(Shape.atoms(LINEAR_IN.dim())), randn(Shape.fixed(1, perSpecies.weightCount()))));
        // UvuConvolution (9 channels: a full vector of 8 lanes or two of 4, and a leftover channel)
        cases.add(convolution("uvuConvolution plain", 2, new UvuKernels.Plain(), false));
        cases.add(convolution("uvuConvolution best", 9, UvuKernels.best(), false));
        cases.add(convolution("uvuConvolution scalar outputs", 3, UvuKernels.best(), true));
        // Gate (layer 0: even scalars and gates; layer 1: odd scalars (tanh) too)
        cases.add(gate("gate layer 0", 0));
        cases.add(gate("gate layer 1", 1));
        // Spherical harmonics
        for (int l = 0; l <= 3; l++) cases.add(c("sphericalHarmonics l=" + l, new SphericalHarmonicsOp(l), vectors()));
        // SelectColumns
        cases.add(c("selectColumns", new SelectColumns(7, new int[] {0, 2, 5}, new int[] {2, 3, 2}, new boolean[] {true, false, true}),
                randn(Shape.pairs(7))));
        cases.add(c("selectColumns (all kept)", new SelectColumns(5, new int[] {0, 3}, new int[] {3, 2}, new boolean[] {true, true}),
                randn(Shape.fixed(4, 5))));
        NequipLayout layout = NequipLayout.derive(hp(2));
        NequipLayout.Layer last = layout.layers().get(1);
        SelectColumns kept = new UvuConvolution(last.input(), layout.edgeAttrs(), last.tpOut(), last.instructions(), 0.7,
                ir -> ir.equals(Irrep.SCALAR), UvuKernels.best()).keptWeights();
        cases.add(c("selectColumns (kept uvu weights)", kept, randn(Shape.fixed(4, last.tpWeights()))));
        // ExpNormal (TorchMD-Net): some lengths beyond the cutoff, means and betas near their initial values
        cases.add(c("expNormal (pairs, lower 0)", new ExpNormal(0, CUTOFF, ExpNormal.torchmdNetAlpha(0, CUTOFF)), lengths(Shape.pairs(1)),
                TransformerOpsTest.rbfMeans(5, 0, CUTOFF), TransformerOpsTest.rbfBetas(5, 0, CUTOFF)));
        cases.add(c("expNormal (edges, lower 0.5)", new ExpNormal(0.5, CUTOFF, ExpNormal.torchmdNetAlpha(0.5, CUTOFF)), lengths(Shape.edges(1)),
                TransformerOpsTest.rbfMeans(3, 0.5, CUTOFF), TransformerOpsTest.rbfBetas(3, 0.5, CUTOFF)));
        cases.add(c("expNormal (n=1, alpha 1.3)", new ExpNormal(0.2, CUTOFF, 1.3), lengths(Shape.edges(1)),
                TransformerOpsTest.rbfMeans(1, 0.2, CUTOFF), TransformerOpsTest.rbfBetas(1, 0.2, CUTOFF)));
        // LayerNorm
        cases.add(c("layerNorm affine (atoms)", new LayerNorm(1e-5, true), TransformerOpsTest.shifted(Shape.atoms(4), 2.0, 1.5),
                randn(Shape.fixed(1, 4)), randn(Shape.fixed(1, 4))));
        // sd 3: finite differences of second derivatives lose accuracy like (step/row std)² (rows of 3 can be close)
        cases.add(c("layerNorm (edges)", new LayerNorm(1e-5, false), TransformerOpsTest.shifted(Shape.edges(3), -1.0, 3.0)));
        cases.add(c("layerNorm eps=0.3 affine (parameters)", new LayerNorm(0.3, true), randn(Shape.fixed(3, 5)), randn(Shape.fixed(1, 5)),
                randn(Shape.fixed(1, 5))));
        cases.add(c("layerNorm (one column)", new LayerNorm(1e-5, false), randn(Shape.atoms(1))));
        // SegmentSoftmax: on 6 atoms, atom 5 has no edges; edges 13/16 (and 15/17) are two images of the pair 0-2
        cases.add(new Case("segmentSoftmax (atom without edges)", SegmentSoftmax.INSTANCE, new int[] {2, 0, 1, 2, 0, 1},
                TransformerOpsTest.shifted(Shape.edges(3), 0.5, 3.0)));
        cases.add(c("segmentSoftmax (one column)", SegmentSoftmax.INSTANCE, randn(Shape.edges(1))));
        // ConcatColumns, SliceColumns
        cases.add(c("concatColumns (atoms 2+3+1)", new ConcatColumns(2, 3, 1), randn(Shape.atoms(2)), randn(Shape.atoms(3)), randn(Shape.atoms(1))));
        cases.add(c("concatColumns (edges, one input)", new ConcatColumns(4), randn(Shape.edges(4))));
        cases.add(c("concatColumns (parameters 2+0+3)", new ConcatColumns(2, 0, 3), randn(Shape.fixed(3, 2)), randn(Shape.fixed(3, 0)),
                randn(Shape.fixed(3, 3))));
        cases.add(c("sliceColumns (atoms [1,4) of 5)", new SliceColumns(1, 4), randn(Shape.atoms(5))));
        cases.add(c("sliceColumns (edges, all 3)", new SliceColumns(0, 3), randn(Shape.edges(3))));
        cases.add(c("sliceColumns (parameters [5,6))", new SliceColumns(5, 6), randn(Shape.fixed(2, 6))));
        // TorchMD-Net Equivariant Transformer ops
        cases.add(c("componentLinear (atoms 3x4 -> 3x2)", ComponentLinear.INSTANCE, randn(Shape.atoms(12)), randn(Shape.fixed(4, 2))));
        cases.add(c("componentLinear (edges 3x3 -> 3x5)", ComponentLinear.INSTANCE, randn(Shape.edges(9)), randn(Shape.fixed(3, 5))));
        cases.add(c("componentNorm", ComponentNorm.INSTANCE, awayFromZero(Shape.atoms(12), 0.05)));
        cases.add(c("headSum (3 heads of 2)", new HeadOps.HeadSum(3, 2), randn(Shape.edges(6))));
        cases.add(c("headRepeat (2 heads of 3)", new HeadOps.HeadRepeat(2, 3), randn(Shape.atoms(2))));
        cases.add(c("transpose", Transpose.INSTANCE, randn(Shape.fixed(3, 4))));
        cases.add(c("unitVectors", UnitVectors.INSTANCE, vectors()));
        cases.add(c("elementRows (Z 8, 1, 6)", new ElementRows(new int[] {8, 1, 6}), randn(Shape.fixed(9, 3))));
        cases.add(c("graphConstant", new GraphConstant(new double[] {0, 1.5})));
        cases.add(c("shareOverAtoms (parameter)", ShareOverAtoms.INSTANCE, randn(Shape.fixed(1, 2))));
        cases.add(c("shareOverAtoms (graph)", ShareOverAtoms.INSTANCE, randn(Shape.graph(1))));
        // the fully connected ('uvw') tensor product
        TensorProductUvw uvw = new TensorProductUvw(Irreps.parse("1x0e+2x1o"), Irreps.parse("2x0e+1x1o"), Irreps.parse("2x0e+1x1o+1x1e+1x2e"));
        cases.add(c("tensorProductUvw (atoms)", uvw, randn(Shape.atoms(7)), randn(Shape.atoms(5)), randn(Shape.fixed(1, uvw.weightCount()))));
        TensorProductUvw uvw2 = new TensorProductUvw(Irreps.parse("2x1o+1x2e"), Irreps.parse("1x0e+1x1o+1x2e"), Irreps.parse("1x0e+2x1o+1x2o"));
        cases.add(c("tensorProductUvw (edges, l<=2)", uvw2, randn(Shape.edges(11)), randn(Shape.edges(9)), randn(Shape.fixed(1, uvw2.weightCount()))));
        return cases;
    }

    static Stream<Arguments> cases() { return allCases().stream().map(k -> Arguments.of(k.name(), k)); }

    // ---- helpers ---------------------------------------------------------------------------------

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** max |a − b| over the first n entries. */
    private static double maxDiff(double[] a, double[] b, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static double[] forward(Case k, Graph g, Workspace ws, double[][] in) {
        double[] out = new double[k.outputShape().size(g)];
        Arrays.fill(out, Double.NaN); // forward overwrites
        k.op().forward(g, ws, in, out);
        return out;
    }

    // ---- the checks ------------------------------------------------------------------------------

    @Test
    void theGraphPairsEveryEdgeWithItsReverseImage() {
        assertEquals(5, G.atoms());
        assertEquals(18, G.edges());
        assertEquals(9, G.pairs());
        int[] seen = new int[G.pairs()];
        for (int e = 0; e < G.edges(); e++) {
            seen[G.pairOf()[e]]++;
            int rep = G.pairEdge()[G.pairOf()[e]];
            // the two edges of a pair are reverse images: swapped atoms, opposite shifts
            if (rep != e) {
                assertEquals(G.centre()[rep], G.neighbour()[e]);
                assertEquals(G.neighbour()[rep], G.centre()[e]);
                for (int c = 0; c < 3; c++) assertEquals(-G.shifts()[3 * rep + c], G.shifts()[3 * e + c], 0.0);
            }
        }
        for (int s : seen) assertEquals(2, s);
        // the direct pair 0-2 and its image are different pairs
        assertTrue(G.pairOf()[13] != G.pairOf()[16] && G.pairOf()[13] == G.pairOf()[15] && G.pairOf()[16] == G.pairOf()[17]);
        assertTrue(G.pairOf()[12] == G.pairOf()[14]);
    }

    @Test
    void everyOpClassIsCovered() {
        List<Class<?>> covered = new ArrayList<>();
        for (Case k : allCases()) covered.add(k.op().getClass());
        for (Class<?> c : List.of(GraphOps.SpeciesOneHot.class, RadialOps.Bessel.class, RadialOps.PolynomialCutoff.class,
                RadialOps.CosineCutoff.class, RadialOps.Gaussian.class, Elementwise.Scale.class, Elementwise.Act.class,
                Elementwise.MatMul.class, BlockLinear.class, UvuConvolution.class, Gate.class, SphericalHarmonicsOp.class, SelectColumns.class,
                ComponentLinear.class, ComponentNorm.class, HeadOps.HeadSum.class, HeadOps.HeadRepeat.class, Transpose.class, UnitVectors.class,
                ElementRows.class, GraphConstant.class, ShareOverAtoms.class, TensorProductUvw.class))
            assertTrue(covered.contains(c), c.getSimpleName());
        for (Op op : List.of(GraphOps.PAIR_LENGTHS, GraphOps.EDGE_LENGTHS, GraphOps.GATHER_NEIGHBOUR, GraphOps.GATHER_CENTRE,
                GraphOps.PAIRS_TO_EDGES, GraphOps.SCATTER_TO_CENTRE, GraphOps.SPECIES_AFFINE, Elementwise.ADD, Elementwise.MUL,
                Elementwise.SUM_ROWS, Elementwise.BROADCAST_ROWS))
            assertTrue(allCases().stream().anyMatch(k -> k.op() == op), op.name());
        for (Elementwise.Activation f : Elementwise.Activation.values())
            assertTrue(allCases().stream().anyMatch(k -> k.op() instanceof Elementwise.Act a && a.f() == f), f.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardKernelEqualsTheTape(String name, Case k) {
        double[][] in = k.values(1);
        Shape outShape = k.outputShape();
        Workspace ws = new Workspace(k.shapes(), outShape);
        Graph g = k.graph();
        double[] out = forward(k, g, ws, in);
        Tensor tape = k.op().tape(k.graph(), k.tensors(in));
        assertArrayEquals(new int[] {outShape.rowCount(G), outShape.width()}, tape.shape(), name + ": tape shape");
        double err = maxDiff(out, tape.data(), out.length), scale = Math.max(1, maxAbs(tape.data()));
        System.out.printf("%-34s forward vs tape: max|diff| %.1e (max|value| %.2f)%n", name, err, maxAbs(tape.data()));
        assertTrue(err <= FORWARD_TOL * scale, name + ": forward differs from the tape by " + err + " (max |value| " + scale + ")");
        for (double v : out) assertTrue(Double.isFinite(v), name + ": forward left a value unwritten or non-finite");
        // a warm workspace (the MD plan reuses it every step) gives the same result
        assertArrayEquals(out, forward(k, g, ws, in), 0.0, name + ": second forward on the same workspace");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardKernelIsTheVectorJacobianProductOfTheTape(String name, Case k) {
        double[][] in = k.values(2);
        Shape outShape = k.outputShape();
        Workspace ws = new Workspace(k.shapes(), outShape);
        Graph g = k.graph();
        double[] out = forward(k, g, ws, in);
        Random rng = new Random(3);
        double[] gradOut = gaussian(rng, out.length, 0);
        Tensor[] x = k.tensors(in);
        Tensor y = k.op().tape(k.graph(), x);
        Tensor[] expected = Autograd.grad(y, x, Tensor.of(gradOut.clone(), y.shape()), false);

        double[] outBefore = out.clone();
        int n = in.length;
        double[][] all = new double[n][];
        for (int i = 0; i < n; i++) all[i] = new double[in[i].length];
        k.op().backward(g, ws, in, out, gradOut, all);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double err = maxDiff(all[i], expected[i].data(), in[i].length), scale = Math.max(1, maxAbs(expected[i].data()));
            worst = Math.max(worst, err / scale);
            assertTrue(err <= BACKWARD_TOL * scale, name + ": gradient of input " + i + " differs from autograd by " + err + " (scale " + scale + ")");
        }
        // each input alone (others null), accumulated onto what is already there
        for (int i = 0; i < n; i++) {
            double[][] one = new double[n][];
            double[] base = gaussian(rng, in[i].length, 0);
            one[i] = base.clone();
            k.op().backward(g, ws, in, out, gradOut, one);
            double[] added = new double[base.length];
            for (int j = 0; j < base.length; j++) added[j] = one[i][j] - base[j];
            double err = maxDiff(added, expected[i].data(), base.length), scale = Math.max(1, maxAbs(expected[i].data()) + maxAbs(base));
            assertTrue(err <= BACKWARD_TOL * scale, name + ": gradient of input " + i + " alone, accumulated, differs by " + err);
        }
        // the kernel changed neither its inputs nor its output
        double[][] pristine = k.values(2);
        for (int i = 0; i < n; i++) assertArrayEquals(pristine[i], in[i], 0.0, name + ": backward changed input " + i);
        assertArrayEquals(outBefore, out, 0.0, name + ": backward changed the output");
        System.out.printf("%-34s backward vs autograd: max relative |diff| %.1e over %d input(s)%n", name, worst, n);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tapeDerivativesMatchFiniteDifferencesToSecondOrder(String name, Case k) {
        if (k.inputs().length == 0) {
            // a constant of the graph: nothing to differentiate
            assertTrue(!k.op().tape(k.graph()).requiresGrad(), name);
            return;
        }
        Tensor[] x = k.tensors(k.values(4));
        Random rng = new Random(5);
        GradCheck.Function f = xs -> k.op().tape(k.graph(), xs);
        GradCheck.Report first = GradCheck.check(f, x, STEP, RTOL, ATOL);
        GradCheck.assertPassed(name, first);
        GradCheck.Report second = GradCheck.checkSecondOrder(f, x, rng, STEP, RTOL, ATOL);
        GradCheck.assertPassed(name + " (second order)", second);
        assertTrue(first.entries() > 0 && second.entries() > 0);
        System.out.printf("%-34s gradcheck: first order max|err| %.1e (%d entries), second order %.1e (%d entries)%n", name,
                first.maxAbsError(), first.entries(), second.maxAbsError(), second.entries());
    }

    static Stream<Arguments> rowLocalCases() {
        return allCases().stream().filter(k -> k.op().parallel() && k.op().rowLocal()).map(k -> Arguments.of(k.name(), k));
    }

    /**
     * Row-local parallel kernels (what the MD executor chains into one phase per thread): the forward parts, each
     * writing only its rows, together give the whole kernel's output bit for bit, and the backward parts give its
     * gradients of the inputs on the output's rows bit for bit (constant inputs, e.g. weights, get no gradient in
     * MD), whether the parts run in order or in reverse, for 2 and 3 parts.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rowLocalCases")
    void rowLocalPartsGiveTheWholeKernelsResult(String name, Case k) {
        double[][] in = k.values(8);
        Graph g = k.graph();
        Shape outShape = k.outputShape();
        Workspace wholeWs = new Workspace(k.shapes(), outShape);
        double[] whole = forward(k, g, wholeWs, in);
        double[] gradOut = gaussian(new Random(9), whole.length, 0);
        int n = in.length;
        double[][] expected = new double[n][];
        for (int i = 0; i < n; i++) if (k.shapes()[i].rows() == outShape.rows()) expected[i] = gaussian(new Random(10 + i), in[i].length, 0);
        double[][] start = new double[n][];
        for (int i = 0; i < n; i++) start[i] = expected[i] == null ? null : expected[i].clone();
        k.op().backward(g, wholeWs, in, whole, gradOut, expected);
        for (int parts : new int[] {2, 3})
            for (boolean reverse : new boolean[] {false, true}) {
                Workspace ws = new Workspace(k.shapes(), outShape);
                double[] out = new double[whole.length];
                Arrays.fill(out, Double.NaN);
                for (int q = 0; q < parts; q++) k.op().forwardPart(g, ws, in, out, reverse ? parts - 1 - q : q, parts);
                assertArrayEquals(whole, out, 0.0, name + ": forward in " + parts + " parts");
                double[][] grads = new double[n][];
                for (int i = 0; i < n; i++) grads[i] = start[i] == null ? null : start[i].clone();
                for (int q = 0; q < parts; q++) k.op().backwardPart(g, ws, in, out, gradOut, grads, reverse ? parts - 1 - q : q, parts);
                for (int i = 0; i < n; i++) if (grads[i] != null) assertArrayEquals(expected[i], grads[i], 0.0, name + ": gradient of input " + i + " in " + parts + " parts");
            }
    }

    /** The Bessel kernels are those of before they ran in parts (bac9371), bit for bit, and so is the frequencies' gradient in parts. */
    @Test
    void besselAndPolynomialCutoffKernelsAreUnchanged() {
        Graph g = G;
        int rows = g.pairs(), nb = 8;
        double cutoff = 4.0, p = 6.0;
        Random rng = new Random(12);
        double[] r = new double[rows], w = new double[nb], gOut = new double[rows * nb], gOutCut = new double[rows];
        for (int i = 0; i < rows; i++) r[i] = 0.7 + 3.6 * rng.nextDouble();
        for (int k = 0; k < nb; k++) w[k] = (k + 1) * Math.PI + 0.1 * rng.nextGaussian();
        for (int i = 0; i < gOut.length; i++) gOut[i] = rng.nextGaussian();
        for (int i = 0; i < rows; i++) gOutCut[i] = rng.nextGaussian();
        // the kernels as they were (one loop over all rows)
        double[] refOut = new double[rows * nb], refDr = new double[rows], refDw = new double[nb], refCut = new double[rows], refCutDr = new double[rows];
        double pref = 2 / cutoff;
        for (int q = 0; q < rows; q++) for (int k = 0; k < nb; k++) refOut[q * nb + k] = pref * (Math.sin(r[q] * w[k] * (1.0 / cutoff)) / r[q]);
        for (int q = 0; q < rows; q++) {
            double dr = 0;
            for (int k = 0; k < nb; k++) {
                double wk = w[k] / cutoff, sn = Math.sin(wk * r[q]), cs = Math.cos(wk * r[q]), go = gOut[q * nb + k];
                dr += go * pref * (wk * cs / r[q] - sn / (r[q] * r[q]));
                refDw[k] += go * pref * cs / cutoff;
            }
            refDr[q] += dr;
        }
        for (int q = 0; q < rows; q++) {
            double x = r[q] / cutoff;
            if (!(r[q] < cutoff)) { refCut[q] = 0; continue; }
            double xp = Math.pow(x, p);
            refCut[q] = 1 - (p + 1) * (p + 2) / 2 * xp + p * (p + 2) * xp * x - p * (p + 1) / 2 * xp * x * x;
            double xm1 = Math.pow(x, p - 1);
            refCutDr[q] += gOutCut[q] * ((-(p + 1) * (p + 2) / 2 * p * xm1 + p * (p + 2) * (p + 1) * xm1 * x - p * (p + 1) / 2 * (p + 2) * xm1 * x * x) / cutoff);
        }
        RadialOps.Bessel bessel = new RadialOps.Bessel(cutoff);
        RadialOps.PolynomialCutoff cut = new RadialOps.PolynomialCutoff(cutoff, p);
        Workspace wsB = new Workspace(new Shape[] {Shape.pairs(1), Shape.fixed(1, nb)}, Shape.pairs(nb)), wsC = new Workspace(new Shape[] {Shape.pairs(1)}, Shape.pairs(1));
        for (int parts : new int[] {1, 2, 3}) {
            double[] out = new double[rows * nb], dr = new double[rows], dw = new double[nb], c = new double[rows], cdr = new double[rows];
            for (int q = 0; q < parts; q++) {
                bessel.forwardPart(g, wsB, new double[][] {r, w}, out, q, parts);
                bessel.backwardPart(g, wsB, new double[][] {r, w}, out, gOut, new double[][] {dr, dw}, q, parts);
                cut.forwardPart(g, wsC, new double[][] {r}, c, q, parts);
                cut.backwardPart(g, wsC, new double[][] {r}, c, gOutCut, new double[][] {cdr}, q, parts);
            }
            assertArrayEquals(refOut, out, 0.0, "bessel forward, " + parts + " parts");
            assertArrayEquals(refDr, dr, 0.0, "bessel d/dr, " + parts + " parts");
            assertArrayEquals(refDw, dw, 0.0, "bessel d/dfrequencies, " + parts + " parts");
            assertArrayEquals(refCut, c, 0.0, "polynomial cutoff, " + parts + " parts");
            assertArrayEquals(refCutDr, cdr, 0.0, "polynomial cutoff d/dr, " + parts + " parts");
        }
        double[] out = new double[rows * nb], dr = new double[rows];
        bessel.forward(g, wsB, new double[][] {r, w}, out);
        bessel.backward(g, wsB, new double[][] {r, w}, out, gOut, new double[][] {dr, null});
        assertArrayEquals(refOut, out, 0.0, "bessel forward (whole)");
        assertArrayEquals(refDr, dr, 0.0, "bessel d/dr (whole)");
    }

    /**
     * A plain linear layer (species 1) does not depend on the species, also on a graph of several species: its
     * output and its input gradient.
     */
    @Test
    void linearIgnoresTheGraphsSpecies() {
        BlockLinear linear = new BlockLinear(LINEAR_IN, LINEAR_OUT, 1);
        Case several = new Case("linear (species 1) on 3 species", linear, SPECIES, randn(Shape.atoms(LINEAR_IN.dim())),
                randn(Shape.fixed(1, linear.weightCount())));
        Case one = new Case("linear (species 1) on 1 species", linear, ONE_SPECIES, several.inputs());
        double[][] in = several.values(6);
        Workspace wa = new Workspace(several.shapes(), several.outputShape()), wb = new Workspace(one.shapes(), one.outputShape());
        double[] a = forward(several, several.graph(), wa, in), b = forward(one, one.graph(), wb, in);
        assertArrayEquals(b, a, 0.0);
        double[] gradOut = gaussian(new Random(7), a.length, 0);
        double[][] ga = {new double[in[0].length], null}, gb = {new double[in[0].length], null};
        linear.backward(several.graph(), wa, in, a, gradOut, ga);
        linear.backward(one.graph(), wb, in, b, gradOut, gb);
        assertArrayEquals(gb[0], ga[0], 0.0);
    }

    /**
     * The weight gradient of a plain linear layer on a graph of several species, on atom and edge rows (a
     * regression test: the kernel once grouped rows by the graph's species also for species = 1).
     */
    @Test
    void linearWeightGradientOnAGraphOfSeveralSpecies() {
        BlockLinear linear = new BlockLinear(LINEAR_IN, LINEAR_OUT, 1);
        for (Shape rows : List.of(Shape.atoms(LINEAR_IN.dim()), Shape.edges(LINEAR_IN.dim()))) {
            Case k = new Case("linear (species 1) on 3 species, " + rows, linear, SPECIES, randn(rows), randn(Shape.fixed(1, linear.weightCount())));
            backwardKernelIsTheVectorJacobianProductOfTheTape(k.name(), k);
        }
    }
}
