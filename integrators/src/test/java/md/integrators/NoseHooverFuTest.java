package md.integrators;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The Nosé–Hoover step of Fu et al. (MDsim) against an independent reference, and as a thermostat. */
class NoseHooverFuTest {

    /** Two-atom Morse bond, the same as in nose_hoover_fu_reference.py. */
    static final double D = 4.6, A = 2.2, R0 = 0.97;
    static final ForceEvaluator MORSE = (x, f) -> {
        double[] d = {x[3] - x[0], x[4] - x[1], x[5] - x[2]};
        double r = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        double e = Math.exp(-A * (r - R0));
        double dudr = 2 * D * A * e * (1 - e);
        for (int c = 0; c < 3; c++) {
            f[c] = dudr * d[c] / r;
            f[3 + c] = -dudr * d[c] / r;
        }
        return D * (1 - e) * (1 - e);
    };

    /**
     * Three steps of a two-atom molecule against the Python reference, which follows the published code in
     * its own (ASE) unit system: positions, velocities, ζ and energy agree to round-off.
     */
    @Test
    void threeStepsMatchTheReferenceImplementation() throws IOException {
        double[][] reference;
        try (InputStream in = getClass().getResourceAsStream("/nose_hoover_fu_reference.txt")) {
            reference = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#"))
                    .map(l -> Arrays.stream(l.trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray())
                    .toArray(double[][]::new);
        }
        assertEquals(3, reference.length);
        double[] x = {0.01, -0.02, 0.03, 0.95, 0.31, -0.12};
        double[] v = {0.0012, -0.0007, 0.0004, -0.011, 0.019, 0.006};
        MdState s = TestPotentials.state(x, v, new double[] {15.999, 1.008}, MORSE);
        NoseHooverFu nh = new NoseHooverFu(0.5, 500.0, 20.0, 2);
        for (double[] ref : reference) {
            nh.step(s, MORSE);
            for (int i = 0; i < 6; i++) {
                assertEquals(ref[i], s.positions[i], 1e-14 * (1 + Math.abs(ref[i])), "x[" + i + "] at step " + s.step);
                assertEquals(ref[6 + i], s.velocities[i], 1e-13 * Math.abs(ref[6 + i]) + 1e-18, "v[" + i + "] at step " + s.step);
            }
            assertEquals(ref[12], nh.zetaPerFs(), 1e-12 * Math.abs(ref[12]), "zeta at step " + s.step);
            assertEquals(ref[13], s.potentialEnergyEv, 1e-13 * Math.abs(ref[13]) + 1e-15, "energy at step " + s.step);
        }
        assertTrue(nh.zetaPerFs() < 0, "cold molecule: the thermostat must be heating");
    }

    /**
     * On a 13-atom Lennard-Jones cluster (chaotic, like the benchmark's molecules) it holds ⟨T⟩ at the
     * target, T counted with 3N degrees of freedom as the scheme does. Its extended energy
     * E + Q ζ² + 3N kT ∫ζ dt is conserved by the continuous equations, but the discrete scheme drifts
     * linearly at a rate proportional to dt (ζ is advanced with the kinetic energy of the half-kicked
     * velocities, a first-order choice): the drift halves when dt halves.
     */
    @Test
    void controlsTemperatureAndItsExtendedEnergyDriftsAtFirstOrder() {
        double t0 = 20.0;
        double[] drift = new double[2];
        for (int r = 0; r < 2; r++) {
            double dt = r == 0 ? 4.0 : 2.0;
            MdState s = VelocityVerletTest.cluster();
            NoseHooverFu nh = new NoseHooverFu(dt, t0, 200.0 / dt, 13); // τ = 200 fs
            var run = CanonicalEnsembles.run(nh, s, VelocityVerletTest.LJ, 39, (int) (20_000 / dt), (int) (500_000 / dt));
            BlockStatistics mean = run.meanT(40);
            double[] h = run.conservedEv();
            drift[r] = VelocityVerletTest.slope(h) * h.length;
            System.out.printf("Fu et al. NH on LJ13, dt %.0f fs: <T> = %s K (target %.0f), extended energy drift %.2e eV over 500 ps%n",
                    dt, mean, t0, drift[r]);
            assertTrue(mean.zScore(t0) < 4, "mean T " + mean);
            assertTrue(mean.standardError() < 0.002 * t0);
        }
        double kineticEnergy = 39 * CanonicalEnsembles.kT(t0) / 2;
        assertTrue(drift[0] > 0.1 * kineticEnergy, "expected the known first-order drift, got " + drift[0]);
        assertEquals(2.0, drift[0] / drift[1], 0.5, "drift should be first order in dt");
    }

    @Test
    void thermostatMassFollowsThePublishedFormula() {
        NoseHooverFu nh = new NoseHooverFu(0.5, 500.0, 20.0, 21);
        double kT = md.core.Units.KB_EV_PER_K * 500.0;
        assertEquals(3 * 21 * kT * 10.0 * 10.0, nh.thermostatMassEvFs2(), 1e-12);
    }
}
