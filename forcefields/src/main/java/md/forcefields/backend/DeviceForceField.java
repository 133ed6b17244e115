package md.forcefields.backend;

import java.util.Arrays;

import md.core.Elements;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.NeighborList;
import md.forcefields.ml.model.LearnedModel;

/**
 * A learned model of any family evaluated on an accelerator backend ({@code device: opencl|cuda|auto} of
 * the {@code learned} force field) by a {@link DeviceExecutor}. Owns its backend and closes it.
 */
public final class DeviceForceField implements ForceField {
    private final LearnedModel model;
    private final KernelBackend backend;
    private final DeviceExecutor executor;
    private int[] lastNumbers, types;

    public DeviceForceField(LearnedModel model, KernelBackend backend) {
        this.model = model;
        this.backend = backend;
        this.executor = new DeviceExecutor(model, backend);
        if (!executor.hostOps().isEmpty())
            System.err.println("md: " + backend.name() + " has no kernels for " + executor.hostOps() + " of this " + model.architecture().family()
                    + " model; they run on the host, with copies every step");
    }

    /**
     * The force field for a {@code device} value, or null when the host executor should be used
     * ({@code java}, or {@code auto} without CUDA or an OpenCL GPU: on CPUs the multi-threaded host
     * executor is the fastest). A named device that cannot run here is a configuration error.
     */
    public static ForceField forDevice(LearnedModel model, String device) { return forDevice(model, device, Precision.FLOAT64); }

    /**
     * As {@link #forDevice(LearnedModel, String)} with the kernels in {@code precision}. {@code device: java}
     * gives null in either precision (the host executor has float32 kernels of its own); {@code device: auto}
     * without a GPU runs float64 on the host and says so on stderr.
     */
    public static ForceField forDevice(LearnedModel model, String device, Precision precision) {
        if (!Backends.NAMES.contains(device))
            throw new ForceFieldConfigException("device", "unknown device '" + device + "'; expected one of " + Backends.NAMES);
        if (device.equals("java")) return null;
        KernelBackend b;
        try {
            b = Backends.open(device, precision);
        } catch (BackendUnavailableException e) {
            throw new ForceFieldConfigException("device", e.getMessage(), e);
        }
        if (b instanceof JavaBackend) {
            if (precision != Precision.FLOAT64)
                System.err.println("md: precision " + precision + " needs a GPU (CUDA or an OpenCL GPU); device auto found none, so the model runs "
                        + "in float64 on the host");
            return null;
        }
        return new DeviceForceField(model, b);
    }

    @Override public String name() { return model.architecture().family(); }
    @Override public double cutoffAngstrom() { return model.architecture().cutoff(); }
    @Override public boolean supportsElement(int atomicNumber) { return model.architecture().typeOf(atomicNumber) >= 0; }
    @Override public boolean providesVirial() { return true; }
    public KernelBackend backend() { return backend; }
    public DeviceExecutor executor() { return executor; }

    @Override public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        if (atoms.atomicNumbers() != lastNumbers) {
            types = typesOf(model, atoms.atomicNumbers());
            lastNumbers = atoms.atomicNumbers();
        }
        return executor.compute(atoms.positions(), types, neighbors, forcesOut, virialOut, null);
    }

    /** The model's species index of each atom; an element the model does not know is an error. */
    static int[] typesOf(LearnedModel model, int[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            t[i] = model.architecture().typeOf(z[i]);
            if (t[i] < 0)
                throw new IllegalArgumentException("atom " + i + " is element " + (z[i] > 0 && z[i] < 119 ? Elements.symbol(z[i]) : "Z=" + z[i])
                        + ", which this " + model.architecture().family() + " model does not know (species Z="
                        + Arrays.toString(model.architecture().atomicNumbers()) + ")");
        }
        return t;
    }

    @Override public void close() {
        executor.close();
        backend.close();
    }
}
