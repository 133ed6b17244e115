package md.integrators;

import md.core.Units;

/**
 * The pressure tensor of a periodic system, bar: P_ab = (Σ_i m_i v_ia v_ib + W_ab) / V (LAMMPS' compute
 * pressure: positive under compression; ASE's stress is −P), with W the force field's virial (eV,
 * W = −Σ r_ij ⊗ f_ij) and the full kinetic term (no centre-of-mass part removed). One definition for
 * the thermo output and the barostats. Allocates nothing.
 */
public final class PressureTensor {
    private PressureTensor() {}

    /** Writes P (9 numbers, row-major, bar) into {@code out}; velocities Å/fs, masses amu, virial eV, volume Å³. */
    public static void bar(double[] velocities, double[] massesAmu, double[] virialEv, double volumeA3, double[] out) {
        double[] v = velocities, m = massesAmu;
        double kxx = 0, kyy = 0, kzz = 0, kxy = 0, kxz = 0, kyz = 0;
        for (int i = 0; i < m.length; i++) {
            double vx = v[3 * i], vy = v[3 * i + 1], vz = v[3 * i + 2], mi = m[i];
            kxx += mi * vx * vx; kyy += mi * vy * vy; kzz += mi * vz * vz;
            kxy += mi * vx * vy; kxz += mi * vx * vz; kyz += mi * vy * vz;
        }
        double toEv = Units.AMU_ANGSTROM2_PER_FS2_TO_EV, scale = Units.BAR_PER_EV_PER_A3 / volumeA3;
        double[] w = virialEv;
        out[0] = (kxx * toEv + w[0]) * scale;
        out[1] = (kxy * toEv + w[1]) * scale;
        out[2] = (kxz * toEv + w[2]) * scale;
        out[3] = (kxy * toEv + w[3]) * scale;
        out[4] = (kyy * toEv + w[4]) * scale;
        out[5] = (kyz * toEv + w[5]) * scale;
        out[6] = (kxz * toEv + w[6]) * scale;
        out[7] = (kyz * toEv + w[7]) * scale;
        out[8] = (kzz * toEv + w[8]) * scale;
    }
}
