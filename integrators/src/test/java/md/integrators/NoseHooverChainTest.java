package md.integrators;

import static org.junit.jupiter.api.Assertions.*;

import md.core.Units;
import md.thermostats.NoseHooverChain;

import org.junit.jupiter.api.Test;

/** Nosé–Hoover chain (MTK splitting) samples the canonical ensemble and conserves its extended energy. */
class NoseHooverChainTest {

    @Test
    void kineticTemperatureHasCanonicalMeanAndVarianceAndExtendedEnergyIsConserved() {
        int atoms = 200, nf = 3 * atoms;
        double t0 = 300.0;
        ForceEvaluator forces = CanonicalEnsembles.coupledWells(atoms);
        MdState s = CanonicalEnsembles.start(atoms, 600.0, 1, forces);
        NoseHooverChain nhc = new NoseHooverChain(t0, 100.0, nf);
        VelocityVerlet vv = new VelocityVerlet(1.0, nhc);
        var run = CanonicalEnsembles.run(vv, s, forces, nf, 20_000, 200_000);
        BlockStatistics mean = run.meanT(40), var = run.varianceT(40);
        double expectedVar = 2 * t0 * t0 / nf;
        System.out.printf("NHC, ring of %d coupled anharmonic wells: <T> = %s K (target %.1f), Var T = %s K² (canonical %.2f)%n",
                atoms, mean, t0, var, expectedVar);
        assertTrue(mean.zScore(t0) < 4, "mean T " + mean);
        assertTrue(mean.standardError() < 0.5, "error bar too wide to mean anything: " + mean);
        assertTrue(var.zScore(expectedVar) < 4, "variance of T " + var + " vs " + expectedVar);
        assertTrue(var.standardError() < 0.1 * expectedVar);

        // the extended energy: its fluctuation is integration error (shrinks ~4× when dt halves, so the
        // thermostat terms are right), and it does not drift
        double stdDt1 = VelocityVerletTest.std(run.conservedEv());
        MdState s2 = CanonicalEnsembles.start(atoms, 600.0, 1, forces);
        var runHalf = CanonicalEnsembles.run(new VelocityVerlet(0.5, new NoseHooverChain(t0, 100.0, nf)),
                s2, forces, nf, 40_000, 200_000);
        double[] h = runHalf.conservedEv();
        double stdHalf = VelocityVerletTest.std(h);
        double drift = VelocityVerletTest.slope(h) * h.length;
        System.out.printf("  conserved energy std: dt=1 fs %.2e eV, dt=0.5 fs %.2e eV (ratio %.2f); drift over 100 ps %.1e eV%n",
                stdDt1, stdHalf, stdDt1 / stdHalf, drift);
        assertEquals(4.0, stdDt1 / stdHalf, 0.8, "conserved-energy fluctuation should be second order in dt");
        assertTrue(Math.abs(drift) < stdHalf, "conserved energy drifts by " + drift + " eV");
        assertTrue(stdHalf < 1e-4 * nf * CanonicalEnsembles.kT(t0) / 2, "conserved energy fluctuates by " + stdHalf);
    }

    /**
     * One 1D harmonic oscillator: with a single Nosé–Hoover thermostat the dynamics is not ergodic and
     * the position distribution is not canonical; a chain of 3 fixes it (Martyna, Klein, Tuckerman 1992).
     * Checked on ⟨x²⟩ = kT/k and the Gaussian kurtosis ⟨x⁴⟩/⟨x²⟩² = 3.
     */
    @Test
    void chainMakesASingleHarmonicOscillatorCanonical() {
        double k = 1.0, m = 1.0, t0 = 300.0, dt = 1.0;
        double omega = Math.sqrt(k / m * Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2); // 0.098/fs
        double x2Expected = CanonicalEnsembles.kT(t0) / k;
        double[][] chain = sample1d(3, 1.0 / omega, t0, dt, 1_000_000);
        double[][] plain = sample1d(1, 1.0 / omega, t0, dt, 300_000);
        BlockStatistics x2 = BlockStatistics.of(chain[0], 50), x4 = BlockStatistics.of(chain[1], 50);
        double kurtosis = x4.mean() / (x2.mean() * x2.mean());
        BlockStatistics x2Plain = BlockStatistics.of(plain[0], 50), x4Plain = BlockStatistics.of(plain[1], 50);
        double kurtosisPlain = x4Plain.mean() / (x2Plain.mean() * x2Plain.mean());
        System.out.printf("1D HO: <x²> expected %.5f; chain of 3: %s, kurtosis %.3f; plain NH: %s, kurtosis %.3f%n",
                x2Expected, x2, kurtosis, x2Plain, kurtosisPlain);
        assertTrue(x2.zScore(x2Expected) < 4, "chain <x²> " + x2);
        assertTrue(x2.standardError() < 0.03 * x2Expected);
        // kurtosis error from the relative errors of <x⁴> and <x²>
        double kurtosisError = kurtosis * Math.hypot(x4.standardError() / x4.mean(), 2 * x2.standardError() / x2.mean());
        assertEquals(3.0, kurtosis, 4 * kurtosisError + 0.02, "chain kurtosis");
        assertTrue(Math.abs(kurtosisPlain - 3.0) > 0.3 || x2Plain.zScore(x2Expected) > 10,
                "plain Nosé–Hoover is known to be non-ergodic here; it sampled canonically?");
    }

    /** x² and x⁴ every step of a 1D oscillator started at x = 0 with the thermal speed. */
    private static double[][] sample1d(int chainLength, double tauFs, double t0, double dt, int steps) {
        double k = 1.0;
        ForceEvaluator f = TestPotentials.harmonic1d(k);
        double v0 = Math.sqrt(CanonicalEnsembles.kT(t0) / 1.0 * Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2);
        MdState s = TestPotentials.state(new double[3], new double[] {v0, 0, 0}, new double[] {1.0}, f);
        VelocityVerlet vv = new VelocityVerlet(dt, new NoseHooverChain(t0, tauFs, 1, chainLength, 1, 3));
        double[] x2 = new double[steps], x4 = new double[steps];
        for (int i = 0; i < steps; i++) {
            vv.step(s, f);
            double xx = s.positions[0] * s.positions[0];
            x2[i] = xx;
            x4[i] = xx * xx;
        }
        return new double[][] {x2, x4};
    }
}
