package md.forcefields.training;

/**
 * One labelled structure for training or evaluation: an isolated molecule or cluster (no periodic
 * images) with atomic numbers, positions (Å, xyz-interleaved), energy (eV, null when unknown), forces
 * (eV/Å, null when unknown), the objective it is trained with and a group name (molecule or source,
 * for reports and grouped splits). Arrays are not copied.
 */
public record TrainingFrame(int[] atomicNumbers, double[] positions, Double energyEv, double[] forcesEvPerA,
                            Objective objective, String group) {

    public TrainingFrame {
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

    /** Whether the energy enters the loss. */
    public boolean trainsEnergy() { return objective == Objective.ENERGY_AND_FORCES; }

    /** Whether labelled forces enter the loss. */
    public boolean trainsForces() { return objective != Objective.EQUILIBRIUM; }
}
