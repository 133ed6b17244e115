package md.engine.bench.stability;

import java.util.List;
import java.util.Locale;

import md.analysis.BondStability;
import md.analysis.Bonds;
import md.analysis.Frames;
import md.core.Cell;
import md.engine.run.MdRun;
import md.engine.run.Simulation;
import md.thermostats.KineticEnergy;

/**
 * When a benchmark run ends early. After every step, as in the benchmark's {@code Simulator.run}: the
 * temperature with 3N degrees of freedom ({@code ekin / (1.5 k_B N)}) outside the window (0.1 K to
 * 100,000 K). On every saved frame, optionally: the bond-length criterion of the analysis — the same
 * bonds (from the run's first frame), reference lengths and threshold — so the run ends exactly at the
 * frame the analysis will call its collapse. The benchmark's own code does not stop there (it finds the
 * collapse afterwards); nothing after that frame enters its numbers, so stopping only saves time.
 */
final class CollapseWatch implements MdRun.StopCondition {
    /** What ended a run early. */
    enum Reason { TEMPERATURE, COLLAPSE }

    private final double minTemperatureK, maxTemperatureK;
    private final int saveEvery;
    private final List<Bonds.Bond> bonds;
    private final double[] referenceLengths;
    private final double thresholdAngstrom;
    private final int[] atomicNumbers;
    private Reason reason;

    /**
     * @param bonds null: no bond-collapse stop
     */
    CollapseWatch(double minTemperatureK, double maxTemperatureK, int saveEvery, List<Bonds.Bond> bonds, double[] referenceLengths,
                  double thresholdAngstrom, int[] atomicNumbers) {
        this.minTemperatureK = minTemperatureK;
        this.maxTemperatureK = maxTemperatureK;
        this.saveEvery = saveEvery;
        this.bonds = bonds;
        this.referenceLengths = referenceLengths;
        this.thresholdAngstrom = thresholdAngstrom;
        this.atomicNumbers = atomicNumbers;
    }

    Reason reason() { return reason; }

    @Override
    public String stopReason(Simulation sim) {
        var s = sim.state();
        double t = KineticEnergy.temperatureK(sim.kineticEnergyEv(), 3 * s.atomCount());
        if (!(t >= minTemperatureK && t <= maxTemperatureK)) {
            reason = Reason.TEMPERATURE;
            return String.format(Locale.ROOT, "temperature %.6g K outside [%s, %s] K at step %d", t, minTemperatureK, maxTemperatureK, s.step);
        }
        if (bonds != null && s.step % saveEvery == 0) {
            Frames frame = new Frames(new double[][] {s.positions}, atomicNumbers, Cell.NONE, new double[] {0});
            BondStability.Result r = BondStability.evaluate(frame, bonds, referenceLengths, thresholdAngstrom);
            if (r.collapsed()) {
                reason = Reason.COLLAPSE;
                Bonds.Bond b = bonds.get(r.worstBond()[0]);
                return String.format(Locale.ROOT, "bond %s deviates %.3f Å from its reference length (threshold %s Å) at step %d, frame %d",
                        Bonds.label(b, atomicNumbers), r.maxDeviation()[0], thresholdAngstrom, s.step, s.step / saveEvery);
            }
        }
        return null;
    }
}
