package md.forcefields.autodiff;

/**
 * Vector–Jacobian product of one recorded op: the gradients with respect to each input given the
 * gradient {@code g} of the output. It must be written in differentiable {@link Tensor} ops (built-in or
 * {@linkplain Tensor#custom custom}), never in raw loops over arrays, so that the gradients it returns
 * are themselves recorded when {@link Autograd#grad} runs with a graph (double backward).
 */
@FunctionalInterface
public interface Backward {
    /**
     * An entry may be null when {@code need[i]} is false (the caller does not want it) or the input is
     * a constant; a returned gradient has the shape of its input.
     */
    Tensor[] apply(Tensor g, boolean[] need);
}
