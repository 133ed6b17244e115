package md.integrators;

/**
 * A {@link ForceEvaluator} of a fully periodic system whose cell a barostat may change: it reports the
 * cell, the virial of its last evaluation and rescales the cell (the caller scales positions and
 * velocities itself). Lengths in Å, energies in eV.
 */
public interface CellForceEvaluator extends ForceEvaluator {

    /** Volume of the current cell, Å³. */
    double volumeA3();

    /**
     * Virial W of the last {@link #evaluate} (9 numbers, row-major, eV), the convention in which the
     * pressure is P = (2 E_kin + tr W) / (3V). Read-only view, valid until the next evaluation.
     */
    double[] virialEv();

    /** Multiplies the Cartesian component α of every lattice vector by {@code factors[α]}. */
    void scaleCell(double[] factors);

    /** The lattice vectors a, b, c as rows (9 numbers, Å), a copy. */
    double[] cellVectorsA();

    /** Replaces every lattice vector r by M r ({@code m} row-major, acting on column vectors). */
    void deformCell(double[] m);
}
