package md.forcefields.nequip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;

/**
 * {@code forcefield: {type: nequip, model: FILE.nqp, threads: 1, device: java}}: a NequIP model file written by
 * {@code md import nequip}; {@code threads} (default 1) is the number of threads of one evaluation;
 * {@code device} (default java) is java (host), opencl, cuda or auto (see md.forcefields.backend.Backends).
 */
public final class NequipProvider implements ForceFieldProvider {
    private static final Set<String> KEYS = Set.of("model", "threads", "device");

    @Override public String type() { return "nequip"; }

    @Override public String description() { return "NequIP equivariant neural network potential (model file from 'md import nequip')"; }

    @Override public Set<String> devices() { return Set.copyOf(md.forcefields.backend.Backends.NAMES); }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(KEYS);
        Path file = spec.requireFile("model");
        int threads = spec.getInt("threads", 1);
        if (threads < 1 || threads > 64) throw new ForceFieldConfigException("threads", "expected 1 to 64 threads, got " + threads);
        try {
            NequipModel model = NequipModelFile.read(file);
            ForceField accelerated = md.forcefields.backend.BackendNequipForceField.forDevice(model, spec.getString("device", "java"));
            return accelerated != null ? accelerated : new NequipForceField(model, threads);
        } catch (IOException e) {
            throw new ForceFieldConfigException("model", e.getMessage(), e);
        }
    }
}
