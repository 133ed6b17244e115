package md.engine.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Run progress for people: on a terminal a bar redrawn in place with rate and ETA; elsewhere (CI logs,
 * files) a plain line every few seconds. Checked every step but does work only when the clock says so.
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final long firstStep, lastStep;
    private final long startNanos;
    private long nextNanos;
    private boolean drewBar;

    /** {@code out} null: silent. */
    Progress(PrintStream out, boolean terminal, long plainEverySeconds, long firstStep, long lastStep) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 200_000_000L : Math.max(1, plainEverySeconds) * 1_000_000_000L;
        this.firstStep = firstStep;
        this.lastStep = lastStep;
        this.startNanos = System.nanoTime();
        this.nextNanos = startNanos + intervalNanos;
    }

    void update(Simulation sim) {
        if (out == null) return;
        long now = System.nanoTime();
        if (now < nextNanos) return;
        nextNanos = now + intervalNanos;
        print(sim, now);
    }

    /** The final state, always printed (ends the bar's line on a terminal). */
    void finish(Simulation sim) {
        if (out == null) return;
        print(sim, System.nanoTime());
        if (terminal && drewBar) out.println();
    }

    private void print(Simulation sim, long now) {
        long step = sim.state().step;
        long done = step - firstStep, total = lastStep - firstStep;
        double seconds = (now - startNanos) * 1e-9;
        double rate = seconds > 0 ? done / seconds : 0;
        double fraction = total > 0 ? (double) done / total : 1;
        String eta = rate > 0 ? duration((lastStep - step) / rate) : "?";
        double t = sim.temperatureK(sim.kineticEnergyEv());
        if (terminal) {
            int width = 30, filled = (int) Math.round(fraction * width);
            out.printf(Locale.ROOT, "\r[%s%s] %5.1f%%  step %d/%d  %.0f steps/s  T %.1f K  ETA %s   ",
                    "#".repeat(filled), ".".repeat(width - filled), 100 * fraction, step, lastStep, rate, t, eta);
            out.flush();
            drewBar = true;
        } else {
            out.printf(Locale.ROOT, "md run: step %d/%d (%.1f%%), %.0f steps/s, T = %.2f K, Etot = %.6f eV, ETA %s%n",
                    step, lastStep, 100 * fraction, rate, t, sim.state().potentialEnergyEv + sim.kineticEnergyEv(), eta);
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
