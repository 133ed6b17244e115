package md.forcefields.torchmdnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.Ops;

import org.junit.jupiter.api.Test;

/**
 * Frame 0 of the fixture stage by stage: every value the ET forward pass names ({@link Ops#named}, with the
 * fixture's names) against intermediates.npz, layer by layer: the radial basis, the embeddings, per layer
 * LayerNorm, q, k, the attention weights of the edges, the aggregated scalar and vector messages (self-loop
 * terms included), Δx, Δv and the layer outputs, the final features, the head blocks and ε. Atom arrays
 * share the fixture's layout ((N, 3, C) for vectors); edge and pair rows are matched by (sender, receiver).
 */
class EquivariantTransformerIntermediatesTest {
    private static final double TOL = 1e-12;

    /** Evaluates on autodiff tensors (no gradients) and keeps every named value. */
    private static final class RecordingOps extends Ops<Tensor> {
        final Graph graph;
        final Tensor vectors;
        final LearnedModel model;
        final Map<String, double[]> named = new LinkedHashMap<>();
        final Map<String, Shape> namedShapes = new LinkedHashMap<>();
        private final IdentityHashMap<Tensor, Shape> shapes = new IdentityHashMap<>();
        private final Map<String, Tensor> parameters = new LinkedHashMap<>();

        RecordingOps(LearnedModel model, Graph graph, double[] positions) {
            this.model = model;
            this.graph = graph;
            double[] v = new double[3 * graph.edges()];
            for (int e = 0; e < graph.edges(); e++)
                for (int c = 0; c < 3; c++) v[3 * e + c] = positions[3 * graph.neighbour()[e] + c] - positions[3 * graph.centre()[e] + c];
            vectors = Tensor.of(v, graph.edges(), 3);
            shapes.put(vectors, Shape.edges(3));
        }

        @Override protected Tensor applyOp(Op op, List<Tensor> inputs) {
            Shape[] in = new Shape[inputs.size()];
            for (int i = 0; i < in.length; i++) in[i] = shape(inputs.get(i));
            Shape out = op.outputShape(in);
            Tensor t = op.tape(graph, inputs.toArray(new Tensor[0]));
            shapes.put(t, out);
            return t;
        }

        @Override public Tensor parameter(String name) {
            return parameters.computeIfAbsent(name, k -> {
                EquivariantModel.ParameterSpec s = model.architecture().parameters().get(k);
                Tensor t = Tensor.of(model.parameter(k), s.shape().fixedRows(), s.shape().width());
                shapes.put(t, s.shape());
                return t;
            });
        }

        @Override public Tensor edgeVectors() { return vectors; }

        @Override public Shape shape(Tensor v) { return shapes.get(v); }

        @Override public boolean recordsIntermediates() { return true; }

        @Override public Tensor named(String name, Tensor value) {
            named.put(name, value.data().clone());
            namedShapes.put(name, shape(value));
            return value;
        }
    }

    @Test
    void everyNamedStageOfFrameZeroMatchesTorchmdNet() throws IOException {
        LearnedModel model = EtReference.model();
        Map<String, NpyArray> ref = Npz.read(EtReference.file("intermediates.npz"));
        int[] z = ref.get("z").asInts();
        double[] r = ref.get("R").data();
        int n = z.length;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = model.architecture().typeOf(z[i]);
        Graph g = Graph.of(types, EdgeList.isolated(r, model.architecture().cutoff()));
        RecordingOps ops = new RecordingOps(model, g, r);
        model.architecture().atomicEnergies(ops);

        // reference entry of each (sender, receiver)
        int[] index = ref.get("edge_index").asInts();
        int entries = ref.get("edge_index").dim(1);
        Map<Long, Integer> entryOf = new LinkedHashMap<>();
        for (int e = 0; e < entries; e++) entryOf.put((long) index[e] * n + index[entries + e], e);

        List<String> compared = new ArrayList<>();
        double worst = 0;
        for (Map.Entry<String, double[]> e : ops.named.entrySet()) {
            String name = e.getKey();
            NpyArray expected = ref.get(name);
            assertTrue(expected != null, "the fixture has no '" + name + "'");
            double[] ours = e.getValue(), theirs = expected.data();
            Shape s = ops.namedShapes.get(name);
            int w = s.width();
            double err = 0;
            switch (s.rows()) {
                case ATOMS -> {
                    assertEquals(theirs.length, n * w, name + ": size");
                    for (int i = 0; i < theirs.length; i++) err = Math.max(err, Math.abs(ours[i] - theirs[i]));
                }
                case EDGES, PAIRS -> {
                    int rows = s.rowCount(g), refWidth = (int) (expected.size() / expected.dim(0));
                    assertEquals(w, refWidth, name + ": width");
                    for (int k = 0; k < rows; k++) {
                        int edge = s.rows() == Shape.Rows.PAIRS ? g.pairEdge()[k] : k;
                        Integer at = entryOf.get((long) g.neighbour()[edge] * n + g.centre()[edge]);
                        assertTrue(at != null, name + ": edge " + edge + " not in the reference list");
                        for (int c = 0; c < w; c++) err = Math.max(err, Math.abs(ours[k * w + c] - theirs[at * w + c]));
                    }
                }
                default -> throw new AssertionError(name + ": unexpected rows " + s);
            }
            double scale = 0;
            for (double v : theirs) scale = Math.max(scale, Math.abs(v));
            System.out.printf("ET frame 0 %-22s max|diff| %.1e (max|value| %.2f)%n", name, err, scale);
            assertTrue(err <= TOL * Math.max(1, scale), name + " differs from torchmd-net by " + err);
            worst = Math.max(worst, err / Math.max(1, scale));
            compared.add(name);
        }
        System.out.printf("ET frame 0: %d named stages, worst relative difference %.1e%n", compared.size(), worst);
        for (String must : List.of("edge_attr", "nbr.out", "layer0.attn", "layer2.agg_vec", "layer2.vec_out", "x_final", "vec_final",
                "head0.vec_out", "head1.x_out", "atomic_energy_raw"))
            assertTrue(compared.contains(must), "stage " + must + " compared");
    }
}
