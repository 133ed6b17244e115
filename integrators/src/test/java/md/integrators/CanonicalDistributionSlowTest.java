package md.integrators;

import static org.junit.jupiter.api.Assertions.*;

import md.thermostats.Langevin;
import md.thermostats.NoseHooverChain;
import md.thermostats.Thermostat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Long runs (minutes): beyond mean and variance, the third central moment of the kinetic temperature,
 * ⟨(T − T₀)³⟩ = 8 T₀³ / N_f², which the canonical (gamma) distribution of the kinetic energy fixes. A small
 * system (N_f = 60) makes the skewness large enough to measure.
 */
@Tag("slow")
class CanonicalDistributionSlowTest {

    private static void checkMoments(String name, Thermostat thermostat, double dt) {
        int atoms = 20, nf = 3 * atoms;
        double t0 = 300.0;
        ForceEvaluator forces = CanonicalEnsembles.coupledWells(atoms);
        MdState s = CanonicalEnsembles.start(atoms, 300.0, 12, forces);
        var run = CanonicalEnsembles.run(new VelocityVerlet(dt, thermostat), s, forces, nf, 100_000, 10_000_000);
        double[] t = run.temperatureK();
        double[] d2 = new double[t.length], d3 = new double[t.length];
        for (int i = 0; i < t.length; i++) { double d = t[i] - t0; d2[i] = d * d; d3[i] = d * d * d; }
        BlockStatistics mean = run.meanT(100), m2 = BlockStatistics.of(d2, 100), m3 = BlockStatistics.of(d3, 100);
        double var = 2 * t0 * t0 / nf, third = 8 * t0 * t0 * t0 / ((double) nf * nf);
        System.out.printf("%s: <T> %s, <(T-T0)²> %s (%.1f), <(T-T0)³> %s (%.1f)%n", name, mean, m2, var, m3, third);
        assertTrue(mean.zScore(t0) < 4, name + " mean " + mean);
        assertTrue(m2.zScore(var) < 4, name + " second moment " + m2);
        assertTrue(m3.zScore(third) < 4, name + " third moment " + m3);
        assertTrue(m3.standardError() < 0.1 * third, name + " third moment not resolved: " + m3);
    }

    @Test
    void noseHooverChainKineticTemperatureMoments() {
        checkMoments("NHC", new NoseHooverChain(300, 100, 60, 4, 2, 5), 0.5);
    }

    @Test
    void langevinKineticTemperatureMoments() {
        checkMoments("Langevin", new Langevin(300, 5.0, 60, 8), 0.25);
    }
}
