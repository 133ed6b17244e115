package md.forcefields.ml;

import md.forcefields.autodiff.Tensor;

/**
 * One operation of the model vocabulary, with everything an executor needs to run it:
 * <ul>
 *   <li>{@link #outputShape}: shape inference (used when a model is traced into a plan);</li>
 *   <li>{@link #tape}: the op on autodiff tensors, differentiable to any order (training: forces and
 *       gradients of force losses), built from {@link Tensor} ops or fused ops whose backward is the same
 *       op in another mode;</li>
 *   <li>{@link #forward} / {@link #backward}: array kernels for the MD executor — forward into a
 *       preallocated output, and the vector–Jacobian product accumulated into the inputs' gradients —
 *       which must not allocate once their {@link Workspace} is warm.</li>
 * </ul>
 * {@link #name()} is the op's kernel key: accelerator backends provide kernels by this name. Ops are
 * immutable and may be shared by threads; per-evaluation scratch lives in the workspace.
 */
public interface Op {
    /** Kernel key, e.g. "uvuConvolution". */
    String name();

    /** The output shape for inputs of these shapes; throws IllegalArgumentException on a mismatch. */
    Shape outputShape(Shape... inputs);

    /** The result on tensors shaped (rows, width) (parameters in their own shapes). */
    Tensor tape(Graph graph, Tensor... inputs);

    /** Writes the result (overwriting {@code out}) from the inputs' values. */
    void forward(Graph graph, Workspace ws, double[][] inputs, double[] out);

    /**
     * Adds the vector–Jacobian product of {@code gradOut} to {@code gradInputs[i]} for every input with a
     * non-null gradient array (others are not needed). {@code out} holds this op's forward result of the
     * same call, and {@code ws} the same workspace as that forward.
     */
    void backward(Graph graph, Workspace ws, double[][] inputs, double[] out, double[] gradOut, double[][] gradInputs);

    // ---- optional: kernels that run in parts on several threads (MD plan with threads > 1) ----------

    /**
     * Whether {@link #forwardPart}/{@link #backwardPart} may run concurrently for parts 0 … parts−1 (each
     * part writing disjoint elements), followed by {@link #backwardReduce} on one thread. The forward and
     * backward passes of one call use the same parts.
     */
    default boolean parallel() { return false; }

    /**
     * Whether the parallel kernels are row-local: part {@code part} of the forward pass reads only rows
     * [{@link #partStart}(rows, part, parts), {@link #partStart}(rows, part + 1, parts)) of its inputs
     * that have the output's rows, and writes those rows of the output; its backward part reads and adds
     * to the same rows only, and {@link #backwardReduce} does nothing. Every non-constant input has the
     * output's rows. The MD executor then runs consecutive row-local ops on the same rows as one phase,
     * each thread going through its own rows of all of them without waiting for the others in between.
     */
    default boolean rowLocal() { return false; }

    /** Part {@code part} of {@link #forward}. */
    default void forwardPart(Graph graph, Workspace ws, double[][] inputs, double[] out, int part, int parts) {
        throw new UnsupportedOperationException(name() + " has no parallel kernels");
    }

    /** Part {@code part} of {@link #backward}; contributions that parts share go to the workspace for {@link #backwardReduce}. */
    default void backwardPart(Graph graph, Workspace ws, double[][] inputs, double[] out, double[] gradOut, double[][] gradInputs, int part, int parts) {
        throw new UnsupportedOperationException(name() + " has no parallel kernels");
    }

    /** After all backward parts, on one thread: adds what the parts kept separately into the input gradients. */
    default void backwardReduce(Graph graph, Workspace ws, double[][] gradInputs, int parts) {}

    /** Whether {@link #backwardReduce} can itself run in parts ({@link #backwardReducePart}) with the same result. */
    default boolean parallelReduce() { return false; }

    /**
     * Part {@code part} of {@link #backwardReduce}, for ops with {@link #parallelReduce}: the parts together add
     * exactly what backwardReduce adds, in the same order for every element, each part to disjoint elements.
     */
    default void backwardReducePart(Graph graph, Workspace ws, double[][] gradInputs, int part, int parts) {
        throw new UnsupportedOperationException(name() + " has no parallel reduction");
    }

    /** Rows [first, end) of part {@code part} when {@code rows} are split evenly: {first, end}. */
    static int partStart(int rows, int part, int parts) { return (int) ((long) rows * part / parts); }
}
