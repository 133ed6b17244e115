package md.engine.cli;

/**
 * A mistake of the user's (bad input, missing file, invalid option), reported as one paragraph
 * without a stack trace. Messages name the file, the key or line, and what was expected.
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) { this(message, 2); }

    public UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = 2;
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
