package md.forcefields.ml.executors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.ops.Representation;
import md.forcefields.ml.Shape;

/**
 * Runs a model's forward pass on autodiff tensors (training and reference evaluation): energy,
 * forces F = −∂E/∂R (with a graph, so a force loss can be differentiated with respect to the
 * parameters: second derivatives), and gradients with respect to the parameters. Parameters are
 * tensors owned by this executor; trainable ones require gradients and an optimizer updates them in
 * place between evaluations.
 */
public final class TapeExecutor {
    /**
     * Total energy (0-d), per-atom energies (N), the positions they were computed from, the direct
     * force head's output (N, 3; null unless asked for) and the homogeneous strain ε (3, 3, zero) every edge
     * vector was deformed with (null unless asked for, see {@link #evaluateStrained}).
     */
    public record Result(Tensor energy, Tensor atomicEnergies, Tensor positions, Tensor directForces, Tensor strain) {
        public Result(Tensor energy, Tensor atomicEnergies, Tensor positions, Tensor directForces) {
            this(energy, atomicEnergies, positions, directForces, null);
        }

        /** F = −∂E/∂R as (N, 3); with {@code createGraph} the forces can be differentiated again. */
        public Tensor forces(boolean createGraph) {
            return Autograd.grad(energy, new Tensor[] {positions}, null, createGraph)[0].neg();
        }

        /**
         * The forces F = −∂E/∂R (N, 3) and the virial W_ab = −∂E/∂ε_ab (3, 3, eV) from one backward pass; with
         * {@code createGraph} both can be differentiated again (a stress loss's gradient for the weights). Needs
         * a result of {@link #evaluateStrained}.
         */
        public Tensor[] forcesAndVirial(boolean createGraph) {
            if (strain == null) throw new IllegalStateException("the virial needs an evaluation with a strain (evaluateStrained)");
            Tensor[] g = Autograd.grad(energy, new Tensor[] {positions, strain}, null, createGraph);
            return new Tensor[] {g[0].neg(), g[1].neg()};
        }
    }

    private final EquivariantModel model;
    private final Map<String, Tensor> parameters = new LinkedHashMap<>(), trainable = new LinkedHashMap<>();

    public TapeExecutor(LearnedModel learned) {
        this.model = learned.architecture();
        for (Map.Entry<String, EquivariantModel.ParameterSpec> e : model.parameters().entrySet()) {
            Shape s = e.getValue().shape();
            Tensor t = Tensor.of(learned.parameters().get(e.getKey()).clone(), s.fixedRows(), s.width());
            if (e.getValue().trainable()) {
                t.requireGrad();
                trainable.put(e.getKey(), t);
            }
            parameters.put(e.getKey(), t);
        }
    }

    public EquivariantModel model() { return model; }

    /** The trainable tensors by name (live: an optimizer updates their data in place). */
    public Map<String, Tensor> trainableParameters() { return Collections.unmodifiableMap(trainable); }

