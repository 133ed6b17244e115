package md.forcefields.ml.potential;

import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;

/**
 * {@code forcefield: {type: learned, model: FILE, threads: 1, device: java}}: any learned model file
 * ({@link ModelFile}; its {@code model} field chooses the family), run by the MD executor on {@code threads}
 * threads, or with {@code device: opencl|cuda|auto} by the accelerator backends
 * ({@link md.forcefields.backend.DeviceForceField}), in {@code precision: float64} (default) or float32
 * (on the host: float32 arithmetic inside the hot ops, see {@link md.forcefields.ml.executors.PlanExecutor}). {@code forces: direct} uses a model's direct force head instead of −∂E/∂r
 * ({@code conservative}, the default): host executor only.
 */
public class LearnedPotentialProvider implements ForceFieldProvider {
    private static final Set<String> KEYS = Set.of("model", "threads", "device", "precision", "forces");

    @Override public String type() { return "learned"; }

    @Override public String description() { return "learned equivariant potential of any family (model file from 'md train' or 'md import')"; }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(KEYS);
        Path file = spec.requireFile("model");
        int threads = spec.getInt("threads", 1);
        if (threads < 1 || threads > 64) throw new ForceFieldConfigException("threads", "expected 1 to 64 threads, got " + threads);
        String device = spec.getString("device", "java");
        LearnedModel model;
        try {
            model = ModelFile.read(file);
        } catch (IOException e) {
            throw new ForceFieldConfigException("model", e.getMessage(), e);
        }
        md.forcefields.backend.Precision precision;
        try {
            precision = md.forcefields.backend.Precision.parse(spec.getString("precision", "float64"));
        } catch (IllegalArgumentException e) {
            throw new ForceFieldConfigException("precision", e.getMessage());
        }
        String forces = spec.getString("forces", "conservative");
        if (forces.equals("direct")) {
            if (!model.architecture().hasDirectForces())
                throw new ForceFieldConfigException("forces", "'direct' needs a model with a direct force head; this "
                        + model.architecture().family() + " model's forces are −∂E/∂r only (use conservative)");
            if (!device.equals("java") && !device.equals("auto")) // auto: the host, the only executor with a direct head
                throw new ForceFieldConfigException("forces", "'direct' runs on the host executor only (device: java or auto), got device: " + device);
            return new LearnedForceField(model, threads, true, precision == md.forcefields.backend.Precision.FLOAT32 && device.equals("java"));
        }
        if (!forces.equals("conservative")) throw new ForceFieldConfigException("forces", "expected conservative or direct, got '" + forces + "'");
        ForceField accelerated = md.forcefields.backend.DeviceForceField.forDevice(model, device, precision);
        // the host executor: float32 (device: java) or the float64 fallback of device: auto without a GPU
        boolean float32 = precision == md.forcefields.backend.Precision.FLOAT32 && device.equals("java");
        return accelerated != null ? accelerated : new LearnedForceField(model, threads, false, float32);
    }

    @Override public Set<String> devices() { return Set.copyOf(md.forcefields.backend.Backends.NAMES); }
}
