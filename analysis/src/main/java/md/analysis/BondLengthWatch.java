package md.analysis;

import java.util.List;

import md.core.Cell;

/**
 * The bonds of a starting structure ({@link Bonds#naturalCutoffs}) and, for any later positions, the bond
 * that has moved furthest from its starting length: the bond-length criterion of the stability benchmark
 * applied on the fly, so that a run whose molecule falls apart can stop at once. Allocation-free per call.
 */
public final class BondLengthWatch {
    private final List<Bonds.Bond> bonds;
    private final double[] startLengths;
    private final MinimumImage mic;
    private final double[] d = new double[3];
    private int worst = -1;

    public BondLengthWatch(double[] positions, int[] atomicNumbers, Cell cell) {
        this.bonds = List.copyOf(Bonds.naturalCutoffs(positions, atomicNumbers, cell));
        this.mic = new MinimumImage(cell);
        this.startLengths = Bonds.lengths(positions, bonds, mic);
    }

    public List<Bonds.Bond> bonds() { return bonds; }

    /** Length of bond {@code b} in the starting structure, Å. */
    public double startLength(int b) { return startLengths[b]; }

    /**
     * max over bonds of |length − starting length| (Å) at {@code positions}; +∞ for non-finite positions.
     * {@link #worstBond()} then names the bond (−1 when there are no bonds).
     */
    public double maxDeviation(double[] positions) {
        double m = 0;
        worst = -1;
        for (int b = 0; b < startLengths.length; b++) {
            double dev = Math.abs(Math.sqrt(mic.displacement(positions, bonds.get(b).i(), bonds.get(b).j(), d)) - startLengths[b]);
            if (Double.isNaN(dev)) dev = Double.POSITIVE_INFINITY;
            if (dev > m) { m = dev; worst = b; }
        }
        return m;
    }

    /** The bond of the last {@link #maxDeviation} (index into {@link #bonds()}), or −1. */
    public int worstBond() { return worst; }
}
