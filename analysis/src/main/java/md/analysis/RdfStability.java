package md.analysis;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Stability of a liquid or solid by the RDF criterion of Fu et al. (their water and LiPS {@code load_run}):
 * the RDF is computed over a sliding window of {@code windowFrames} consecutive saved frames (1 ps in the
 * benchmark: 10 frames for water, 80 for LiPS), starting at frame 1, 2, ...; the run collapses at the
 * first window start i where the error {@link Histogram#mae} against the reference RDF exceeds the
 * threshold for any of the compared pair keys (element-resolved O-O, H-H, H-O with threshold 3.0 for
 * water; the total RDF with 1.0 for LiPS). The stability is the time of the last frame before that
 * window, {@code t_{i-1} - t_0} (the benchmark's {@code (collapse_pt - 1) · Δt}); a run where no window
 * fails is stable for {@code t_last - t_0}.
 *
 * <p>The benchmark's loop stops one window short of the end; here every full window is tested.
 */
public final class RdfStability {
    private RdfStability() {}

    /**
     * @param windowMaxMae   per window start i (index i, entry 0 unused = NaN), max error over the compared keys
     * @param collapseWindow first failing window start, or -1
     */
    public record Result(double[] windowMaxMae, double threshold, int windowFrames, int collapseWindow, double stabilityPs) {
        public boolean collapsed() { return collapseWindow >= 0; }

        /** Frames the benchmark then uses for the run's RDF: {@code [0, collapse start)} (all when stable). */
        public int framesBeforeCollapse() { return collapsed() ? collapseWindow : windowMaxMae.length; }
    }

    /**
     * @param reference RDFs of the reference data (same bins); only its keys are compared. Pass a map with
     *                  just {@link Rdf#ALL} for the total-RDF criterion.
     */
    public static Result evaluate(Frames run, Map<String, Histogram> reference, Rdf.Bins bins, int windowFrames, double threshold) {
        if (windowFrames < 1) throw new IllegalArgumentException("RDF window must hold at least one frame, got " + windowFrames);
        if (!(threshold > 0)) throw new IllegalArgumentException("RDF error threshold must be positive, got " + threshold);
        int frames = run.count();
        double[] windowMax = new double[frames];
        java.util.Arrays.fill(windowMax, Double.NaN);
        Rdf.Accumulator acc = new Rdf.Accumulator(run, bins);
        Deque<double[][]> window = new ArrayDeque<>();
        int collapse = -1;
        for (int next = 1; next < frames && collapse < 0; next++) {
            double[][] c = acc.countFrame(next);
            acc.add(c, 1);
            window.addLast(c);
            if (window.size() > windowFrames) acc.add(window.removeFirst(), -1);
            if (window.size() < windowFrames) continue;
            int start = next - windowFrames + 1;
            Map<String, Histogram> g = acc.normalise();
            double worst = 0;
            for (var e : reference.entrySet()) {
                Histogram h = g.get(e.getKey());
                if (h == null) throw new IllegalArgumentException("the trajectory has no '" + e.getKey() + "' pairs but the reference RDF has");
                double mae = h.mae(e.getValue());
                worst = Math.max(worst, Double.isNaN(mae) ? Double.POSITIVE_INFINITY : mae);
            }
            windowMax[start] = worst;
            if (worst > threshold) collapse = start;
        }
        double stability = run.elapsedPs(collapse >= 0 ? collapse - 1 : frames - 1);
        return new Result(windowMax, threshold, windowFrames, collapse, stability);
    }

    /** Window length in frames for a window duration, at least one frame. */
    public static int windowFrames(Frames run, double windowPs) {
        double dt = run.frameIntervalPs();
        return dt > 0 ? Math.max(1, (int) Math.round(windowPs / dt)) : 1;
    }
}
