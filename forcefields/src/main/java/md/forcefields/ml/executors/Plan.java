package md.forcefields.ml.executors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.Ops;

/**
 * A model's forward pass traced once into op nodes, planned for energy-and-forces evaluation: what every
 * MD executor (host threads, accelerator backends) runs.
 *
 * <p>Planning: nodes that cannot reach the energy are dropped; nodes that depend only on parameters
 * (weight scalings, column selections) are evaluated once here and become constants; only nodes that
 * depend on the edge vectors need gradients, so a backward pass computes dE/d(edge vectors) and nothing
 * else (no parameter gradients). {@link #forward()} lists the op nodes to evaluate per call, in order;
 * {@link #backward()} those whose vector–Jacobian product is needed, in reverse order.
 */
public final class Plan {

    /** One value of the trace: a parameter, the edge vectors, or an op applied to earlier nodes. */
    public static final class Node {
        public final int id;
        /** Null for parameters and the edge vectors. */
        public final Op op;
        public final Node[] inputs;
        public final Shape shape;
        boolean live, constant, needsGrad;
        double[] constantValue;
        Workspace ws;

        Node(int id, Op op, Node[] inputs, Shape shape) {
            this.id = id;
            this.op = op;
            this.inputs = inputs;
            this.shape = shape;
        }

        /** Same on every call: a parameter or an op on constants only (then {@link #constantValue} holds it). */
        public boolean constant() { return constant; }
        /** Depends on the edge vectors (and reaches the energy): gets a gradient in the backward pass. */
        public boolean needsGrad() { return needsGrad; }
        /** The value of a constant node (parameters: the model's values), else null. */
        public double[] constantValue() { return constantValue; }
        /** The workspace of this node's host kernels, with its constant inputs marked. */
        public Workspace workspace() { return ws; }
        /** Which inputs are constant. */
        public boolean[] constantInputs() {
            boolean[] c = new boolean[inputs.length];
            for (int i = 0; i < c.length; i++) c[i] = inputs[i].constant;
            return c;
        }
    }

    private final EquivariantModel model;
    private final List<Node> nodes = new ArrayList<>();
    private final Node output, vectors;
    /** The direct force head's output (atoms × 3), or null for a plan of conservative forces. */
    private final Node directForces;
    private final Node[] forward, backward;

    public Plan(LearnedModel learned) { this(learned, op -> true); }

    /**
     * The plan with fused ops kept where {@code keepFused} says so, and traced as their separate ops
     * elsewhere (an accelerator backend without a kernel for them).
     */
    public Plan(LearnedModel learned, java.util.function.Predicate<Op> keepFused) { this(learned, keepFused, false); }

