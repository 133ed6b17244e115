package md.engine.run;

import java.util.ArrayDeque;

/**
 * Steps per second over the last {@code windowNanos} of wall-clock time, for progress lines: the rate since
 * the start would keep the JIT warm-up and the first neighbour-list builds in it for the whole run (a slow
 * first minute makes the ETA of a long run hours too long); a window forgets them.
 */
final class RateWindow {
    private record Sample(long nanos, long step) {}

    private final long windowNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    RateWindow(long windowNanos, long startNanos, long startStep) {
        this.windowNanos = windowNanos;
        samples.add(new Sample(startNanos, startStep));
    }

    /**
     * Adds a sample and returns the rate (steps/s) from the oldest sample still inside the window (or the
     * newest one before it, so that the window always spans at least two samples) to this one; NaN when no
     * time has passed.
     */
    double add(long nanos, long step) {
        samples.addLast(new Sample(nanos, step));
        // keep exactly one sample at or before the window's start: the rate covers the whole window
        while (samples.size() > 2) {
            var it = samples.iterator();
            it.next();
            if (it.next().nanos() <= nanos - windowNanos) samples.removeFirst();
            else break;
        }
        Sample first = samples.getFirst();
        long dt = nanos - first.nanos();
        return dt > 0 ? (step - first.step()) * 1e9 / dt : Double.NaN;
    }
}
