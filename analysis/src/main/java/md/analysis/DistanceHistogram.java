package md.analysis;

/**
 * h(r), the distribution of interatomic distances used for molecules by Fu et al. ("Forces are not
 * enough", TMLR 2023; {@code get_hr} in their {@code observable.ipynb}):
 *
 * <pre>
 *   h(r) = normalised histogram of |r_i - r_j| over all pairs i != j of all frames,
 *          500 bins over [1e-6, 10] Å, np.histogram(..., density=True)
 * </pre>
 *
 * so that {@code ∫ h(r) dr = 1} over the range. The benchmark histograms {@code torch.cdist(traj, traj)},
 * i.e. every unordered pair twice and the zero self-distances (which fall below the first edge); counting
 * each unordered pair once gives the same density. Distances are plain (no cell), as for the benchmark's
 * MD17 molecules; a periodic cell, when given, uses minimum images. The h(r) error is
 * {@link Histogram#mae}: {@code 10 Å × mean_k |h_pred - h_ref|}, in [0, 2].
 */
public final class DistanceHistogram {
    private DistanceHistogram() {}

    public static final double DEFAULT_R_MIN = 1e-6;
    public static final double DEFAULT_R_MAX = 10.0;
    public static final int DEFAULT_BINS = 500;

    /** h(r) with the benchmark's bins. */
    public static Histogram of(Frames frames) {
        return of(frames, DEFAULT_R_MIN, DEFAULT_R_MAX, DEFAULT_BINS);
    }

    public static Histogram of(Frames frames, double rMin, double rMax, int bins) {
        Histogram.Counter counter = new Histogram.Counter(rMin, rMax, bins);
        var images = MinimumImage.perFrame(frames);
        double[] d = new double[3];
        int n = frames.atoms();
        for (int f = 0; f < frames.count(); f++) {
            double[] x = frames.positions()[f];
            MinimumImage mic = images.apply(f);
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) counter.add(Math.sqrt(mic.displacement(x, i, j, d)));
        }
        return counter.density();
    }
}
