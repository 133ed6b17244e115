package md.forcefields.nequip;

import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;

/** A {@link NequipModel} as a {@link ForceField}: energies in eV, forces in eV/Å, virial from the pair vectors. */
public final class NequipForceField implements ForceField {
    private final NequipModel model;
    private final NequipEvaluator evaluator;
    private int[] lastNumbers;
    private int[] types = new int[0];

    public NequipForceField(NequipModel model, int threads) {
        this.model = model;
        this.evaluator = new NequipEvaluator(model, threads);
    }

    @Override public String name() { return "nequip"; }

    @Override public double cutoffAngstrom() { return model.config().rMax(); }

    @Override public boolean supportsElement(int atomicNumber) { return model.config().typeOf(atomicNumber) >= 0; }

    @Override public boolean providesVirial() { return true; }

    public NequipModel model() { return model; }

    @Override public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        return evaluator.compute(atoms.positions(), typesOf(atoms.atomicNumbers()), neighbors, forcesOut, virialOut, null);
    }

    /** Per-atom energies (eV) as well; {@code atomicEnergiesOut} has one entry per atom. */
    public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut, double[] atomicEnergiesOut) {
        return evaluator.compute(atoms.positions(), typesOf(atoms.atomicNumbers()), neighbors, forcesOut, virialOut, atomicEnergiesOut);
    }

    private int[] typesOf(int[] z) {
        if (z == lastNumbers && types.length == z.length) return types;
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            t[i] = model.config().typeOf(z[i]);
            if (t[i] < 0)
                throw new IllegalArgumentException("atom " + i + " is element Z=" + z[i] + ", which this NequIP model does not know (species: "
                        + model.config().species() + ")");
        }
        types = t;
        lastNumbers = z;
        return t;
    }

    @Override public void close() { evaluator.close(); }
}
