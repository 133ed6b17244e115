package md.forcefields.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.TapeExecutor;

/**
 * Trains any learned model (through its {@link TapeExecutor}) epoch by epoch: shuffled mini-batches (frames of any size mixed),
 * one {@link TrainingStep} per batch (NaN/Inf skip, clipping, warm-up, Adam, EMA), validation with the
 * EMA weights on the MD executor, ReduceLROnPlateau on the validation loss, and early stopping (patience,
 * learning-rate floor, epoch limit, wall-clock limit).
 *
 * <p>Deterministic: the shuffle and the denoising noise come from the seed, epoch and frame index, and
 * frame gradients are summed in batch order whatever the thread count. {@link #state()} taken between
 * epochs and {@link #restore} on a fresh trainer continue bit-identically.
 */
public final class Trainer implements AutoCloseable {

    /** Settings; see docs/training.md for the defaults the command line uses. */
    public record Options(int maxEpochs, int batchSize, long seed, int threads, LossWeights loss, Adam.Options optimizer,
                          int warmupSteps, double emaDecay, double maxGradientNorm, double plateauFactor, int plateauPatience,
                          double plateauThreshold, double learningRateFloor, int earlyStoppingPatience, double maxWallSeconds,
                          int stepLrEpochs, double stepLrGamma) {
        /** With ReduceLROnPlateau (no step schedule). */
        public Options(int maxEpochs, int batchSize, long seed, int threads, LossWeights loss, Adam.Options optimizer,
                       int warmupSteps, double emaDecay, double maxGradientNorm, double plateauFactor, int plateauPatience,
                       double plateauThreshold, double learningRateFloor, int earlyStoppingPatience, double maxWallSeconds) {
            this(maxEpochs, batchSize, seed, threads, loss, optimizer, warmupSteps, emaDecay, maxGradientNorm, plateauFactor, plateauPatience,
                    plateauThreshold, learningRateFloor, earlyStoppingPatience, maxWallSeconds, 0, 1);
        }

        /** The same settings with {@code n} worker threads. */
        public Options withThreads(int n) {
            return new Options(maxEpochs, batchSize, seed, n, loss, optimizer, warmupSteps, emaDecay, maxGradientNorm, plateauFactor, plateauPatience,
                    plateauThreshold, learningRateFloor, earlyStoppingPatience, maxWallSeconds, stepLrEpochs, stepLrGamma);
        }

        public Options {
            if (stepLrEpochs < 0 || !(stepLrGamma > 0 && stepLrGamma <= 1))
                throw new IllegalArgumentException("step schedule: epochs must be >= 0 and gamma in (0, 1], got " + stepLrEpochs + ", " + stepLrGamma);
            if (maxEpochs < 1 || batchSize < 1 || threads < 1) throw new IllegalArgumentException("epochs, batch size and threads must be >= 1");
            if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + emaDecay);
            if (earlyStoppingPatience < 1) throw new IllegalArgumentException("early-stopping patience must be >= 1");
            if (!(maxWallSeconds > 0)) throw new IllegalArgumentException("wall-clock limit must be > 0 s");
        }
    }

    /** Validation of one epoch: the loss (without denoising, whose noise would make it random) and the errors. */
    public record Validation(double loss, ErrorMetrics errors) {}

    /** What one epoch did. {@code stopReason} is non-null when training should stop after it. */
    public record EpochReport(int epoch, double trainLoss, double trainEnergyPart, double trainForcePart, double trainEquilibriumPart,
                              int skippedSteps, double learningRate, Validation validation, boolean improved, double seconds,
                              String stopReason, double trainStressPart) {}

    /** Progress callbacks (all optional). */
    public interface Listener {
        default void batchDone(int epoch, int batch, int batches, double loss) {}
        default void stepSkipped(int epoch, int batch, TrainingStep.Result result) {}
    }

    /** Everything needed to continue after an epoch, exactly. */
    /**
     * Everything a checkpoint needs: {@code parameters} holds every trainable parameter; the optimizer and
     * EMA arrays follow {@link #optimized()} order (the parameters not frozen).
     */
    public record State(int epoch, Map<String, double[]> parameters, Adam.State optimizer, long emaUpdates, double[][] emaAverages,
                        double plateauBest, int plateauBad, int plateauCooldown, double baseLearningRate, long skippedSteps,
                        double bestValidationLoss, int bestEpoch, int epochsSinceImprovement, double trainingSeconds, String stopReason) {}

    public static final String STOP_MAX_EPOCHS = "max_epochs", STOP_PATIENCE = "early_stopping_patience",
            STOP_LR_FLOOR = "learning_rate_floor", STOP_WALL_CLOCK = "wall_clock_limit";

    private final TapeExecutor model;
    private final double forceScale;
    private final List<TrainingFrame> train, validation;
    private final int[][] trainTypes;
    private final Graph[] trainGraphs;
    private final Options options;
    private final Tensor[] params;
    private final List<String> optimized;
    private final Adam optimizer;
    private final ExponentialMovingAverage ema;
    private final ReduceLrOnPlateau plateau;
    private final TrainingStep step;
    private final ExecutorService pool;
    private final long startNanos = System.nanoTime();
    private Listener listener = new Listener() {};

    private int epoch;
    private double bestValidationLoss = Double.POSITIVE_INFINITY, trainingSeconds;
    private int bestEpoch, epochsSinceImprovement;
    private double lastEpochSeconds;
    private String stopReason;

    /**
     * {@code forceScale} (eV/Å, the training force RMS) is the unit of the loss unless the loss names a fixed
     * unit ({@link LossWeights#unitEv()}); models typically also
     * scale their output by it (see e.g. {@code Nequip.initial}). Training starts from {@code initial}'s values.
     */
    public Trainer(LearnedModel initial, double forceScale, List<TrainingFrame> train,
                   List<TrainingFrame> validation, Options options) {
        this(initial, forceScale, train, validation, options, java.util.Set.of());
    }

    /**
     * As above, with the trainable parameters named in {@code frozen} kept at their initial values (no
     * gradient, no optimizer or EMA state): fine-tuning a pre-trained model in part.
     */
    public Trainer(LearnedModel initial, double forceScale, List<TrainingFrame> train,
                   List<TrainingFrame> validation, Options options, java.util.Set<String> frozen) {
        if (train.isEmpty()) throw new IllegalArgumentException("no training frames");
        if (validation.isEmpty()) throw new IllegalArgumentException("no validation frames");
        if (options.loss().forceHead().direct() && !initial.architecture().hasDirectForces())
            throw new IllegalArgumentException("force_head " + options.loss().forceHead().key() + " needs a model with a direct force head; "
                    + initial.architecture().family() + " models have none");
        this.model = new TapeExecutor(initial);
        this.forceScale = options.loss().unit(forceScale, TrainingStatistics.energyStd(train));
        this.train = List.copyOf(train);
        this.validation = List.copyOf(validation);
        this.options = options;
        double rMax = initial.architecture().cutoff();
        trainTypes = new int[train.size()][];
        trainGraphs = new Graph[train.size()];
        for (int i = 0; i < train.size(); i++) {
            trainTypes[i] = types(train.get(i));
            trainGraphs[i] = Graph.of(trainTypes[i], train.get(i).edges(train.get(i).positions(), rMax));
        }
        for (TrainingFrame f : validation) types(f);
        for (String name : frozen)
            if (!model.trainableParameters().containsKey(name))
                throw new IllegalArgumentException("cannot freeze '" + name + "': not a trainable parameter of this " + initial.architecture().family() + " model");
        List<Tensor> list = new ArrayList<>();
        List<String> names = new ArrayList<>();
        model.trainableParameters().forEach((name, t) -> { if (!frozen.contains(name)) { list.add(t); names.add(name); } });
        optimized = List.copyOf(names);
        if (list.isEmpty()) throw new IllegalArgumentException("every trainable parameter is frozen: nothing to train");
        params = list.toArray(new Tensor[0]);
        optimizer = new Adam(list, options.optimizer());
        ema = options.emaDecay() > 0 ? new ExponentialMovingAverage(list, options.emaDecay(), true) : null;
        plateau = new ReduceLrOnPlateau(options.plateauFactor(), options.plateauPatience(), options.plateauThreshold(), 0, 0);
        step = new TrainingStep(list, optimizer, options.warmupSteps() > 0 ? new LinearWarmup(options.warmupSteps()) : null, ema,
                options.maxGradientNorm());
        pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "md-train");
            t.setDaemon(true);
            return t;
        });
    }

    public void setListener(Listener l) { listener = l == null ? new Listener() {} : l; }

    public int epoch() { return epoch; }
    public boolean finished() { return stopReason != null; }
    public String stopReason() { return stopReason; }
    public double bestValidationLoss() { return bestValidationLoss; }
    public int bestEpoch() { return bestEpoch; }
    public double trainingSeconds() { return trainingSeconds; }
    public TapeExecutor model() { return model; }
    /** The names of the parameters being trained (the trainable ones not frozen), in optimizer order. */
    public List<String> optimized() { return optimized; }
    public Options options() { return options; }

    /** One pass over the training frames followed by validation and the schedulers. */
    public EpochReport runEpoch() {
        if (finished()) throw new IllegalStateException("training has stopped: " + stopReason);
        long t0 = System.nanoTime();
        epoch++;
        int[] order = shuffledOrder(epoch);
        int batches = (order.length + options.batchSize() - 1) / options.batchSize();
        double lossSum = 0, eSum = 0, fSum = 0, qSum = 0, sSum = 0;
        int taken = 0, skipped = 0;
        for (int b = 0; b < batches; b++) {
            int[] idx = Arrays.copyOfRange(order, b * options.batchSize(), Math.min(order.length, (b + 1) * options.batchSize()));
            double[] parts = new double[4];
            TrainingStep.Result r = trainBatch(idx, parts);
            if (r.skipped()) {
                skipped++;
                listener.stepSkipped(epoch, b + 1, r);
            } else {
                lossSum += r.loss();
                eSum += parts[0];
                fSum += parts[1];
                qSum += parts[2];
                sSum += parts[3];
                taken++;
            }
            listener.batchDone(epoch, b + 1, batches, r.loss());
        }
        Validation val = validate();
        // PyTorch's StepLR (stepped once per epoch) when a step schedule is set, else ReduceLROnPlateau on the validation loss
        double lr = options.stepLrEpochs() > 0
                ? (epoch % options.stepLrEpochs() == 0 ? step.baseLearningRate() * options.stepLrGamma() : step.baseLearningRate())
                : plateau.step(val.loss(), step.baseLearningRate());
        step.setBaseLearningRate(lr);
        boolean improved = val.loss() < bestValidationLoss;
        if (improved) {
            bestValidationLoss = val.loss();
            bestEpoch = epoch;
            epochsSinceImprovement = 0;
        } else {
            epochsSinceImprovement++;
        }
        lastEpochSeconds = (System.nanoTime() - t0) * 1e-9;
        trainingSeconds += lastEpochSeconds;
        stopReason = stopReason(lr);
        double n = Math.max(taken, 1);
        return new EpochReport(epoch, taken == 0 ? Double.NaN : lossSum / n, eSum / n, fSum / n, qSum / n, skipped, lr, val,
                improved, lastEpochSeconds, stopReason, sSum / n);
    }

    private String stopReason(double lr) {
        String reason = limitReached(lr);
        if (reason != null) return reason;
        double elapsed = (System.nanoTime() - startNanos) * 1e-9;
        if (elapsed + lastEpochSeconds > options.maxWallSeconds()) return STOP_WALL_CLOCK;
        return null;
    }

    /** The stop conditions that do not depend on the clock. */
    private String limitReached(double lr) {
        if (epoch >= options.maxEpochs()) return STOP_MAX_EPOCHS;
        if (epochsSinceImprovement >= options.earlyStoppingPatience()) return STOP_PATIENCE;
        if (lr < options.learningRateFloor()) return STOP_LR_FLOOR;
        return null;
    }

    private int[] shuffledOrder(int e) {
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Random rng = new Random(mix(options.seed(), e, 0));
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        return order;
    }

    /** A seed from (seed, epoch, frame) that differs for every combination (SplitMix64 finaliser). */
    static long mix(long seed, long epoch, long frame) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + frame * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private TrainingStep.Result trainBatch(int[] idx, double[] parts) {
        List<TrainingFrame> batch = new ArrayList<>(idx.length);
        for (int i : idx) batch.add(train.get(i));
        BatchLoss.Counts counts = BatchLoss.Counts.of(batch);
        List<Future<BatchLoss.FrameResult>> futures = new ArrayList<>(idx.length);
        for (int i : idx) {
            int frame = i;
            futures.add(pool.submit(() -> BatchLoss.frame(model, params, train.get(frame), trainTypes[frame], trainGraphs[frame], counts,
                    options.loss(), forceScale, new Random(mix(options.seed(), epoch, frame + 1)))));
        }
        double loss = 0;
        Tensor[] grads = null;
        for (Future<BatchLoss.FrameResult> f : futures) {
            BatchLoss.FrameResult r = Parallel.join(f);
            loss += r.loss();
            parts[0] += r.energyPart();
            parts[1] += r.forcePart();
            parts[2] += r.equilibriumPart();
            parts[3] += r.stressPart();
            if (grads == null) {
                grads = new Tensor[params.length];
                for (int k = 0; k < params.length; k++) grads[k] = Tensor.of(r.gradients()[k].data().clone(), params[k].shape());
            } else {
                for (int k = 0; k < params.length; k++) {
                    double[] acc = grads[k].data(), g = r.gradients()[k].data();
                    for (int j = 0; j < acc.length; j++) acc[j] += g[j];
                }
            }
        }
        return step.apply(loss, grads);
    }

    /**
     * Validation loss and errors of the current (EMA when enabled) weights, for the force head(s) the loss
     * trains ({@link LossWeights#forceHead()}): the loss's terms without denoising, on the MD executor.
     */
    public Validation validate() {
        LearnedModel m = exportModel();
        ForceHead head = options.loss().forceHead();
        List<ModelEvaluation.Prediction> p = ModelEvaluation.predict(m, validation, pool, options.threads(), head);
        ErrorMetrics errors = new ErrorMetrics();
        LossWeights w = options.loss();
        LossWeights.Form form = w.form();
        boolean pooled = form == LossWeights.Form.NEQUIP;
        double eSq = 0, fSq = 0, zSq = 0, sSq = 0;
        int eN = 0, fN = 0, zN = 0, sN = 0;
        for (int i = 0; i < validation.size(); i++) {
            TrainingFrame f = validation.get(i);
            ModelEvaluation.Prediction pr = p.get(i);
            errors.add(f, pr);
            if (f.trainsEnergy()) {
                double d = (pr.energyEv() - f.energyEv()) / ((form.totalEnergy() ? 1 : f.size()) * forceScale);
                eSq += d * d;
                eN++;
            }
            if (f.trainsStress() && pr.stressEvPerA3() != null) {
                for (int c = 0; c < 9; c++) {
                    double d = (pr.stressEvPerA3()[c] - f.stressEvPerA3()[c]) / forceScale;
                    sSq += d * d;
                }
                sN += 9;
            }
            if (f.trainsForces()) fN += pooled ? 3 * f.size() : 1;
            else zN += 3 * f.size();
            for (double[] predicted : new double[][] {pr.forcesEvPerA(), pr.directForcesEvPerA()}) {
                if (predicted == null) continue;
                double sq = 0;
                for (int c = 0; c < predicted.length; c++) {
                    double d = (predicted[c] - (f.trainsForces() ? f.forcesEvPerA()[c] : 0)) / forceScale;
                    sq += d * d;
                }
                if (!f.trainsForces()) zSq += sq;
                else fSq += pooled ? sq : sq * form.perFrameForceWeight(f.size());
            }
        }
        double loss = (eN > 0 ? w.energyPerAtom() * eSq / eN : 0) + (fN > 0 ? w.forces() * fSq / fN : 0) + (zN > 0 ? w.zeroForce() * zSq / zN : 0)
                + (sN > 0 ? w.stress() * sSq / sN : 0);
        return new Validation(loss, errors);
    }

    /** The model with the weights validation uses (the EMA averages when enabled). */
    public LearnedModel exportModel() {
        if (ema != null) ema.swap();
        try {
            return model.snapshot();
        } finally {
            if (ema != null) ema.swap();
        }
    }

    public State state() {
        Map<String, double[]> p = new LinkedHashMap<>();
        model.trainableParameters().forEach((k, t) -> p.put(k, t.data().clone()));
        double[][] averages = null;
        if (ema != null) {
            averages = new double[params.length][];
            for (int k = 0; k < params.length; k++) averages[k] = ema.average(k);
        }
        return new State(epoch, p, optimizer.state(), ema == null ? 0 : ema.updates(), averages, plateau.best(), plateau.badEvaluations(),
                plateau.cooldownLeft(), step.baseLearningRate(), step.skippedSteps(), bestValidationLoss, bestEpoch, epochsSinceImprovement,
                trainingSeconds, stopReason);
    }

    /**
     * Continues from {@code s} (taken from a trainer of the same model shape). Whether training is
     * finished is decided again with this trainer's options (e.g. more epochs, or a new wall-clock
     * allowance: the limit applies to each invocation).
     */
    public void restore(State s) {
        Map<String, Tensor> live = model.trainableParameters();
        if (!live.keySet().equals(s.parameters().keySet()))
            throw new IllegalArgumentException("checkpoint parameters " + s.parameters().keySet() + " do not match the model's " + live.keySet());
        for (Map.Entry<String, Tensor> e : live.entrySet()) {
            double[] src = s.parameters().get(e.getKey()), dst = e.getValue().data();
            if (src.length != dst.length) throw new IllegalArgumentException("checkpoint parameter '" + e.getKey() + "' has " + src.length + " values, the model " + dst.length);
            System.arraycopy(src, 0, dst, 0, dst.length);
        }
        optimizer.restore(s.optimizer());
        if (ema != null) {
            if (s.emaAverages() == null) throw new IllegalArgumentException("the checkpoint has no EMA averages but EMA is enabled");
            ema.restore(s.emaUpdates(), s.emaAverages());
        }
        plateau.restore(s.plateauBest(), s.plateauBad(), s.plateauCooldown());
        step.setBaseLearningRate(s.baseLearningRate());
        step.setSkippedSteps(s.skippedSteps());
        epoch = s.epoch();
        bestValidationLoss = s.bestValidationLoss();
        bestEpoch = s.bestEpoch();
        epochsSinceImprovement = s.epochsSinceImprovement();
        trainingSeconds = s.trainingSeconds();
        stopReason = limitReached(s.baseLearningRate());
    }

    private int[] types(TrainingFrame f) {
        int[] t = new int[f.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = model.model().typeOf(f.atomicNumbers()[i]);
            if (t[i] < 0) throw new IllegalArgumentException("a frame of '" + f.group() + "' has element Z=" + f.atomicNumbers()[i]
                    + ", which is not among the model's species " + Arrays.toString(model.model().atomicNumbers()));
        }
        return t;
    }

    @Override public void close() { pool.shutdownNow(); }
}
