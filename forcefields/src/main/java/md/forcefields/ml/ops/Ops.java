package md.forcefields.ml.ops;

import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;

import java.util.Arrays;

import md.forcefields.ml.ops.Elementwise;
import md.forcefields.ml.ops.GraphOps;
import md.forcefields.ml.ops.RadialOps;

/**
 * The op vocabulary a model's forward pass is written against, over the value type {@code T} of one
 * executor (autodiff tensors for training, trace nodes for the MD plan, …). A model never sees the
 * executor: it calls {@link #parameter}, {@link #edgeVectors} and ops, and returns per-atom energies.
 *
 * <p>Every op is an {@link Op} object carrying its own kernels; {@link #apply} is the executor's one
 * hook. The convenience methods below build the common stateless ops; ops with precomputed tables
 * (tensor products, linear maps over irreps, gates) are built once by the model and applied with
 * {@code apply(op, inputs…)}. A new op is a new {@link Op} class (plus, optionally, a method here).
 */
public abstract class Ops<T> {

    /** The op's result on these inputs (the executor's hook). */
    protected abstract T applyOp(Op op, java.util.List<T> inputs);

    /** The op's result on these inputs. */
    @SafeVarargs
    public final T apply(Op op, T... inputs) { return applyOp(op, Arrays.asList(inputs)); }

    /** The op's result on these inputs. */
    public final T applyAll(Op op, java.util.List<T> inputs) { return applyOp(op, java.util.List.copyOf(inputs)); }

    /**
     * Whether this executor wants intermediates that fused ops never store (e.g. attention weights), so
     * that a model computes them with the separate ops and names them; false for the executors that run models.
     */
    public boolean recordsIntermediates() { return false; }

    /** A model parameter by name (trainable or a fixed buffer), in its declared shape. */
    public abstract T parameter(String name);

    /** The edge vectors R_nbr + shift − R_ctr (edges × 3): forces and the virial are derivatives with respect to these. */
    public abstract T edgeVectors();

    /** The shape of a value. */
    public abstract Shape shape(T value);

    /**
     * Gives an intermediate value a name (e.g. a reference implementation's name for it) and returns it
     * unchanged. Executors ignore names; a test's {@code Ops} can record the values to compare a forward
     * pass stage by stage with a reference.
     */
    public T named(String name, T value) { return value; }

    /**
     * Names an intermediate (as {@link #named(String, Object)}, which it calls) and declares how a rotation
     * of the inputs acts on it ({@link Representation}): a model declares its layers' outputs so that
     * equivariance can be checked layer by layer (md check equivariance). Executors that run models ignore it.
     */
    public T named(String name, T value, Representation representation) { return named(name, value); }

    // ---- graph ------------------------------------------------------------------------------------

    /** One-hot species of the atoms (atoms × numTypes). */
    public T speciesOneHot(int numTypes) { return apply(new GraphOps.SpeciesOneHot(numTypes)); }
    /** |r| of every pair (pairs × 1), from the edge vectors. */
    public T pairLengths(T vectors) { return apply(GraphOps.PAIR_LENGTHS, vectors); }
    /** |r| of every edge (edges × 1). */
    public T edgeLengths(T vectors) { return apply(GraphOps.EDGE_LENGTHS, vectors); }
    /** Rows of atom values at each edge's neighbour (sender). */
    public T gatherNeighbour(T atomValues) { return apply(GraphOps.GATHER_NEIGHBOUR, atomValues); }
    /** Rows of atom values at each edge's centre (receiver). */
    public T gatherCentre(T atomValues) { return apply(GraphOps.GATHER_CENTRE, atomValues); }
    /** Pair values copied to both edges of each pair. */
    public T pairsToEdges(T pairValues) { return apply(GraphOps.PAIRS_TO_EDGES, pairValues); }
    /** Σ over the edges into each atom (scatter-add onto the centre). */
    public T scatterToCentre(T edgeValues) { return apply(GraphOps.SCATTER_TO_CENTRE, edgeValues); }
    /** Per-species affine map of per-atom values: x·scales[type] + shifts[type] (scales, shifts: 1 × numTypes). */
    public T speciesAffine(T x, T scales, T shifts) { return apply(GraphOps.SPECIES_AFFINE, x, scales, shifts); }
    /** Softmax of per-edge values over the edges of each centre atom, per column (see {@link SegmentSoftmax}). */
    public T segmentSoftmax(T edgeValues) { return apply(SegmentSoftmax.INSTANCE, edgeValues); }

    // ---- radial ------------------------------------------------------------------------------------

