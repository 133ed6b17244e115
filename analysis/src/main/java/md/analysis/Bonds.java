package md.analysis;

import java.util.ArrayList;
import java.util.List;

import md.core.Cell;
import md.core.Elements;

/**
 * Covalent bonds as the benchmark finds them: ASE's {@code NeighborList(natural_cutoffs(atoms),
 * self_interaction=False)} on the first frame. {@code natural_cutoffs} gives each atom its covalent
 * radius (Cordero et al. 2008, ASE's {@code covalent_radii}); ASE's neighbour list adds its default skin of
 * 0.3 Å to every radius, so atoms i and j are bonded when
 *
 * <pre>   |r_i - r_j| &lt; (R_i + 0.3) + (R_j + 0.3)   (strict, minimum image in a periodic cell)</pre>
 *
 * Each bond appears once with {@code i < j}, in the order of {@code np.nonzero} of ASE's connectivity
 * matrix (by i, then j).
 */
public final class Bonds {
    private Bonds() {}

    /** ASE's default {@code NeighborList} skin, Å, added to each atom's radius. */
    public static final double ASE_SKIN = 0.3;

    /** One bond between atoms {@code i < j}. */
    public record Bond(int i, int j) {}

    /** Bonds of one configuration with ASE's radii and skin. */
    public static List<Bond> naturalCutoffs(double[] positions, int[] atomicNumbers, Cell cell) {
        return naturalCutoffs(positions, atomicNumbers, cell, 1.0, ASE_SKIN);
    }

    /** @param mult scales the covalent radii ({@code natural_cutoffs(atoms, mult)}). */
    public static List<Bond> naturalCutoffs(double[] positions, int[] atomicNumbers, Cell cell, double mult, double skin) {
        int n = atomicNumbers.length;
        double[] radius = new double[n];
        for (int i = 0; i < n; i++) radius[i] = Elements.covalentRadiusAngstrom(atomicNumbers[i]) * mult + skin;
        MinimumImage mic = new MinimumImage(cell);
        double[] d = new double[3];
        List<Bond> bonds = new ArrayList<>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double cut = radius[i] + radius[j];
                if (mic.displacement(positions, i, j, d) < cut * cut) bonds.add(new Bond(i, j));
            }
        return bonds;
    }

    /** Length of every bond in one configuration, Å (minimum image in a periodic cell). */
    public static double[] lengths(double[] positions, List<Bond> bonds, Cell cell) {
        return lengths(positions, bonds, new MinimumImage(cell));
    }

    /** Length of every bond in one frame, Å. */
    static double[] lengths(double[] positions, List<Bond> bonds, MinimumImage mic) {
        double[] out = new double[bonds.size()], d = new double[3];
        for (int b = 0; b < out.length; b++) out[b] = Math.sqrt(mic.displacement(positions, bonds.get(b).i(), bonds.get(b).j(), d));
        return out;
    }

    /** Mean length of every bond over all frames (the benchmark's reference bond lengths), Å. */
    public static double[] meanLengths(Frames frames, List<Bond> bonds) {
        var images = MinimumImage.perFrame(frames);
        double[] sum = new double[bonds.size()];
        for (int f = 0; f < frames.count(); f++) {
            double[] l = lengths(frames.positions()[f], bonds, images.apply(f));
            for (int b = 0; b < sum.length; b++) sum[b] += l[b];
        }
        for (int b = 0; b < sum.length; b++) sum[b] /= frames.count();
        return sum;
    }

    /**
     * Largest |length - mean| of every bond over all frames, Å: how far the reference itself strays from the
     * lengths a deviation criterion measures against. A bond whose reference strays past the criterion's
     * threshold (e.g. an intramolecular hydrogen bond short enough in a starting frame to count as a bond) can
     * end a run without anything being wrong.
     */
    public static double[] maxDeviations(Frames frames, List<Bond> bonds, double[] means) {
        var images = MinimumImage.perFrame(frames);
        double[] max = new double[bonds.size()];
        for (int f = 0; f < frames.count(); f++) {
            double[] l = lengths(frames.positions()[f], bonds, images.apply(f));
            for (int b = 0; b < max.length; b++) max[b] = Math.max(max[b], Math.abs(l[b] - means[b]));
        }
        return max;
    }

    /** "C1-O2" style label of a bond (0-based atom indices). */
    public static String label(Bond b, int[] atomicNumbers) {
        return Elements.symbol(atomicNumbers[b.i()]) + b.i() + "-" + Elements.symbol(atomicNumbers[b.j()]) + b.j();
    }
}
