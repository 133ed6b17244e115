package md.thermostats;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Properties of the thermostat operators on their own (no forces). */
class ThermostatOperatorTest {

    @Test
    void suzukiYoshidaWeightsSumToOneAndCancelTheThirdOrder() {
        for (int order : new int[] {1, 3, 5, 7}) {
            double[] w = NoseHooverChain.suzukiYoshidaWeights(order);
            assertEquals(order, w.length);
            double sum = 0, cubes = 0;
            for (double x : w) { sum += x; cubes += x * x * x; }
            assertEquals(1.0, sum, 1e-14);
            if (order > 1) assertEquals(0.0, cubes, 1e-12, "order " + order + " must cancel the w³ error term");
        }
        assertThrows(IllegalArgumentException.class, () -> NoseHooverChain.suzukiYoshidaWeights(4));
    }

    /** The chain operator is time-reversible: forward by h then back by −h returns to the start. */
    @Test
    void chainOperatorIsTimeReversible() {
        double[] m = {1.008, 15.999, 12.011};
        double[] v = MaxwellBoltzmann.sample(m, 900, 3), v0 = v.clone();
        NoseHooverChain nhc = new NoseHooverChain(300, 20, 9, 4, 3, 5);
        for (int i = 0; i < 50; i++) nhc.apply(v, m, 1.0);
        double[] mid = v.clone();
        assertNotEquals(v0[0], mid[0]);
        double[] xi = nhc.positions();
        // reverse: flip the chain velocities (momenta) — the particle velocities only scale — and go forward
        NoseHooverChain back = new NoseHooverChain(300, 20, 9, 4, 3, 5);
        double[] vxi = nhc.velocitiesPerFs();
        StateBytes.Writer w = new StateBytes.Writer("NoseHooverChain/1").putDoubles(xi);
        for (int k = 0; k < vxi.length; k++) vxi[k] = -vxi[k];
        back.restoreState(w.putDoubles(vxi).toByteArray());
        for (int i = 0; i < 50; i++) back.apply(v, m, 1.0);
        for (int i = 0; i < v.length; i++) assertEquals(v0[i], v[i], 1e-12 * Math.abs(v0[i]));
        for (double x : back.positions()) assertEquals(0.0, x, 1e-11);
        for (double x : back.velocitiesPerFs()) assertEquals(0.0, x, 1e-14);
    }

    /** With the particles and chain alone, E_kin + thermostat energy is conserved by the exact flow. */
    @Test
    void chainOperatorConservesKineticPlusThermostatEnergy() {
        double[] m = {39.948, 39.948, 39.948, 39.948};
        double[] v = MaxwellBoltzmann.sample(m, 800, 5);
        NoseHooverChain nhc = new NoseHooverChain(300, 50, 12);
        double h0 = KineticEnergy.kineticEnergyEv(v, m) + nhc.conservedEnergyExtraEv();
        double maxDev = 0;
        for (int i = 0; i < 1000; i++) {
            nhc.apply(v, m, 1.0);
            maxDev = Math.max(maxDev, Math.abs(KineticEnergy.kineticEnergyEv(v, m) + nhc.conservedEnergyExtraEv() - h0));
        }
        assertTrue(maxDev < 1e-6 * h0, "deviation " + maxDev + " of " + h0);
    }

    /** Thermostat masses from τ: Q₁ = N_f kT τ², Q_k = kT τ². */
    @Test
    void chainMasses() {
        NoseHooverChain nhc = new NoseHooverChain(250, 40, 27, 3, 1, 1);
        double kT = md.core.Units.KB_EV_PER_K * 250;
        assertArrayEquals(new double[] {27 * kT * 1600, kT * 1600, kT * 1600}, nhc.massesEvFs2(), 1e-15);
    }

    /** Free particles: each Berendsen application moves T toward T₀ by exactly the fraction h/τ. */
    @Test
    void berendsenRelaxesFreeParticlesExponentially() {
        double[] m = {4.0, 4.0, 4.0, 4.0, 4.0};
        double[] v = MaxwellBoltzmann.sample(m, 1000, 9);
        double t0 = 300, tInit = KineticEnergy.temperatureK(v, m, 15);
        Berendsen b = new Berendsen(t0, 100, 15);
        for (int i = 0; i < 200; i++) b.apply(v, m, 0.5);
        double expected = t0 + (tInit - t0) * Math.pow(1 - 0.5 / 100, 200);
        assertEquals(expected, KineticEnergy.temperatureK(v, m, 15), 1e-9 * expected);
        // the heat bookkeeping equals the kinetic energy lost
        double keLost = KineticEnergy.kineticEnergyAtEv(tInit, 15) - KineticEnergy.kineticEnergyAtEv(expected, 15);
        assertEquals(keLost, b.conservedEnergyExtraEv(), 1e-9 * keLost);
    }

    /** The O step alone: free particles reach ⟨v²⟩ = kT/m, and the state restores the noise stream. */
    @Test
    void langevinOperatorThermalisesAndRestoresItsStream() {
        int n = 2000;
        double[] m = new double[n];
        java.util.Arrays.fill(m, 12.0);
        double[] v = new double[3 * n];
        Langevin l = new Langevin(300, 10.0, 3 * n, 17);
        for (int i = 0; i < 50; i++) l.apply(v, m, 10.0); // γ h = 0.1 per call, 5 relaxation times
        double t = KineticEnergy.temperatureK(v, m, 3 * n);
        assertEquals(300, t, 4 * 300 * Math.sqrt(2.0 / (3 * n)));
        assertEquals(KineticEnergy.kineticEnergyEv(v, m), l.heatEv(), 1e-12);
        byte[] saved = l.saveState();
        double[] v1 = v.clone(), v2 = v.clone();
        l.apply(v1, m, 1.0);
        Langevin other = new Langevin(300, 10.0, 3 * n, 1);
        other.restoreState(saved);
        other.apply(v2, m, 1.0);
        assertArrayEquals(v1, v2);
    }

    @Test
    void constructorsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new NoseHooverChain(-1, 10, 3));
        assertThrows(IllegalArgumentException.class, () -> new NoseHooverChain(300, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new NoseHooverChain(300, 10, 3, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Langevin(300, -1, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> new Berendsen(300, Double.NaN, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> new Langevin(300, 1, 3, 1).restoreState(new byte[] {1, 2}));
        assertTrue(e.getMessage().contains("Langevin"), e.getMessage());
    }
}
