package md.forcefields.ml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.core.SharedData;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.GradCheck;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ops a TorchMD-Net-style transformer needs ({@link ExpNormal}, {@link LayerNorm}, {@link SegmentSoftmax},
 * {@link ConcatColumns}, {@link SliceColumns}) beyond the generic checks of {@link OpKernelsTest} (where each
 * has cases): their kernels on other graphs (an atom that only sends, an atom without edges, self-images, a
 * graph rebuilt in place from a half list whose arrays are longer than its counts) with every array longer
 * than rows × width; the functions' defining properties; shape checks; the Ops façade; allocation-free warm
 * kernels; and parity with TorchMD-Net's own numbers (torchmdnet-reference/ethanol-et, skipped when absent).
 */
class TransformerOpsTest {
    private static final double STEP = 1e-5, RTOL = 1e-7, ATOL = 1e-9;
    private static final double FORWARD_TOL = 1e-13, BACKWARD_TOL = 1e-12;
    /** Padding after every array the kernels get: NaN they must neither read nor overwrite. */
    private static final int PAD = 5;

    // ---- inputs for OpKernelsTest's cases ------------------------------------------------------------

    /** ExpNormal means near TorchMD-Net's initial linspace(exp(−(upper − lower)), 1, n). */
    static OpKernelsTest.In rbfMeans(int n, double lower, double upper) {
        return new OpKernelsTest.In(Shape.fixed(1, n), (rng, count) -> {
            double[] v = initialMeans(n, lower, upper);
            for (int k = 0; k < n; k++) v[k] += 0.05 * rng.nextGaussian();
            return v;
        });
    }

    /** ExpNormal betas near TorchMD-Net's initial ((2/n)(1 − exp(−(upper − lower))))^−2. */
    static OpKernelsTest.In rbfBetas(int n, double lower, double upper) {
        return new OpKernelsTest.In(Shape.fixed(1, n), (rng, count) -> {
            double[] v = initialBetas(n, lower, upper);
            for (int k = 0; k < n; k++) v[k] *= 1 + 0.1 * rng.nextGaussian();
            return v;
        });
    }

