package md.forcefields.ml;

import java.util.Arrays;

/**
 * Scratch arrays of one op application in one executor, kept between calls: an op asks for slot k of at
 * least n elements and gets the same (grown when needed, never shrunk) array every time, so a warm step
 * allocates nothing. An op may also keep values from its forward pass for its backward pass here. It also
 * tells kernels the shapes of the values they get (arrays may be longer than rows × width). The accessors
 * are synchronized: the parts of a parallel kernel share one workspace, each using its own slots or rows.
 */
public final class Workspace {
    private final Shape[] inputShapes;
    private final Shape outputShape;

    /** The workspace of one op application with these input and output shapes. */
    public Workspace(Shape[] inputShapes, Shape outputShape) {
        this.inputShapes = inputShapes.clone();
        this.outputShape = outputShape;
    }

    /** Columns of input {@code i} (kernels get arrays that may be longer than rows × width). */
    public int width(int i) { return inputShapes[i].width(); }

    private boolean[] constantInputs = new boolean[0];
    private boolean[] flags = new boolean[0];

    /** Marks the inputs whose values never change between calls (the MD plan's parameters and folded constants). */
    public void setConstantInputs(boolean[] constant) { constantInputs = constant.clone(); }

    /** Whether input {@code i} keeps the same values on every call (then tables derived from it can be kept). */
    public boolean isConstant(int i) { return i < constantInputs.length && constantInputs[i]; }

    /**
     * For tables derived from constant inputs: true the first time it is asked for slot {@code k} (compute the
     * table now), false afterwards while input {@code input} is constant; always true for a changing input.
     */
    public synchronized boolean needsTable(int k, int input) {
        if (!isConstant(input)) return true;
        if (k >= flags.length) flags = Arrays.copyOf(flags, k + 1);
        if (flags[k]) return false;
        flags[k] = true;
        return true;
    }
    public Shape inputShape(int i) { return inputShapes[i]; }
    public int outputWidth() { return outputShape.width(); }
    public Shape outputShape() { return outputShape; }

    private boolean float32;

    /**
     * Whether ops that have float32 kernels use them (the MD plan with {@code precision: float32}): float32
     * arithmetic inside the op, its inputs and outputs still float64. Off (float64) by default.
     */
    public boolean float32() { return float32; }

    public void setFloat32(boolean on) { float32 = on; }

    private long[] evaluations = new long[0];

    /**
     * True for the first caller per MD evaluation ({@link Graph#evaluation}) of slot {@code k}, false for later
     * callers in the same evaluation; always true on graphs without evaluations (0). Parts of a parallel kernel
     * call it inside {@code synchronized (ws)} and do the slot's once-per-evaluation work (e.g. a float32 copy of
     * an input) when true, so the others wait for it.
     */
    public synchronized boolean firstInEvaluation(int k, long evaluation) {
        if (evaluation == 0) return true;
        if (k >= evaluations.length) evaluations = Arrays.copyOf(evaluations, k + 1);
        if (evaluations[k] == evaluation) return false;
        evaluations[k] = evaluation;
        return true;
    }

    private float[][] floats = new float[0][];

    /** float32 slot {@code k} (separate from the float64 slots), at least {@code n} long. */
    public synchronized float[] floats(int k, int n) {
        if (k >= floats.length) floats = Arrays.copyOf(floats, k + 1);
        float[] a = floats[k];
        if (a == null || a.length < n) floats[k] = a = new float[Math.max(n, a == null ? 0 : a.length * 5 / 4)];
        return a;
    }

    private double[][] doubles = new double[0][];
    private int[][] ints = new int[0][];

    /** Slot {@code k}, at least {@code n} long; contents are whatever was last written. */
    public synchronized double[] doubles(int k, int n) {
        if (k >= doubles.length) doubles = Arrays.copyOf(doubles, k + 1);
        double[] a = doubles[k];
        if (a == null || a.length < n) doubles[k] = a = new double[Math.max(n, a == null ? 0 : a.length * 5 / 4)];
        return a;
    }

    /** Slot {@code k} of {@code n} zeros. */
    public synchronized double[] zeros(int k, int n) {
        double[] a = doubles(k, n);
        Arrays.fill(a, 0, n, 0.0);
        return a;
    }

    private Object[] objects = new Object[0];

    /** A per-workspace helper object in slot {@code k} (e.g. a kernel with internal scratch), made on first use. */
    @SuppressWarnings("unchecked")
    public synchronized <O> O object(int k, java.util.function.Supplier<O> make) {
        if (k >= objects.length) objects = Arrays.copyOf(objects, k + 1);
        if (objects[k] == null) objects[k] = make.get();
        return (O) objects[k];
    }

    public synchronized int[] ints(int k, int n) {
        if (k >= ints.length) ints = Arrays.copyOf(ints, k + 1);
        int[] a = ints[k];
        if (a == null || a.length < n) ints[k] = a = new int[Math.max(n, a == null ? 0 : a.length * 5 / 4)];
        return a;
    }
}
