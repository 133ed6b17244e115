package md.integrators;

/**
 * Mean of a correlated time series with its standard error from block averaging (Flyvbjerg and
 * Petersen, J. Chem. Phys. 91, 461 (1989)): with blocks much longer than the correlation time, block
 * means are independent and their spread gives the error of the overall mean.
 */
record BlockStatistics(double mean, double standardError) {

    static BlockStatistics of(double[] series, int blocks) {
        int len = series.length / blocks;
        double[] means = new double[blocks];
        double total = 0.0;
        for (int b = 0; b < blocks; b++) {
            double s = 0.0;
            for (int i = b * len; i < (b + 1) * len; i++) s += series[i];
            means[b] = s / len;
            total += means[b];
        }
        double mean = total / blocks, ss = 0.0;
        for (double m : means) ss += (m - mean) * (m - mean);
        return new BlockStatistics(mean, Math.sqrt(ss / ((double) blocks * (blocks - 1))));
    }

    /** How many standard errors {@code expected} lies from the mean. */
    double zScore(double expected) { return Math.abs(mean - expected) / standardError; }

    @Override public String toString() { return String.format("%.6g ± %.2g", mean, standardError); }
}
