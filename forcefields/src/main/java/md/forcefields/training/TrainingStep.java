package md.forcefields.training;

import java.util.List;
import java.util.function.Supplier;

import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;

/**
 * One optimisation step put together: loss → gradients → skip if the loss or a gradient is NaN/Inf →
 * optional clipping → learning rate (warm-up) → Adam → EMA. A skipped step changes nothing (not the
 * weights, not the optimizer's moments, not the EMA), and is reported.
 */
public final class TrainingStep {
    /** What happened: the loss, the gradient norm before clipping, and whether the update was skipped. */
    public record Result(double loss, double gradientNorm, boolean skipped, double learningRate) {}

    private final List<Tensor> params;
    private final Adam optimizer;
    private final LinearWarmup warmup;
    private final ExponentialMovingAverage ema;
    private final double maxGradientNorm;
    private double baseLearningRate;
    private long skipped;

    /** {@code warmup}, {@code ema} may be null; {@code maxGradientNorm} ≤ 0 or infinite disables clipping. */
    public TrainingStep(List<Tensor> params, Adam optimizer, LinearWarmup warmup, ExponentialMovingAverage ema, double maxGradientNorm) {
        this.params = List.copyOf(params);
        this.optimizer = optimizer;
        this.warmup = warmup;
        this.ema = ema;
        this.maxGradientNorm = maxGradientNorm;
        this.baseLearningRate = optimizer.learningRate();
    }

    /** The rate after warm-up; a plateau scheduler changes it here. */
    public double baseLearningRate() { return baseLearningRate; }
    public void setBaseLearningRate(double lr) { baseLearningRate = lr; }
    public long skippedSteps() { return skipped; }
    /** Continues a count from a checkpoint. */
    public void setSkippedSteps(long count) { skipped = count; }

    /** Builds the loss with {@code loss} (a graph over the parameters), differentiates and updates. */
    public Result run(Supplier<Tensor> loss) {
        Tensor l = loss.get();
        return apply(l.item(), Autograd.grad(l, params.toArray(new Tensor[0])));
    }

    /**
     * The update for a loss whose gradients were computed elsewhere (e.g. summed over frames evaluated
     * in parallel); {@code grads} must be graph-free and in the order of the parameter list.
     */
    public Result apply(double value, Tensor[] grads) {
        double norm = GradientClipping.norm(grads);
        if (!Double.isFinite(value) || !Double.isFinite(norm)) {
            skipped++;
            return new Result(value, norm, true, optimizer.learningRate());
        }
        if (maxGradientNorm > 0 && Double.isFinite(maxGradientNorm)) GradientClipping.clipByNorm(grads, maxGradientNorm);
        double lr = warmup == null ? baseLearningRate : warmup.rate(baseLearningRate, optimizer.steps() + 1);
        optimizer.setLearningRate(lr);
        optimizer.step(grads);
        if (ema != null) ema.update();
        return new Result(value, norm, false, lr);
    }
}
