package md.analysis;

import java.util.Arrays;

import md.core.Cell;
import md.core.Elements;

/**
 * A trajectory as the analysis functions see it: positions of every saved frame ({@code positions[frame]}
 * is {@code x0, y0, z0, x1, ...} in Å), atomic numbers, one fixed cell ({@link Cell#NONE} for a molecule in
 * vacuum) and the time of every frame in ps. The arrays are shared, not copied: callers must not modify
 * them while an analysis runs.
 */
public record Frames(double[][] positions, int[] atomicNumbers, Cell cell, double[] timesPs) {

    public Frames {
        if (positions.length == 0) throw new IllegalArgumentException("a trajectory needs at least one frame");
        if (timesPs.length != positions.length)
            throw new IllegalArgumentException(positions.length + " frames but " + timesPs.length + " frame times");
        int n = atomicNumbers.length;
        for (int f = 0; f < positions.length; f++)
            if (positions[f].length != 3 * n)
                throw new IllegalArgumentException("frame " + f + " has " + positions[f].length + " coordinates; expected 3 x " + n + " atoms");
        for (int z : atomicNumbers) Elements.symbol(z);
        for (int f = 1; f < timesPs.length; f++)
            if (!(timesPs[f] > timesPs[f - 1]))
                throw new IllegalArgumentException("frame times must increase; frame " + f + " is at " + timesPs[f] + " ps after " + timesPs[f - 1] + " ps");
    }

    /** Frames saved every {@code frameIntervalPs}, the first at time 0. */
    public static Frames evenlySpaced(double[][] positions, int[] atomicNumbers, Cell cell, double frameIntervalPs) {
        if (!(frameIntervalPs > 0)) throw new IllegalArgumentException("frame interval must be positive, got " + frameIntervalPs + " ps");
        double[] t = new double[positions.length];
        for (int i = 0; i < t.length; i++) t[i] = i * frameIntervalPs;
        return new Frames(positions, atomicNumbers, cell, t);
    }

    public int count() { return positions.length; }

    public int atoms() { return atomicNumbers.length; }

    /** Frames {@code from} (inclusive) to {@code to} (exclusive), sharing the arrays. */
    public Frames range(int from, int to) {
        if (from < 0 || to > count() || from >= to)
            throw new IllegalArgumentException("frame range [" + from + ", " + to + ") is empty or outside the " + count() + " frames");
        return new Frames(Arrays.copyOfRange(positions, from, to), atomicNumbers, cell, Arrays.copyOfRange(timesPs, from, to));
    }

    /** Time from the first frame to frame {@code frame}, ps. */
    public double elapsedPs(int frame) { return timesPs[frame] - timesPs[0]; }

    /** Median spacing of the frame times (robust to one irregular gap), ps; 0 for a single frame. */
    public double frameIntervalPs() {
        if (count() < 2) return 0;
        double[] d = new double[count() - 1];
        for (int i = 0; i < d.length; i++) d[i] = timesPs[i + 1] - timesPs[i];
        Arrays.sort(d);
        return d[d.length / 2];
    }

    /** Distinct atomic numbers, ascending. */
    public int[] species() { return Arrays.stream(atomicNumbers).distinct().sorted().toArray(); }
}
