package md.forcefields.ml.model;

/**
 * What {@code md train} measures on the training set before a model exists, for the model's
 * initialisation and normalisation: the species (atomic numbers, ascending), the mean number of neighbours
 * of an atom within the model's cutoff, per-species energy shifts (least-squares fit of the frame energies
 * to species counts, eV), the RMS force component (eV/Å), and the mean and population standard deviation of
 * the frames' total energies (eV; NaN when unknown), for models standardised like sklearn's StandardScaler.
 */
public record DatasetStatistics(int[] atomicNumbers, double averageNeighbours, double[] perSpeciesEnergyShiftsEv, double forceRmsEvPerAngstrom,
                                double energyMeanEv, double energyStdEv) {
    /** Without energy statistics. */
    public DatasetStatistics(int[] atomicNumbers, double averageNeighbours, double[] perSpeciesEnergyShiftsEv, double forceRmsEvPerAngstrom) {
        this(atomicNumbers, averageNeighbours, perSpeciesEnergyShiftsEv, forceRmsEvPerAngstrom, Double.NaN, Double.NaN);
    }

    public DatasetStatistics {
        if (perSpeciesEnergyShiftsEv.length != atomicNumbers.length)
            throw new IllegalArgumentException(perSpeciesEnergyShiftsEv.length + " energy shifts for " + atomicNumbers.length + " species");
        if (!(forceRmsEvPerAngstrom > 0) || !Double.isFinite(forceRmsEvPerAngstrom))
            throw new IllegalArgumentException("the force scale (RMS of the training forces) is " + forceRmsEvPerAngstrom
                    + "; the training data's forces must be finite and not all zero");
    }
}
