package md.forcefields.autodiff;

/**
 * How a recorded op's result depends on its inputs: the inputs, and the vector–Jacobian product that maps
 * the gradient of the result to the gradients of the inputs. The product is written in differentiable
 * {@link Tensor} ops, so when it runs with recording on, the gradients are themselves part of a graph
 * and can be differentiated again (double backward).
 */
record GradFn(String op, Tensor[] inputs, Backward backward, SplitPiece piece) {

    GradFn(String op, Tensor[] inputs, Backward backward) { this(op, inputs, backward, null); }

    /**
     * Marks piece {@code index} of a split: {@link Autograd} collects the gradients of all pieces of
     * {@code group} and passes them on as one concatenation, instead of one zero-padded full-size
     * tensor per piece (which would cost O(pieces × size)).
     */
    record SplitPiece(SplitGroup group, int index) {}

    /** The pieces of one split of {@code source} along {@code axis}. */
    static final class SplitGroup {
        final Tensor source;
        final int axis;
        final Tensor[] pieces;

        SplitGroup(Tensor source, int axis, Tensor[] pieces) {
            this.source = source;
            this.axis = axis;
            this.pieces = pieces;
        }
    }
}
