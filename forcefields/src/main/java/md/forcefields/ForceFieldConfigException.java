package md.forcefields;

/**
 * A user mistake in a force field's parameters. {@code key} is the parameter's path below the
 * {@code forcefield} section (e.g. "pairs.C-H.sigma"), so the engine can name file, key and line.
 */
public class ForceFieldConfigException extends RuntimeException {
    private final String key;

    public ForceFieldConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public ForceFieldConfigException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** Parameter key the problem is about, or null when it concerns the section as a whole. */
    public String key() { return key; }
}