    /** NequIP's Bessel basis (2/r_c)·sin(w_n r/r_c)/r for lengths (rows × 1) and frequencies (1 × n). */
    public T besselBasis(T lengths, T frequencies, double cutoff) { return apply(new RadialOps.Bessel(cutoff), lengths, frequencies); }
    /** The polynomial envelope of order p (DimeNet/NequIP), 0 from the cutoff on (rows × 1). */
    public T polynomialCutoff(T lengths, double cutoff, double p) { return apply(new RadialOps.PolynomialCutoff(cutoff, p), lengths); }
    /** The cosine cutoff ½(cos(πr/r_c) + 1) below r_c, 0 above (rows × 1). */
    public T cosineCutoff(T lengths, double cutoff) { return apply(new RadialOps.CosineCutoff(cutoff), lengths); }
    /** Gaussians exp(−γ(r − μ_k)²) with fixed centres μ evenly from {@code start} to {@code stop} (rows × n). */
    public T gaussianBasis(T lengths, double start, double stop, int n, double gamma) {
        return apply(new RadialOps.Gaussian(start, stop, n, gamma), lengths);
    }
    /**
     * TorchMD-Net's ExpNormal basis φ(r)·exp(−β_k(exp(α(r_lo − r)) − μ_k)²) with its cosine cutoff φ (lower bound 0,
     * as TorchMD-Net), for lengths (rows × 1), means and betas (1 × n); α = 5/(upper − lower) in TorchMD-Net.
     */
    public T expNormalBasis(T lengths, T means, T betas, double cutoffLower, double cutoffUpper, double alpha) {
        return apply(new ExpNormal(cutoffLower, cutoffUpper, alpha), lengths, means, betas);
    }

    // ---- elementwise and dense ---------------------------------------------------------------------

    public T add(T a, T b) { return apply(Elementwise.ADD, a, b); }
    /** a·b where b has the same shape or one column (broadcast over a's columns). */
    public T mul(T a, T b) { return apply(Elementwise.MUL, a, b); }
    public T scale(T a, double c) { return apply(new Elementwise.Scale(c), a); }
    /** An activation (see {@link Elementwise.Activation}), optionally times a normalisation constant. */
    public T activation(T x, Elementwise.Activation f, double factor) { return apply(new Elementwise.Act(f, factor), x); }
    /** x·(c·W) for a weight matrix W (in × out) and a constant c (e.g. 1/√fan_in). */
    public T matmul(T x, T weight, double c) { return apply(new Elementwise.MatMul(c), x, weight); }
    /** x·W + b (b: 1 × out). */
    public T linear(T x, T weight, T bias) { return apply(Affine.INSTANCE, x, weight, bias); }
    /** Σ over rows (→ one row). */
    public T sumRows(T x) { return apply(Elementwise.SUM_ROWS, x); }
    /** Layer normalisation of each row, (x − mean)/√(var + eps)·γ + β (γ, β: 1 × width; biased variance, as torch). */
    public T layerNorm(T x, T gamma, T beta, double eps) { return apply(new LayerNorm(eps, true), x, gamma, beta); }
    /** Layer normalisation of each row without the affine part, (x − mean)/√(var + eps). */
    public T layerNorm(T x, double eps) { return apply(new LayerNorm(eps, false), x); }
    /** The columns of values with the same rows, side by side. */
    @SafeVarargs
    public final T concatColumns(T... parts) { return concatColumns(Arrays.asList(parts)); }
    /** The columns of values with the same rows, side by side. */
    public T concatColumns(java.util.List<T> parts) {
        int[] widths = new int[parts.size()];
        for (int i = 0; i < widths.length; i++) widths[i] = shape(parts.get(i)).width();
        return applyOp(new ConcatColumns(widths), java.util.List.copyOf(parts));
    }
    /** Columns {@code start} (inclusive) to {@code end} (exclusive). */
    public T sliceColumns(T x, int start, int end) { return apply(new SliceColumns(start, end), x); }

    // ---- checks shared by op implementations -------------------------------------------------------

    /** Fails unless the op got exactly {@code n} inputs. */
    public static void expectCount(Op op, Shape[] in, int n) {
        if (in.length != n) throw new IllegalArgumentException(op.name() + " takes " + n + " inputs, got " + in.length);
    }

    /** Fails unless the inputs have exactly these shapes. */
    public static void expect(Op op, Shape[] in, Shape... expected) {
        expectCount(op, in, expected.length);
        for (int i = 0; i < in.length; i++)
            if (!in[i].equals(expected[i]))
                throw new IllegalArgumentException(op.name() + ": input " + i + " has shape " + in[i] + ", expected " + expected[i]
                        + " (all inputs: " + Arrays.toString(in) + ")");
    }
}
