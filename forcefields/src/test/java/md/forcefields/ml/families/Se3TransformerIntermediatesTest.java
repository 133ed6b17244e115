package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import md.core.io.NpyArray;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.AttentionAggregate;
import md.forcefields.ml.ops.AttentionLogits;
import md.forcefields.ml.ops.FiberLinear;
import md.forcefields.ml.ops.NormNonlinearity;
import md.forcefields.ml.ops.SegmentSoftmax;
import md.forcefields.ml.ops.TfnBasis;
import md.forcefields.ml.ops.TfnConvolution;

import org.junit.jupiter.api.Test;

/**
 * Frame 0 of the se3t-reference fixture layer by layer: the values of every stage of our forward pass
 * (basis kernels, radial MLP outputs, values, keys, queries, logits, attention weights, aggregated heads,
 * equivariant-linear outputs, norm-nonlinearity outputs) and ∂E/∂d_e equal the reference's recorded
 * intermediates. Our graph has the fixture's edge order (receiver-major), so edges compare one to one.
 */
class Se3TransformerIntermediatesTest {

    /** One op application of the forward pass. */
    private record Applied(Op op, List<Tensor> inputs, Tensor output) {}

    /** The tape ops, recording every application in order. */
    private static final class Recording extends Se3tReference.TapeOps {
        final List<Applied> log = new ArrayList<>();

        Recording(LearnedModel m, Graph g, Tensor vectors) { super(m, g, vectors); }

        @Override protected Tensor applyOp(Op op, List<Tensor> inputs) {
            Tensor t = super.applyOp(op, inputs);
            log.add(new Applied(op, List.copyOf(inputs), t));
            return t;
        }

        List<Applied> of(Class<?> c) { return log.stream().filter(a -> c.isInstance(a.op())).toList(); }
    }

    private final Map<String, Double> errors = new LinkedHashMap<>();

