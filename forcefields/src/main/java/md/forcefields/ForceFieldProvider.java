package md.forcefields;

/**
 * Makes force fields of one type from their parameters. Implementations are listed in
 * {@code META-INF/services/md.forcefields.ForceFieldProvider} of their jar, so a learned model plugs
 * in without any change to the engine.
 */
public interface ForceFieldProvider {
    /** The {@code type} value in YAML, e.g. "lennard-jones". */
    String type();

    /** One line for listings and error messages. */
    String description();

    ForceField create(ForceFieldSpec spec);

    /**
     * Compute backends the force field can run on ("java", and e.g. "auto", "opencl", "cuda"). The engine
     * passes its top-level {@code device} choice as the {@code device} parameter to providers that list
     * more than "java", and rejects an accelerator for those that do not.
     */
    default java.util.Set<String> devices() { return java.util.Set.of("java"); }
}
