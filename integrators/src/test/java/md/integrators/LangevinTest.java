package md.integrators;

import static org.junit.jupiter.api.Assertions.*;

import md.core.Units;
import md.thermostats.KineticEnergy;
import md.thermostats.Langevin;
import md.thermostats.Thermostat;

import org.junit.jupiter.api.Test;

/** Langevin BAOAB: canonical sampling, its exact configurational sampling of harmonic systems, heat bookkeeping. */
class LangevinTest {

    @Test
    void anharmonicOscillatorsHaveCanonicalTemperatureStatistics() {
        int atoms = 200, nf = 3 * atoms;
        double t0 = 300.0;
        ForceEvaluator forces = CanonicalEnsembles.anharmonicWells(atoms);
        MdState s = CanonicalEnsembles.start(atoms, 600.0, 2, forces);
        // small dt: BAOAB's kinetic temperature carries an O(dt²) bias (see the harmonic test below)
        VelocityVerlet vv = new VelocityVerlet(0.5, new Langevin(t0, 5.0, nf, 42));
        var run = CanonicalEnsembles.run(vv, s, forces, nf, 10_000, 200_000);
        BlockStatistics mean = run.meanT(40), var = run.varianceT(40);
        double expectedVar = 2 * t0 * t0 / nf;
        System.out.printf("Langevin, %d anharmonic oscillators: <T> = %s K, Var T = %s K² (canonical %.1f)%n",
                atoms, mean, var, expectedVar);
        assertTrue(mean.zScore(t0) < 4, "mean T " + mean);
        assertTrue(mean.standardError() < 1.0);
        assertTrue(var.zScore(expectedVar) < 4, "variance of T " + var);
        assertTrue(var.standardError() < 0.1 * expectedVar);
    }

    /**
     * Identical harmonic oscillators at ω dt = 1: BAOAB samples ⟨k x²⟩ = kT exactly, with the kinetic
     * temperature reduced by (1 − ω²dt²/4); OBABO (the same O step around the Verlet step) has it the
     * other way round, ⟨k x²⟩ = kT/(1 − ω²dt²/4) and exact kinetic temperature (Leimkuhler and Matthews,
     * Appl. Math. Res. Express 2013, 34).
     */
    @Test
    void baoabSamplesHarmonicPositionsExactlyAtLargeTimeSteps() {
        int atoms = 100, nf = 3 * atoms;
        double t0 = 300.0, k = 2.0, m = 4.0;
        double omega = Math.sqrt(k / m * Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2);
        double dt = 1.0 / omega; // ≈ 14 fs
        double factor = 1 - omega * omega * dt * dt / 4; // 0.75
        double kT = CanonicalEnsembles.kT(t0);

        double[][] baoab = harmonicAverages(new Langevin(t0, 20.0, nf, 5), atoms, k, m, dt);
        Langevin inner = new Langevin(t0, 20.0, nf, 5);
        Thermostat obaboOperator = new Thermostat() { // the same O step, placed around the Verlet step
            public double targetTemperatureK() { return inner.targetTemperatureK(); }
            public int degreesOfFreedom() { return inner.degreesOfFreedom(); }
            public void apply(double[] v, double[] masses, double h) { inner.apply(v, masses, h); }
            public double conservedEnergyExtraEv() { return inner.conservedEnergyExtraEv(); }
            public byte[] saveState() { return inner.saveState(); }
            public void restoreState(byte[] st) { inner.restoreState(st); }
        };
        double[][] obabo = harmonicAverages(obaboOperator, atoms, k, m, dt);

        BlockStatistics bx = BlockStatistics.of(baoab[0], 40), bv = BlockStatistics.of(baoab[1], 40);
        BlockStatistics ox = BlockStatistics.of(obabo[0], 40), ov = BlockStatistics.of(obabo[1], 40);
        System.out.printf("HO at ω dt = 1, in units of kT: BAOAB <kx²> %s, <mv²> %s (expected 1, %.3f); "
                + "OBABO <kx²> %s, <mv²> %s (expected %.3f, 1)%n",
                scaled(bx, kT), scaled(bv, kT), factor, scaled(ox, kT), scaled(ov, kT), 1 / factor);
        assertTrue(bx.zScore(kT) < 4, "BAOAB <k x²> " + bx);
        assertTrue(bv.zScore(kT * factor) < 4, "BAOAB <m v²> " + bv);
        assertTrue(ox.zScore(kT / factor) < 4, "OBABO <k x²> " + ox);
        assertTrue(ov.zScore(kT) < 4, "OBABO <m v²> " + ov);
        assertTrue(bx.standardError() < 0.01 * kT);
    }

    private static String scaled(BlockStatistics b, double unit) {
        return String.format("%.4f ± %.4f", b.mean() / unit, b.standardError() / unit);
    }

    /** Per-step averages over all coordinates of k x² and m v² (eV). */
    private static double[][] harmonicAverages(Thermostat thermostat, int atoms, double k, double m, double dt) {
        ForceEvaluator forces = TestPotentials.wells(TestPotentials.filled(atoms, k), 0.0);
        MdState s = TestPotentials.state(new double[3 * atoms], new double[3 * atoms],
                TestPotentials.filled(atoms, m), forces);
        VelocityVerlet vv = new VelocityVerlet(dt, thermostat);
        for (int i = 0; i < 2000; i++) vv.step(s, forces);
        int steps = 40_000;
        double[] kx2 = new double[steps], mv2 = new double[steps];
        for (int n = 0; n < steps; n++) {
            vv.step(s, forces);
            double sx = 0;
            for (double x : s.positions) sx += k * x * x;
            kx2[n] = sx / (3 * atoms);
            mv2[n] = 2 * KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu) / (3 * atoms);
        }
        return new double[][] {kx2, mv2};
    }

    /** E_kin + E_pot − heat from the bath changes only by integration error, second order in dt. */
    @Test
    void effectiveEnergyAccountsForTheHeatExchanged() {
        int atoms = 50, nf = 3 * atoms;
        double t0 = 300.0;
        ForceEvaluator forces = CanonicalEnsembles.anharmonicWells(atoms);
        double[] change = new double[2];
        double heat = 0;
        for (int r = 0; r < 2; r++) {
            double dt = r == 0 ? 1.0 : 0.5;
            MdState s = CanonicalEnsembles.start(atoms, 1200.0, 3, forces);
            Langevin langevin = new Langevin(t0, 5.0, nf, 9);
            VelocityVerlet vv = new VelocityVerlet(dt, langevin);
            double e0 = KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu) + s.potentialEnergyEv;
            for (int i = 0; i < (int) (20_000 / dt); i++) vv.step(s, forces);
            double e1 = KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu) + s.potentialEnergyEv;
            change[r] = e1 + vv.conservedEnergyExtraEv(s) - e0;
            if (r == 0) heat = langevin.heatEv();
            assertEquals(-langevin.heatEv(), vv.conservedEnergyExtraEv(s));
        }
        System.out.printf("Langevin over 20 ps: heat from bath %.3f eV; change of E + extra: dt=1 %.2e eV, dt=0.5 %.2e eV%n",
                heat, change[0], change[1]);
        assertTrue(Math.abs(heat) > 1.0, "the bath should have cooled the system from 1200 K");
        assertTrue(Math.abs(change[0]) < 1e-2 * Math.abs(heat));
        assertTrue(Math.abs(change[1]) < 0.5 * Math.abs(change[0]) + 1e-4, "not converging with dt");
    }
}
