package md.forcefields.ml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import md.forcefields.autodiff.GradCheck;
import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.ml.families.NequipLayout;

import org.junit.jupiter.api.Test;

/**
 * The fused ops of the NequIP model ({@link UvuConvolution}, {@link BlockLinear}) on tensors: first derivatives (every mode used by a backward) and
 * second derivatives (the backward of each backward) against central finite differences, with the same
 * step and tolerances as the built-in ops; and the pairing of edges.
 */
class FusedOpDerivativesTest {
    private static final double STEP = 1e-5, RTOL = 1e-7, ATOL = 1e-9;

    /** Species of the 4 atoms of {@link #edges} (3 types). */
    private static final int[] SPECIES = {2, 0, 2, 1};

    /** 4 atoms; pairs 0-1 and 1-2 in both directions, 2→3 without its reverse, and 0-0 across a periodic image. */
    private static EdgeList edges() {
        return new EdgeList(new int[] {0, 1, 1, 2, 2, 0, 0}, new int[] {1, 0, 2, 1, 3, 0, 0},
                new double[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, -3, 0, 0});
    }

    @Test
    void edgesArePairedWithTheirReverse() {
        Graph g = Graph.of(SPECIES, edges());
        assertEquals(4, g.pairs());
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 3, 3}, g.pairOf());
        assertArrayEquals(new int[] {0, 2, 4, 5}, g.pairEdge());
    }

    private static Tensor random(Random rng, int... shape) { return Tensor.randn(rng, shape).requireGrad(); }

    private static void checkBothOrders(String name, GradCheck.Function f, Tensor[] inputs, Random rng) {
        GradCheck.Report first = GradCheck.check(f, inputs, STEP, RTOL, ATOL);
        GradCheck.assertPassed(name, first);
        GradCheck.Report second = GradCheck.checkSecondOrder(f, inputs, rng, STEP, RTOL, ATOL);
        GradCheck.assertPassed(name + " (second order)", second);
        assertTrue(first.entries() > 0 && second.entries() > 0);
    }

    @Test
    void convolutionDerivativesMatchFiniteDifferences() {
        // 9 channels: one full vector of 8 lanes (AVX-512) or two of 4, and a leftover channel.
        for (UvuKernels kernels : new UvuKernels[] {new UvuKernels.Plain(), UvuKernels.best()}) {
            int features = kernels instanceof UvuKernels.Plain ? 2 : 9;
            // A middle layer of an l_max=2 model with parity: several input blocks, every harmonic, merged output slots.
            NequipHyperparameters hp = new NequipHyperparameters(2, 2, true, features, 2, 3.0, 3, true, 6.0, 1, 4, 3.0, false, "silu", "tanh", "silu", "tanh");
            NequipLayout layout = NequipLayout.derive(hp);
            NequipLayout.Layer layer = layout.layers().get(1);
            UvuConvolution conv = new UvuConvolution(layer.input(), layout.edgeAttrs(), layer.tpOut(), layer.instructions(), 0.7, ir -> true, kernels);
            assertEquals(layer.linear2In(), conv.irrepsOut());
            Graph g = Graph.of(SPECIES, edges());
            Random rng = new Random(5);
            Tensor[] in = {random(rng, 4, layer.input().dim()), random(rng, g.edges(), layout.edgeAttrs().dim()), random(rng, g.pairs(), conv.weightCount())};
            // A graph caches tables of its edge data, so each evaluation (with changed inputs) gets its own, as in the model.
            checkBothOrders("uvu convolution, " + kernels.getClass().getSimpleName(), x -> conv.apply(x[0], x[1], x[2], Graph.of(SPECIES, edges())), in, rng);
        }
    }

    @Test
    void vectorAndPlainConvolutionKernelsAgreeInEveryMode() {
        // 45 channels: blocks of four vectors, single vectors and leftovers on any vector width up to 8.
        NequipHyperparameters hp = new NequipHyperparameters(2, 2, true, 45, 2, 3.0, 3, true, 6.0, 1, 4, 3.0, false, "silu", "tanh", "silu", "tanh");
        NequipLayout layout = NequipLayout.derive(hp);
        NequipLayout.Layer layer = layout.layers().get(1);
        Random rng = new Random(8);
        Graph g0 = Graph.of(SPECIES, edges());
        Tensor[] in = {random(rng, 4, layer.input().dim()), random(rng, g0.edges(), layout.edgeAttrs().dim()), random(rng, g0.pairs(), 45 * layer.instructions().size())};
        double[][] results = new double[2][];
        UvuKernels[] kernels = {new UvuKernels.Plain(), UvuKernels.best()};
        for (int k = 0; k < 2; k++) {
            UvuConvolution conv = new UvuConvolution(layer.input(), layout.edgeAttrs(), layer.tpOut(), layer.instructions(), 0.7, ir -> true, kernels[k]);
            Tensor out = conv.apply(in[0], in[1], in[2], Graph.of(SPECIES, edges()));
            Tensor[] grads = md.forcefields.autodiff.Autograd.grad(out, in, Tensor.randn(new Random(9), out.shape()), false);
            results[k] = Tensor.concat(java.util.List.of(out.reshape(-1), grads[0].reshape(-1), grads[1].reshape(-1), grads[2].reshape(-1)), 0).data();
        }
        double worst = 0, scale = 0;
        for (int i = 0; i < results[0].length; i++) {
            worst = Math.max(worst, Math.abs(results[0][i] - results[1][i]));
            scale = Math.max(scale, Math.abs(results[0][i]));
        }
        assertTrue(worst <= 1e-13 * scale, "plain and vector kernels differ by " + worst + " (scale " + scale + ")");
    }

    @Test
    void restrictedConvolutionGivesTheSameScalarOutputs() {
        NequipHyperparameters hp = new NequipHyperparameters(2, 2, true, 3, 2, 3.0, 3, true, 6.0, 1, 4, 3.0, false, "silu", "tanh", "silu", "tanh");
        NequipLayout layout = NequipLayout.derive(hp);
        NequipLayout.Layer layer = layout.layers().get(1);
        UvuConvolution full = new UvuConvolution(layer.input(), layout.edgeAttrs(), layer.tpOut(), layer.instructions(), 0.7, ir -> true, UvuKernels.best());
        UvuConvolution scalars = new UvuConvolution(layer.input(), layout.edgeAttrs(), layer.tpOut(), layer.instructions(), 0.7,
                ir -> ir.equals(md.forcefields.e3nn.Irrep.SCALAR), UvuKernels.best());
        assertTrue(scalars.weightCount() < full.weightCount() && scalars.weightCount() > 0);
        Random rng = new Random(10);
        Graph g = Graph.of(SPECIES, edges());
        Tensor x = Tensor.randn(rng, 4, layer.input().dim()), y = Tensor.randn(rng, g.edges(), layout.edgeAttrs().dim());
        Tensor w = Tensor.randn(rng, g.pairs(), full.weightCount());
        double[] a = full.apply(x, y, w, g).data(), b = scalars.apply(x, y, scalars.keptWeights().tape(g, w), Graph.of(SPECIES, edges())).data();
        // the column selection (what the model applies to the radial-MLP weights): its MD kernel picks the same columns as its tape
        SelectColumns select = scalars.keptWeights();
        double[] picked = new double[g.pairs() * scalars.weightCount()];
        select.forward(g, new md.forcefields.ml.Workspace(new md.forcefields.ml.Shape[] {md.forcefields.ml.Shape.pairs(full.weightCount())},
                md.forcefields.ml.Shape.pairs(scalars.weightCount())), new double[][] {w.data()}, picked);
        assertArrayEquals(select.tape(g, w).data(), picked, 0.0);
        assertTrue(!scalars.keptWeights().keepsAll() && full.keptWeights().keepsAll());
        Irreps out = full.irrepsOut();
        int dim = out.dim(), checked = 0;
        for (int blk = 0; blk < out.size(); blk++)
            for (int n = 0; n < 4; n++)
                for (int i = out.offset(blk); i < out.offset(blk) + out.get(blk).dim(); i++) {
                    double expected = out.ir(blk).equals(md.forcefields.e3nn.Irrep.SCALAR) ? a[n * dim + i] : 0.0;
                    assertEquals(expected, b[n * dim + i], 0.0);
                    if (expected != 0) checked++;
                }
        assertTrue(checked > 0);
    }

    @Test
    void linearAndSelfConnectionDerivativesMatchFiniteDifferences() {
        Irreps in = Irreps.parse("2x0e+3x1o+2x2e+1x1e"), out = Irreps.parse("3x0e+2x1o+1x2e+2x0o");
        Random rng = new Random(6);
        BlockLinear linear = new BlockLinear(in, out, 1);
        checkBothOrders("linear", x -> linear.apply(x[0], x[1], null),
                new Tensor[] {random(rng, 3, in.dim()), random(rng, linear.weightCount())}, rng);
        BlockLinear perSpecies = new BlockLinear(in, out, 3);
        int[] types = {2, 0, 2, 1};
        checkBothOrders("self-connection", x -> perSpecies.apply(x[0], x[1], types),
                new Tensor[] {random(rng, 4, in.dim()), random(rng, perSpecies.weightCount())}, rng);
    }
}
