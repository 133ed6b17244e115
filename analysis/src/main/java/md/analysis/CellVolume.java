package md.analysis;

import java.util.Optional;

/**
 * The cell volume of a trajectory whose cell changes (an NPT run): mean, sample standard deviation, smallest
 * and largest over the frames, Å³. The spread is the physical volume fluctuation, ⟨δV²⟩ = k_B T κ_T ⟨V⟩ at
 * equilibrium (docs/npt.md), not the error of the mean (successive frames are correlated).
 */
public record CellVolume(int frames, double meanA3, double stdA3, double minA3, double maxA3) {

    /** The statistics of {@code frames}' volumes; empty when the cell is fixed or not periodic in all three directions. */
    public static Optional<CellVolume> of(Frames frames) {
        if (!frames.cellChanges() || !(frames.cell().periodic(0) && frames.cell().periodic(1) && frames.cell().periodic(2))) return Optional.empty();
        double[] v = frames.volumesA3();
        double mean = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double x : v) { mean += x; min = Math.min(min, x); max = Math.max(max, x); }
        mean /= v.length;
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        double std = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
        return Optional.of(new CellVolume(v.length, mean, std, min, max));
    }
}
