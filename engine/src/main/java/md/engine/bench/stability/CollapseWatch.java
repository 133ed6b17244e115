package md.engine.bench.stability;

import java.util.List;
import java.util.Locale;

import md.analysis.BondStability;
import md.analysis.Bonds;
import md.analysis.Frames;
import md.core.Cell;
import md.engine.run.MdRun;
import md.engine.run.Simulation;

/**
 * Ends a benchmark run at its collapse: on every saved frame, the bond-length criterion of the analysis
 * — the same bonds (from the run's first frame), reference lengths and threshold — so the run ends
 * exactly at the frame the analysis will call its collapse. The benchmark's own code does not stop
 * there (it finds the collapse afterwards); nothing after that frame enters its numbers, so stopping only
 * saves time. (The benchmark's temperature stop is the run's {@code safety.temperature_window_K}.)
 */
final class CollapseWatch implements MdRun.StopCondition {
    private final int saveEvery;
    private final List<Bonds.Bond> bonds;
    private final double[] referenceLengths;
    private final double thresholdAngstrom;
    private final int[] atomicNumbers;

    CollapseWatch(int saveEvery, List<Bonds.Bond> bonds, double[] referenceLengths, double thresholdAngstrom, int[] atomicNumbers) {
        this.saveEvery = saveEvery;
        this.bonds = bonds;
        this.referenceLengths = referenceLengths;
        this.thresholdAngstrom = thresholdAngstrom;
        this.atomicNumbers = atomicNumbers;
    }

    @Override
    public String stopReason(Simulation sim) {
        var s = sim.state();
        if (s.step % saveEvery != 0) return null;
        Frames frame = new Frames(new double[][] {s.positions}, atomicNumbers, Cell.NONE, new double[] {0});
        BondStability.Result r = BondStability.evaluate(frame, bonds, referenceLengths, thresholdAngstrom);
        if (!r.collapsed()) return null;
        Bonds.Bond b = bonds.get(r.worstBond()[0]);
        return String.format(Locale.ROOT, "bond %s deviates %.3f Å from its reference length (threshold %s Å) at step %d, frame %d",
                Bonds.label(b, atomicNumbers), r.maxDeviation()[0], thresholdAngstrom, s.step, s.step / saveEvery);
    }
}
