package md.analysis;

import java.util.Arrays;

/**
 * Values on {@code bins} equal-width bins over {@code [lo, hi]}, binned exactly like NumPy's
 * {@code np.histogram(x, np.linspace(lo, hi, bins + 1))}: bin k holds {@code edge[k] <= x < edge[k+1]},
 * the last bin also holds {@code x == hi}, values outside {@code [lo, hi]} are dropped. The benchmark
 * codes use {@code lo = 1e-6} so that the zero self-distances fall outside.
 */
public record Histogram(double lo, double hi, double[] values) {

    public Histogram {
        if (!(hi > lo) || values.length == 0) throw new IllegalArgumentException("histogram needs hi > lo and at least one bin");
    }

    public int bins() { return values.length; }

    /** The {@code bins + 1} edges, computed like {@code np.linspace} (last edge exactly {@code hi}). */
    public double[] edges() { return edges(lo, hi, values.length); }

    static double[] edges(double lo, double hi, int bins) {
        double[] e = new double[bins + 1];
        double step = (hi - lo) / bins;
        for (int i = 0; i < bins; i++) e[i] = lo + i * step;
        e[bins] = hi;
        return e;
    }

    /** Bin centres (for plots). */
    public double[] centres() {
        double[] e = edges(), c = new double[values.length];
        for (int i = 0; i < c.length; i++) c[i] = 0.5 * (e[i] + e[i + 1]);
        return c;
    }

    /**
     * The benchmark's distribution error (Fu et al., {@code mae(x, y, xlim)}): the mean absolute difference
     * over the bins times the range end, {@code hi * mean_k |this_k - ref_k|}, which is the L1 distance
     * {@code ∫|this(r) - ref(r)| dr} up to the 1e-6 Å offset of the first edge. For two normalised
     * densities it lies in [0, 2].
     */
    public double mae(Histogram reference) {
        if (reference.bins() != bins() || reference.lo != lo || reference.hi != hi)
            throw new IllegalArgumentException("histograms have different bins: [" + lo + ", " + hi + "]/" + bins()
                    + " vs [" + reference.lo + ", " + reference.hi + "]/" + reference.bins());
        double s = 0;
        for (int i = 0; i < values.length; i++) s += Math.abs(values[i] - reference.values[i]);
        return s / values.length * hi;
    }

    /**
     * Accumulates counts into integer bins; {@link #binOf} gives NumPy's bin of a value.
     */
    static final class Counter {
        final double lo, hi;
        final double[] edges;
        final long[] counts;
        private final double scale;

        Counter(double lo, double hi, int bins) {
            if (!(hi > lo) || bins < 1) throw new IllegalArgumentException("histogram needs hi > lo and bins >= 1, got [" + lo + ", " + hi + "] with " + bins);
            this.lo = lo;
            this.hi = hi;
            this.edges = edges(lo, hi, bins);
            this.counts = new long[bins];
            this.scale = bins / (hi - lo);
        }

        /** NumPy's bin index of {@code x}, or -1 when outside {@code [lo, hi]}. */
        int binOf(double x) {
            if (!(x >= lo && x <= hi)) return -1;
            int n = counts.length;
            int k = (int) ((x - lo) * scale);
            if (k >= n) k = n - 1;
            // The scaled index can be off by one near an edge; the edges decide, as in np.histogram.
            if (x < edges[k]) k--;
            else if (k < n - 1 && x >= edges[k + 1]) k++;
            return k;
        }

        void add(double x) {
            int k = binOf(x);
            if (k >= 0) counts[k]++;
        }

        /** Probability density ({@code np.histogram(..., density=True)}): counts / (total * bin width). */
        Histogram density() {
            double total = Arrays.stream(counts).sum();
            double[] v = new double[counts.length];
            if (total > 0) for (int i = 0; i < v.length; i++) v[i] = counts[i] / (total * (edges[i + 1] - edges[i]));
            return new Histogram(lo, hi, v);
        }
    }
}
