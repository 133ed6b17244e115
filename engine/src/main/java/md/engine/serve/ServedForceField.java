package md.engine.serve;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

import md.core.Cell;
import md.core.Elements;
import md.engine.cli.UserError;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;

/**
 * A force field serving geometries that arrive without atomic numbers: the species are fixed once
 * (from a structure file or a list), each geometry brings positions and a cell, in md's units (Å, eV).
 * Whether a geometry is periodic follows {@link Pbc}: the i-PI protocol always sends a cell, and ASE
 * sends an all-zero one for a molecule.
 */
public final class ServedForceField {
    /** How the server's cell is used. */
    public enum Pbc {
        /** Periodic in all three directions when the cell has a volume, isolated when it is zero (ASE's molecules). */
        AUTO,
        /** Always periodic; a zero cell is an error. */
        YES,
        /** Always an isolated system; the cell is ignored (a molecule in i-PI's box). */
        NO
    }

    /** Cells below this volume (Å³) count as "no cell". */
    private static final double ZERO_VOLUME_A3 = 1e-9;

    private final ForceField forceField;
    private final int[] atomicNumbers;
    private final String speciesSource;
    private final Pbc pbc;
    private final PrintStream notices;
    private final double[] forces, virial, observables;
    private Boolean lastPeriodic;
    private boolean virialWarned;

    /**
     * @param speciesSource where the species came from, for error messages ("--structure water.xyz")
     * @param notices       where one-off notices go (periodic or not, missing virial); null for none
     */
    public ServedForceField(ForceField forceField, int[] atomicNumbers, String speciesSource, Pbc pbc, PrintStream notices) {
        this.forceField = forceField;
        this.atomicNumbers = atomicNumbers.clone();
        this.speciesSource = speciesSource;
        this.pbc = pbc;
        this.notices = notices;
        this.forces = new double[3 * atomicNumbers.length];
        this.virial = new double[9];
        this.observables = new double[forceField.observableNames().size()];
    }

    public int atomCount() { return atomicNumbers.length; }

    public ForceField forceField() { return forceField; }

    /** Fails with a clear message when the server's geometry has another number of atoms than the species. */
    public void requireAtomCount(int serverAtoms) {
        if (serverAtoms == atomicNumbers.length) return;
        throw new UserError("the server sent a geometry of " + serverAtoms + " atoms, but " + speciesSource + " gives "
                + atomicNumbers.length + " (" + speciesSummary() + "); expected the server's atoms, in its order");
    }

    /**
     * Energy (eV) of one geometry; {@link #forces()} (eV/Å) and {@link #virial()} (eV) then hold its
     * forces and virial.
     *
     * @param cellRowsAngstrom lattice vectors a, b, c as rows (row-major, Å)
     * @param positionsAngstrom 3N Cartesian positions (Å)
     */
    public double evaluate(double[] cellRowsAngstrom, double[] positionsAngstrom) {
        Cell cell = cell(cellRowsAngstrom);
        Atoms atoms = new Atoms(atomicNumbers, positionsAngstrom, cell);
        NeighborList list;
        try {
            list = VerletNeighborList.pairsWithin(atoms, forceField.cutoffAngstrom());
        } catch (IllegalArgumentException e) {
            throw new UserError("force field '" + forceField.name() + "' cannot take the server's periodic cell: " + e.getMessage()
                    + "; run md serve with --pbc no to treat the atoms as an isolated molecule");
        }
        java.util.Arrays.fill(virial, 0);
        double energy = forceField.compute(atoms, list, forces, forceField.providesVirial() ? virial : null);
        forceField.observables(observables);
        if (!Double.isFinite(energy)) throw new UserError("force field '" + forceField.name() + "' returned a non-finite energy (" + energy + ") for the server's geometry", 4);
        for (int i = 0; i < forces.length; i++)
            if (!Double.isFinite(forces[i])) throw new UserError("force field '" + forceField.name() + "' returned a non-finite force on atom " + i / 3
                    + " (" + Elements.symbol(atomicNumbers[i / 3]) + ") for the server's geometry", 4);
        if (cell.isPeriodic() && !forceField.providesVirial() && !virialWarned && notices != null) {
            virialWarned = true;
            notices.println("md serve: warning: force field '" + forceField.name() + "' gives no virial; zeros are sent, so the server's "
                    + "stress and pressure (constant-pressure runs) are wrong");
        }
        return energy;
    }

    /** Forces of the last {@link #evaluate} (eV/Å, 3N; overwritten by the next). */
    public double[] forces() { return forces; }

    /** Virial W = Σ r_ij ⊗ f_j of the last {@link #evaluate} (eV, row-major; zeros without one). */
    public double[] virial() { return virial; }

    /** Whether the force field fills {@link #virial()}. */
    public boolean providesVirial() { return forceField.providesVirial(); }

    public List<String> observableNames() { return forceField.observableNames(); }

    /** The force field's observables (an ensemble's spread) of the last {@link #evaluate}. */
    public double[] observables() { return observables; }

    private Cell cell(double[] rows) {
        double volume = Math.abs(rows[0] * (rows[4] * rows[8] - rows[5] * rows[7]) - rows[1] * (rows[3] * rows[8] - rows[5] * rows[6])
                + rows[2] * (rows[3] * rows[7] - rows[4] * rows[6]));
        boolean hasVolume = volume > ZERO_VOLUME_A3 && Double.isFinite(volume);
        boolean periodic = switch (pbc) {
            case YES -> {
                if (!hasVolume) throw new UserError("--pbc yes, but the server sent a cell of zero volume; expected a periodic cell, or --pbc auto for a molecule");
                yield true;
            }
            case NO -> false;
            case AUTO -> hasVolume;
        };
        if (notices != null && (lastPeriodic == null || lastPeriodic != periodic)) {
            notices.println(periodic
                    ? String.format(Locale.ROOT, "md serve: periodic cell from the server (volume %.6g Å³)", volume)
                    : "md serve: isolated system (" + (pbc == Pbc.NO ? "--pbc no: the server's cell is ignored" : "the server sent no cell") + ")");
        }
        lastPeriodic = periodic;
        return periodic ? new Cell(rows, new boolean[] {true, true, true}) : Cell.NONE;
    }

    /** "O, H, H" or "Ar ×500" for messages. */
    private String speciesSummary() {
        StringBuilder sb = new StringBuilder();
        int i = 0, shown = 0;
        while (i < atomicNumbers.length && shown < 8) {
            int j = i;
            while (j < atomicNumbers.length && atomicNumbers[j] == atomicNumbers[i]) j++;
            if (sb.length() > 0) sb.append(", ");
            sb.append(Elements.symbol(atomicNumbers[i])).append(j - i > 1 ? "×" + (j - i) : "");
            i = j;
            shown++;
        }
        if (i < atomicNumbers.length) sb.append(", ...");
        return sb.toString();
    }
}
