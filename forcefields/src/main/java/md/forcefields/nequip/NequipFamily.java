package md.forcefields.nequip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import md.core.io.NpyArray;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;

/** Registers the {@link Nequip} family, and reads the older {@code .nqp} files ({@link NequipModelFile}) as models of it. */
public final class NequipFamily implements ModelFamily {
    @Override public String name() { return Nequip.FAMILY; }

    @Override public String description() { return "NequIP (Batzner et al. 2022), nequip 0.6 / e3nn 0.5 conventions"; }

    @Override public EquivariantModel fromSpec(Map<String, Object> spec) { return Nequip.fromSpec(spec); }

    @Override public Training training() { return new NequipTraining(); }

    @Override public Importer importer() {
        return new Importer() {
            @Override public String kind() { return "nequip"; }

            @Override public String help() {
                return """
                        nequip      NequIP 0.6 (e3nn 0.5). CONFIG: the nequip training configuration (r_max, l_max,
                                    num_features, ..., avg_num_neighbors as a number, chemical_symbols); WEIGHTS:
                                    the model's state_dict saved with numpy. See docs/nequip.md.""";
            }

            @Override public LearnedModel fromReference(Map<String, Object> config, Map<String, NpyArray> stateDict) {
                return NequipConversion.toLearned(NequipImporter.fromReference(config, stateDict));
            }

            @Override public String describe(LearnedModel model) {
                NequipHyperparameters h = ((Nequip) model.architecture()).hyperparameters();
                return "NequIP, l_max " + h.lMax() + ", " + h.numFeatures() + " features, " + h.numLayers() + " layers, r_max "
                        + h.rMax() + " Å (energy, forces and virial)";
            }
        };
    }

    @Override public LearnedModel readLegacy(Path file, String format) throws IOException {
        if (!NequipModelFile.FORMAT.equals(format)) return null;
        NequipModel m = NequipModelFile.read(file);
        try {
            return NequipConversion.toLearned(m);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage() + "; this NequIP configuration cannot run in md", e);
        }
    }
}