    /**
     * With {@code directForces}, the plan evaluates the energy and the model's direct force head in one
     * forward pass and has no backward pass: forces are the head's output, not −∂E/∂r.
     */
    public Plan(LearnedModel learned, java.util.function.Predicate<Op> keepFused, boolean directForces) {
        this.model = learned.architecture();
        Tracer tracer = new Tracer(learned, keepFused);
        vectors = tracer.vectors;
        if (directForces) {
            if (!model.hasDirectForces()) throw new IllegalArgumentException(model.family() + " models have no direct force head");
            EquivariantModel.Outputs<Node> out = model.energiesAndDirectForces(tracer);
            output = out.atomicEnergies();
            this.directForces = out.directForces();
            if (!this.directForces.shape.equals(Shape.atoms(3)))
                throw new IllegalStateException(model.family() + " returned direct forces of shape " + this.directForces.shape);
            this.directForces.live = true;
        } else {
            output = model.atomicEnergies(tracer);
            this.directForces = null;
        }
        if (!output.shape.equals(Shape.atoms(1)))
            throw new IllegalStateException(model.family() + " returned per-atom energies of shape " + output.shape);
        output.live = true;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.live) for (Node in : n.inputs) in.live = true;
        }
        Graph none = new Graph();
        List<Node> fwd = new ArrayList<>(), bwd = new ArrayList<>();
        for (Node n : nodes) {
            if (!n.live) continue;
            n.ws = new Workspace(Arrays.stream(n.inputs).map(x -> x.shape).toArray(Shape[]::new), n.shape);
            if (n.op == null) {
                if (n == vectors) n.needsGrad = !directForces; // direct forces need no gradient
                else n.constant = true;
                continue;
            }
            boolean c = n.inputs.length > 0 && n.shape.rows() == Shape.Rows.FIXED;
            for (Node in : n.inputs) {
                c &= in.constant;
                n.needsGrad |= in.needsGrad;
            }
            if (c) {
                n.constant = true;
                n.constantValue = new double[n.shape.fixedRows() * n.shape.width()];
                double[][] inValues = new double[n.inputs.length][];
                for (int i = 0; i < n.inputs.length; i++) inValues[i] = n.inputs[i].constantValue;
                n.op.forward(none, n.ws, inValues, n.constantValue);
                continue;
            }
            fwd.add(n);
            if (n.needsGrad) bwd.add(n);
        }
        for (Node n : fwd) n.ws.setConstantInputs(n.constantInputs());
        forward = fwd.toArray(new Node[0]);
        Collections.reverse(bwd);
        backward = bwd.toArray(new Node[0]);
    }

    public EquivariantModel model() { return model; }
    /** Every traced node (ids index this list). */
    public List<Node> nodes() { return Collections.unmodifiableList(nodes); }
    /** The per-atom energies. */
    public Node output() { return output; }
    /** The direct force head's output (atoms × 3), or null when forces are −∂E/∂r. */
    public Node directForces() { return directForces; }
    /** The edge vectors (the input forces are derived from). */
    public Node vectors() { return vectors; }
    /** Live op nodes that are not constant, in evaluation order. */
    public Node[] forward() { return forward.clone(); }
    /** Nodes of {@link #forward()} that depend on the edge vectors, in reverse order. */
    public Node[] backward() { return backward.clone(); }

    /**
     * Forces (3N, overwritten) and, when non-null, the virial (9, overwritten) from dE/d(edge vectors):
     * vector = R_nbr − R_ctr (+ shift), so F_ctr += g, F_nbr −= g and W = −Σ r ⊗ g.
     */
    public static void edgeForces(Graph graph, double[] vectors, double[] vectorGrad, double[] forces, double[] virial) {
        int n = graph.atoms(), e = graph.edges();
        java.util.Arrays.fill(forces, 0, 3 * n, 0.0);
        int[] ctr = graph.centre(), nbr = graph.neighbour();
        double[] g = vectorGrad;
        for (int k = 0; k < e; k++) {
            double gx = g[3 * k], gy = g[3 * k + 1], gz = g[3 * k + 2];
            forces[3 * ctr[k]] += gx; forces[3 * ctr[k] + 1] += gy; forces[3 * ctr[k] + 2] += gz;
            forces[3 * nbr[k]] -= gx; forces[3 * nbr[k] + 1] -= gy; forces[3 * nbr[k] + 2] -= gz;
        }
        if (virial != null) edgeVirial(vectors, vectorGrad, 0, e, virial);
    }

    /** The virial −Σ r ⊗ g over edges [e0, e1) (9, overwritten). */
    public static void edgeVirial(double[] vectors, double[] vectorGrad, int e0, int e1, double[] virial) {
        java.util.Arrays.fill(virial, 0, 9, 0.0);
        double[] g = vectorGrad, v = vectors;
        for (int k = e0; k < e1; k++) {
            double gx = g[3 * k], gy = g[3 * k + 1], gz = g[3 * k + 2], vx = v[3 * k], vy = v[3 * k + 1], vz = v[3 * k + 2];
            virial[0] -= vx * gx; virial[1] -= vx * gy; virial[2] -= vx * gz;
            virial[3] -= vy * gx; virial[4] -= vy * gy; virial[5] -= vy * gz;
            virial[6] -= vz * gx; virial[7] -= vz * gy; virial[8] -= vz * gz;
        }
    }

    /**
     * Whether the first {@code n} coordinates are finite. A pair with a NaN length fails every cutoff test
     * and would silently leave its atoms isolated: executors report NaN results instead, so that the run's
     * safety check stops it.
     */
    public static boolean finite(double[] positions, int n) {
        if (positions.length < n) // a caller's mistake, named rather than surfacing as an index error mid-kernel
            throw new IllegalArgumentException("positions hold " + positions.length / 3 + " atoms, types " + n / 3);
        for (int i = 0; i < n; i++) if (!Double.isFinite(positions[i])) return false;
        return true;
    }

    /** NaN energy (returned), forces, virial and per-atom energies for a configuration with non-finite positions. */
    public static double nonFinite(int atoms, double[] forces, double[] virial, double[] atomicEnergies) {
        java.util.Arrays.fill(forces, 0, 3 * atoms, Double.NaN);
        if (virial != null) java.util.Arrays.fill(virial, 0, 9, Double.NaN);
        if (atomicEnergies != null) java.util.Arrays.fill(atomicEnergies, 0, atoms, Double.NaN);
        return Double.NaN;
    }

    /** Records the forward pass as nodes; parameters are the model's values, held as constants. */
    private final class Tracer extends Ops<Node> {
        private final LearnedModel learned;
        private final java.util.function.Predicate<Op> keepFused;
        final Node vectors;

        Tracer(LearnedModel learned, java.util.function.Predicate<Op> keepFused) {
            this.learned = learned;
            this.keepFused = keepFused;
            vectors = add(null, new Node[0], Shape.edges(3));
        }

        private Node add(Op op, Node[] in, Shape shape) {
            Node n = new Node(nodes.size(), op, in, shape);
            nodes.add(n);
            return n;
        }

        @Override protected Node applyOp(Op op, List<Node> inputs) {
            if (op instanceof md.forcefields.ml.FusedOp fused && !keepFused.test(op)) return fused.unfused(this, inputs);
            Node[] in = inputs.toArray(new Node[0]);
            Shape[] shapes = new Shape[in.length];
            for (int i = 0; i < in.length; i++) shapes[i] = in[i].shape;
            return add(op, in, op.outputShape(shapes));
        }

        @Override public Node parameter(String name) {
            EquivariantModel.ParameterSpec spec = model.parameters().get(name);
            if (spec == null) throw new IllegalArgumentException(model.family() + ": the forward pass asks for an undeclared parameter '" + name + "'");
            Node n = add(null, new Node[0], spec.shape());
            n.constantValue = learned.parameters().get(name);
            return n;
        }

        @Override public Node edgeVectors() { return vectors; }

        @Override public Shape shape(Node v) { return v.shape; }
    }
}
