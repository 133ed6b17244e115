package md.engine.neighbors;

import java.util.Arrays;

import md.core.Cell;

/**
 * One build of a half neighbour list by cell (bin) lists, for any cell: none (isolated molecule),
 * orthorhombic or triclinic, periodic in any subset of directions, and cells narrower than the
 * list cutoff (then an atom meets several images of a partner, or images of itself).
 *
 * <p>Atoms are binned by fractional coordinates (wrapped into [0, 1) along periodic directions). Bins
 * are at least {@code rlist} wide measured perpendicular to the cell faces, so a partner within
 * {@code rlist} lies at most {@code ceil(rlist / binWidth)} bins away along each lattice direction:
 * two points at distance d differ in fractional coordinate k by at most d / width_k. Along a periodic
 * direction each bin offset maps to one (bin, image) combination, so every ordered (i, j, image) is
 * visited exactly once; the half list keeps i &lt; j, and for i == j the lexicographically positive
 * image (the negative one is the same pair seen from the other end).
 *
 * <p>Output shifts are Cartesian lattice translations for the caller's unwrapped positions:
 * {@code x[j] + shift - x[i]} is the pair vector. Buffers are reused between builds.
 */
final class CellListBuilder {
    /** More bins than this many per atom only cost memory and empty-bin loops. */
    private static final int MAX_BINS_PER_ATOM = 2;
    /** Bin offsets searched per bin; beyond this a cell is so small for the cutoff that it is surely a mistake. */
    private static final long MAX_STENCIL = 1_000_000;

    int[] first = new int[0];
    int[] second = new int[0];
    double[] shift = new double[0];
    int pairCount;

    private double[] wrapped = new double[0];     // Cartesian positions after wrapping periodic directions
    private double[] atomOffset = new double[0];  // x_i - wrapped_i, a lattice translation
    private int[] binOfAtom = new int[0];
    private int[] binStart = new int[0];
    private int[] atomsByBin = new int[0];

    // Per build: bins along each lattice direction, bin offsets searched, and the bounds of the binned coordinates
    private final int[] bins = new int[3];
    private final int[] reach = new int[3];
    private final double[] lo = new double[3];
    private final double[] hi = new double[3];
    private double[] frac = new double[0];        // fractional coordinates (Cartesian without a cell), wrapped
    private final int[] src = new int[3], dst = new int[3], img = new int[3];   // bin indices and image of one bin offset
    // The neighbouring bins of one source bin: atom ranges in atomsByBin, image shifts, whether the image is positive
    private int[] nbBegin = new int[0];
    private int[] nbEnd = new int[0];
    private double[] nbShift = new double[0];
    private boolean[] nbPositive = new boolean[0];

