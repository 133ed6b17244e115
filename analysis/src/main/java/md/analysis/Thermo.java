package md.analysis;

import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Energy and temperature series of a run (one row per logged step, the columns of the run loop's
 * {@code thermo.csv}) and their statistics.
 *
 * <ul>
 *   <li>Energy drift: least-squares slope of the conserved energy against time, divided by the number of
 *       atoms, eV/atom/ps (Commons Math {@link SimpleRegression}). The conserved energy is the total
 *       energy in NVE and includes the thermostat's energy in NVT.</li>
 *   <li>Largest excursion |E_cons(t) - E_cons(t_0)| / N, eV/atom, and the standard deviation of E_cons / N.</li>
 *   <li>Temperature: mean, sample standard deviation, minimum and maximum over the rows at or after the
 *       burn-in time.</li>
 * </ul>
 */
public record Thermo(double[] timePs, double[] potentialEv, double[] kineticEv, double[] totalEv,
                     double[] temperatureK, double[] conservedEv) {

    public Thermo {
        int n = timePs.length;
        for (double[] c : new double[][] {potentialEv, kineticEv, totalEv, temperatureK, conservedEv})
            if (c.length != n) throw new IllegalArgumentException("thermo columns differ in length");
    }

    public int rows() { return timePs.length; }

    /** @param slopeEvPerAtomPerPs drift, eV/atom/ps; {@code maxExcursionEvPerAtom} and {@code stdEvPerAtom} in eV/atom */
    public record EnergyDrift(double slopeEvPerAtomPerPs, double slopeStdErr, double maxExcursionEvPerAtom,
                              double stdEvPerAtom, int rows) {}

    public record TemperatureStats(double meanK, double stdK, double minK, double maxK, int rows) {}

    public EnergyDrift energyDrift(int atoms, double burnInPs) {
        if (atoms < 1) throw new IllegalArgumentException("energy drift needs the number of atoms, got " + atoms);
        int first = firstRowAt(burnInPs);
        SimpleRegression reg = new SimpleRegression(true);
        SummaryStatistics st = new SummaryStatistics();
        double e0 = conservedEv[first], excursion = 0;
        for (int i = first; i < rows(); i++) {
            reg.addData(timePs[i], conservedEv[i]);
            st.addValue(conservedEv[i]);
            excursion = Math.max(excursion, Math.abs(conservedEv[i] - e0));
        }
        int n = rows() - first;
        if (n < 2) throw new IllegalArgumentException("energy drift needs at least 2 thermo rows after the burn-in of " + burnInPs + " ps, found " + n);
        return new EnergyDrift(reg.getSlope() / atoms, reg.getSlopeStdErr() / atoms, excursion / atoms, st.getStandardDeviation() / atoms, n);
    }

    public TemperatureStats temperature(double burnInPs) {
        int first = firstRowAt(burnInPs);
        SummaryStatistics st = new SummaryStatistics();
        for (int i = first; i < rows(); i++) st.addValue(temperatureK[i]);
        if (st.getN() == 0) throw new IllegalArgumentException("no thermo rows after the burn-in of " + burnInPs + " ps");
        return new TemperatureStats(st.getMean(), st.getStandardDeviation(), st.getMin(), st.getMax(), (int) st.getN());
    }

    private int firstRowAt(double burnInPs) {
        if (rows() == 0) throw new IllegalArgumentException("the thermo log has no rows");
        double t = timePs[0] + burnInPs;
        for (int i = 0; i < rows(); i++) if (timePs[i] >= t) return i;
        return rows();
    }
}
