package md.forcefields.ml.model;


import java.util.Map;

/**
 * Makes models of one family from their stored spec. Families are listed in
 * {@code META-INF/services/md.forcefields.ml.model.ModelFamily} (see {@link ModelFamilies}), so a model file
 * naming the family loads without any other code knowing the family.
 */
public interface ModelFamily {
    /** The {@code model} value in model files, e.g. "nequip". */
    String name();

    /** One line for listings. */
    String description();

    /** The model a {@link EquivariantModel#spec()} describes; IllegalArgumentException naming the key on a bad spec. */
    EquivariantModel fromSpec(Map<String, Object> spec);

    /**
     * Reads a model file of an older, family-specific format (its {@code format} field in
     * {@code model.json}), or returns null when this family does not know {@code format}.
     */
    default LearnedModel readLegacy(java.nio.file.Path file, String format) throws java.io.IOException { return null; }
}
