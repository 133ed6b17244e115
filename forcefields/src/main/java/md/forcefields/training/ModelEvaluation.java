package md.forcefields.training;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import md.forcefields.NeighborList;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.PlanExecutor;

/**
 * Energies and forces of a learned model on labelled frames with the MD executor ({@link PlanExecutor}),
 * split into contiguous chunks over threads; the results do not depend on the thread count.
 */
public final class ModelEvaluation {
    private ModelEvaluation() {}

    /** One frame's predicted energy (eV) and forces (eV/Å, 3N). */
    public record Prediction(double energyEv, double[] forcesEvPerA) {}

    public static List<Prediction> predict(LearnedModel model, List<TrainingFrame> frames, ExecutorService pool, int threads) {
        int chunks = Math.max(1, Math.min(threads, frames.size()));
        List<Future<List<Prediction>>> parts = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) frames.size() * c / chunks), to = (int) ((long) frames.size() * (c + 1) / chunks);
            parts.add(pool.submit(() -> predict(model, frames.subList(from, to))));
        }
        List<Prediction> out = new ArrayList<>(frames.size());
        for (Future<List<Prediction>> f : parts) out.addAll(Parallel.join(f));
        return out;
    }

    /** Single-threaded. */
    public static List<Prediction> predict(LearnedModel model, List<TrainingFrame> frames) {
        PlanExecutor evaluator = new PlanExecutor(model);
        List<Prediction> out = new ArrayList<>(frames.size());
        for (TrainingFrame f : frames) {
            int[] types = types(model, f);
            double[] forces = new double[f.positions().length];
            double e = evaluator.compute(f.positions(), types, f.periodic() ? f.pairs(f.positions(), model.architecture().cutoff())
                    : NeighborList.allPairs(f.size(), model.architecture().cutoff()), forces, null, null);
            out.add(new Prediction(e, forces));
        }
        return out;
    }

    /** Errors of the model on the frames. */
    public static ErrorMetrics errors(LearnedModel model, List<TrainingFrame> frames, ExecutorService pool, int threads) {
        List<Prediction> p = predict(model, frames, pool, threads);
        ErrorMetrics m = new ErrorMetrics();
        for (int i = 0; i < frames.size(); i++) m.add(frames.get(i), p.get(i).energyEv(), p.get(i).forcesEvPerA());
        return m;
    }

    static int[] types(LearnedModel model, TrainingFrame f) {
        int[] t = new int[f.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = model.architecture().typeOf(f.atomicNumbers()[i]);
            if (t[i] < 0) throw new IllegalArgumentException("frame of group '" + f.group() + "' has element Z=" + f.atomicNumbers()[i] + ", which the model was not trained on");
        }
        return t;
    }
}
