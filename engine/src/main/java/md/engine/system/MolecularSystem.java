package md.engine.system;

import java.util.Arrays;
import java.util.Map;

import md.core.Cell;
import md.core.Elements;
import md.engine.cli.UserError;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.NeighborList;

/**
 * The atoms being simulated: atomic numbers, masses (amu, from {@link Elements}), positions (Å),
 * velocities (Å/fs) and the cell. Positions and velocities are the live arrays the integrator
 * advances (xyz-interleaved, 3N); they are not wrapped into the cell.
 */
public final class MolecularSystem {
    /** Atoms closer than this are almost surely an input mistake (duplicated atom, wrong units). */
    public static final double MIN_DISTANCE_ANGSTROM = 0.1;

    private final int[] atomicNumbers;
    private final double[] massesAmu;
    private final double[] positions;
    private final double[] velocities;
    /** Replaced (Cell is immutable) when a barostat changes the box. */
    private Cell cell;

    private MolecularSystem(int[] atomicNumbers, double[] massesAmu, double[] positions, double[] velocities, Cell cell) {
        this.atomicNumbers = atomicNumbers;
        this.massesAmu = massesAmu;
        this.positions = positions;
        this.velocities = velocities;
        this.cell = cell;
    }

    /**
     * A validated system from a frame (velocities zero when the frame has none). {@code source} names
     * where the frame came from (file and frame) for error messages.
     *
     * @throws UserError naming the source and what is wrong: no atoms, an unknown element, a
     *         non-finite coordinate, or two atoms (or an atom and a periodic image) closer than
     *         {@value #MIN_DISTANCE_ANGSTROM} Å
     */
    public static MolecularSystem fromFrame(Frame frame, String source) {
        int n = frame.size();
        if (n == 0) throw new UserError(source + ": the structure has no atoms");
        int[] z = frame.atomicNumbers().clone();
        double[] masses = new double[n];
        for (int i = 0; i < n; i++) {
            if (!Elements.isKnown(z[i]))
                throw new UserError(source + ": atom " + i + " has unknown atomic number " + z[i]
                        + "; expected an element from H (1) to " + Elements.symbol(Elements.maxAtomicNumber()) + " (" + Elements.maxAtomicNumber() + ")");
            masses[i] = Elements.massAmu(z[i]);
        }
        double[] x = frame.positions().clone();
        double[] v = frame.velocities() != null ? frame.velocities().clone() : new double[3 * n];
        requireFinite(source, "position", x);
        requireFinite(source, "velocity", v);
        MolecularSystem system = new MolecularSystem(z, masses, x, v, frame.cell());
        system.requireNoCloseContacts(source);
        return system;
    }

    private static void requireFinite(String source, String what, double[] a) {
        for (int i = 0; i < a.length; i++)
            if (!Double.isFinite(a[i])) throw new UserError(source + ": atom " + i / 3 + " has a non-finite " + what + " (" + a[i] + ")");
    }

    /** Fails, naming the closest offending pair and its distance, when two atoms nearly coincide. */
    public void requireNoCloseContacts(String source) {
        NeighborList close = VerletNeighborList.pairsWithin(atoms(), MIN_DISTANCE_ANGSTROM);
        int worst = -1;
        double worstR = Double.POSITIVE_INFINITY;
        for (int p = 0; p < close.pairCount(); p++) {
            double r = pairDistance(close, p);
            if (r < worstR) { worstR = r; worst = p; }
        }
        if (worst < 0) return;
        int i = close.first(worst), j = close.second(worst);
        boolean image = close.shift(worst, 0) != 0 || close.shift(worst, 1) != 0 || close.shift(worst, 2) != 0;
        String what = i == j ? "atom " + i + " (" + Elements.symbol(atomicNumbers[i]) + ") is " + fmt(worstR) + " Å from its own periodic image; the cell is far too small"
                : "atoms " + i + " (" + Elements.symbol(atomicNumbers[i]) + ") and " + j + " (" + Elements.symbol(atomicNumbers[j]) + ") are "
                  + fmt(worstR) + " Å apart" + (image ? " (through the periodic boundary)" : "");
        throw new UserError(source + ": " + what + "; atoms closer than " + MIN_DISTANCE_ANGSTROM
                + " Å are not allowed (duplicated atom, or coordinates not in Å?)"
                + (close.pairCount() > 1 ? " " + close.pairCount() + " such pairs in total." : ""));
    }

    private double pairDistance(NeighborList nl, int p) {
        int i = nl.first(p), j = nl.second(p);
        double dx = positions[3 * j] + nl.shift(p, 0) - positions[3 * i];
        double dy = positions[3 * j + 1] + nl.shift(p, 1) - positions[3 * i + 1];
        double dz = positions[3 * j + 2] + nl.shift(p, 2) - positions[3 * i + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    private static String fmt(double r) { return String.format(java.util.Locale.ROOT, "%.4f", r); }

    public int size() { return atomicNumbers.length; }
    public int[] atomicNumbers() { return atomicNumbers; }
    public double[] massesAmu() { return massesAmu; }
    /** Live positions (Å), 3N. */
    public double[] positions() { return positions; }
    /** Live velocities (Å/fs), 3N. */
    public double[] velocities() { return velocities; }
    public Cell cell() { return cell; }

    /** Replaces the cell (a barostat's step); the caller has scaled the positions to match. */
    public void setCell(Cell newCell) {
        if (!java.util.Arrays.equals(newCell.pbc(), cell.pbc()))
            throw new IllegalArgumentException("a cell change must keep the periodicity " + java.util.Arrays.toString(cell.pbc()));
        this.cell = newCell;
    }

    /** What force fields see; shares the live arrays. */
    public Atoms atoms() { return new Atoms(atomicNumbers, positions, cell); }

    public double totalMassAmu() { return Arrays.stream(massesAmu).sum(); }

    /** A snapshot (copied arrays) with the given labels. */
    public Frame snapshot(Double energyEv, double[] forces, Map<String, Object> info) {
        return new Frame(atomicNumbers.clone(), positions.clone(), cell, energyEv,
                forces == null ? null : forces.clone(), velocities.clone(), info);
    }
}
