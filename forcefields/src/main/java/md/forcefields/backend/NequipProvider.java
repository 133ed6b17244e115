package md.forcefields.backend;

import md.forcefields.nequip.NequipConversion;

import java.util.Set;

import md.forcefields.ForceField;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.potential.LearnedPotentialProvider;

/**
 * {@code forcefield: {type: nequip, model: FILE, device: java}}: the generic learned-potential provider under
 * the NequIP name (model files from {@code md import nequip} or {@code md train}); {@code device} opencl,
 * cuda or auto runs the model on the accelerator backends (md.forcefields.backend.Backends), which still
 * have NequIP-specific kernels.
 */
public final class NequipProvider extends LearnedPotentialProvider {
    @Override public String type() { return "nequip"; }

    @Override public String description() { return "NequIP equivariant neural network potential (model file from 'md import nequip' or 'md train')"; }

    @Override public Set<String> devices() { return Set.copyOf(md.forcefields.backend.Backends.NAMES); }

    @Override protected ForceField accelerated(LearnedModel model, String device, int threads) {
        if (device.equals("java")) return null;
        return md.forcefields.backend.BackendNequipForceField.forDevice(NequipConversion.toNequipModel(model), device);
    }
}
