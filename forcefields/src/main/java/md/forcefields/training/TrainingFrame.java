package md.forcefields.training;

import md.core.Cell;
import md.forcefields.NeighborList;
import md.forcefields.ml.EdgeList;

/**
 * One labelled structure for training or evaluation: atomic numbers, positions (Å, xyz-interleaved),
 * energy (eV, null when unknown), forces (eV/Å, null when unknown), the objective it is trained with, a
 * group name (molecule or source, for reports and grouped splits) and the cell ({@link Cell#NONE} for an
 * isolated molecule or cluster; periodic axes bring in the atoms' images) and, for a cell periodic along all
 * three axes, optionally the stress (eV/Å³, 9 components row-major, ASE's sign: σ = (1/V) ∂E/∂ε = −W/V with
 * W the virial, so a compressed system has negative diagonal stress; null when unknown). Arrays are not copied.
 */
public record TrainingFrame(int[] atomicNumbers, double[] positions, Double energyEv, double[] forcesEvPerA,
                            Objective objective, String group, Cell cell, double[] stressEvPerA3) {

    /** An isolated structure. */
    public TrainingFrame(int[] atomicNumbers, double[] positions, Double energyEv, double[] forcesEvPerA, Objective objective, String group) {
        this(atomicNumbers, positions, energyEv, forcesEvPerA, objective, group, Cell.NONE, null);
    }

    /** A structure in {@code cell} without a stress label. */
    public TrainingFrame(int[] atomicNumbers, double[] positions, Double energyEv, double[] forcesEvPerA, Objective objective, String group, Cell cell) {
        this(atomicNumbers, positions, energyEv, forcesEvPerA, objective, group, cell, null);
    }

    public TrainingFrame {
        if (cell == null) cell = Cell.NONE;
        if (stressEvPerA3 != null) {
            if (stressEvPerA3.length != 9) throw new IllegalArgumentException("a stress needs 9 components, got " + stressEvPerA3.length);
            for (boolean p : cell.pbc())
                if (!p) throw new IllegalArgumentException("a stress label needs a cell periodic along all three axes (its volume)");
        }
        if (positions.length != 3 * atomicNumbers.length)
            throw new IllegalArgumentException("positions need 3 numbers per atom: " + positions.length + " for " + atomicNumbers.length + " atoms");
        if (forcesEvPerA != null && forcesEvPerA.length != positions.length)
            throw new IllegalArgumentException("forces need 3 numbers per atom: " + forcesEvPerA.length + " for " + atomicNumbers.length + " atoms");
        if (objective == null) throw new IllegalArgumentException("a training frame needs an objective");
        if (objective == Objective.ENERGY_AND_FORCES && (energyEv == null || forcesEvPerA == null))
            throw new IllegalArgumentException("objective " + objective.key() + " needs an energy and forces");
        if (objective == Objective.FORCES && forcesEvPerA == null)
            throw new IllegalArgumentException("objective " + objective.key() + " needs forces");
    }

    public int size() { return atomicNumbers.length; }

    /** Whether any axis of the cell is periodic. */
    public boolean periodic() { return cell.isPeriodic(); }

    /** The pairs within {@code cutoff} at these positions (or at {@code displaced} ones, same cell), as a half list. */
    public NeighborList pairs(double[] at, double cutoff) { return NeighborList.within(at, cell, cutoff); }

    /** Both directions of every pair within {@code cutoff} at {@code at} (this frame's positions or displaced ones). */
    public EdgeList edges(double[] at, double cutoff) {
        return periodic() ? EdgeList.fromHalfList(pairs(at, cutoff), at, cutoff) : EdgeList.isolated(at, cutoff);
    }

    /** Whether the energy enters the loss. */
    public boolean trainsEnergy() { return objective == Objective.ENERGY_AND_FORCES; }

    /** Whether the stress label enters the loss (frames with forces or energies and a stress label). */
    public boolean trainsStress() { return stressEvPerA3 != null && objective != Objective.EQUILIBRIUM; }

    /** Whether labelled forces enter the loss. */
    public boolean trainsForces() { return objective != Objective.EQUILIBRIUM; }
}
