package md.forcefields.ml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import md.forcefields.NeighborList;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.GradCheck;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dense ops of models without a neighbour list (GeomAtt), checked like {@link OpKernelsTest} checks the others,
 * on the complete graph of an isolated molecule of 5 atoms: forward kernels equal the tape (1e-13), backward
 * kernels are the tape's vector–Jacobian product (1e-12, all inputs together and each alone, accumulated), the
 * tape's first and second derivatives pass central differences. Every case runs on two graphs of the same
 * molecule whose pairs are numbered differently (one from explicit edges, one rebuilt in place from a half
 * neighbour list, sorted by centre): the dense layout must not depend on it.
 */
class DenseOpsTest {
    private static final double STEP = 1e-5, RTOL = 1e-7, ATOL = 1e-9;
    private static final double FORWARD_TOL = 1e-13, BACKWARD_TOL = 1e-12;
    private static final int[] SPECIES = {1, 0, 1, 2, 0};
    private static final double[] POSITIONS = {
        0.10, 0.20, 0.05,
        1.30, 0.40, -0.20,
        0.70, 1.50, 0.60,
        -0.40, 0.90, 1.10,
        1.60, 1.70, 1.40};

    /** Every ordered pair, from explicit edges (pairs in (i, j) order of first appearance). */
    static Graph explicitGraph() { return Graph.of(SPECIES, EdgeList.isolated(POSITIONS, Double.POSITIVE_INFINITY)); }

    /** The same molecule through the MD path: a half list in reverse order, cutoff +∞. */
    static Graph halfListGraph() {
        int n = SPECIES.length, p = n * (n - 1) / 2, k = 0;
        int[] a = new int[p], b = new int[p];
        for (int i = n - 1; i >= 0; i--) for (int j = n - 1; j > i; j--) { a[k] = i; b[k] = j; k++; }
        NeighborList nl = new NeighborList();
        nl.set(a, b, new double[3 * p], p, 1.0);
        Graph g = new Graph();
        g.fromHalfList(SPECIES, POSITIONS, nl, Double.POSITIVE_INFINITY, null);
        return g;
    }

    record In(Shape shape, double offset, double spread) {}

    private static In randn(Shape s) { return new In(s, 0, 1); }

    record Case(String name, Op op, In... inputs) {
        Shape[] shapes() { return Arrays.stream(inputs).map(In::shape).toArray(Shape[]::new); }
        double[][] values(Graph g, long seed) {
            Random rng = new Random(seed);
            double[][] v = new double[inputs.length][];
            for (int i = 0; i < v.length; i++) {
                v[i] = new double[inputs[i].shape().size(g)];
                for (int j = 0; j < v[i].length; j++) v[i][j] = inputs[i].offset() + inputs[i].spread() * rng.nextGaussian();
            }
            return v;
        }
        Tensor[] tensors(Graph g, double[][] values) {
            Tensor[] t = new Tensor[inputs.length];
            for (int i = 0; i < t.length; i++) t[i] = Tensor.of(values[i].clone(), inputs[i].shape().rowCount(g), inputs[i].shape().width()).requireGrad();
            return t;
        }
        @Override public String toString() { return name; }
    }