    // The build is split into small methods on purpose: as one 150-line method of nine nested loops it took C2
    // up to 1.3 s to compile, and again after every deoptimisation (a new cell shape or periodicity), on the
    // compiler thread every other method of a starting run waits for.
    void build(double[] x, int n, Cell cell, double rlist) {
        if (!(rlist >= 0) || !Double.isFinite(rlist)) throw new IllegalArgumentException("neighbour-list cutoff must be zero or positive and finite, got " + rlist);
        if (rlist == 0) { pairCount = 0; return; }   // force fields without pair terms (bonded only)
        boolean usesCell = cell.isPeriodic();
        double[] lattice = usesCell ? cell.vectors() : new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
        boolean[] pbc = usesCell ? cell.pbc() : new boolean[3];
        double[] widths = usesCell ? cell.perpendicularWidths() : new double[] {1, 1, 1};
        ensureAtomCapacity(n);
        wrap(x, n, usesCell ? cell : null, lattice, pbc);
        if (n == 0) { pairCount = 0; return; }
        chooseBins(n, rlist, pbc, widths);
        int totalBins = sortByBin(n);

        if (first.length == 0) growPairs(Math.max(16, 64 * n));
        long stencilSize = (2L * reach[0] + 1) * (2L * reach[1] + 1) * (2L * reach[2] + 1);
        if (stencilSize > MAX_STENCIL)
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "neighbour-list cutoff %.3g Å spans %d periodic images of a cell only %.3g × %.3g × %.3g Å wide; the cell is far too small for this cutoff",
                    rlist, stencilSize, widths[0], widths[1], widths[2]));
        ensureStencilCapacity((int) stencilSize);
        // Pairs come out grouped by their first atom (all partners of i consecutive), which lets force
        // kernels keep the force on i in registers.
        double rlist2 = rlist * rlist;
        int count = 0;
        for (int srcBin = 0; srcBin < totalBins; srcBin++) {
            if (binStart[srcBin] == binStart[srcBin + 1]) continue;
            int m = neighbourBins(srcBin, pbc, lattice);
            count = pairsOfBin(binStart[srcBin], binStart[srcBin + 1], m, rlist2, count);
        }
        pairCount = count;
    }

    /**
     * Fractional coordinates (Cartesian when {@code cell} is null), wrapped into [0, 1) along periodic directions;
     * the wrapped Cartesian positions and each atom's offset x_i - wrapped_i; the bounds lo/hi of the coordinates
     * along non-periodic directions ([0, 1] along periodic ones).
     */
    private void wrap(double[] x, int n, Cell cell, double[] lattice, boolean[] pbc) {
        double[] s = new double[3];
        for (int k = 0; k < 3; k++) {
            lo[k] = pbc[k] ? 0 : Double.POSITIVE_INFINITY;
            hi[k] = pbc[k] ? 1 : Double.NEGATIVE_INFINITY;
        }
        for (int i = 0; i < n; i++) {
            if (cell != null) cell.toFractional(x, 3 * i, s);
            else { s[0] = x[3 * i]; s[1] = x[3 * i + 1]; s[2] = x[3 * i + 2]; }
            double ox = 0, oy = 0, oz = 0;
            for (int k = 0; k < 3; k++) {
                double v = s[k];
                if (!Double.isFinite(v)) throw new IllegalArgumentException("atom " + i + " has a non-finite position");
                if (pbc[k]) {
                    double f = Math.floor(v);
                    v -= f;
                    if (v >= 1.0) { v -= 1.0; f += 1.0; }  // rounding of tiny negatives
                    int image = (int) f;
                    ox += image * lattice[3 * k];
                    oy += image * lattice[3 * k + 1];
                    oz += image * lattice[3 * k + 2];
                } else {
                    lo[k] = Math.min(lo[k], v);
                    hi[k] = Math.max(hi[k], v);
                }
                frac[3 * i + k] = v;
            }
            atomOffset[3 * i] = ox; atomOffset[3 * i + 1] = oy; atomOffset[3 * i + 2] = oz;
            for (int c = 0; c < 3; c++)
                wrapped[3 * i + c] = frac[3 * i] * lattice[c] + frac[3 * i + 1] * lattice[3 + c] + frac[3 * i + 2] * lattice[6 + c];
        }
    }

    /** Bin counts (bins at least rlist wide, capped so sparse systems do not allocate huge grids) and the reach in bins. */
    private void chooseBins(int n, double rlist, boolean[] pbc, double[] widths) {
        double[] extent = new double[3];
        for (int k = 0; k < 3; k++) {
            extent[k] = (hi[k] - lo[k]) * widths[k];
            bins[k] = (int) Math.max(1, Math.min(1 << 20, Math.floor(extent[k] / rlist)));
        }
        long maxBins = Math.max(27L, (long) MAX_BINS_PER_ATOM * n);
        while ((long) bins[0] * bins[1] * bins[2] > maxBins) {
            int k = bins[0] >= bins[1] && bins[0] >= bins[2] ? 0 : bins[1] >= bins[2] ? 1 : 2;
            bins[k] = (bins[k] + 1) / 2;
        }
        for (int k = 0; k < 3; k++)
            reach[k] = pbc[k] || bins[k] > 1 ? (int) Math.ceil(rlist / (extent[k] / bins[k])) : 0;
    }

    /** Counting sort of the atoms by bin (binStart, atomsByBin); returns the number of bins. */
    private int sortByBin(int n) {
        int totalBins = bins[0] * bins[1] * bins[2];
        if (binStart.length < totalBins + 1) binStart = new int[totalBins + 1];
        Arrays.fill(binStart, 0, totalBins + 1, 0);
        for (int i = 0; i < n; i++) {
            int b = 0;
            for (int k = 0; k < 3; k++) {
                double span = hi[k] - lo[k];
                int bk = span > 0 ? (int) ((frac[3 * i + k] - lo[k]) / span * bins[k]) : 0;
                if (bk >= bins[k]) bk = bins[k] - 1;
                if (bk < 0) bk = 0;
                b = b * bins[k] + bk;
            }
            binOfAtom[i] = b;
            binStart[b + 1]++;
        }
        for (int b = 0; b < totalBins; b++) binStart[b + 1] += binStart[b];
        int[] fill = Arrays.copyOf(binStart, totalBins);
        for (int i = 0; i < n; i++) atomsByBin[fill[binOfAtom[i]]++] = i;
        return totalBins;
    }

    /** The non-empty bins within reach of bin srcBin, with their image shifts, into nbBegin..nbPositive; returns their count. */
    private int neighbourBins(int srcBin, boolean[] pbc, double[] lattice) {
        src[0] = srcBin / (bins[1] * bins[2]);
        src[1] = srcBin / bins[2] % bins[1];
        src[2] = srcBin % bins[2];
        int m = 0;
        for (int d0 = -reach[0]; d0 <= reach[0]; d0++)
        for (int d1 = -reach[1]; d1 <= reach[1]; d1++)
        for (int d2 = -reach[2]; d2 <= reach[2]; d2++) {
            if (!target(src, d0, d1, d2, bins, pbc, dst, img)) continue;
            int dstBin = (dst[0] * bins[1] + dst[1]) * bins[2] + dst[2];
            if (binStart[dstBin] == binStart[dstBin + 1]) continue;
            nbBegin[m] = binStart[dstBin];
            nbEnd[m] = binStart[dstBin + 1];
            nbPositive[m] = img[0] > 0 || (img[0] == 0 && (img[1] > 0 || (img[1] == 0 && img[2] > 0)));
            nbShift[3 * m] = img[0] * lattice[0] + img[1] * lattice[3] + img[2] * lattice[6];
            nbShift[3 * m + 1] = img[0] * lattice[1] + img[1] * lattice[4] + img[2] * lattice[7];
            nbShift[3 * m + 2] = img[0] * lattice[2] + img[1] * lattice[5] + img[2] * lattice[8];
            m++;
        }
        return m;
    }

    /** The pairs (i, j, shift) of the atoms of atomsByBin[srcBegin, srcEnd) with the m neighbouring bins; returns the new count. */
    private int pairsOfBin(int srcBegin, int srcEnd, int m, double rlist2, int count) {
        for (int a = srcBegin; a < srcEnd; a++) {
            int i = atomsByBin[a];
            for (int q = 0; q < m; q++) {
                double sx = nbShift[3 * q], sy = nbShift[3 * q + 1], sz = nbShift[3 * q + 2];
                double xi = wrapped[3 * i] - sx, yi = wrapped[3 * i + 1] - sy, zi = wrapped[3 * i + 2] - sz;
                boolean positiveImage = nbPositive[q];
                for (int b = nbBegin[q], end = nbEnd[q]; b < end; b++) {
                    int j = atomsByBin[b];
                    if (j < i || (j == i && !positiveImage)) continue;
                    double dx = wrapped[3 * j] - xi, dy = wrapped[3 * j + 1] - yi, dz = wrapped[3 * j + 2] - zi;
                    if (dx * dx + dy * dy + dz * dz > rlist2) continue;
                    if (count == first.length) growPairs(count + count / 2 + 16);
                    first[count] = i;
                    second[count] = j;
                    // wrapped_j + S - wrapped_i = x_j + (S + offset_i - offset_j) - x_i
                    shift[3 * count] = sx + atomOffset[3 * i] - atomOffset[3 * j];
                    shift[3 * count + 1] = sy + atomOffset[3 * i + 1] - atomOffset[3 * j + 1];
                    shift[3 * count + 2] = sz + atomOffset[3 * i + 2] - atomOffset[3 * j + 2];
                    count++;
                }
            }
        }
        return count;
    }

    /** Target bin and image of a bin offset; false when it leaves a non-periodic direction. */
    private static boolean target(int[] src, int d0, int d1, int d2, int[] bins, boolean[] pbc, int[] dst, int[] img) {
        int[] d = {d0, d1, d2};
        for (int k = 0; k < 3; k++) {
            int t = src[k] + d[k];
            if (pbc[k]) {
                img[k] = Math.floorDiv(t, bins[k]);
                dst[k] = Math.floorMod(t, bins[k]);
            } else {
                if (t < 0 || t >= bins[k]) return false;
                img[k] = 0;
                dst[k] = t;
            }
        }
        return true;
    }

    private void ensureAtomCapacity(int n) {
        if (wrapped.length < 3 * n) {
            wrapped = new double[3 * n];
            frac = new double[3 * n];
            atomOffset = new double[3 * n];
            binOfAtom = new int[n];
            atomsByBin = new int[n];
        }
    }

    private void ensureStencilCapacity(int stencil) {
        if (nbBegin.length < stencil) {
            nbBegin = new int[stencil];
            nbEnd = new int[stencil];
            nbShift = new double[3 * stencil];
            nbPositive = new boolean[stencil];
        }
    }

    private void growPairs(int capacity) {
        first = Arrays.copyOf(first, capacity);
        second = Arrays.copyOf(second, capacity);
        shift = Arrays.copyOf(shift, 3 * capacity);
    }
}
