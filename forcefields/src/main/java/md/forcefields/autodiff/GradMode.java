package md.forcefields.autodiff;

/**
 * Whether ops record themselves for differentiation on the current thread. Recording is on by default;
 * {@link #disabled()} turns it off in a scope, e.g. for evaluation-only passes, for weight updates, and
 * inside {@link Autograd#grad} when no graph of the gradient is wanted (createGraph=false).
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {}

    public static boolean isEnabled() { return ENABLED.get()[0]; }

    /** A scope with recording switched off: {@code try (var s = GradMode.disabled()) {...}}. */
    public static Scope disabled() { return set(false); }

    /** A scope with recording switched to {@code on}; restores the previous state when closed. */
    public static Scope set(boolean on) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = on;
        return () -> flag[0] = previous;
    }

    /** Restores the previous mode; never throws. */
    public interface Scope extends AutoCloseable {
        @Override void close();
    }
}
