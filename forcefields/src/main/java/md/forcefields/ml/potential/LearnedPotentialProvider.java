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
 * {@code forcefield: {type: learned, model: FILE, threads: 1}}: any learned model file ({@link ModelFile};
 * its {@code model} field chooses the family), run by the MD executor on {@code threads} threads.
 */
public class LearnedPotentialProvider implements ForceFieldProvider {
    private static final Set<String> KEYS = Set.of("model", "threads", "device");

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
        ForceField accelerated = accelerated(model, device, threads);
        if (accelerated != null) return accelerated;
        if (!device.equals("java") && !device.equals("auto"))
            throw new ForceFieldConfigException("device", "'" + device + "' is not available for " + model.architecture().family() + " models (use java)");
        return new LearnedForceField(model, threads);
    }

    /** A force field on another device or executor, when this provider offers one for the request (default: none). */
    protected ForceField accelerated(LearnedModel model, String device, int threads) { return null; }
}
