package md.integrators;

import static org.junit.jupiter.api.Assertions.*;

import md.thermostats.KineticEnergy;
import md.thermostats.MaxwellBoltzmann;

import org.junit.jupiter.api.Test;

/** NVE Velocity Verlet on a 13-atom argon-like Lennard-Jones cluster (smooth, no cutoff). */
class VelocityVerletTest {
    static final double EPS = 0.0104, SIGMA = 3.40, MASS = 39.948;
    static final ForceEvaluator LJ = TestPotentials.lennardJones(EPS, SIGMA);

    static MdState cluster() {
        double[] x = TestPotentials.lennardJonesCluster13(SIGMA, 7);
        double[] m = TestPotentials.filled(13, MASS);
        double[] v = MaxwellBoltzmann.initialVelocities(x, m, 25.0, 11, true, true, true);
        return TestPotentials.state(x, v, m, LJ);
    }

    /** Total energy every step over {@code timeFs}. */
    static double[] energies(double dtFs, double timeFs) {
        MdState s = cluster();
        VelocityVerlet vv = new VelocityVerlet(dtFs);
        int n = (int) Math.round(timeFs / dtFs);
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            vv.step(s, LJ);
            e[i] = s.potentialEnergyEv + KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu);
        }
        return e;
    }

    static double std(double[] a) {
        double m = 0, ss = 0;
        for (double x : a) m += x;
        m /= a.length;
        for (double x : a) ss += (x - m) * (x - m);
        return Math.sqrt(ss / a.length);
    }

    /** Least-squares slope of a against its index. */
    static double slope(double[] a) {
        int n = a.length;
        double mi = (n - 1) / 2.0, ma = 0;
        for (double x : a) ma += x;
        ma /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) { sxy += (i - mi) * (a[i] - ma); sxx += (i - mi) * (i - mi); }
        return sxy / sxx;
    }

    @Test
    void energyFluctuationIsSecondOrderAndDoesNotDrift() {
        double time = 20_000; // 20 ps
        double[] e4 = energies(4.0, time), e2 = energies(2.0, time), e1 = energies(1.0, time);
        double s4 = std(e4), s2 = std(e2), s1 = std(e1);
        double r42 = s4 / s2, r21 = s2 / s1;
        System.out.printf("LJ13 NVE energy std: dt=4 %.3e, dt=2 %.3e, dt=1 %.3e eV; ratios %.3f %.3f%n",
                s4, s2, s1, r42, r21);
        assertEquals(4.0, r42, 0.6, "halving dt 4→2 fs should shrink fluctuations ~4×");
        assertEquals(4.0, r21, 0.4, "halving dt 2→1 fs should shrink fluctuations ~4×");
        // no systematic drift: over a run 10× longer, the energy averaged over the last tenth equals the
        // average over the first tenth to well within one fluctuation (a drift would grow with time)
        double[] eLong = energies(4.0, 200_000);
        BlockStatistics first = BlockStatistics.of(java.util.Arrays.copyOf(eLong, eLong.length / 10), 10);
        BlockStatistics last = BlockStatistics.of(
                java.util.Arrays.copyOfRange(eLong, eLong.length - eLong.length / 10, eLong.length), 10);
        double drift = last.mean() - first.mean(), sLong = std(eLong);
        System.out.printf("  200 ps at dt=4 fs: first tenth %s, last tenth %s eV, drift %.2e eV, std %.2e eV, rel drift %.1e%n",
                first, last, drift, sLong, drift / Math.abs(first.mean()));
        assertTrue(Math.abs(drift) < 0.5 * sLong, "systematic drift " + drift + " eV over 200 ps");
    }

    @Test
    void runningBackwardWithFlippedVelocitiesReturnsToTheStart() {
        MdState s = cluster();
        double[] x0 = s.positions.clone(), v0 = s.velocities.clone();
        VelocityVerlet vv = new VelocityVerlet(2.0);
        for (int i = 0; i < 2000; i++) vv.step(s, LJ);
        double moved = 0;
        for (int i = 0; i < x0.length; i++) moved = Math.max(moved, Math.abs(s.positions[i] - x0[i]));
        assertTrue(moved > 0.5, "atoms should have moved; moved " + moved);
        for (int i = 0; i < s.velocities.length; i++) s.velocities[i] = -s.velocities[i];
        for (int i = 0; i < 2000; i++) vv.step(s, LJ);
        double dx = 0, dv = 0;
        for (int i = 0; i < x0.length; i++) {
            dx = Math.max(dx, Math.abs(s.positions[i] - x0[i]));
            dv = Math.max(dv, Math.abs(-s.velocities[i] - v0[i]));
        }
        System.out.printf("LJ13 reversibility after 2×2000 steps: max |Δx| %.2e Å, max |Δv| %.2e Å/fs%n", dx, dv);
        assertTrue(dx < 1e-9, "position error " + dx);
        assertTrue(dv < 1e-11, "velocity error " + dv);
    }

    @Test
    void stepAdvancesStepTimeAndLeavesForcesOfNewPositions() {
        MdState s = cluster();
        new VelocityVerlet(2.0).step(s, LJ);
        assertEquals(1, s.step);
        assertEquals(2.0, s.timeFs);
        double[] f = new double[s.forces.length];
        double e = LJ.evaluate(s.positions, f);
        assertArrayEquals(f, s.forces);
        assertEquals(e, s.potentialEnergyEv);
    }

    @Test
    void harmonicOscillatorPhaseMatchesTheModifiedFrequency() {
        // Verlet on x'' = −ω²x is exact for the "shadow" frequency cos(ω̃ dt) = 1 − ω²dt²/2
        double k = 1.0, m = 1.0, dt = 2.0;
        double omega = Math.sqrt(k / m * md.core.Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2);
        double omegaShadow = Math.acos(1 - omega * omega * dt * dt / 2) / dt;
        MdState s = TestPotentials.state(new double[] {0.1, 0, 0}, new double[3], new double[] {m},
                TestPotentials.harmonic1d(k));
        VelocityVerlet vv = new VelocityVerlet(dt);
        for (int n = 1; n <= 500; n++) {
            vv.step(s, TestPotentials.harmonic1d(k));
            assertEquals(0.1 * Math.cos(omegaShadow * n * dt), s.positions[0], 1e-11);
        }
    }
}