    /** The current values as a model (copies). */
    public LearnedModel snapshot() {
        Map<String, double[]> v = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) v.put(e.getKey(), e.getValue().data().clone());
        return new LearnedModel(model, v);
    }

    /** Energy of the graph's atoms at {@code positions} (N, 3), recorded for differentiation. */
    public Result evaluate(Tensor positions, Graph graph) { return evaluate(positions, graph, false); }

    /**
     * As {@link #evaluate(Tensor, Graph)}; with {@code directForces} also the model's direct force head
     * (same forward pass), for a model that has one.
     */
    public Result evaluate(Tensor positions, Graph graph, boolean directForces) { return evaluate(positions, graph, directForces, null); }

    /**
     * As {@link #evaluate(Tensor, Graph, boolean)} under a homogeneous strain ε = 0 that the result carries: every
     * edge vector d (periodic shifts included, so the cell deforms with the atoms) enters as d_a + ε_ab d_b,
     * so ∂E/∂ε is the strain derivative of the energy at fixed fractional coordinates and
     * {@link Result#forcesAndVirial} gives the virial W = −∂E/∂ε (the sign of the engine's virial, W = Σ r ⊗ F
     * in open space), as the MD executor computes it (VirialStrainDerivativeTest checks that one).
     */
    public Result evaluateStrained(Tensor positions, Graph graph, boolean directForces) {
        Tensor strain = Tensor.zeros(3, 3).requireGrad();
        return evaluate(positions, graph, directForces, null, strain);
    }

    /** Receives the intermediates a model declares with {@link Ops#named(String, Object, Representation)}, as they are made. */
    public interface Observer {
        void observe(String name, Tensor value, Representation representation);
    }

    /** As {@link #evaluate(Tensor, Graph, boolean)}, handing the declared intermediates to {@code observer} (null: none). */
    public Result evaluate(Tensor positions, Graph graph, boolean directForces, Observer observer) {
        return evaluate(positions, graph, directForces, observer, null);
    }

    private Result evaluate(Tensor positions, Graph graph, boolean directForces, Observer observer, Tensor strain) {
        int n = graph.atoms();
        if (positions.dim() != 2 || positions.size(0) != n || positions.size(1) != 3)
            throw new IllegalArgumentException("positions must have shape (" + n + ", 3), got " + java.util.Arrays.toString(positions.shape()));
        graph.clearTables(); // tables are keyed by op data of one evaluation; a new one starts afresh
        Tensor vectors = positions.indexSelect(graph.neighbour()).sub(positions.indexSelect(graph.centre()))
                .add(Tensor.of(graph.shifts(), graph.edges(), 3));
        // row form of d'_a = d_a + ε_ab d_b: d' = d + d εᵀ
        if (strain != null) vectors = vectors.add(vectors.matmul(strain.transpose()));
        TapeOps ops = new TapeOps(graph, vectors, observer);
        Tensor atomic, direct = null;
        if (directForces) {
            EquivariantModel.Outputs<Tensor> out = model.energiesAndDirectForces(ops);
            atomic = out.atomicEnergies();
            direct = out.directForces();
        } else {
            atomic = model.atomicEnergies(ops);
        }
        if (atomic.dim() != 2 || atomic.size(0) != n || atomic.size(1) != 1)
            throw new IllegalStateException(model.family() + " returned per-atom energies of shape " + java.util.Arrays.toString(atomic.shape()));
        Tensor flat = atomic.reshape(n);
        return new Result(flat.sum(), flat, positions, direct, strain);
    }

    /** The {@link Ops} of one evaluation: each op's differentiable {@link Op#tape} on this graph. */
    private final class TapeOps extends Ops<Tensor> {
        private final Graph graph;
        private final Tensor vectors;
        private final Observer observer;

        TapeOps(Graph graph, Tensor vectors, Observer observer) {
            this.graph = graph;
            this.vectors = vectors;
            this.observer = observer;
        }

        @Override public Tensor named(String name, Tensor value, Representation representation) {
            if (observer != null) observer.observe(name, value, representation);
            return value;
        }

        private final java.util.IdentityHashMap<Tensor, Shape> shapes = new java.util.IdentityHashMap<>();

        @Override protected Tensor applyOp(Op op, java.util.List<Tensor> inputs) {
            Shape[] in = new Shape[inputs.size()];
            for (int i = 0; i < in.length; i++) in[i] = shape(inputs.get(i));
            Shape out = op.outputShape(in); // the same checks as the MD plan
            Tensor t = op.tape(graph, inputs.toArray(new Tensor[0]));
            shapes.put(t, out);
            return t;
        }

        @Override public Tensor parameter(String name) {
            Tensor t = parameters.get(name);
            if (t == null) throw new IllegalArgumentException(model.family() + ": the forward pass asks for an undeclared parameter '" + name + "'");
            return t;
        }

        @Override public Tensor edgeVectors() { return vectors; }

        @Override public Shape shape(Tensor v) {
            if (v == vectors) return Shape.edges(3);
            Shape s = shapes.get(v);
            if (s == null) {
                EquivariantModel.ParameterSpec p = null;
                for (Map.Entry<String, Tensor> e : parameters.entrySet()) if (e.getValue() == v) p = model.parameters().get(e.getKey());
                if (p == null) throw new IllegalArgumentException("a value that no op of this evaluation produced");
                s = p.shape();
            }
            return s;
        }
    }
}
