package md.forcefields.ml.potential;

import md.forcefields.ml.model.LearnedModel;

import java.util.Arrays;

import md.core.Elements;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;

/** Any {@link LearnedModel} as a {@link ForceField}, evaluated by the MD executor: energy (eV), forces (eV/Å) and virial. */
public final class LearnedForceField implements ForceField {
    private final LearnedModel model;
    private final PlanExecutor executor;
    private int[] lastNumbers;
    private int[] types = new int[0];

    public LearnedForceField(LearnedModel model) { this(model, 1); }

    /** Evaluated on {@code threads} threads (results are deterministic for a given thread count). */
    public LearnedForceField(LearnedModel model, int threads) { this(model, threads, false); }

    /**
     * With {@code directForces}, forces are the model's direct force head (not −∂E/∂r: {@link #conservative()}
     * is false and there is no virial).
     */
    public LearnedForceField(LearnedModel model, int threads, boolean directForces) { this(model, threads, directForces, false); }

    /** With {@code float32}, the hot ops compute in float32 ({@code precision: float32}, {@link PlanExecutor}). */
    public LearnedForceField(LearnedModel model, int threads, boolean directForces, boolean float32) {
        this.model = model;
        this.executor = new PlanExecutor(model, threads, directForces, float32);
    }

    /** Whether the hot ops compute in float32. */
    public boolean float32() { return executor.float32(); }

    @Override public String name() { return model.architecture().family(); }

    @Override public double cutoffAngstrom() { return model.architecture().cutoff(); }

    @Override public boolean supportsElement(int atomicNumber) { return model.architecture().typeOf(atomicNumber) >= 0; }

    @Override public boolean providesVirial() { return !executor.directForces(); }

    @Override public boolean conservative() { return !executor.directForces(); }

    public LearnedModel model() { return model; }

    @Override public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        return executor.compute(atoms.positions(), typesOf(atoms.atomicNumbers()), neighbors, forcesOut, virialOut, null);
    }

    /** Per-atom energies (eV) as well; {@code atomicEnergiesOut} has one entry per atom. */
    public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut, double[] atomicEnergiesOut) {
        return executor.compute(atoms.positions(), typesOf(atoms.atomicNumbers()), neighbors, forcesOut, virialOut, atomicEnergiesOut);
    }

    @Override public void close() { executor.close(); }

    private int[] typesOf(int[] z) {
        if (z == lastNumbers && types.length == z.length) return types;
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            t[i] = model.architecture().typeOf(z[i]);
            if (t[i] < 0)
                throw new IllegalArgumentException("atom " + i + " is element " + (z[i] > 0 && z[i] < 119 ? Elements.symbol(z[i]) : "Z=" + z[i])
                        + ", which this " + name() + " model does not know (species Z=" + Arrays.toString(model.architecture().atomicNumbers()) + ")");
        }
        types = t;
        lastNumbers = z;
        return t;
    }
}
