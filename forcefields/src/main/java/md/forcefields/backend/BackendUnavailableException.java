package md.forcefields.backend;

/** A requested backend cannot run here; the message says why and what to install or choose instead. */
public final class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String message) { super(message); }
    public BackendUnavailableException(String message, Throwable cause) { super(message, cause); }
}
