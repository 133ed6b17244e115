package md.forcefields.training;

import md.forcefields.autodiff.Tensor;

/** Global gradient-norm clipping as torch.nn.utils.clip_grad_norm_ (with its 1e-6 guard). */
public final class GradientClipping {
    private GradientClipping() {}

    /** The Euclidean norm of all gradients together. */
    public static double norm(Tensor[] grads) {
        double s = 0;
        for (Tensor g : grads) for (double v : g.data()) s += v * v;
        return Math.sqrt(s);
    }

    /**
     * Scales the gradients in place by maxNorm/(norm + 1e-6) when that is below 1; returns the norm
     * before clipping. The gradients must be plain arrays of their own (from a graph-free backward).
     */
    public static double clipByNorm(Tensor[] grads, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        double total = norm(grads);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) for (Tensor g : grads) { double[] d = g.data(); for (int i = 0; i < d.length; i++) d[i] *= coef; }
        return total;
    }
}