    static List<Case> allCases() {
        List<Case> c = new ArrayList<>();
        Shape dense = Shape.atomPairs(3);
        c.add(new Case("gaussianGrid", new GaussianGrid(2.5), new In(Shape.pairs(1), 1.5, 0.4), new In(Shape.fixed(1, 6), 1.5, 0.6)));
        c.add(new Case("gaussianGrid (atoms)", new GaussianGrid(0.8), new In(Shape.atoms(1), 1.0, 0.5), new In(Shape.fixed(1, 2), 1.0, 0.5)));
        c.add(new Case("gaussianGridLinear", new GaussianGridLinear(2.5), new In(Shape.pairs(1), 1.5, 0.4), new In(Shape.fixed(1, 6), 1.5, 0.6),
                randn(Shape.fixed(6, 5)), randn(Shape.fixed(1, 5))));
        // γ = 12: centres beyond |d − μ| ≈ 2.0 are out of reach; 20 rows make two blocks of the kernel; no bias
        c.add(new Case("gaussianGridLinear (windows, no bias)", new GaussianGridLinear(12.0), new In(Shape.edges(1), 1.5, 1.0),
                new In(Shape.fixed(1, 24), 1.5, 3.0), randn(Shape.fixed(24, 11))));
        c.add(new Case("gaussianGridAtOrigin", new GaussianGrid.AtOrigin(3.0), new In(Shape.fixed(1, 5), 0.3, 0.4)));
        c.add(new Case("pairsToDense", PairsToDense.INSTANCE, randn(Shape.pairs(3)), randn(Shape.fixed(1, 3))));
        c.add(new Case("pairColumnsToDense", new PairColumnsToDense(2, 5), randn(Shape.pairs(7)), randn(Shape.fixed(1, 3))));
        c.add(new Case("pairsToDense (one column)", PairsToDense.INSTANCE, randn(Shape.pairs(1)), randn(Shape.fixed(1, 1))));
        for (boolean tx : new boolean[] {false, true})
            for (boolean ty : new boolean[] {false, true})
                c.add(new Case("pairChainProduct " + (tx ? "T" : "N") + (ty ? "T" : "N"), new PairChainProduct(tx, ty), randn(dense), randn(dense)));
        c.add(new Case("pairChainContraction", new PairChainContraction(0.05), randn(dense), randn(dense)));
        // 29 features: pairs of vectors, a single vector and a scalar tail in the MD kernels (4 or 8 lanes)
        Shape wide = Shape.atomPairs(29);
        c.add(new Case("pairChainProduct NT (29 features)", new PairChainProduct(false, true), randn(wide), randn(wide)));
        c.add(new Case("pairChainProduct TN (29 features)", new PairChainProduct(true, false), randn(wide), randn(wide)));
        c.add(new Case("pairChainContraction (29 features)", new PairChainContraction(0.3), randn(wide), randn(wide)));
        c.add(new Case("pairChainContraction (one column)", new PairChainContraction(-1.7), randn(Shape.atomPairs(1)), randn(Shape.atomPairs(1))));
        // the chain links on overlaps read from the rows of a wide per-pair value (3 features: scalar code; 29: vectors and a tail)
        for (int w : new int[] {3, 29}) {
            Shape rows = Shape.pairs(w + 6), diagonal = Shape.fixed(1, w), dx = Shape.atomPairs(w);
            c.add(new Case("pairRowChain product, rows x rows (" + w + ")", PairRowChain.product(4, 2, w), randn(rows), randn(diagonal), randn(rows), randn(diagonal)));
            c.add(new Case("pairRowChain product, dense x rows (" + w + ")", PairRowChain.product(5, w), randn(dx), randn(rows), randn(diagonal)));
            c.add(new Case("pairRowChain contraction, rows x rows (" + w + ")", PairRowChain.contraction(0, 6, w, 0.05), randn(rows), randn(diagonal), randn(rows), randn(diagonal)));
            c.add(new Case("pairRowChain contraction, dense x rows (" + w + ")", PairRowChain.contraction(3, w, -0.7), randn(dx), randn(rows), randn(diagonal)));
        }
        c.add(new Case("sumColumns (dense)", new SumColumns(0.05), randn(dense)));
        c.add(new Case("sumColumns (atoms)", new SumColumns(-1.3), randn(Shape.atoms(4))));
        c.add(new Case("denseAggregate", DenseAggregate.INSTANCE, randn(Shape.atomPairs(1)), randn(Shape.atoms(4))));
        c.add(new Case("perAtomShare", new PerAtomShare(-7.5)));
        return c;
    }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (Case k : allCases()) {
            list.add(Arguments.of(k.name() + " [explicit edges]", k, explicitGraph()));
            list.add(Arguments.of(k.name() + " [half list]", k, halfListGraph()));
        }
        return list.stream();
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double maxDiff(double[] a, double[] b, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static double[] forward(Case k, Graph g, Workspace ws, double[][] in) {
        double[] out = new double[k.op().outputShape(k.shapes()).size(g)];
        Arrays.fill(out, Double.NaN);
        k.op().forward(g, ws, in, out);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardKernelEqualsTheTape(String name, Case k, Graph g) {
        double[][] in = k.values(g, 1);
        Shape outShape = k.op().outputShape(k.shapes());
        Workspace ws = new Workspace(k.shapes(), outShape);
        double[] out = forward(k, g, ws, in);
        Tensor tape = k.op().tape(g, k.tensors(g, in));
        assertArrayEquals(new int[] {outShape.rowCount(g), outShape.width()}, tape.shape(), name + ": tape shape");
        double err = maxDiff(out, tape.data(), out.length), scale = Math.max(1, maxAbs(tape.data()));
        assertTrue(err <= FORWARD_TOL * scale, name + ": forward differs from the tape by " + err);
        for (double v : out) assertTrue(Double.isFinite(v), name + ": forward left a value unwritten");
        assertArrayEquals(out, forward(k, g, ws, in), 0.0, name + ": second forward on the same workspace");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardKernelIsTheVectorJacobianProductOfTheTape(String name, Case k, Graph g) {
        double[][] in = k.values(g, 2);
        Workspace ws = new Workspace(k.shapes(), k.op().outputShape(k.shapes()));
        double[] out = forward(k, g, ws, in);
        Random rng = new Random(3);
        double[] gradOut = new double[out.length];
        for (int i = 0; i < gradOut.length; i++) gradOut[i] = rng.nextGaussian();
        int n = in.length;
        if (n == 0) return; // a constant of the graph
        Tensor[] x = k.tensors(g, in);
        Tensor y = k.op().tape(g, x);
        Tensor[] expected = Autograd.grad(y, x, Tensor.of(gradOut.clone(), y.shape()), false);
        double[][] all = new double[n][];
        for (int i = 0; i < n; i++) all[i] = new double[in[i].length];
        k.op().backward(g, ws, in, out, gradOut, all);
        for (int i = 0; i < n; i++) {
            double err = maxDiff(all[i], expected[i].data(), in[i].length), scale = Math.max(1, maxAbs(expected[i].data()));
            assertTrue(err <= BACKWARD_TOL * scale, name + ": gradient of input " + i + " differs from autograd by " + err);
        }
        for (int i = 0; i < n; i++) {
            double[][] one = new double[n][];
            double[] base = new double[in[i].length];
            for (int j = 0; j < base.length; j++) base[j] = rng.nextGaussian();
            one[i] = base.clone();
            k.op().backward(g, ws, in, out, gradOut, one);
            double err = 0;
            for (int j = 0; j < base.length; j++) err = Math.max(err, Math.abs(one[i][j] - base[j] - expected[i].data()[j]));
            assertTrue(err <= BACKWARD_TOL * Math.max(1, maxAbs(expected[i].data()) + maxAbs(base)), name + ": input " + i + " alone, accumulated, differs by " + err);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tapeDerivativesMatchFiniteDifferencesToSecondOrder(String name, Case k, Graph g) {
        if (k.inputs().length == 0) {
            assertTrue(!k.op().tape(g).requiresGrad(), name);
            return;
        }
        Tensor[] x = k.tensors(g, k.values(g, 4));
        GradCheck.Function f = xs -> k.op().tape(g, xs);
        GradCheck.Report first = GradCheck.check(f, x, STEP, RTOL, ATOL);
        GradCheck.assertPassed(name, first);
        GradCheck.Report second = GradCheck.checkSecondOrder(f, x, new Random(5), STEP, RTOL, ATOL);
        GradCheck.assertPassed(name + " (second order)", second);
        assertTrue(first.entries() > 0);
    }

    /**
     * GeomAtt's grid (γ = 20 Å⁻², centres 0 … 4.95 Å by 0.05 Å): the MD kernels of gaussianGridLinear, which leave
     * out the Gaussians below e^−39, equal the sums over every centre written out, to round-off, for lengths from
     * 0 to 9 Å (pairs beyond 6.4 Å have no centre in reach), values and length derivatives alike.
     */
    @Test
    void gaussianGridLinearLeavesOutOnlyNegligibleGaussians() {
        int rows = 400, k = 100, m = 37;
        double gamma = 20;
        Random rng = new Random(11);
        double[] d = new double[rows], mu = md.forcefields.ml.families.GeomAtt.grid(0.0, 0.05, k), w = new double[k * m], b = new double[m];
        for (int r = 0; r < rows; r++) d[r] = 9.0 * rng.nextDouble();
        for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
        for (int i = 0; i < m; i++) b[i] = 0.1 * rng.nextGaussian();
        double[] gOut = new double[rows * m];
        for (int i = 0; i < gOut.length; i++) gOut[i] = rng.nextGaussian();
        double[] full = new double[rows * m], fullGrad = new double[rows];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < k; c++) {
                double t = d[r] - mu[c], phi = Math.exp(-gamma * t * t), dot = 0;
                for (int j = 0; j < m; j++) {
                    full[r * m + j] += phi * w[c * m + j];
                    dot += gOut[r * m + j] * w[c * m + j];
                }
                fullGrad[r] += dot * phi * (-2 * gamma) * t;
            }
        for (int r = 0; r < rows; r++) for (int j = 0; j < m; j++) full[r * m + j] += b[j];
        GaussianGridLinear op = new GaussianGridLinear(gamma);
        Shape[] shapes = {Shape.atoms(1), Shape.fixed(1, k), Shape.fixed(k, m), Shape.fixed(1, m)};
        Graph g = new Graph();
        g.fromHalfList(new int[rows], new double[3 * rows], emptyList(), 1.0, null);
        Workspace ws = new Workspace(shapes, op.outputShape(shapes));
        double[] out = new double[rows * m], grad = new double[rows];
        op.forward(g, ws, new double[][] {d, mu, w, b}, out);
        op.backward(g, ws, new double[][] {d, mu, w, b}, out, gOut, new double[][] {grad, null, null, null});
        double valueErr = maxDiff(out, full, out.length) / maxAbs(full), gradErr = maxDiff(grad, fullGrad, rows) / maxAbs(fullGrad);
        System.out.printf("gaussianGridLinear vs every centre: values %.1e, derivatives %.1e (relative to the largest)%n", valueErr, gradErr);
        assertTrue(valueErr <= 1e-15, "values differ by " + valueErr);
        assertTrue(gradErr <= 1e-15, "derivatives differ by " + gradErr);
    }

    /**
     * Beyond {@link PairChainProduct#DIRECT_MAX_ATOMS} atoms the chain kernels take the other route (feature-major
     * copies and dense matrix products): forward and backward kernels equal the tape there too (70 atoms).
     */
    @Test
    void chainKernelsOfLargeMoleculesEqualTheTape() {
        int n = PairChainProduct.DIRECT_MAX_ATOMS + 6, w = 5;
        Random rng = new Random(21);
        double[] positions = new double[3 * n];
        for (int i = 0; i < positions.length; i++) positions[i] = 6 * rng.nextDouble();
        Graph g = Graph.of(new int[n], EdgeList.isolated(positions, Double.POSITIVE_INFINITY));
        Shape dense = Shape.atomPairs(w);
        List<Op> ops = List.of(new PairChainProduct(false, false), new PairChainProduct(true, true), new PairChainContraction(0.7));
        for (Op op : ops) {
            double[][] in = new double[2][n * n * w];
            for (double[] a : in) for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
            Shape[] shapes = {dense, dense};
            Workspace ws = new Workspace(shapes, op.outputShape(shapes));
            double[] out = new double[op.outputShape(shapes).size(g)];
            op.forward(g, ws, in, out);
            Tensor[] x = {Tensor.of(in[0].clone(), n * n, w).requireGrad(), Tensor.of(in[1].clone(), n * n, w).requireGrad()};
            Tensor y = op.tape(g, x);
            double scale = Math.max(1, maxAbs(y.data()));
            assertTrue(maxDiff(out, y.data(), out.length) <= FORWARD_TOL * scale, op + ": forward differs from the tape");
            double[] gOut = new double[out.length];
            for (int i = 0; i < gOut.length; i++) gOut[i] = rng.nextGaussian();
            Tensor[] expected = Autograd.grad(y, x, Tensor.of(gOut.clone(), y.shape()), false);
            double[][] grads = {new double[in[0].length], new double[in[1].length]};
            op.backward(g, ws, in, out, gOut, grads);
            for (int i = 0; i < 2; i++)
                assertTrue(maxDiff(grads[i], expected[i].data(), grads[i].length) <= BACKWARD_TOL * Math.max(1, maxAbs(expected[i].data())),
                        op + ": gradient of input " + i + " differs from autograd");
        }
    }

    /**
     * {@link PairRowChain} on 11 atoms (4 × 4 blocks of pairs and the strips beyond, Vector API kernels) and on
     * {@link PairChainProduct#DIRECT_MAX_ATOMS} + 6 (dense copies and the dense ops' kernels), with X and Y the same
     * wide value as in GeomAtt (both gradients into one array): forward and backward kernels equal the tape.
     */
    @Test
    void pairRowChainKernelsEqualTheTape() {
        Random rng = new Random(31);
        for (int n : new int[] {11, PairChainProduct.DIRECT_MAX_ATOMS + 6})
            for (int w : new int[] {3, 29, 37}) { // 37: blocks of four vectors of features (the gradients' kernels), then single vectors and a tail
                double[] positions = new double[3 * n];
                for (int i = 0; i < positions.length; i++) positions[i] = 6 * rng.nextDouble();
                Graph g = Graph.of(new int[n], EdgeList.isolated(positions, Double.POSITIVE_INFINITY));
                int pairs = g.pairs(), wide = 2 * w + 3;
                Shape rows = Shape.pairs(wide), diagonal = Shape.fixed(1, w), dx = Shape.atomPairs(w);
                for (PairRowChain op : List.of(PairRowChain.product(1, w + 3, w), PairRowChain.contraction(w + 2, 0, w, 0.05),
                        PairRowChain.product(2, w), PairRowChain.contraction(w + 1, w, 1.3))) {
                    Shape[] shapes = op.denseX() ? new Shape[] {dx, rows, diagonal} : new Shape[] {rows, diagonal, rows, diagonal};
                    double[] q = randn(rng, pairs * wide), xDiag = randn(rng, w), yDiag = randn(rng, w), xDense = randn(rng, n * n * w);
                    double[][] in = op.denseX() ? new double[][] {xDense, q, yDiag} : new double[][] {q, xDiag, q, yDiag};
                    Workspace ws = new Workspace(shapes, op.outputShape(shapes));
                    double[] out = new double[op.outputShape(shapes).size(g)];
                    op.forward(g, ws, in, out);
                    Tensor tq = Tensor.of(q.clone(), pairs, wide).requireGrad(), tyd = Tensor.of(yDiag.clone(), 1, w).requireGrad();
                    Tensor tx = op.denseX() ? Tensor.of(xDense.clone(), n * n, w).requireGrad() : Tensor.of(xDiag.clone(), 1, w).requireGrad();
                    Tensor[] t = op.denseX() ? new Tensor[] {tx, tq, tyd} : new Tensor[] {tq, tx, tq, tyd};
                    Tensor y = op.tape(g, t);
                    String what = op + " on " + n + " atoms";
                    assertTrue(maxDiff(out, y.data(), out.length) <= FORWARD_TOL * Math.max(1, maxAbs(y.data())), what + ": forward differs from the tape");
                    double[] gOut = randn(rng, out.length);
                    Tensor[] wrt = op.denseX() ? new Tensor[] {tx, tq, tyd} : new Tensor[] {tq, tx, tyd};
                    Tensor[] expected = Autograd.grad(y, wrt, Tensor.of(gOut.clone(), y.shape()), false);
                    double[] gq = new double[q.length], gx = new double[tx.data().length], gyd = new double[w];
                    op.backward(g, ws, in, out, gOut, op.denseX() ? new double[][] {gx, gq, gyd} : new double[][] {gq, gx, gq, gyd});
                    double[][] got = op.denseX() ? new double[][] {gx, gq, gyd} : new double[][] {gq, gx, gyd};
                    for (int i = 0; i < got.length; i++)
                        assertTrue(maxDiff(got[i], expected[i].data(), got[i].length) <= BACKWARD_TOL * Math.max(1, maxAbs(expected[i].data())),
                                what + ": gradient " + i + " differs from autograd by " + maxDiff(got[i], expected[i].data(), got[i].length));
                }
            }
    }

    private static double[] randn(Random rng, int size) {
        double[] a = new double[size];
        for (int i = 0; i < size; i++) a[i] = rng.nextGaussian();
        return a;
    }

    private static NeighborList emptyList() {
        NeighborList nl = new NeighborList();
        nl.set(new int[0], new int[0], new double[0], 0, 1.0);
        return nl;
    }

    /** The dense layout is row n·N + m for the pair (n, m), whatever the graph's pair numbering. */
    @Test
    void denseValuesAreIndexedByAtomsNotByPairNumbers() {
        for (Graph g : List.of(explicitGraph(), halfListGraph())) {
            int n = g.atoms();
            // a pair value that names its atoms: 10·min + max
            double[] pairs = new double[g.pairs()];
            for (int p = 0; p < g.pairs(); p++) {
                int e = g.pairEdge()[p], i = g.centre()[e], j = g.neighbour()[e];
                pairs[p] = 10 * Math.min(i, j) + Math.max(i, j);
            }
            double[] out = new double[n * n];
            PairsToDense.INSTANCE.forward(g, new Workspace(new Shape[] {Shape.pairs(1), Shape.fixed(1, 1)}, Shape.atomPairs(1)), new double[][] {pairs, {-1}}, out);
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++) assertEquals(a == b ? -1 : 10 * Math.min(a, b) + Math.max(a, b), out[a * n + b], 0.0, a + "," + b);
        }
    }

    /** A model without a cutoff must see every pair once: anything else is an error, not a silent approximation. */
    @Test
    void pairsToDenseRefusesIncompleteOrPeriodicGraphs() {
        Graph partial = Graph.of(SPECIES, EdgeList.isolated(POSITIONS, 1.5));
        Exception e = assertThrows(IllegalArgumentException.class, () -> PairsToDense.INSTANCE.tape(partial, Tensor.zeros(partial.pairs(), 2), Tensor.zeros(1, 2)));
        assertTrue(e.getMessage().contains("needs all 10 pairs"), e.getMessage());
        EdgeList full = EdgeList.isolated(POSITIONS, Double.POSITIVE_INFINITY);
        double[] shifts = full.shifts().clone();
        shifts[0] = 3.0; // edge 0 (0 <- 1) and its reverse join an image
        int reverse = -1;
        for (int k = 0; k < full.size(); k++) if (full.centre()[k] == 1 && full.neighbour()[k] == 0) reverse = k;
        shifts[3 * reverse] = -3.0;
        Graph periodic = Graph.of(SPECIES, new EdgeList(full.centre(), full.neighbour(), shifts));
        e = assertThrows(IllegalArgumentException.class, () -> PairsToDense.INSTANCE.tape(periodic, Tensor.zeros(periodic.pairs(), 2), Tensor.zeros(1, 2)));
        assertTrue(e.getMessage().contains("periodic image"), e.getMessage());
    }
}
