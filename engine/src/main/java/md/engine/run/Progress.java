package md.engine.run;

import java.io.File;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Run progress for people: on a terminal a bar redrawn in place with rate and ETA, fitted to the terminal's
 * width; elsewhere (CI logs, files) a plain line every few seconds. Checked every step but does work only
 * when the clock says so. The rate is measured over the last {@link #RATE_WINDOW_S} seconds
 * ({@link RateWindow}), so the warm-up does not stretch the ETA.
 */
final class Progress {
    /** Width of the rate's sliding window, seconds. */
    static final int RATE_WINDOW_S = 10;
    /** Terminal width when neither $COLUMNS nor {@code stty size} says. */
    static final int DEFAULT_COLUMNS = 80;

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final long firstStep, lastStep;
    private final RateWindow rate;
    private final int columns;
    private long nextNanos;
    private boolean drewBar;

    /** {@code out} null: silent. */
    Progress(PrintStream out, boolean terminal, long plainEverySeconds, long firstStep, long lastStep) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 200_000_000L : Math.max(1, plainEverySeconds) * 1_000_000_000L;
        this.firstStep = firstStep;
        this.lastStep = lastStep;
        long start = System.nanoTime();
        this.rate = new RateWindow(RATE_WINDOW_S * 1_000_000_000L, start, firstStep);
        this.nextNanos = start + intervalNanos;
        this.columns = out != null && terminal ? terminalColumns() : DEFAULT_COLUMNS;
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
        double stepsPerS = rate.add(now, step);
        double t = sim.temperatureK(sim.kineticEnergyEv());
        if (terminal) {
            // '\r' redraws in place; the line is padded to its full width so a shorter one leaves nothing behind
            out.print("\r" + barLine(columns, step, firstStep, lastStep, stepsPerS, t));
            out.flush();
            drewBar = true;
        } else {
            double fraction = lastStep > firstStep ? (double) (step - firstStep) / (lastStep - firstStep) : 1;
            out.printf(Locale.ROOT, "md run: step %d/%d (%.1f%%), %s, T = %.2f K, Etot = %.6f eV, ETA %s%n",
                    step, lastStep, 100 * fraction, rate(stepsPerS), t, sim.state().potentialEnergyEv + sim.kineticEnergyEv(), eta(stepsPerS, lastStep - step));
        }
    }

    /**
     * The terminal's progress line, exactly {@code columns - 1} characters (the last column is left free:
     * some terminals wrap when it is written). The bar shrinks first, then goes; the numbers are cut last.
     */
    static String barLine(int columns, long step, long firstStep, long lastStep, double stepsPerS, double temperatureK) {
        int width = Math.max(columns - 1, 1);
        double fraction = lastStep > firstStep ? (double) (step - firstStep) / (lastStep - firstStep) : 1;
        // fixed-width fields, so that neither the numbers nor the bar's width jump between redraws
        int digits = Long.toString(lastStep).length();
        String text = String.format(Locale.ROOT, "%5.1f%%  step %" + digits + "d/%d  %5s steps/s  T %6.1f K  ETA %7s", 100 * fraction, step, lastStep,
                Double.isFinite(stepsPerS) ? String.format(Locale.ROOT, "%.0f", stepsPerS) : "-", temperatureK, eta(stepsPerS, lastStep - step));
        int barWidth = Math.min(30, width - text.length() - 3); // "[" + bar + "] "
        String line;
        if (barWidth >= 10) {
            int filled = (int) Math.round(Math.min(Math.max(fraction, 0), 1) * barWidth);
            line = "[" + "#".repeat(filled) + ".".repeat(barWidth - filled) + "] " + text;
        } else {
            line = text.replaceAll(" {2,}", " ");
        }
        return line.length() >= width ? line.substring(0, width) : line + " ".repeat(width - line.length());
    }

    private static String rate(double stepsPerS) {
        return Double.isFinite(stepsPerS) ? String.format(Locale.ROOT, "%.0f steps/s", stepsPerS) : "- steps/s";
    }

    private static String eta(double stepsPerS, long stepsLeft) {
        return stepsLeft <= 0 ? duration(0) : stepsPerS > 0 && Double.isFinite(stepsPerS) ? duration(stepsLeft / stepsPerS) : "?";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** The terminal's width: $COLUMNS when exported, else {@code stty size} on /dev/tty, else {@link #DEFAULT_COLUMNS}. */
    static int terminalColumns() {
        Integer fromEnv = columns(System.getenv("COLUMNS"));
        if (fromEnv != null) return fromEnv;
        File tty = new File("/dev/tty");
        if (tty.canRead()) {
            try {
                Process p = new ProcessBuilder("stty", "size").redirectInput(tty).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String answer = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
                if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    String[] rowsCols = answer.split("\\s+");
                    Integer c = rowsCols.length == 2 ? columns(rowsCols[1]) : null;
                    if (c != null) return c;
                }
            } catch (java.io.IOException e) {
                // no stty: the default
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return DEFAULT_COLUMNS;
    }

    /** A column count from text, or null when it is not a positive whole number. */
    static Integer columns(String s) {
        if (s == null) return null;
        try {
            int c = Integer.parseInt(s.strip());
            return c > 0 ? c : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