    /** Gaussian values of the given mean and standard deviation. */
    static OpKernelsTest.In shifted(Shape s, double mean, double sd) {
        return new OpKernelsTest.In(s, (rng, n) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = mean + sd * rng.nextGaussian();
            return v;
        });
    }

    static double[] initialMeans(int n, double lower, double upper) {
        double start = Math.exp(-(upper - lower));
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = n == 1 ? start : start + k * (1 - start) / (n - 1);
        return v;
    }

    static double[] initialBetas(int n, double lower, double upper) {
        double[] v = new double[n];
        Arrays.fill(v, Math.pow(2.0 / n * (1 - Math.exp(-(upper - lower))), -2));
        return v;
    }

    // ---- a generic kernel check on any graph, with padded arrays ----------------------------------------

    private static double[] gaussian(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    private static double[] padded(double[] v, double fill) {
        double[] p = Arrays.copyOf(v, v.length + PAD);
        Arrays.fill(p, v.length, p.length, fill);
        return p;
    }

    private static double maxAbs(double[] a, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i]));
        return m;
    }

    private static double maxDiff(double[] a, double[] b, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    private static Tensor[] tensors(Graph g, Shape[] shapes, double[][] values) {
        Tensor[] t = new Tensor[values.length];
        for (int i = 0; i < t.length; i++) t[i] = Tensor.of(values[i].clone(), shapes[i].rowCount(g), shapes[i].width()).requireGrad();
        return t;
    }

    /**
     * forward = tape (1e-13), backward = autograd's VJP of the tape (1e-12), kernels confined to rows × width of
     * arrays that are longer, and (when {@code gradcheck}) the tape's first and second derivatives.
     */
    static void checkKernels(String name, Op op, Graph g, Shape[] shapes, double[][] values, boolean gradcheck) {
        Shape outShape = op.outputShape(shapes);
        int size = outShape.size(g);
        for (int i = 0; i < values.length; i++) assertEquals(shapes[i].size(g), values[i].length, name + " input " + i);
        Workspace ws = new Workspace(shapes, outShape);
        double[][] in = new double[values.length][];
        for (int i = 0; i < in.length; i++) in[i] = padded(values[i], Double.NaN);
        double[] out = new double[size + PAD];
        Arrays.fill(out, Double.NaN);
        op.forward(g, ws, in, out);
        Tensor[] x = tensors(g, shapes, values);
        Tensor y = op.tape(g, x);
        assertArrayEquals(new int[] {outShape.rowCount(g), outShape.width()}, y.shape(), name + ": tape shape");
        double err = maxDiff(out, y.data(), size), scale = Math.max(1, maxAbs(y.data(), size));
        assertTrue(err <= FORWARD_TOL * scale, name + ": forward differs from the tape by " + err);
        for (int i = 0; i < size; i++) assertTrue(Double.isFinite(out[i]), name + ": forward left out[" + i + "] unwritten or non-finite");
        for (int i = size; i < out.length; i++) assertTrue(Double.isNaN(out[i]), name + ": forward wrote past rows x width");

        Random rng = new Random(11);
        double[] gradOut = gaussian(rng, size);
        Tensor[] expected = Autograd.grad(y, x, Tensor.of(gradOut.clone(), y.shape()), false);
        double[][] gIn = new double[in.length][];
        for (int i = 0; i < in.length; i++) gIn[i] = padded(new double[values[i].length], Double.NaN);
        op.backward(g, ws, in, out, padded(gradOut, Double.NaN), gIn);
        double worst = 0;
        for (int i = 0; i < in.length; i++) {
            int n = values[i].length;
            double e = maxDiff(gIn[i], expected[i].data(), n), s = Math.max(1, maxAbs(expected[i].data(), n));
            worst = Math.max(worst, e / s);
            assertTrue(e <= BACKWARD_TOL * s, name + ": gradient of input " + i + " differs from autograd by " + e);
            for (int j = n; j < gIn[i].length; j++) assertTrue(Double.isNaN(gIn[i][j]), name + ": backward wrote past input " + i + "'s rows x width");
        }
        String grad = "";
        if (gradcheck) {
            GradCheck.Function f = xs -> op.tape(g, xs);
            Tensor[] t = tensors(g, shapes, values);
            GradCheck.Report first = GradCheck.check(f, t, STEP, RTOL, ATOL);
            GradCheck.assertPassed(name, first);
            GradCheck.Report second = GradCheck.checkSecondOrder(f, t, new Random(13), STEP, RTOL, ATOL);
            GradCheck.assertPassed(name + " (second order)", second);
            grad = String.format(", gradcheck %.1e / %.1e", first.maxAbsError(), second.maxAbsError());
        }
        System.out.printf("%-44s forward %.1e, backward %.1e%s%n", name, err / scale, worst, grad);
    }

    // ---- graphs ----------------------------------------------------------------------------------

    /**
     * 6 atoms: atom 3 only sends (edge 0 ← 3, no reverse), atom 4 and atom 5 have no edges, atom 1 has a pair
     * with its own periodic image (1 ← 1 with shifts ±S), and 0-2 is joined directly and across an image.
     */
    static Graph sparseGraph() {
        double[] s = {0.3, -2.7, 0.4}, im = {2.9, 0.1, -0.2};
        int[][] e = {{0, 1}, {1, 0}, {0, 2}, {2, 0}, {1, 2}, {2, 1}, {0, 3}, {1, 1}, {1, 1}, {0, 2}, {2, 0}};
        double[][] sh = {null, null, im, neg(im), null, null, null, s, neg(s), null, null};
        int[] ci = new int[e.length], nj = new int[e.length];
        double[] shifts = new double[3 * e.length];
        for (int k = 0; k < e.length; k++) {
            ci[k] = e[k][0];
            nj[k] = e[k][1];
            if (sh[k] != null) System.arraycopy(sh[k], 0, shifts, 3 * k, 3);
        }
        return Graph.of(new int[] {0, 1, 0, 2, 1, 0}, new EdgeList(ci, nj, shifts));
    }

    private static double[] neg(double[] v) { return new double[] {-v[0], -v[1], -v[2]}; }

    /** A graph rebuilt in place from a half list (edges sorted by centre) with arrays longer than its counts. */
    record HalfListGraph(Graph graph, double[] vectors) {
        double[] edgeLengths() {
            double[] r = new double[graph.edges()];
            for (int e = 0; e < r.length; e++) r[e] = Math.sqrt(vectors[3 * e] * vectors[3 * e] + vectors[3 * e + 1] * vectors[3 * e + 1] + vectors[3 * e + 2] * vectors[3 * e + 2]);
            return r;
        }
    }

    /** 8 atoms in a 3 Å box and one far away; built first with a 60 Å cutoff (every pair), then with 2.2 Å. */
    static HalfListGraph halfListGraph() {
        int n = 9;
        Random rng = new Random(17);
        double[] x = new double[3 * n];
        for (int i = 0; i < 3 * (n - 1); i++) x[i] = 3 * rng.nextDouble();
        x[3 * (n - 1)] = x[3 * (n - 1) + 1] = x[3 * (n - 1) + 2] = 40;
        int[] types = new int[n];
        NeighborList nl = NeighborList.allPairs(n, 100);
        Graph g = new Graph();
        double[] v = g.fromHalfList(types, x, nl, 80, null);
        assertEquals(n * (n - 1), g.edges());
        v = g.fromHalfList(types, x, nl, 2.2, v);
        assertTrue(g.edges() > 4 && g.centre().length > g.edges() && g.pairEdge().length > g.pairs(), "a graph with spare capacity");
        assertEquals(g.edgeStart()[n - 1], g.edgeStart()[n], "the far atom has no edges");
        return new HalfListGraph(g, v);
    }

    private static double[] lengths(Random rng, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rng.nextDouble();
        return v;
    }

    private static double[] plus(double[] v, double c, double s) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = c + s * v[i];
        return o;
    }

    // ---- kernels on other graphs ----------------------------------------------------------------------

    @Test
    void kernelsOnAGraphWithASendOnlyAtomAtomsWithoutEdgesAndSelfImages() {
        Graph g = sparseGraph();
        assertEquals(6, g.atoms());
        assertEquals(11, g.edges());
        Random rng = new Random(1);
        int e = g.edges(), a = g.atoms();
        checkKernels("segmentSoftmax (sparse graph, 3 columns)", SegmentSoftmax.INSTANCE, g, new Shape[] {Shape.edges(3)},
                new double[][] {plus(gaussian(rng, 3 * e), 0.3, 2.0)}, true);
        checkKernels("segmentSoftmax (sparse graph, 1 column)", SegmentSoftmax.INSTANCE, g, new Shape[] {Shape.edges(1)},
                new double[][] {gaussian(rng, e)}, true);
        checkKernels("expNormal (sparse graph, pairs)", new ExpNormal(0, 3.0, ExpNormal.torchmdNetAlpha(0, 3.0)), g,
                new Shape[] {Shape.pairs(1), Shape.fixed(1, 4), Shape.fixed(1, 4)},
                new double[][] {lengths(rng, g.pairs(), 0.5, 3.5), initialMeans(4, 0, 3.0), initialBetas(4, 0, 3.0)}, true);
        checkKernels("layerNorm affine (sparse graph, atoms)", new LayerNorm(1e-5, true), g,
                new Shape[] {Shape.atoms(5), Shape.fixed(1, 5), Shape.fixed(1, 5)},
                new double[][] {gaussian(rng, 5 * a), gaussian(rng, 5), gaussian(rng, 5)}, true);
        checkKernels("concatColumns (sparse graph, edges 1+2)", new ConcatColumns(1, 2), g, new Shape[] {Shape.edges(1), Shape.edges(2)},
                new double[][] {gaussian(rng, e), gaussian(rng, 2 * e)}, true);
        checkKernels("sliceColumns (sparse graph, atoms [2,3))", new SliceColumns(2, 3), g, new Shape[] {Shape.atoms(4)},
                new double[][] {gaussian(rng, 4 * a)}, true);
    }

    @Test
    void kernelsOnAHalfListGraphWithSpareCapacity() {
        HalfListGraph h = halfListGraph();
        Graph g = h.graph();
        Random rng = new Random(2);
        int e = g.edges(), a = g.atoms();
        checkKernels("segmentSoftmax (half list, 2 columns)", SegmentSoftmax.INSTANCE, g, new Shape[] {Shape.edges(2)},
                new double[][] {gaussian(rng, 2 * e)}, true);
        checkKernels("expNormal (half list, edge lengths)", new ExpNormal(0, 2.2, ExpNormal.torchmdNetAlpha(0, 2.2)), g,
                new Shape[] {Shape.edges(1), Shape.fixed(1, 6), Shape.fixed(1, 6)},
                new double[][] {h.edgeLengths(), initialMeans(6, 0, 2.2), initialBetas(6, 0, 2.2)}, true);
        checkKernels("layerNorm (half list, edges)", new LayerNorm(1e-5, false), g, new Shape[] {Shape.edges(4)},
                new double[][] {gaussian(rng, 4 * e)}, false);
        checkKernels("concatColumns (half list, atoms 3+1)", new ConcatColumns(3, 1), g, new Shape[] {Shape.atoms(3), Shape.atoms(1)},
                new double[][] {gaussian(rng, 3 * a), gaussian(rng, a)}, false);
        checkKernels("sliceColumns (half list, edges [0,2))", new SliceColumns(0, 2), g, new Shape[] {Shape.edges(3)},
                new double[][] {gaussian(rng, 3 * e)}, false);
    }

    // ---- ExpNormal ---------------------------------------------------------------------------------

    private static double[] forward(Op op, Graph g, Shape[] shapes, double[]... in) {
        Shape out = op.outputShape(shapes);
        double[] o = new double[out.size(g)];
        Arrays.fill(o, Double.NaN);
        op.forward(g, new Workspace(shapes, out), in, o);
        return o;
    }

    /** The basis (rows × n) of these lengths, as pair lengths of a graph of {@code r.length} pairs. */
    private static double[] expNormal(ExpNormal op, double[] r, double[] mu, double[] beta) {
        return forward(op, pairsGraph(r.length), new Shape[] {Shape.pairs(1), Shape.fixed(1, mu.length), Shape.fixed(1, mu.length)}, r, mu, beta);
    }

    @Test
    void expNormalIsExactlyZeroFromTheCutoffOnAndSmoothBelowIt() {
        for (double[] p : new double[][] {{0, 5, 1}, {0.5, 3, 2}, {0, 3, 5.0 / 3}}) {
            double lower = p[0], upper = p[1], alpha = p[2];
            ExpNormal op = new ExpNormal(lower, upper, alpha);
            int n = 8;
            double[] mu = initialMeans(n, lower, upper), beta = initialBetas(n, lower, upper);
            String what = "expNormal(" + lower + ", " + upper + ", " + alpha + ")";
            // exactly 0 at and beyond the cutoff, kernel and tape, and no gradient there (the kernel: exactly 0)
            double[] beyond = {upper, Math.nextUp(upper), upper + 1e-9, upper + 0.5, 2 * upper, 1e3};
            double[] outside = expNormal(op, beyond, mu, beta);
            for (double v : outside) assertEquals(0.0, v, 0.0, what + " beyond the cutoff");
            Shape[] shapes = {Shape.pairs(1), Shape.fixed(1, n), Shape.fixed(1, n)};
            Graph g = pairsGraph(beyond.length);
            Tensor[] t = {Tensor.of(beyond.clone(), beyond.length, 1).requireGrad(), Tensor.of(mu.clone(), 1, n).requireGrad(),
                          Tensor.of(beta.clone(), 1, n).requireGrad()};
            Tensor y = op.tape(g, t);
            for (double v : y.data()) assertEquals(0.0, v, 0.0, what + " tape beyond the cutoff");
            double[] seed = gaussian(new Random(3), beyond.length * n);
            Tensor[] grads = Autograd.grad(y, t, Tensor.of(seed.clone(), beyond.length, n), false);
            for (Tensor gr : grads) for (double v : gr.data()) assertEquals(0.0, v, 0.0, what + " tape gradient beyond the cutoff");
            Workspace ws = new Workspace(shapes, op.outputShape(shapes));
            double[] out = new double[beyond.length * n];
            op.forward(g, ws, new double[][] {beyond, mu, beta}, out);
            double[][] gIn = {new double[beyond.length], new double[n], new double[n]};
            op.backward(g, ws, new double[][] {beyond, mu, beta}, out, seed, gIn);
            for (double[] gi : gIn) for (double v : gi) assertEquals(0.0, v, 0.0, what + " kernel gradient beyond the cutoff");

            // below the cutoff: e_k(r_up − h) = φ·g with φ = (1 − cos(πh/r_up))/2 ≈ (πh/r_up)²/4, so e/h² → L_k and de/dr → 0 like h
            double[] gAtCut = new double[n];
            for (int k = 0; k < n; k++) {
                double d = Math.exp(alpha * (lower - upper)) - mu[k];
                gAtCut[k] = Math.exp(-beta[k] * d * d) * Math.pow(Math.PI / upper, 2) / 4;
            }
            for (double h : new double[] {1e-2, 1e-3, 1e-4}) {
                double[] v = expNormal(op, new double[] {upper - h}, mu, beta);
                double[] dr = radialDerivative(op, upper - h, mu, beta);
                for (int k = 0; k < n; k++) {
                    assertTrue(v[k] > 0, what + ": positive below the cutoff");
                    assertEquals(gAtCut[k], v[k] / (h * h), 30 * h * gAtCut[k] + 1e-12, what + ": e(r_up − h)/h² at h = " + h);
                    assertEquals(-2 * gAtCut[k], dr[k] / h, 30 * h * gAtCut[k] + 1e-9, what + ": e'(r_up − h)/h at h = " + h);
                }
            }
            // everywhere inside: the kernel's derivative is the derivative of the kernel's values (central differences)
            for (int i = 1; i < 40; i++) {
                double r = upper * i / 40.0 + 0.003, step = 1e-6;
                double[] dr = radialDerivative(op, r, mu, beta);
                double[] plus = expNormal(op, new double[] {r + step}, mu, beta), minus = expNormal(op, new double[] {r - step}, mu, beta);
                for (int k = 0; k < n; k++) {
                    double fd = (plus[k] - minus[k]) / (2 * step);
                    assertEquals(fd, dr[k], 1e-7 * Math.max(1, Math.abs(fd)), what + " d/dr at r = " + r);
                }
            }
            // TorchMD-Net: the smearing's cosine cutoff has lower bound 0 (README §3), so r < r_lo is not cut off
            double r0 = lower / 2;
            double[] v0 = expNormal(op, new double[] {r0}, mu, beta);
            for (int k = 0; k < n; k++) {
                double d = Math.exp(alpha * (lower - r0)) - mu[k], expected = 0.5 * (Math.cos(Math.PI * r0 / upper) + 1) * Math.exp(-beta[k] * d * d);
                assertEquals(expected, v0[k], 1e-15, what + " at r = " + r0);
                if (lower == 0) assertEquals(Math.exp(-beta[k] * (1 - mu[k]) * (1 - mu[k])), v0[k], 1e-15, what + ": e_k(0) = exp(−β(1 − μ)²)");
            }
        }
    }

    /** A graph of {@code pairs} unrelated pairs (2·pairs atoms), for values shaped per pair. */
    private static Graph pairsGraph(int pairs) {
        int[] ci = new int[2 * pairs], nj = new int[2 * pairs];
        for (int p = 0; p < pairs; p++) {
            ci[2 * p] = 2 * p; nj[2 * p] = 2 * p + 1;
            ci[2 * p + 1] = 2 * p + 1; nj[2 * p + 1] = 2 * p;
        }
        Graph g = Graph.of(new int[2 * pairs], new EdgeList(ci, nj, new double[6 * pairs]));
        assertEquals(pairs, g.pairs());
        return g;
    }

    /** ∂e_k/∂r at r from the backward kernel (one row). */
    private static double[] radialDerivative(ExpNormal op, double r, double[] mu, double[] beta) {
        int n = mu.length;
        Shape[] shapes = {Shape.pairs(1), Shape.fixed(1, n), Shape.fixed(1, n)};
        Workspace ws = new Workspace(shapes, op.outputShape(shapes));
        Graph g = pairsGraph(1);
        double[][] in = {{r}, mu, beta};
        double[] out = new double[n], d = new double[n];
        op.forward(g, ws, in, out);
        for (int k = 0; k < n; k++) {
            double[] seed = new double[n];
            seed[k] = 1;
            double[][] gi = {new double[1], null, null};
            op.backward(g, ws, in, out, seed, gi);
            d[k] = gi[0][0];
        }
        return d;
    }

    // ---- LayerNorm --------------------------------------------------------------------------------

    @Test
    void layerNormRowsHaveMeanZeroAndVarianceOneOverOnePlusEpsOverVar() {
        int rows = 6, w = 7;
        Random rng = new Random(4);
        double[] x = plus(gaussian(rng, rows * w), 10, 3), gamma = gaussian(rng, w), beta = gaussian(rng, w);
        for (int r = 0; r < w; r++) x[w + r] = 10 + 1e-3 * x[w + r]; // a row of small variance (comparable to eps)
        Shape xs = Shape.fixed(rows, w), ps = Shape.fixed(1, w);
        for (double eps : new double[] {1e-5, 0.5}) {
            double[] y = forward(new LayerNorm(eps, false), null, new Shape[] {xs}, x);
            double[] tape = new LayerNorm(eps, false).tape(null, Tensor.of(x.clone(), rows, w)).data();
            double[] aff = forward(new LayerNorm(eps, true), null, new Shape[] {xs, ps, ps}, x, gamma, beta);
            for (int r = 0; r < rows; r++) {
                double mx = 0, vx = 0, my = 0, vy = 0, mt = 0, vt = 0;
                for (int c = 0; c < w; c++) { mx += x[r * w + c] / w; my += y[r * w + c] / w; mt += tape[r * w + c] / w; }
                for (int c = 0; c < w; c++) {
                    vx += Math.pow(x[r * w + c] - mx, 2) / w;
                    vy += Math.pow(y[r * w + c] - my, 2) / w;
                    vt += Math.pow(tape[r * w + c] - mt, 2) / w;
                }
                // rounding errors of the inputs' mean grow with |mean|/std of the row
                double expected = 1 / (1 + eps / vx), kappa = 1 + Math.abs(mx) / Math.sqrt(vx);
                assertEquals(0, my, 1e-15 * kappa, "row " + r + " mean, eps " + eps);
                assertEquals(0, mt, 1e-15 * kappa, "tape row " + r + " mean, eps " + eps);
                assertEquals(expected, vy, 1e-13 * kappa * expected, "row " + r + " variance, eps " + eps + ", input variance " + vx);
                assertEquals(expected, vt, 1e-13 * kappa * expected, "tape row " + r + " variance, eps " + eps);
                for (int c = 0; c < w; c++)
                    assertEquals(y[r * w + c] * gamma[c] + beta[c], aff[r * w + c], 1e-14, "affine part at " + r + "," + c);
            }
        }
    }

    // ---- SegmentSoftmax ----------------------------------------------------------------------------

    @Test
    void segmentSoftmaxWeightsOfEachCentreAddUpToOneAndDoNotOverflow() {
        Graph g = sparseGraph();
        int e = g.edges(), a = g.atoms(), w = 2;
        Random rng = new Random(5);
        double[] x = gaussian(rng, w * e);
        Shape[] s = {Shape.edges(w)};
        double[] y = forward(SegmentSoftmax.INSTANCE, g, s, x);
        double[] sum = new double[a * w];
        int[] count = new int[a];
        for (int k = 0; k < e; k++) {
            count[g.centre()[k]]++;
            for (int c = 0; c < w; c++) {
                assertTrue(y[k * w + c] > 0 && y[k * w + c] <= 1);
                sum[g.centre()[k] * w + c] += y[k * w + c];
            }
        }
        for (int i = 0; i < a; i++)
            for (int c = 0; c < w; c++) assertEquals(count[i] == 0 ? 0 : 1, sum[i * w + c], 1e-15, "atom " + i + " column " + c);
        assertEquals(0, count[3], "atom 3 only sends");
        assertEquals(0, count[4] + count[5], "atoms 4 and 5 have no edges");
        // shift-invariant per centre, and no overflow for values far beyond exp's range
        for (double shift : new double[] {800, -800, 1e4}) {
            double[] big = plus(x, shift, 1);
            double[] yb = forward(SegmentSoftmax.INSTANCE, g, s, big);
            double[] tb = SegmentSoftmax.INSTANCE.tape(g, Tensor.of(big, e, w)).data();
            for (int i = 0; i < y.length; i++) {
                assertEquals(y[i], yb[i], 1e-10, "kernel with all values shifted by " + shift);
                assertEquals(y[i], tb[i], 1e-10, "tape with all values shifted by " + shift);
            }
        }
        // a centre with one edge gives it weight 1 whatever its value
        int[] lone = {0, 1}, from = {1, 0};
        Graph two = Graph.of(new int[] {0, 0}, new EdgeList(lone, from, new double[6]));
        double[] one = forward(SegmentSoftmax.INSTANCE, two, new Shape[] {Shape.edges(1)}, new double[] {-1e300, 1e300});
        assertArrayEquals(new double[] {1, 1}, one, 0.0);
    }

    // ---- ConcatColumns / SliceColumns -----------------------------------------------------------------

    @Test
    void slicesOfAConcatenationAreItsParts() {
        Random rng = new Random(6);
        int rows = 4;
        double[] a = gaussian(rng, rows * 2), b = gaussian(rng, rows * 3), c = gaussian(rng, rows);
        Shape[] s = {Shape.fixed(rows, 2), Shape.fixed(rows, 3), Shape.fixed(rows, 1)};
        double[] cat = forward(new ConcatColumns(2, 3, 1), null, s, a, b, c);
        assertArrayEquals(a, forward(new SliceColumns(0, 2), null, new Shape[] {Shape.fixed(rows, 6)}, cat), 0.0);
        assertArrayEquals(b, forward(new SliceColumns(2, 5), null, new Shape[] {Shape.fixed(rows, 6)}, cat), 0.0);
        assertArrayEquals(c, forward(new SliceColumns(5, 6), null, new Shape[] {Shape.fixed(rows, 6)}, cat), 0.0);
        assertEquals(new ConcatColumns(2, 3, 1), new ConcatColumns(2, 3, 1));
        assertEquals(6, new ConcatColumns(2, 3, 1).totalWidth());
    }

    // ---- shape checks --------------------------------------------------------------------------------

    private static void rejects(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    @Test
    void shapeChecksRejectMismatchesWithClearMessages() {
        ExpNormal en = new ExpNormal(0, 5, 1);
        Shape p8 = Shape.fixed(1, 8);
        assertEquals(Shape.pairs(8), en.outputShape(Shape.pairs(1), p8, p8));
        assertEquals(Shape.edges(8), en.outputShape(Shape.edges(1), p8, p8));
        rejects("column of lengths", () -> en.outputShape(Shape.pairs(2), p8, p8));
        rejects("column of lengths", () -> en.outputShape(Shape.fixed(3, 1), p8, p8));
        rejects("means must be 1 x n", () -> en.outputShape(Shape.pairs(1), Shape.fixed(2, 8), Shape.fixed(2, 8)));
        rejects("means must be 1 x n", () -> en.outputShape(Shape.pairs(1), Shape.atoms(8), Shape.atoms(8)));
        rejects("betas must have the means' shape", () -> en.outputShape(Shape.pairs(1), p8, Shape.fixed(1, 7)));
        rejects("takes 3 inputs", () -> en.outputShape(Shape.pairs(1), p8));
        rejects("cutoffLower < cutoffUpper", () -> new ExpNormal(5, 5, 1));
        rejects("cutoffLower < cutoffUpper", () -> new ExpNormal(-1, 5, 1));
        rejects("alpha > 0", () -> new ExpNormal(0, 5, 0));
        rejects("alpha > 0", () -> new ExpNormal(0, 5, Double.NaN));

        LayerNorm ln = new LayerNorm(1e-5, true), plain = new LayerNorm(1e-5, false);
        Shape p4 = Shape.fixed(1, 4);
        assertEquals(Shape.atoms(4), ln.outputShape(Shape.atoms(4), p4, p4));
        assertEquals(Shape.edges(3), plain.outputShape(Shape.edges(3)));
        rejects("takes 3 inputs (x, gamma, beta)", () -> ln.outputShape(Shape.atoms(4)));
        rejects("takes 1 input (x)", () -> plain.outputShape(Shape.atoms(4), p4, p4));
        rejects("gamma must be 1x4", () -> ln.outputShape(Shape.atoms(4), Shape.fixed(1, 3), p4));
        rejects("beta must be 1x4", () -> ln.outputShape(Shape.atoms(4), p4, Shape.atoms(4)));
        rejects("at least one column", () -> plain.outputShape(Shape.atoms(0)));
        rejects("eps >= 0", () -> new LayerNorm(-1e-5, false));

        SegmentSoftmax sm = SegmentSoftmax.INSTANCE;
        assertEquals(Shape.edges(3), sm.outputShape(Shape.edges(3)));
        rejects("per-edge values", () -> sm.outputShape(Shape.atoms(3)));
        rejects("per-edge values", () -> sm.outputShape(Shape.pairs(3)));
        rejects("takes 1 inputs", () -> sm.outputShape(Shape.edges(3), Shape.edges(3)));

        ConcatColumns cc = new ConcatColumns(2, 3);
        assertEquals(Shape.atoms(5), cc.outputShape(Shape.atoms(2), Shape.atoms(3)));
        assertEquals(Shape.fixed(4, 5), cc.outputShape(Shape.fixed(4, 2), Shape.fixed(4, 3)));
        rejects("expected 3 columns", () -> cc.outputShape(Shape.atoms(2), Shape.atoms(4)));
        rejects("does not have the rows of input 0", () -> cc.outputShape(Shape.atoms(2), Shape.edges(3)));
        rejects("does not have the rows of input 0", () -> cc.outputShape(Shape.fixed(4, 2), Shape.fixed(5, 3)));
        rejects("takes 2 inputs", () -> cc.outputShape(Shape.atoms(2)));
        rejects("at least one input", () -> new ConcatColumns());
        rejects("negative width", () -> new ConcatColumns(2, -1));

        SliceColumns sc = new SliceColumns(1, 3);
        assertEquals(Shape.edges(2), sc.outputShape(Shape.edges(3)));
        rejects("needs at least 3 columns", () -> sc.outputShape(Shape.edges(2)));
        rejects("0 <= start < end", () -> new SliceColumns(-1, 2));
        rejects("0 <= start < end", () -> new SliceColumns(2, 2));
    }

    // ---- the façade ---------------------------------------------------------------------------------

    /** Ops over shapes only: what the MD plan's tracer sees. */
    private static final class ShapeOps extends Ops<Shape> {
        @Override protected Shape applyOp(Op op, List<Shape> in) { return op.outputShape(in.toArray(new Shape[0])); }
        @Override public Shape parameter(String name) { throw new UnsupportedOperationException(); }
        @Override public Shape edgeVectors() { return Shape.edges(3); }
        @Override public Shape shape(Shape v) { return v; }
    }

    /** Ops over tapes on one graph (as the training executor). */
    private static final class TapeOps extends Ops<Tensor> {
        final Graph graph;
        final Map<Tensor, Shape> shapes = new IdentityHashMap<>();
        TapeOps(Graph graph) { this.graph = graph; }
        Tensor value(Shape s, double[] v) {
            Tensor t = Tensor.of(v, s.rowCount(graph), s.width());
            shapes.put(t, s);
            return t;
        }
        @Override protected Tensor applyOp(Op op, List<Tensor> in) {
            Shape[] s = new Shape[in.size()];
            for (int i = 0; i < s.length; i++) s[i] = shape(in.get(i));
            Shape out = op.outputShape(s);
            return value(out, op.tape(graph, in.toArray(new Tensor[0])).data());
        }
        @Override public Tensor parameter(String name) { throw new UnsupportedOperationException(); }
        @Override public Tensor edgeVectors() { throw new UnsupportedOperationException(); }
        @Override public Shape shape(Tensor v) { return shapes.get(v); }
    }

    @Test
    void theFacadeBuildsTheOps() {
        ShapeOps s = new ShapeOps();
        Shape p16 = Shape.fixed(1, 16), p32 = Shape.fixed(1, 32);
        assertEquals(Shape.pairs(16), s.expNormalBasis(Shape.pairs(1), p16, p16, 0, 5, 1));
        assertEquals(Shape.atoms(32), s.layerNorm(Shape.atoms(32), p32, p32, 1e-5));
        assertEquals(Shape.atoms(32), s.layerNorm(Shape.atoms(32), 1e-5));
        assertEquals(Shape.edges(4), s.segmentSoftmax(Shape.edges(4)));
        assertEquals(Shape.atoms(64), s.concatColumns(Shape.atoms(32), Shape.atoms(32)));
        assertEquals(Shape.atoms(7), s.concatColumns(List.of(Shape.atoms(3), Shape.atoms(4))));
        assertEquals(Shape.atoms(8), s.sliceColumns(Shape.atoms(32), 8, 16));

        Graph g = sparseGraph();
        TapeOps t = new TapeOps(g);
        Random rng = new Random(8);
        Tensor x = t.value(Shape.atoms(3), gaussian(rng, 3 * g.atoms())), z = t.value(Shape.atoms(2), gaussian(rng, 2 * g.atoms()));
        Tensor cat = t.concatColumns(x, z);
        assertEquals(Shape.atoms(5), t.shape(cat));
        assertArrayEquals(x.data(), t.sliceColumns(cat, 0, 3).data(), 0.0);
        assertArrayEquals(z.data(), t.sliceColumns(cat, 3, 5).data(), 0.0);
        Tensor ln = t.layerNorm(cat, 1e-5);
        assertArrayEquals(forward(new LayerNorm(1e-5, false), g, new Shape[] {Shape.atoms(5)}, cat.data()), ln.data(), 1e-15);
        Tensor gm = t.value(Shape.fixed(1, 5), gaussian(rng, 5)), bt = t.value(Shape.fixed(1, 5), gaussian(rng, 5));
        assertArrayEquals(forward(new LayerNorm(1e-5, true), g, new Shape[] {Shape.atoms(5), Shape.fixed(1, 5), Shape.fixed(1, 5)}, cat.data(), gm.data(), bt.data()),
                t.layerNorm(cat, gm, bt, 1e-5).data(), 1e-15);
        Tensor ev = t.value(Shape.edges(2), gaussian(rng, 2 * g.edges()));
        assertArrayEquals(forward(SegmentSoftmax.INSTANCE, g, new Shape[] {Shape.edges(2)}, ev.data()), t.segmentSoftmax(ev).data(), 1e-15);
        Tensor r = t.value(Shape.pairs(1), lengths(rng, g.pairs(), 0.5, 3.5)), mu = t.value(Shape.fixed(1, 4), initialMeans(4, 0, 3)),
               be = t.value(Shape.fixed(1, 4), initialBetas(4, 0, 3));
        assertArrayEquals(forward(new ExpNormal(0, 3, 5.0 / 3), g, new Shape[] {Shape.pairs(1), Shape.fixed(1, 4), Shape.fixed(1, 4)}, r.data(), mu.data(), be.data()),
                t.expNormalBasis(r, mu, be, 0, 3, 5.0 / 3).data(), 1e-15);
    }

    // ---- coverage in OpKernelsTest -------------------------------------------------------------------

    @Test
    void everyNewOpHasCasesInOpKernelsTest() {
        List<OpKernelsTest.Case> cases = OpKernelsTest.allCases();
        for (Class<?> c : List.of(ExpNormal.class, LayerNorm.class, SegmentSoftmax.class, ConcatColumns.class, SliceColumns.class))
            assertTrue(cases.stream().filter(k -> k.op().getClass() == c).count() >= 2, c.getSimpleName() + " has several cases");
        assertTrue(cases.stream().anyMatch(k -> k.op() instanceof LayerNorm l && l.affine()));
        assertTrue(cases.stream().anyMatch(k -> k.op() instanceof LayerNorm l && !l.affine()));
        assertTrue(cases.stream().anyMatch(k -> k.op() instanceof ExpNormal en && en.cutoffLower() > 0));
        assertTrue(cases.stream().anyMatch(k -> k.op() == SegmentSoftmax.INSTANCE && k.graph().atoms() > OpKernelsTest.graph(new int[5]).atoms()),
                "a softmax case with an atom without edges");
    }

    // ---- allocation ----------------------------------------------------------------------------------

    @Test
    @org.junit.jupiter.api.Tag("allocation") // in a JVM of its own: see pom.xml
    void warmKernelsAllocateNothing() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        HalfListGraph h = halfListGraph();
        Graph g = h.graph();
        Random rng = new Random(9);
        int e = g.edges(), a = g.atoms(), pairs = g.pairs();
        double[] pairLengths = new double[pairs];
        for (int p = 0; p < pairs; p++) pairLengths[p] = h.edgeLengths()[g.pairEdge()[p]];
        Object[][] ops = {
            {new ExpNormal(0, 2.2, 5 / 2.2), new Shape[] {Shape.pairs(1), Shape.fixed(1, 16), Shape.fixed(1, 16)},
                new double[][] {pairLengths, initialMeans(16, 0, 2.2), initialBetas(16, 0, 2.2)}},
            {new LayerNorm(1e-5, true), new Shape[] {Shape.atoms(32), Shape.fixed(1, 32), Shape.fixed(1, 32)},
                new double[][] {gaussian(rng, 32 * a), gaussian(rng, 32), gaussian(rng, 32)}},
            {new LayerNorm(1e-5, false), new Shape[] {Shape.atoms(32)}, new double[][] {gaussian(rng, 32 * a)}},
            {SegmentSoftmax.INSTANCE, new Shape[] {Shape.edges(4)}, new double[][] {gaussian(rng, 4 * e)}},
            {new ConcatColumns(32, 32), new Shape[] {Shape.atoms(32), Shape.atoms(32)}, new double[][] {gaussian(rng, 32 * a), gaussian(rng, 32 * a)}},
            {new SliceColumns(8, 24), new Shape[] {Shape.edges(32)}, new double[][] {gaussian(rng, 32 * e)}},
        };
        long id = Thread.currentThread().threadId();
        for (Object[] o : ops) {
            Op op = (Op) o[0];
            Shape[] shapes = (Shape[]) o[1];
            double[][] in = (double[][]) o[2];
            Shape outShape = op.outputShape(shapes);
            Workspace ws = new Workspace(shapes, outShape);
            double[] out = new double[outShape.size(g)], gOut = gaussian(rng, out.length);
            double[][] gIn = new double[in.length][];
            for (int i = 0; i < in.length; i++) gIn[i] = new double[in[i].length];
            long best = Long.MAX_VALUE;
            for (int window = 0; window < 50 && best > 0; window++) {
                long before = mx.getThreadAllocatedBytes(id);
                for (int s = 0; s < 200; s++) {
                    op.forward(g, ws, in, out);
                    op.backward(g, ws, in, out, gOut, gIn);
                }
                best = Math.min(best, mx.getThreadAllocatedBytes(id) - before);
            }
            assertEquals(0, best, op.name() + ": bytes allocated by 200 warm forward + backward calls");
        }
    }

    // ---- parity with TorchMD-Net (ethanol-et fixture) -------------------------------------------------

    private static Map<String, NpyArray> fixture(String file) throws IOException {
        Path p = SharedData.require("torchmdnet-reference/ethanol-et/" + file);
        return Npz.read(p);
    }

    /** Both executors' paths (kernel and tape) against a reference array. */
    private static void matches(String what, Op op, Graph g, Shape[] shapes, double[][] in, double[] expected, double tol) {
        double[] k = forward(op, g, shapes, in);
        Tensor[] t = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) t[i] = Tensor.of(in[i].clone(), shapes[i].rowCount(g), shapes[i].width());
        double[] tape = op.tape(g, t).data();
        double scale = Math.max(1, maxAbs(expected, expected.length));
        double ek = maxDiff(k, expected, expected.length), et = maxDiff(tape, expected, expected.length);
        System.out.printf("%-44s kernel %.1e, tape %.1e (max|value| %.2f)%n", what, ek, et, scale);
        assertEquals(expected.length, k.length, what);
        assertTrue(ek <= tol * scale, what + ": kernel differs from TorchMD-Net by " + ek);
        assertTrue(et <= tol * scale, what + ": tape differs from TorchMD-Net by " + et);
    }

    @Test
    void expNormalMatchesTorchmdNetsEdgeAttributes() throws IOException {
        Map<String, NpyArray> im = fixture("intermediates.npz"), w = fixture("weights.npz");
        double[] r = im.get("edge_weight").data(), attr = im.get("edge_attr").data();
        double[] mu = w.get("representation_model.distance_expansion.means").data(), beta = w.get("representation_model.distance_expansion.betas").data();
        int p = r.length, k = mu.length;
        assertEquals(81, p);
        assertEquals(16, k);
        // cutoff_lower 0, cutoff_upper 5, alpha = 5/(5 − 0) = 1 (config.yaml _fixture.expnorm_alpha)
        matches("expNormal vs ethanol-et edge_attr", new ExpNormal(0, 5, ExpNormal.torchmdNetAlpha(0, 5)), pairsGraph(p),
                new Shape[] {Shape.pairs(1), Shape.fixed(1, k), Shape.fixed(1, k)}, new double[][] {r, mu, beta}, attr, 1e-14);
    }

    @Test
    void layerNormMatchesTorchmdNetsLayerNorms() throws IOException {
        Map<String, NpyArray> im = fixture("intermediates.npz"), w = fixture("weights.npz");
        double eps = 1e-5; // config.yaml _fixture.layernorm_eps
        for (int l = 0; l < 3; l++) {
            String prefix = "representation_model.attention_layers." + l + ".layernorm.";
            layerNormCase("layerNorm vs ethanol-et layer" + l + ".x_ln", im.get("layer" + l + ".x_in"), w.get(prefix + "weight"), w.get(prefix + "bias"),
                    im.get("layer" + l + ".x_ln"), eps);
        }
        layerNormCase("layerNorm vs ethanol-et x_final (out_norm)", im.get("x_before_out_norm"), w.get("representation_model.out_norm.weight"),
                w.get("representation_model.out_norm.bias"), im.get("x_final"), eps);
    }

    private static void layerNormCase(String what, NpyArray x, NpyArray gamma, NpyArray beta, NpyArray expected, double eps) {
        int rows = x.dim(0), h = x.dim(1);
        Shape p = Shape.fixed(1, h);
        matches(what, new LayerNorm(eps, true), null, new Shape[] {Shape.fixed(rows, h), p, p}, new double[][] {x.data(), gamma.data(), beta.data()},
                expected.data(), 1e-13);
    }
}
