package md.forcefields;

/**
 * A potential energy surface. Units: positions Å, energy eV, forces eV/Å, virial eV.
 * Implementations may keep buffers between calls (the MD hot loop calls {@link #compute} every step),
 * so one instance serves one simulation thread at a time.
 */
public interface ForceField extends AutoCloseable {

    /** Short name as used in input files, e.g. "lennard-jones", "nequip". */
    String name();

    /** Interaction cutoff in Å; the neighbour list is built with at least this radius (+ skin). */
    double cutoffAngstrom();

    /** Whether this force field has parameters for the element. */
    boolean supportsElement(int atomicNumber);

    /**
     * Potential energy of {@code atoms}; writes forces (3N, overwritten, not accumulated) and, when
     * {@code virialOut} is non-null, the virial W = -Σ r_ij ⊗ f_ij as 9 numbers (row-major, eV).
     */
    double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut);

    /** Whether {@link #compute} fills the virial; engines use it to decide whether pressure is reported. */
    default boolean providesVirial() { return false; }

    /**
     * Whether the forces are −∇ of the returned energy. A force field whose forces are predicted directly
     * (a learned model's force head) is not: the engine then reports that the total energy is not a
     * conserved quantity.
     */
    default boolean conservative() { return true; }

    /**
     * Names of extra per-step quantities of the last {@link #compute} (thermo.csv columns, units in the
     * names), e.g. an ensemble's spread; empty by default.
     */
    default java.util.List<String> observableNames() { return java.util.List.of(); }

    /** The values of {@link #observableNames()} for the last {@link #compute}, in the same order. */
    default void observables(double[] out) {}

    @Override default void close() {}
}
