package md.forcefields.backend;

import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.NeighborList;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;

/**
 * A NequIP model evaluated on an accelerator backend ({@code device: opencl|cuda|auto} of the
 * {@code nequip} force field). Owns its backend and closes it.
 */
public final class BackendNequipForceField implements ForceField {
    private final NequipModel model;
    private final KernelBackend backend;
    private final BackendNequipEvaluator evaluator;
    private int[] lastNumbers, types;

    public BackendNequipForceField(NequipModel model, KernelBackend backend) {
        this.model = model;
        this.backend = backend;
        this.evaluator = new BackendNequipEvaluator(model, backend);
    }

    /**
     * The force field for a {@code device} value, or null when the host evaluator should be used
     * ({@code java}, or {@code auto} without CUDA or an OpenCL GPU: on CPUs the multi-threaded host
     * evaluator is the fastest). A named device that cannot run here is a configuration error.
     */
    public static ForceField forDevice(NequipModel model, String device) {
        if (!Backends.NAMES.contains(device))
            throw new ForceFieldConfigException("device", "unknown device '" + device + "'; expected one of " + Backends.NAMES);
        if (device.equals("java")) return null;
        KernelBackend b;
        try {
            b = Backends.open(device);
        } catch (BackendUnavailableException e) {
            throw new ForceFieldConfigException("device", e.getMessage(), e);
        }
        if (b instanceof JavaBackend) return null;
        return new BackendNequipForceField(model, b);
    }

    @Override public String name() { return "nequip"; }
    @Override public double cutoffAngstrom() { return model.config().rMax(); }
    @Override public boolean supportsElement(int atomicNumber) { return model.config().typeOf(atomicNumber) >= 0; }
    @Override public boolean providesVirial() { return true; }
    public KernelBackend backend() { return backend; }

    @Override public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        return evaluator.compute(atoms.positions(), typesOf(atoms.atomicNumbers()), neighbors, forcesOut, virialOut, null);
    }

    private int[] typesOf(int[] z) {
        if (z == lastNumbers) return types;
        types = typesOf(model.config(), z);
        lastNumbers = z;
        return types;
    }

    /** The model's type index of each atom; an element the model does not know is an error. */
    static int[] typesOf(NequipConfig cfg, int[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            t[i] = cfg.typeOf(z[i]);
            if (t[i] < 0)
                throw new IllegalArgumentException("atom " + i + " is element Z=" + z[i] + ", which this NequIP model does not know (species: "
                        + cfg.species() + ")");
        }
        return t;
    }

    @Override public void close() {
        evaluator.close();
        backend.close();
    }
}