    /** Compares {@code ours} (rows × width, row-major) with the reference array over its first {@code rows} rows; records the error. */
    private void compare(String key, double[] ours, int oursOffset, int oursStride, NpyArray ref, int rows) {
        int width = (int) (ref.size() / ref.dim(0));
        double worst = 0, scale = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < width; c++) {
                double a = ours[r * oursStride + oursOffset + c], b = ref.data()[r * width + c];
                worst = Math.max(worst, Math.abs(a - b));
                scale = Math.max(scale, Math.abs(b));
            }
        errors.put(key, worst / Math.max(1, scale));
    }

    @Test
    void everyStageOfFrameZeroEqualsTheReference() throws IOException {
        Map<String, NpyArray> ref = Se3tReference.npz("intermediates.npz");
        LearnedModel m = Se3tReference.model(Double.POSITIVE_INFINITY);
        double[] pos = ref.get("R").data(), z = ref.get("z").data();
        int n = z.length;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = m.architecture().typeOf((int) z[i]);
        Graph g = Graph.of(types, EdgeList.isolated(pos, Double.POSITIVE_INFINITY));
        int edges = g.edges();
        int[] src = ref.get("edge_src").asInts(), dst = ref.get("edge_dst").asInts();
        for (int e = 0; e < edges; e++) {
            assertEquals(src[e], g.neighbour()[e], "sender of edge " + e);
            assertEquals(dst[e], g.centre()[e], "receiver of edge " + e);
        }
        Tensor x = Tensor.of(pos.clone(), n, 3);
        Tensor vectors = x.indexSelect(g.neighbour()).sub(x.indexSelect(g.centre())).detach().requireGrad();
        Recording ops = new Recording(m, g, vectors);
        Tensor energy = m.architecture().atomicEnergies(ops).sum();
        compare("edge_vec", vectors.data(), 0, 3, ref.get("edge_vec"), edges);

        // basis kernels of the first edges: our TfnBasis holds every (l_in, l_out) ≤ 2, l_in-major
        Tensor basis = ops.of(TfnBasis.class).get(0).output();
        TfnBasis basisOp = (TfnBasis) ops.of(TfnBasis.class).get(0).op();
        int few = ref.get("few_edges").dim(0), p = 0;
        for (int li = 0; li <= 2; li++)
            for (int lo = 0; lo <= 2; lo++, p++)
                compare("basis." + li + "," + lo, basis.data(), basisOp.offset(p), basisOp.width(), ref.get("basis." + li + "," + lo), few);

        // per layer, in the order of the forward pass: key convolution, query, logits, softmax, then per output degree
        // value convolution, aggregation and linear map, then the norm nonlinearity
        List<Applied> convs = ops.of(TfnConvolution.class), linears = ops.of(FiberLinear.class), logits = ops.of(AttentionLogits.class),
                softmax = ops.of(SegmentSoftmax.class), aggregates = ops.of(AttentionAggregate.class), norms = ops.of(NormNonlinearity.class);
        int[][] outDegrees = {{0, 1, 2}, {0, 1, 2}, {0, 1}};
        int[][] keyDegrees = {{0}, {0, 1, 2}, {0, 1}};
        int conv = 0, lin = 0, agg = 0;
        for (int k = 0; k < 3; k++) {
            String layer = "layer" + k + ".";
            Applied key = convs.get(conv++);
            compareBlocks(layer + "key.", keyDegrees[k], key.output(), edges);
            compareRadials(layer + "key.radial.", (TfnConvolution) key.op(), key, g, ref);
            compareBlocks(layer + "query.", keyDegrees[k], linears.get(lin++).output(), n);
            compare(layer + "logits", logits.get(k).output().data(), 0, 4, ref.get(layer + "logits"), edges);
            compare(layer + "attn", softmax.get(k).output().data(), 0, 4, ref.get(layer + "attn"), edges);
            List<Tensor> linearOut = new ArrayList<>();
            for (int l : outDegrees[k]) {
                Applied value = convs.get(conv++);
                compareBlocks(layer + "value.", new int[] {l}, value.output(), edges);
                compareRadials(layer + "value.radial.", (TfnConvolution) value.op(), value, g, ref);
                compareBlocks(layer + "attn_out.", new int[] {l}, aggregates.get(agg++).output(), n);
                Tensor out = linears.get(lin++).output();
                compareBlocks(layer + "linear_out.", new int[] {l}, out, n);
                linearOut.add(out);
            }
            if (k < 2) compareBlocks(layer + "norm_out.", outDegrees[k], norms.get(k).output(), n);
        }
        compare("atomic_energy", m.architecture().atomicEnergies(new Se3tReference.TapeOps(m, g, vectors)).data(), 0, 1, ref.get("atomic_energy"), n);
        // ∂E/∂d_e: our radial MLPs read one length per unordered pair (from one of its two edges), so the gradient of a
        // pair's length lands on one edge; what both computations share is the pair's g_e − g_e' (d_e' = −d_e)
        double[] grad = Autograd.grad(energy, new Tensor[] {vectors})[0].data(), refGrad = ref.get("grad.edge_vec").data();
        int[] partner = new int[edges];
        for (int e = 0; e < edges; e++) for (int f = 0; f < edges; f++) if (f != e && g.pairOf()[f] == g.pairOf()[e]) partner[e] = f;
        double[] ours = new double[3 * edges], theirs = new double[3 * edges];
        for (int e = 0; e < edges; e++)
            for (int c = 0; c < 3; c++) {
                ours[3 * e + c] = grad[3 * e + c] - grad[3 * partner[e] + c];
                theirs[3 * e + c] = refGrad[3 * e + c] - refGrad[3 * partner[e] + c];
            }
        compare("grad.edge_vec (pair difference)", ours, 0, 3, new NpyArray("pair difference", "<f8", new int[] {edges, 3}, theirs, null), edges);

        double worst = 0;
        String worstKey = "";
        for (Map.Entry<String, Double> e : errors.entrySet()) if (e.getValue() > worst) { worst = e.getValue(); worstKey = e.getKey(); }
        System.out.printf("frame 0 intermediates: %d arrays, max relative |ours - reference| %.1e (%s)%n", errors.size(), worst, worstKey);
        assertTrue(errors.size() >= 94, "compared only " + errors.size() + " arrays");
        assertTrue(worst < 1e-12, "largest difference " + worst + " in " + worstKey + "; all: " + errors);
        this.ref = null;
    }

    private Map<String, NpyArray> ref;

    /** Our (rows × Σ c(2l+1)) value, split into degree blocks of 16 or fewer channels, against "{prefix}{l}". */
    private void compareBlocks(String prefix, int[] degrees, Tensor ours, int rows) throws IOException {
        if (ref == null) ref = Se3tReference.npz("intermediates.npz");
        int width = ours.size(1), off = 0;
        for (int l : degrees) {
            NpyArray r = ref.get(prefix + l);
            compare(prefix + l, ours.data(), off, width, r, rows);
            off += (int) (r.size() / r.dim(0));
        }
        assertEquals(width, off, prefix + " block widths");
    }

    /** The radial MLP outputs (per pair: input 2 + p of the convolution) on every edge, against "{prefix}{l_in},{l_out}". */
    private void compareRadials(String prefix, TfnConvolution conv, Applied a, Graph g, Map<String, NpyArray> ref) {
        for (int p = 0; p < conv.pairCount(); p++) {
            int[] lp = conv.pair(p);
            Tensor phi = a.inputs().get(2 + p).indexSelect(java.util.Arrays.copyOf(g.pairOf(), g.edges()));
            compare(prefix + lp[0] + "," + lp[1], phi.data(), 0, conv.radialWidth(p), ref.get(prefix + lp[0] + "," + lp[1]), g.edges());
        }
    }
}
