package md.engine.run;

import md.engine.cli.UserError;

/**
 * The dynamics blew up (non-finite energy or forces, temperature outside the safety window). Reported
 * like a user error, as one paragraph without a stack trace, with its own exit code.
 */
public final class UnstableRunException extends UserError {
    public static final int EXIT_CODE = 4;

    public UnstableRunException(String message) { super(message, EXIT_CODE); }
}
