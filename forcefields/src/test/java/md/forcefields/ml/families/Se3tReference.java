package md.forcefields.ml.families;

import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import md.core.SharedData;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.ops.TfnClebschGordan;

/**
 * The se3t-reference fixture {@code ethanol-basic} (SE(3)-Transformer built from Fuchs et al.'s modules):
 * its files, the model with its weights, and a tape {@link Ops} that also exposes the direct forces.
 * Tests skip when the shared data are absent.
 */
final class Se3tReference {
    private Se3tReference() {}

    static Path file(String name) { return SharedData.require("se3t-reference/ethanol-basic/" + name); }

    static Map<String, NpyArray> npz(String name) throws IOException { return Npz.read(file(name)); }

    /** One-hot order of the fixture: H, C, N, O. */
    static final int[] SPECIES_Z = {1, 6, 7, 8};

    static Se3TransformerHyperparameters basic(double cutoff) {
        return new Se3TransformerHyperparameters(4, 3, 4, 4, 2, false, 32, 1e-5, 1e-12, cutoff, TfnClebschGordan.REFERENCE_SIGNS, 1.0);
    }

    /** The fixture's weights on the basic model with this graph cutoff (+∞: fully connected); every key used. */
    static LearnedModel model(double cutoff) throws IOException {
        Map<String, NpyArray> w = npz("weights.npz");
        Map<String, double[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, NpyArray> e : w.entrySet()) values.put(e.getKey(), e.getValue().data());
        return new LearnedModel(new Se3Transformer(basic(cutoff), SPECIES_Z), values);
    }

    /** The tape ops of one evaluation (as the tape executor's) on {@code graph} with these edge vectors. */
    static class TapeOps extends Ops<Tensor> {
        private final Graph graph;
        private final Tensor vectors;
        private final Map<String, Tensor> parameters;
        private final IdentityHashMap<Tensor, Shape> shapes = new IdentityHashMap<>();
        private final LearnedModel model;

        TapeOps(LearnedModel model, Graph graph, Tensor vectors) {
            this.model = model;
            this.graph = graph;
            this.vectors = vectors;
            parameters = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : model.parameters().entrySet()) {
                Shape s = model.architecture().parameters().get(e.getKey()).shape();
                Tensor t = Tensor.of(e.getValue().clone(), s.fixedRows(), s.width());
                parameters.put(e.getKey(), t);
                shapes.put(t, s);
            }
        }

        @Override protected Tensor applyOp(Op op, List<Tensor> inputs) {
            Shape[] in = new Shape[inputs.size()];
            for (int i = 0; i < in.length; i++) in[i] = shape(inputs.get(i));
            Shape out = op.outputShape(in);
            Tensor t = op.tape(graph, inputs.toArray(new Tensor[0]));
            shapes.put(t, out);
            return t;
        }

        @Override public Tensor parameter(String name) { return parameters.get(name); }
        @Override public Tensor edgeVectors() { return vectors; }
        @Override public Shape shape(Tensor v) { return v == vectors ? Shape.edges(3) : shapes.get(v); }
    }
}
