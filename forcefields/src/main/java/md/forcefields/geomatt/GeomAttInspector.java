package md.forcefields.geomatt;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.Ops;

/**
 * The named intermediate values of one GeomAtt evaluation ({@link GeomAtt#forward}): the attention matrices per
 * stream and layer (for attention maps), the overlap functions, features and readout. Runs each op's tape on
 * autodiff tensors; positions given as a tensor that requires gradients make every value differentiable
 * (gradients of the energy with respect to any intermediate).
 */
public final class GeomAttInspector {
    private GeomAttInspector() {}

    /** The values by name (plus "energy", the model's total, 1 × 1) for an isolated molecule at {@code positions} (N × 3). */
    public static Map<String, Tensor> intermediates(LearnedModel model, Tensor positions, int[] types) {
        GeomAtt arch = (GeomAtt) model.architecture();
        Graph graph = Graph.of(types, EdgeList.isolated(positions.data(), arch.cutoff()));
        Tensor vectors = positions.indexSelect(graph.neighbour()).sub(positions.indexSelect(graph.centre()));
        Map<String, Tensor> out = new LinkedHashMap<>();
        Tensor atomic = arch.forward(new EagerOps(model, graph, vectors), out::put);
        out.put("energy", atomic.sum().reshape(1, 1));
        return out;
    }

    /**
     * The symmetrised attention map ᾱ[i, j] = (|α[i, j]| + |α[j, i]|)/2 with a zero diagonal (N × N, row-major) of
     * layer l of stream s, from {@link #intermediates}.
     */
    public static double[] symmetrisedAttention(Map<String, Tensor> intermediates, int s, int l) {
        Tensor alpha = intermediates.get("stream" + s + ".layer" + l + ".alpha");
        if (alpha == null) throw new IllegalArgumentException("no stream " + s + ", layer " + l);
        int n = (int) Math.round(Math.sqrt(alpha.numel()));
        double[] a = alpha.data(), m = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) m[i * n + j] = i == j ? 0 : (Math.abs(a[i * n + j]) + Math.abs(a[j * n + i])) / 2;
        return m;
    }

    /** Each op's tape on this graph, parameters as constants. */
    private static final class EagerOps extends Ops<Tensor> {
        private final LearnedModel model;
        private final Graph graph;
        private final Tensor vectors;
        private final Map<Tensor, Shape> shapes = new IdentityHashMap<>();

        EagerOps(LearnedModel model, Graph graph, Tensor vectors) {
            this.model = model;
            this.graph = graph;
            this.vectors = vectors;
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
            EquivariantModel.ParameterSpec spec = model.architecture().parameters().get(name);
            if (spec == null) throw new IllegalArgumentException("no parameter '" + name + "'");
            Tensor t = Tensor.of(model.parameter(name), spec.shape().fixedRows(), spec.shape().width());
            shapes.put(t, spec.shape());
            return t;
        }

        @Override public Tensor edgeVectors() { return vectors; }

        @Override public Shape shape(Tensor v) {
            Shape s = shapes.get(v);
            if (s == null) throw new IllegalArgumentException("a value that no op of this evaluation produced");
            return s;
        }
    }
}
