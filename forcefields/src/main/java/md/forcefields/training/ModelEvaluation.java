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

    /**
     * One frame's predicted energy (eV), conservative forces −∂E/∂R (eV/Å, 3N), the direct force head's
     * output (eV/Å, 3N) and the stress σ = −W/V (eV/Å³, 9 row-major, ASE's sign; for frames with a stress label
     * when the conservative head is evaluated); each is null when it was not computed.
     */
    public record Prediction(double energyEv, double[] forcesEvPerA, double[] directForcesEvPerA, double[] stressEvPerA3) {
        public Prediction(double energyEv, double[] forcesEvPerA) { this(energyEv, forcesEvPerA, null, null); }
    }

    public static List<Prediction> predict(LearnedModel model, List<TrainingFrame> frames, ExecutorService pool, int threads) {
        return predict(model, frames, pool, threads, ForceHead.CONSERVATIVE);
    }

    /** As above, with the force head(s) {@code heads} (the direct head needs a model that has one). */
    public static List<Prediction> predict(LearnedModel model, List<TrainingFrame> frames, ExecutorService pool, int threads, ForceHead heads) {
        int chunks = Math.max(1, Math.min(threads, frames.size()));
        List<Future<List<Prediction>>> parts = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) frames.size() * c / chunks), to = (int) ((long) frames.size() * (c + 1) / chunks);
            parts.add(pool.submit(() -> predict(model, frames.subList(from, to), heads)));
        }
        List<Prediction> out = new ArrayList<>(frames.size());
        for (Future<List<Prediction>> f : parts) out.addAll(Parallel.join(f));
        return out;
    }

    /** Single-threaded. */
    public static List<Prediction> predict(LearnedModel model, List<TrainingFrame> frames) {
        return predict(model, frames, ForceHead.CONSERVATIVE);
    }

    /** Single-threaded, with the force head(s) {@code heads}: the direct head runs on a plan of its own (forward only). */
    public static List<Prediction> predict(LearnedModel model, List<TrainingFrame> frames, ForceHead heads) {
        if (heads.direct() && !model.architecture().hasDirectForces())
            throw new IllegalArgumentException(model.architecture().family() + " models have no direct force head");
        try (PlanExecutor conservative = heads.conservative() ? new PlanExecutor(model) : null;
             PlanExecutor direct = heads.direct() ? new PlanExecutor(model, 1, true) : null) {
            List<Prediction> out = new ArrayList<>(frames.size());
            for (TrainingFrame f : frames) {
                int[] types = types(model, f);
                NeighborList pairs = f.periodic() ? f.pairs(f.positions(), model.architecture().cutoff())
                        : NeighborList.allPairs(f.size(), model.architecture().cutoff());
                double[] forces = null, directForces = null, stress = null;
                double e = Double.NaN;
                if (conservative != null) {
                    forces = new double[f.positions().length];
                    double[] virial = f.stressEvPerA3() != null ? new double[9] : null;
                    e = conservative.compute(f.positions(), types, pairs, forces, virial, null);
                    if (virial != null) {
                        stress = new double[9];
                        double v = f.cell().volume();
                        for (int c = 0; c < 9; c++) stress[c] = -virial[c] / v;
                    }
                }
                if (direct != null) {
                    directForces = new double[f.positions().length];
                    double ed = direct.compute(f.positions(), types, pairs, directForces, null, null);
                    if (conservative == null) e = ed;
                }
                out.add(new Prediction(e, forces, directForces, stress));
            }
            return out;
        }
    }

    /** Errors of the model on the frames. */
    public static ErrorMetrics errors(LearnedModel model, List<TrainingFrame> frames, ExecutorService pool, int threads) {
        return errors(model, frames, pool, threads, ForceHead.CONSERVATIVE);
    }

    /** Errors of the model's force head(s) {@code heads} (and energies) on the frames. */
    public static ErrorMetrics errors(LearnedModel model, List<TrainingFrame> frames, ExecutorService pool, int threads, ForceHead heads) {
        List<Prediction> p = predict(model, frames, pool, threads, heads);
        ErrorMetrics m = new ErrorMetrics();
        for (int i = 0; i < frames.size(); i++) m.add(frames.get(i), p.get(i));
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
