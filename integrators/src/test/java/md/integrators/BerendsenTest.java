package md.integrators;

import static org.junit.jupiter.api.Assertions.*;

import md.thermostats.Berendsen;
import md.thermostats.KineticEnergy;

import org.junit.jupiter.api.Test;

/** Berendsen weak coupling: relaxes to T₀ on average, with suppressed temperature fluctuations. */
class BerendsenTest {

    @Test
    void relaxesToTargetWithSuppressedFluctuations() {
        int atoms = 200, nf = 3 * atoms;
        double t0 = 300.0;
        ForceEvaluator forces = CanonicalEnsembles.coupledWells(atoms);
        MdState s = CanonicalEnsembles.start(atoms, 900.0, 6, forces);
        Berendsen berendsen = new Berendsen(t0, 100.0, nf);
        VelocityVerlet vv = new VelocityVerlet(1.0, berendsen);
        var run = CanonicalEnsembles.run(vv, s, forces, nf, 5_000, 100_000);
        BlockStatistics mean = run.meanT(20), var = run.varianceT(20);
        double canonicalVar = 2 * t0 * t0 / nf;
        System.out.printf("Berendsen τ=100 fs: <T> = %s K (target %.0f), Var T = %s K² (canonical %.0f)%n",
                mean, t0, var, canonicalVar);
        assertEquals(t0, mean.mean(), 0.01 * t0);
        assertTrue(var.mean() < 0.5 * canonicalVar, "weak coupling should suppress fluctuations: " + var);

        // heat bookkeeping: E_kin + E_pot − heat changes only by the (small) integration error
        double[] h = run.conservedEv();
        assertTrue(VelocityVerletTest.std(h) < 1e-3 * Math.abs(berendsen.conservedEnergyExtraEv()),
                "conserved-like energy fluctuates by " + VelocityVerletTest.std(h));
    }

    /**
     * Harmonic wells share energy equally between kinetic and potential on average, so Berendsen's
     * dT/dt = (T₀ − T)/τ for the kinetic part makes the total energy relax as dE/dt = (E₀ − E)/(2τ),
     * E₀ = N_f k T₀: after 2τ the excess has fallen to e⁻¹.
     */
    @Test
    void totalEnergyRelaxesOnTwiceTheTimeConstant() {
        int atoms = 100, nf = 3 * atoms;
        double t0 = 300.0, tau = 500.0;
        ForceEvaluator forces = TestPotentials.wells(CanonicalEnsembles.springs(atoms), 0.0);
        MdState s = CanonicalEnsembles.start(atoms, 3000.0, 8, forces);
        double eEq = nf * CanonicalEnsembles.kT(t0);
        double excess0 = KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu) + s.potentialEnergyEv - eEq;
        VelocityVerlet vv = new VelocityVerlet(1.0, new Berendsen(t0, tau, nf));
        for (int i = 0; i < 2 * tau; i++) vv.step(s, forces);
        double excess = KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu) + s.potentialEnergyEv - eEq;
        System.out.printf("Berendsen τ=%.0f fs: energy excess after 2τ / initial = %.3f (e^-1 = %.3f)%n",
                tau, excess / excess0, Math.exp(-1));
        assertEquals(Math.exp(-1), excess / excess0, 0.03);
    }
}
