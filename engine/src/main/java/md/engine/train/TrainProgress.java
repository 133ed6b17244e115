package md.engine.train;

import java.io.PrintStream;
import java.util.Locale;

import md.forcefields.training.ErrorMetrics;
import md.forcefields.training.Trainer;
import md.forcefields.training.TrainingStep;

/**
 * Training progress for people: on a terminal a bar redrawn in place (epoch, batch, loss, last validation
 * force MAE, ETA); elsewhere one plain line per epoch. Skipped (NaN/Inf) steps are always reported.
 */
final class TrainProgress implements Trainer.Listener {
    private final PrintStream out;
    private final boolean terminal;
    private final int maxEpochs;
    private final double maxWallSeconds;
    private final long startNanos = System.nanoTime();
    private long nextDraw;
    private double lastValForceMae = Double.NaN, meanEpochSeconds = Double.NaN;

    /** {@code maxWallSeconds}: this invocation's wall-clock limit (infinite for none), which also bounds the ETA. */
    TrainProgress(PrintStream out, boolean terminal, int maxEpochs, double maxWallSeconds) {
        this.out = out;
        this.terminal = terminal;
        this.maxEpochs = maxEpochs;
        this.maxWallSeconds = maxWallSeconds;
    }

    @Override public void batchDone(int epoch, int batch, int batches, double loss) {
        if (!terminal) return;
        long now = System.nanoTime();
        if (now < nextDraw && batch < batches) return;
        nextDraw = now + 200_000_000L;
        int width = 20, filled = (int) Math.round((double) batch / batches * width);
        out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] batch %d/%d  loss %.4g  val F MAE %s meV/Å  ETA %s   ",
                epoch, maxEpochs, "#".repeat(filled), ".".repeat(width - filled), batch, batches, loss,
                Double.isNaN(lastValForceMae) ? "-" : String.format(Locale.ROOT, "%.2f", lastValForceMae), eta(epoch));
        out.flush();
    }

    @Override public void stepSkipped(int epoch, int batch, TrainingStep.Result r) {
        out.printf(Locale.ROOT, "%smd train: epoch %d batch %d: loss %s, gradient norm %s: step skipped (weights unchanged)%n",
                terminal ? "\n" : "", epoch, batch, r.loss(), r.gradientNorm());
    }

    void epochDone(Trainer.EpochReport r) {
        ErrorMetrics.Errors conservative = r.validation().errors().forces(), direct = r.validation().errors().directForces();
        lastValForceMae = (conservative.count() > 0 ? conservative : direct).mae() * 1000;
        String directPart = conservative.count() > 0 && direct.count() > 0
                ? String.format(Locale.ROOT, ", val direct F MAE %.2f meV/Å", direct.mae() * 1000) : "";
        meanEpochSeconds = Double.isNaN(meanEpochSeconds) ? r.seconds() : 0.8 * meanEpochSeconds + 0.2 * r.seconds();
        String line = String.format(Locale.ROOT, "epoch %d/%d: train loss %.5g, val loss %.5g, val E MAE %.2f meV, val %sF MAE %.2f meV/Å%s, lr %.3g, %.1f s%s%s",
                r.epoch(), maxEpochs, r.trainLoss(), r.validation().loss(), r.validation().errors().energy().mae() * 1000,
                conservative.count() > 0 ? "" : "direct ", lastValForceMae, directPart,
                r.learningRate(), r.seconds(), r.improved() ? " *" : "", r.skippedSteps() > 0 ? ", " + r.skippedSteps() + " steps skipped" : "");
        out.println((terminal ? "\r" : "md train: ") + line + (terminal ? "          " : "") + "  ETA " + eta(r.epoch() + 1));
    }

    private String eta(int epoch) {
        if (Double.isNaN(meanEpochSeconds)) return "?";
        double s = Math.max(0, maxEpochs - epoch + 1) * meanEpochSeconds;
        s = Math.min(s, Math.max(0, maxWallSeconds - (System.nanoTime() - startNanos) * 1e-9));
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", (long) s / 3600, (long) s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
    }
}
