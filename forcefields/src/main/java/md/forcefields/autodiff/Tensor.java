package md.forcefields.autodiff;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A dense, row-major float64 tensor that may be part of a reverse-mode differentiation graph.
 *
 * <p>Tensors are immutable from the graph's point of view: ops never write into their inputs, so a
 * recorded op can rely on the values it captured. The only mutation allowed is of <em>leaf</em>
 * tensors between graph builds (optimizer steps), through {@link #data()}.
 *
 * <p>Each op method records itself when {@link GradMode} is enabled and at least one input
 * {@linkplain #requiresGrad() requires a gradient}; its backward is written in these same ops (see
 * {@link Autograd}). Binary elementwise ops broadcast with NumPy's rules by inserting explicit
 * {@link #broadcastTo} ops, whose backward is {@link #sumTo}.
 */
public final class Tensor {
    final double[] data;
    final int[] shape;
    private boolean requiresGrad;
    GradFn gradFn;
    /**
     * Made by an op while grad mode was off, in an array of its own (not a view of an input's): nothing records it,
     * so {@link Autograd} may add further gradient contributions into it in place while it holds the only reference.
     */
    boolean fresh;

    Tensor(double[] data, int[] shape) {
        if (data.length != Shapes.numel(shape))
            throw new IllegalArgumentException("data length " + data.length + " does not match shape " + Arrays.toString(shape));
        this.data = data;
        this.shape = shape;
    }

    // ---- construction -------------------------------------------------------------------------------

    /** Wraps {@code data} (not copied) with the given shape. */
    public static Tensor of(double[] data, int... shape) { return new Tensor(data, shape.clone()); }

    /** A 1-D tensor holding a copy of {@code values}. */
    public static Tensor vector(double... values) { return new Tensor(values.clone(), new int[] {values.length}); }

    /** A 0-d tensor. */
    public static Tensor scalar(double value) { return new Tensor(new double[] {value}, new int[0]); }

    public static Tensor zeros(int... shape) { return new Tensor(new double[Shapes.numel(shape)], shape.clone()); }

    public static Tensor full(double value, int... shape) {
        double[] d = new double[Shapes.numel(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape.clone());
    }

    public static Tensor ones(int... shape) { return full(1.0, shape); }

    /** Independent standard normal entries. */
    public static Tensor randn(Random rng, int... shape) {
        double[] d = new double[Shapes.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return new Tensor(d, shape.clone());
    }

    /** Marks this leaf as a variable to differentiate with respect to; returns this. */
    public Tensor requireGrad() {
        if (gradFn != null) throw new IllegalStateException("only leaf tensors can be marked; this one comes from " + gradFn.op());
        requiresGrad = true;
        return this;
    }

    /** The same values, cut off from the graph (shares the data array). */
    public Tensor detach() { return new Tensor(data, shape); }

    /** A copy of the values, cut off from the graph. */
    public Tensor copy() { return new Tensor(data.clone(), shape); }

    // ---- inspection ---------------------------------------------------------------------------------

    /** The backing array (row-major). Read freely; write only into leaves between graph builds. */
    public double[] data() { return data; }

    public int[] shape() { return shape.clone(); }

    public int dim() { return shape.length; }

    public int size(int axis) { return shape[Shapes.axis(axis, shape.length)]; }

    public int numel() { return data.length; }

    public boolean requiresGrad() { return requiresGrad; }

    /** Whether this tensor was produced by a recorded op (false for leaves and constants). */
    public boolean hasGradFn() { return gradFn != null; }

    /** The value of a tensor with one element. */
    public double item() {
        if (data.length != 1) throw new IllegalStateException("item() of a tensor with shape " + Arrays.toString(shape));
        return data[0];
    }

    /** The element at a full index. */
    public double get(int... index) { return data[Shapes.offset(shape, index)]; }

    @Override public String toString() {
        return "Tensor" + Arrays.toString(shape) + (gradFn != null ? "<" + gradFn.op() + ">" : requiresGrad ? "<leaf>" : "")
                + (data.length <= 12 ? Arrays.toString(data) : "");
    }

    /** Builds an op result: recorded (with {@code backward}) when grad mode is on and an input needs it. */
    static Tensor result(double[] data, int[] shape, String op, Backward backward, Tensor... inputs) {
        Tensor out = new Tensor(data, shape);
        if (!GradMode.isEnabled()) {
            boolean view = false;
            for (Tensor in : inputs) if (in != null && in.data == data) view = true;
            out.fresh = !view;
        } else {
            for (Tensor in : inputs) {
                if (in != null && in.requiresGrad) {
                    out.requiresGrad = true;
                    out.gradFn = new GradFn(op, inputs, backward);
                    break;
                }
            }
        }
        return out;
    }

    /**
     * A fused op defined outside this package: {@code data} (owned by the result from now on) with
     * {@code shape}, recorded with {@code backward} like the built-in ops. The backward must be written in
     * differentiable ops (see {@link Backward}); an op that is multilinear in its inputs can use itself
     * with the roles of output and input exchanged, which makes it differentiable to any order.
     */
    public static Tensor custom(String op, double[] data, int[] shape, Backward backward, Tensor... inputs) {
        return result(data, shape.clone(), op, backward, inputs);
    }

    /** Marks {@code pieces} (results of slicing {@code source}) as one split, recorded when grad mode is on. */
    static void recordSplit(Tensor source, int axis, Tensor[] pieces) {
        if (!GradMode.isEnabled() || !source.requiresGrad) return;
        GradFn.SplitGroup group = new GradFn.SplitGroup(source, axis, pieces);
        for (int k = 0; k < pieces.length; k++) {
            pieces[k].fresh = false; // made with grad mode off, but now part of the graph
            pieces[k].requiresGrad = true;
            pieces[k].gradFn = new GradFn("split", new Tensor[] {source}, null, new GradFn.SplitPiece(group, k));
        }
    }

    // ---- elementwise --------------------------------------------------------------------------------

    public Tensor add(Tensor other) { return Elementwise.add(this, other); }
    public Tensor sub(Tensor other) { return Elementwise.sub(this, other); }
    public Tensor mul(Tensor other) { return Elementwise.mul(this, other); }
    public Tensor div(Tensor other) { return Elementwise.div(this, other); }
    public Tensor neg() { return Elementwise.scale(this, -1.0); }
    public Tensor add(double c) { return Elementwise.shift(this, c); }
    public Tensor mul(double c) { return Elementwise.scale(this, c); }
    /** x^p for a constant exponent (x &gt; 0 unless p is a whole number). */
    public Tensor pow(double p) { return Elementwise.pow(this, p); }
    public Tensor square() { return Elementwise.mul(this, this); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor sin() { return Elementwise.sin(this); }
    public Tensor cos() { return Elementwise.cos(this); }
    public Tensor tanh() { return Elementwise.tanh(this); }
    public Tensor sigmoid() { return Elementwise.sigmoid(this); }
    public Tensor silu() { return Elementwise.silu(this); }
    public Tensor abs() { return Elementwise.abs(this); }
    /** Sign of each element as a constant (its derivative is zero almost everywhere). */
    public Tensor sign() { return Elementwise.sign(this); }

    // ---- linear algebra -----------------------------------------------------------------------------

    /** Matrix product of 2-D tensors (M,K)·(K,N), or batched (B,M,K)·(B,K,N). */
    public Tensor matmul(Tensor other) { return LinearAlgebra.matmul(this, other); }

    /** Transpose of the last two axes. */
    public Tensor transpose() {
        int n = shape.length;
        if (n < 2) throw new IllegalArgumentException("transpose needs at least 2 axes, got shape " + Arrays.toString(shape));
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        perm[n - 2] = n - 1;
        perm[n - 1] = n - 2;
        return permute(perm);
    }

    // ---- shapes -------------------------------------------------------------------------------------

    /** Same data, new shape; one entry may be -1. */
    public Tensor reshape(int... newShape) { return ShapeOps.reshape(this, newShape); }
    public Tensor permute(int... perm) { return ShapeOps.permute(this, perm); }
    /** Repeats along axes of size 1 (and new leading axes) to reach {@code target} (NumPy broadcasting). */
    public Tensor broadcastTo(int... target) { return ShapeOps.broadcastTo(this, target); }
    /** Sums over broadcast axes to reach {@code target}; the adjoint of {@link #broadcastTo}. */
    public Tensor sumTo(int... target) { return ShapeOps.sumTo(this, target); }
    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code axis}. */
    public Tensor slice(int axis, int start, int end) { return ShapeOps.slice(this, axis, start, end); }
    public static Tensor concat(List<Tensor> parts, int axis) { return ShapeOps.concat(parts, axis); }
    /** Consecutive pieces of the given extents along {@code axis}. */
    public List<Tensor> split(int axis, int... sizes) { return ShapeOps.split(this, axis, sizes); }
    /** Inserts an axis of size 1 at {@code axis}. */
    public Tensor unsqueeze(int axis) {
        int a = axis < 0 ? axis + shape.length + 1 : axis;
        int[] s = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) s[i] = i == a ? 1 : shape[j++];
        return reshape(s);
    }

    // ---- reductions ---------------------------------------------------------------------------------

    /** Sum of all elements (0-d). */
    public Tensor sum() { return ShapeOps.sumTo(this, new int[0]); }
    /** Sum over {@code axis}, which is removed. */
    public Tensor sum(int axis) { return Reductions.sum(this, axis); }
    public Tensor mean() { return sum().mul(1.0 / data.length); }
    public Tensor mean(int axis) { return sum(axis).mul(1.0 / size(axis)); }

    // ---- indexing -----------------------------------------------------------------------------------

    /** Rows {@code index[i]} of this tensor along axis 0 (gather). */
    public Tensor indexSelect(int[] index) { return Indexing.indexSelect(this, index); }
    /** out[index[i]] += this[i] along axis 0 into {@code rows} rows (scatter-add). */
    public Tensor indexAdd(int[] index, int rows) { return Indexing.indexAdd(this, index, rows); }
}
