package md.analysis;

import java.util.Arrays;
import java.util.List;

/**
 * Stability by the bond-length criterion of Fu et al. (their {@code load_run} for MD17 and alanine
 * dipeptide): bonds are found on the first frame of the simulated trajectory ({@link Bonds}); the
 * reference length of each bond is its mean over the reference data; the run <em>collapses</em> at the
 * first saved frame k where some bond deviates from its reference length by more than the threshold
 * (0.5 Å in the benchmark). Stability is the simulated time until that frame, {@code t_k - t_0}; a run
 * that never collapses is stable for its whole length {@code t_last - t_0}.
 *
 * <p>The benchmark's loop never tests the last saved frame (an off-by-one there); here every frame is
 * tested, which can only differ when the collapse happens exactly in the last frame.
 */
public final class BondStability {
    private BondStability() {}

    public static final double DEFAULT_THRESHOLD_ANGSTROM = 0.5;

    /**
     * @param bonds             the bonds that were checked
     * @param referenceLengths  mean reference length of each bond, Å
     * @param maxDeviation      per frame, max over bonds of |length - reference length|, Å
     * @param worstBond         per frame, the index (into {@code bonds}) of the bond that deviates most
     * @param collapseFrame     first frame above the threshold, or -1 when the run stayed stable
     */
    public record Result(List<Bonds.Bond> bonds, double[] referenceLengths, double[] maxDeviation, int[] worstBond,
                         double thresholdAngstrom, int collapseFrame, double stabilityPs) {
        public boolean collapsed() { return collapseFrame >= 0; }

        /** Frames the benchmark uses for h(r): up to and including the collapse frame (all when stable). */
        public int framesBeforeCollapse() { return collapsed() ? collapseFrame + 1 : maxDeviation.length; }
    }

    /** The criterion with bonds from the run's first frame and reference lengths averaged over {@code reference}. */
    public static Result evaluate(Frames run, Frames reference, double thresholdAngstrom) {
        if (!Arrays.equals(run.atomicNumbers(), reference.atomicNumbers()))
            throw new IllegalArgumentException("the reference has atoms " + Arrays.toString(reference.atomicNumbers())
                    + " but the trajectory has " + Arrays.toString(run.atomicNumbers()) + "; they must list the same atoms in the same order");
        List<Bonds.Bond> bonds = Bonds.naturalCutoffs(run.positions()[0], run.atomicNumbers(), run.cell());
        return evaluate(run, bonds, Bonds.meanLengths(reference, bonds), thresholdAngstrom);
    }

    public static Result evaluate(Frames run, List<Bonds.Bond> bonds, double[] referenceLengths, double thresholdAngstrom) {
        if (!(thresholdAngstrom > 0)) throw new IllegalArgumentException("bond deviation threshold must be positive, got " + thresholdAngstrom + " Å");
        if (referenceLengths.length != bonds.size()) throw new IllegalArgumentException(bonds.size() + " bonds but " + referenceLengths.length + " reference lengths");
        var images = MinimumImage.perFrame(run);
        int frames = run.count();
        double[] maxDev = new double[frames];
        int[] worst = new int[frames];
        int collapse = -1;
        for (int f = 0; f < frames; f++) {
            double[] len = Bonds.lengths(run.positions()[f], bonds, images.apply(f));
            double m = 0;
            int w = -1;
            for (int b = 0; b < len.length; b++) {
                double dev = Math.abs(len[b] - referenceLengths[b]);
                // NaN positions (an exploded run) count as collapsed.
                if (dev > m || Double.isNaN(dev)) { m = Double.isNaN(dev) ? Double.POSITIVE_INFINITY : dev; w = b; }
            }
            maxDev[f] = m;
            worst[f] = w;
            if (collapse < 0 && m > thresholdAngstrom) collapse = f;
        }
        double stability = run.elapsedPs(collapse >= 0 ? collapse : frames - 1);
        return new Result(List.copyOf(bonds), referenceLengths.clone(), maxDev, worst, thresholdAngstrom, collapse, stability);
    }
}
