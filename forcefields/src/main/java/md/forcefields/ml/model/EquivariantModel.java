package md.forcefields.ml.model;

import md.forcefields.ml.Shape;
import md.forcefields.ml.ops.Ops;

import java.util.Map;
import java.util.Random;

/**
 * A learned interatomic potential defined once: its family, its hyperparameters (a JSON-able spec), its
 * parameters' names and shapes, and ONE forward pass from the graph (species, edge vectors) and the
 * parameters to per-atom energies, written against the {@link Ops} vocabulary. Executors derive the
 * rest: the tape executor (training: energy, forces −∂E/∂r, gradients of force losses), the MD plan
 * (traced once, allocation-free energy + forces + virial), accelerator backends (kernels by op name).
 *
 * <p>Implementations are immutable and hold no parameter values (those live in a {@link LearnedModel}).
 */
public interface EquivariantModel {

    /** The family name stored in model files, e.g. "nequip". */
    String family();

    /** Hyperparameters as JSON values (maps, lists, numbers, strings, booleans); {@link ModelFamily#fromSpec} inverts it. */
    Map<String, Object> spec();

    /** Atomic number of each species index (type t of the graph is element {@code atomicNumbers()[t]}). */
    int[] atomicNumbers();

    /** Interaction cutoff (Å): edges join atoms closer than this. */
    double cutoff();

    /** Every parameter by name, in a fixed order: shape (fixed rows × width) and whether training updates it. */
    Map<String, ParameterSpec> parameters();

    /** Initial values of every parameter for a new model (training from scratch). */
    Map<String, double[]> initialParameters(Random rng);

    /** Per-atom energies (atoms × 1, eV) of the graph the executor behind {@code ops} evaluates. */
    <T> T atomicEnergies(Ops<T> ops);

    /**
     * Whether the model has a direct force head: per-atom vectors predicted as forces, not −∂E/∂r (the
     * SE(3)-Transformer's type-1 output). Such forces are not conservative; executors offer them alongside
     * the energy, and the engine then reports that the energy is not a conserved quantity.
     */
    default boolean hasDirectForces() { return false; }

    /**
     * Per-atom energies (atoms × 1, eV) and direct forces (atoms × 3, eV/Å, components x, y, z) from ONE
     * forward pass, for models with {@link #hasDirectForces()}.
     */
    default <T> Outputs<T> energiesAndDirectForces(Ops<T> ops) {
        throw new UnsupportedOperationException(family() + " models have no direct force head (forces are −∂E/∂r only)");
    }

    /** The two outputs of a model with a direct force head. */
    record Outputs<T>(T atomicEnergies, T directForces) {}

    /** Species index of an atomic number, or −1. */
    default int typeOf(int atomicNumber) {
        int[] z = atomicNumbers();
        for (int t = 0; t < z.length; t++) if (z[t] == atomicNumber) return t;
        return -1;
    }

    /** A parameter's shape and whether it is trained (fixed buffers such as per-species energy scales are not). */
    record ParameterSpec(Shape shape, boolean trainable) {
        public ParameterSpec {
            if (shape.rows() != Shape.Rows.FIXED) throw new IllegalArgumentException("parameters have fixed shapes, got " + shape);
        }
        public int size() { return shape.fixedRows() * shape.width(); }
        public static ParameterSpec trainable(int rows, int width) { return new ParameterSpec(Shape.fixed(rows, width), true); }
        public static ParameterSpec buffer(int rows, int width) { return new ParameterSpec(Shape.fixed(rows, width), false); }
    }
}
