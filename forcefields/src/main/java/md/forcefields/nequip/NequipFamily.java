package md.forcefields.nequip;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.ml.families.Nequip;

/** Registers the {@link Nequip} family, and reads the older {@code .nqp} files ({@link NequipModelFile}) as models of it. */
public final class NequipFamily implements ModelFamily {
    @Override public String name() { return Nequip.FAMILY; }

    @Override public String description() { return "NequIP (Batzner et al. 2022), nequip 0.6 / e3nn 0.5 conventions"; }

    @Override public EquivariantModel fromSpec(Map<String, Object> spec) { return Nequip.fromSpec(spec); }

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
