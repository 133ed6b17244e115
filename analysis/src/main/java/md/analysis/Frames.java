package md.analysis;

import java.util.Arrays;

import md.core.Cell;
import md.core.Elements;

/**
 * A trajectory as the analysis functions see it: positions of every saved frame ({@code positions[frame]}
 * is {@code x0, y0, z0, x1, ...} in Å), atomic numbers, the cell ({@link Cell#NONE} for a molecule in
 * vacuum) and the time of every frame in ps. The cell is either one fixed cell ({@code frameCells} null:
 * NVE/NVT) or one per frame ({@code frameCells}, e.g. an NPT run's; {@code cell} is then the first frame's).
 * Every observable uses each frame's own cell ({@link #cell(int)}). The arrays are shared, not copied:
 * callers must not modify them while an analysis runs.
 */
public record Frames(double[][] positions, int[] atomicNumbers, Cell cell, double[] timesPs, Cell[] frameCells) {

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
        if (frameCells != null) {
            if (frameCells.length != positions.length)
                throw new IllegalArgumentException(positions.length + " frames but " + frameCells.length + " frame cells");
            for (int f = 1; f < frameCells.length; f++)
                if (!Arrays.equals(frameCells[f].pbc(), frameCells[0].pbc()))
                    throw new IllegalArgumentException("frame " + f + " is periodic along " + Arrays.toString(frameCells[f].pbc())
                            + " but frame 0 along " + Arrays.toString(frameCells[0].pbc()) + "; a trajectory must keep its periodicity");
            cell = frameCells[0];
            // one cell for all frames is a fixed cell: every observable then runs exactly as for NVE/NVT
            boolean changes = false;
            for (int f = 1; f < frameCells.length && !changes; f++) changes = !Arrays.equals(frameCells[f].vectors(), cell.vectors());
            if (!changes) frameCells = null;
        }
    }

    /** Frames in one fixed cell. */
    public Frames(double[][] positions, int[] atomicNumbers, Cell cell, double[] timesPs) {
        this(positions, atomicNumbers, cell, timesPs, null);
    }

    /** Frames each in its own cell ({@code cells[f]} for frame f; equal cells give a fixed-cell trajectory). */
    public static Frames withFrameCells(double[][] positions, int[] atomicNumbers, Cell[] cells, double[] timesPs) {
        if (cells.length == 0) throw new IllegalArgumentException("a trajectory needs at least one frame");
        return new Frames(positions, atomicNumbers, cells[0], timesPs, cells);
    }

    /** The cell of frame {@code frame}. */
    public Cell cell(int frame) { return frameCells == null ? cell : frameCells[frame]; }

    /** Whether the cell differs between frames (a barostat's run). */
    public boolean cellChanges() { return frameCells != null; }

    /** Frames saved every {@code frameIntervalPs}, the first at time 0. */
    public static Frames evenlySpaced(double[][] positions, int[] atomicNumbers, Cell cell, double frameIntervalPs) {
        return new Frames(positions, atomicNumbers, cell, evenTimes(positions.length, frameIntervalPs));
    }

    /** Frames each in its own cell, saved every {@code frameIntervalPs}, the first at time 0. */
    public static Frames evenlySpaced(double[][] positions, int[] atomicNumbers, Cell[] cells, double frameIntervalPs) {
        return withFrameCells(positions, atomicNumbers, cells, evenTimes(positions.length, frameIntervalPs));
    }

    private static double[] evenTimes(int frames, double frameIntervalPs) {
        if (!(frameIntervalPs > 0)) throw new IllegalArgumentException("frame interval must be positive, got " + frameIntervalPs + " ps");
        double[] t = new double[frames];
        for (int i = 0; i < t.length; i++) t[i] = i * frameIntervalPs;
        return t;
    }

    /** The same frames with other positions (e.g. unwrapped), keeping atoms, cells and times. */
    public Frames withPositions(double[][] newPositions) {
        return new Frames(newPositions, atomicNumbers, cell, timesPs, frameCells);
    }

    public int count() { return positions.length; }

    public int atoms() { return atomicNumbers.length; }

    /** Frames {@code from} (inclusive) to {@code to} (exclusive), sharing the arrays. */
    public Frames range(int from, int to) {
        if (from < 0 || to > count() || from >= to)
            throw new IllegalArgumentException("frame range [" + from + ", " + to + ") is empty or outside the " + count() + " frames");
        return new Frames(Arrays.copyOfRange(positions, from, to), atomicNumbers, cell(from), Arrays.copyOfRange(timesPs, from, to),
                frameCells == null ? null : Arrays.copyOfRange(frameCells, from, to));
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

    /** Cell volume of every frame, Å³. */
    public double[] volumesA3() {
        double[] v = new double[count()];
        for (int f = 0; f < v.length; f++) v[f] = cell(f).volume();
        return v;
    }

    /** Distinct atomic numbers, ascending. */
    public int[] species() { return Arrays.stream(atomicNumbers).distinct().sorted().toArray(); }
}
