package md.forcefields.nequip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipLayout;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.Ops;

/**
 * Parity with the reference implementation (nequip 0.6.2 / e3nn 0.5.1) on the aspirin-l2 fixture: the
 * architecture the configuration derives, frame 0 layer by layer (the {@link Nequip} forward pass's named
 * stages), and the importer's checks. Energies, per-atom energies and forces of every frame are
 * {@code ml.families.NequipPlanParityTest} (plan and tape executors, to 1e-12).
 */
class ReferenceParityTest {

    static NequipModel model;
    static LearnedModel learned;

    @BeforeAll static void load() throws IOException {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(NequipReference.aspirin("config.yaml"))) {
            config = new Yaml().load(r);
        }
        model = NequipImporter.fromReference(config, Npz.read(NequipReference.aspirin("weights.npz")));
        learned = NequipConversion.toLearned(model);
    }

    @Test void derivedArchitectureMatchesReference() {
        assertEquals(62144, model.parameterCount());
        var layers = NequipLayout.derive(((Nequip) learned.architecture()).hyperparameters()).layers();
        assertEquals("16x0e+16x2e+16x1o", layers.get(0).output().toString());
        assertEquals("16x0e+16x1e+16x2e+16x1o+16x2o", layers.get(1).output().toString());
        assertEquals("16x0e+16x0o+16x1e+16x2e+16x1o+16x2o", layers.get(2).output().toString());
        assertEquals("48x0e+64x1o+32x1e+32x2o+64x2e", layers.get(1).linear2In().toString());
        assertEquals("16x0o+80x0e+16x1o+16x1e+16x2o+16x2e", layers.get(2).gateInput().toString());
        assertEquals(432, layers.get(2).tpWeights());
    }

    /** Evaluates the forward pass on autodiff tensors (no gradients) and keeps every named stage. */
    private static final class RecordingOps extends Ops<Tensor> {
        final Graph graph;
        final Tensor vectors;
        final Map<String, double[]> named = new LinkedHashMap<>();
        private final IdentityHashMap<Tensor, Shape> shapes = new IdentityHashMap<>();
        private final Map<String, Tensor> parameters = new LinkedHashMap<>();

        RecordingOps(Graph graph, double[] positions) {
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
            Tensor t = op.tape(graph, inputs.toArray(new Tensor[0]));
            shapes.put(t, op.outputShape(in));
            return t;
        }

        @Override public Tensor parameter(String name) {
            return parameters.computeIfAbsent(name, k -> {
                EquivariantModel.ParameterSpec s = learned.architecture().parameters().get(k);
                Tensor t = Tensor.of(learned.parameter(k), s.shape().fixedRows(), s.shape().width());
                shapes.put(t, s.shape());
                return t;
            });
        }

        @Override public Tensor edgeVectors() { return vectors; }

        @Override public Shape shape(Tensor v) { return shapes.get(v); }

        @Override public Tensor named(String name, Tensor value) {
            named.put(name, value.data().clone());
            return value;
        }
    }

    @Test void frameZeroLayerByLayer() throws IOException {
        Map<String, NpyArray> im = Npz.read(NequipReference.aspirin("intermediates.npz"));
        int[] t = im.get("types").asInts();
        int n = t.length;
        double[] r = im.get("R").data();
        RecordingOps ops = new RecordingOps(Graph.of(t, EdgeList.isolated(r, learned.architecture().cutoff())), r);
        learned.architecture().atomicEnergies(ops);
        var layout = NequipLayout.derive(((Nequip) learned.architecture()).hyperparameters()).layers();
        Map<String, double[]> ours = ops.named;
        assertClose("chemical_embedding", im.get("chemical_embedding").data(), ours.get("chemical_embedding"), 1e-13);
        int layers = layout.size();
        for (int k = 0; k < layers - 1; k++) {
            NequipLayout.Layer l = layout.get(k);
            assertClose("layer" + k + ".linear_1", im.get("layer" + k + ".linear_1").data(), toE3nn(l.input(), ours.get("layer" + k + ".linear_1"), n), 1e-12);
            assertClose("layer" + k + ".aggregated", im.get("layer" + k + ".aggregated").data(), toE3nn(l.linear2In(), ours.get("layer" + k + ".aggregated"), n), 1e-12);
            assertClose("layer" + k + ".conv_out", im.get("layer" + k + ".conv_out").data(), toE3nn(l.gateInput(), ours.get("layer" + k + ".conv_out"), n), 1e-12);
            assertClose("layer" + k + ".out", im.get("layer" + k + ".out").data(), toE3nn(l.output(), ours.get("layer" + k + ".out"), n), 1e-12);
        }
        // the last block: only its 0e output block (first 16 columns) reaches the energy
        double[] ref = im.get("layer" + (layers - 1) + ".out").data(), last = ours.get("layer" + (layers - 1) + ".out");
        int dim = ref.length / n, ourDim = last.length / n;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 16; c++) assertEquals(ref[i * dim + c], last[i * ourDim + c], 1e-12, "last layer 0e output");
        assertClose("atomic_energy_raw", im.get("atomic_energy_raw").data(), ours.get("atomic_energy_raw"), 1e-12);
    }

    @Test void importerRejectsInconsistentWeights() throws IOException {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(NequipReference.aspirin("config.yaml"))) {
            config = new Yaml().load(r);
        }
        Map<String, NpyArray> sd = new java.util.LinkedHashMap<>(Npz.read(NequipReference.aspirin("weights.npz")));
        String key = "model.model.func.layer1_convnet.conv.linear_2.weight";
        sd.remove(key);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(config, sd));
        assertTrue(e.getMessage().startsWith(key) && e.getMessage().contains("missing"), e.getMessage());
        Map<String, Object> c2 = new java.util.LinkedHashMap<>(config);
        c2.put("l_max", 1);
        e = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(c2, Npz.read(NequipReference.aspirin("weights.npz"))));
        assertTrue(e.getMessage().contains("shape") || e.getMessage().contains("not used"), e.getMessage());
    }

    /**
     * Rows of the model layer's features (component-major inside a block: offset + c·mul + u) in e3nn's layout
     * (channel-major: offset + u·d + c); null stays null.
     */
    private static double[] toE3nn(Irreps irreps, double[] ours, int rows) {
        if (ours == null) return null;
        int dim = irreps.dim();
        assertEquals(rows * dim, ours.length, irreps + ": size");
        double[] out = new double[ours.length];
        for (int r = 0; r < rows; r++)
            for (int b = 0; b < irreps.size(); b++) {
                int d = irreps.ir(b).dim(), mul = irreps.mul(b), off = r * dim + irreps.offset(b);
                for (int u = 0; u < mul; u++)
                    for (int c = 0; c < d; c++) out[off + u * d + c] = ours[off + c * mul + u];
            }
        return out;
    }

    private static void assertClose(String what, double[] ref, double[] ours, double tol) {
        assertNotNull(ours, what + " is not a named stage of the forward pass");
        assertEquals(ref.length, ours.length, what + " size");
        double max = 0;
        for (int i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(ref[i] - ours[i]));
        assertTrue(max < tol, what + ": max abs difference " + max);
    }
}
