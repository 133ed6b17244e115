package md.thermostats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;

import md.core.Units;

import org.junit.jupiter.api.Test;

class MaxwellBoltzmannTest {

    static double[] masses(int n) {
        double[] m = new double[n];
        for (int i = 0; i < n; i++) m[i] = new double[] {1.008, 12.011, 15.999, 39.948}[i % 4];
        return m;
    }

    static double[] randomPositions(int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[3 * n];
        for (int i = 0; i < x.length; i++) x[i] = 5 * r.nextDouble();
        return x;
    }

    /** ⟨½ m v_d²⟩ = kT/2 per component, checked over many atoms against the sampling error. */
    @Test
    void meanKineticEnergyIsHalfKTPerDegreeOfFreedom() {
        int n = 20_000;
        double t = 300.0;
        double[] m = masses(n), v = MaxwellBoltzmann.sample(m, t, 2024);
        double ke = KineticEnergy.kineticEnergyEv(v, m);
        double expected = 1.5 * n * Units.KB_EV_PER_K * t;
        // ½ m v² per component has variance (kT)²/2: the sum's error is kT √(3n/2)
        double sigma = Units.KB_EV_PER_K * t * Math.sqrt(1.5 * n);
        assertEquals(expected, ke, 4 * sigma);
        // and each component is Gaussian: ⟨v⁴⟩ = 3 ⟨v²⟩² for the hydrogens' x components
        double s2 = 0, s4 = 0;
        int count = 0;
        for (int i = 0; i < n; i += 4) { double vx = v[3 * i]; s2 += vx * vx; s4 += vx * vx * vx * vx; count++; }
        s2 /= count; s4 /= count;
        assertEquals(3.0, s4 / (s2 * s2), 0.2);
        assertEquals(Units.KB_EV_PER_K * t / 1.008 * Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2, s2, 0.05 * s2);
    }

    @Test
    void sameSeedSameVelocities() {
        double[] m = masses(50);
        assertArrayEquals(MaxwellBoltzmann.sample(m, 500, 7), MaxwellBoltzmann.sample(m, 500, 7));
        assertFalse(java.util.Arrays.equals(MaxwellBoltzmann.sample(m, 500, 7), MaxwellBoltzmann.sample(m, 500, 8)));
    }

    @Test
    void removalsLeaveZeroMomentumAndAngularMomentumAndRescaleIsExact() {
        int n = 21;
        double[] m = masses(n), x = randomPositions(n, 3);
        double[] v = MaxwellBoltzmann.initialVelocities(x, m, 500.0, 11, true, true, true);
        double[] p = MaxwellBoltzmann.momentum(v, m), l = MaxwellBoltzmann.angularMomentum(x, v, m);
        double pScale = 0, lScale = 0;
        double[] com = MaxwellBoltzmann.centerOfMass(x, m);
        for (int i = 0; i < n; i++) {
            double speed = Math.sqrt(v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2]);
            pScale += m[i] * speed;
            lScale += m[i] * speed * Math.hypot(Math.hypot(x[3 * i] - com[0], x[3 * i + 1] - com[1]), x[3 * i + 2] - com[2]);
        }
        for (int d = 0; d < 3; d++) {
            assertEquals(0.0, p[d], 1e-14 * pScale, "momentum " + d);
            assertEquals(0.0, l[d], 1e-12 * lScale, "angular momentum " + d);
        }
        assertEquals(500.0, KineticEnergy.temperatureK(v, m, 3 * n - 6), 1e-9);
    }

    /** A rigid rotation plus translation is removed completely; the internal motion is untouched. */
    @Test
    void rigidMotionIsRemovedExactly() {
        int n = 9;
        double[] m = masses(n), x = randomPositions(n, 5);
        double[] internal = MaxwellBoltzmann.sample(m, 300, 1);
        MaxwellBoltzmann.removeCenterOfMassMomentum(internal, m);
        MaxwellBoltzmann.removeAngularMomentum(x, internal, m);
        double[] omega = {0.01, -0.02, 0.005}, u = {0.003, 0.001, -0.002}, com = MaxwellBoltzmann.centerOfMass(x, m);
        double[] v = internal.clone();
        for (int i = 0; i < n; i++) {
            double rx = x[3 * i] - com[0], ry = x[3 * i + 1] - com[1], rz = x[3 * i + 2] - com[2];
            v[3 * i] += u[0] + omega[1] * rz - omega[2] * ry;
            v[3 * i + 1] += u[1] + omega[2] * rx - omega[0] * rz;
            v[3 * i + 2] += u[2] + omega[0] * ry - omega[1] * rx;
        }
        MaxwellBoltzmann.removeCenterOfMassMomentum(v, m);
        MaxwellBoltzmann.removeAngularMomentum(x, v, m);
        for (int i = 0; i < v.length; i++) assertEquals(internal[i], v[i], 1e-14);
    }

    /** A linear molecule cannot rotate about its axis: only the two perpendicular components are removed. */
    @Test
    void linearMoleculeRotationIsRemovedWithoutBlowingUp() {
        double[] m = {12.011, 15.999, 15.999};
        double[] x = {0, 0, 0, 1.16, 0, 0, -1.16, 0, 0}; // CO2 along x
        double[] v = MaxwellBoltzmann.sample(m, 300, 4);
        MaxwellBoltzmann.removeCenterOfMassMomentum(v, m);
        MaxwellBoltzmann.removeAngularMomentum(x, v, m);
        double[] l = MaxwellBoltzmann.angularMomentum(x, v, m);
        for (double c : l) assertEquals(0.0, c, 1e-15);
        for (double c : v) assertTrue(Double.isFinite(c) && Math.abs(c) < 0.1);
    }

    @Test
    void degreesOfFreedom() {
        assertEquals(30, KineticEnergy.degreesOfFreedom(10, false, false));
        assertEquals(27, KineticEnergy.degreesOfFreedom(10, true, false));
        assertEquals(24, KineticEnergy.degreesOfFreedom(10, true, true));
        assertThrows(IllegalArgumentException.class, () -> KineticEnergy.degreesOfFreedom(2, true, true));
    }

    @Test
    void temperatureOfKnownVelocities() {
        // one argon atom moving at 1 Å/fs along x: E = ½ 39.948 amu (1e5 m/s)² in eV
        double[] v = {1.0, 0, 0};
        double e = 0.5 * 39.948 * Units.AMU_KG * 1e10 / Units.ELEMENTARY_CHARGE_C;
        assertEquals(e, KineticEnergy.kineticEnergyEv(v, new double[] {39.948}), 1e-12 * e);
        assertEquals(2 * e / Units.KB_EV_PER_K, KineticEnergy.temperatureK(v, new double[] {39.948}, 1), 1e-9);
    }
}
