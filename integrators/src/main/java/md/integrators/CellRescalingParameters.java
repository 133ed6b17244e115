package md.integrators;

/** Validation shared by the barostats. */
final class CellRescalingParameters {
    private CellRescalingParameters() {}

    static void check(String who, double pressureBar, double tauFs, double compressibilityPerBar) {
        if (!Double.isFinite(pressureBar))
            throw new IllegalArgumentException(who + ": target pressure must be finite (bar), got " + pressureBar);
        if (!(tauFs > 0) || !Double.isFinite(tauFs))
            throw new IllegalArgumentException(who + ": time constant must be positive (fs), got " + tauFs);
        if (!(compressibilityPerBar > 0) || !Double.isFinite(compressibilityPerBar))
            throw new IllegalArgumentException(who + ": compressibility must be positive (1/bar), got " + compressibilityPerBar);
    }
}
