package md.forcefields.training;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for pool tasks with their exceptions passed on unwrapped. */
final class Parallel {
    private Parallel() {}

    static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
