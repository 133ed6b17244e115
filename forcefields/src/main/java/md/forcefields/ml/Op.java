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
}
