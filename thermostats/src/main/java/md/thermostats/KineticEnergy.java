package md.thermostats;

import md.core.Units;

/** Kinetic energy and instantaneous temperature of xyz-interleaved velocities (Å/fs) with masses (amu). */
public final class KineticEnergy {
    private KineticEnergy() {}

    /** ½ Σ m v², eV. */
    public static double kineticEnergyEv(double[] velocities, double[] massesAmu) {
        checkLengths(velocities, massesAmu);
        double twiceKe = 0.0;
        for (int i = 0; i < massesAmu.length; i++) {
            double vx = velocities[3 * i], vy = velocities[3 * i + 1], vz = velocities[3 * i + 2];
            twiceKe += massesAmu[i] * (vx * vx + vy * vy + vz * vz);
        }
        return 0.5 * twiceKe * Units.AMU_ANGSTROM2_PER_FS2_TO_EV;
    }

    /** T = 2 E_kin / (N_f k_B), K. */
    public static double temperatureK(double kineticEnergyEv, int degreesOfFreedom) {
        if (degreesOfFreedom <= 0)
            throw new IllegalArgumentException("degrees of freedom must be positive, got " + degreesOfFreedom);
        return 2.0 * kineticEnergyEv / (degreesOfFreedom * Units.KB_EV_PER_K);
    }

    public static double temperatureK(double[] velocities, double[] massesAmu, int degreesOfFreedom) {
        return temperatureK(kineticEnergyEv(velocities, massesAmu), degreesOfFreedom);
    }

    /** The kinetic energy N_f k_B T / 2 that a temperature corresponds to, eV. */
    public static double kineticEnergyAtEv(double temperatureK, int degreesOfFreedom) {
        return 0.5 * degreesOfFreedom * Units.KB_EV_PER_K * temperatureK;
    }

    /**
     * N_f = 3N, minus 3 when the centre-of-mass momentum is removed (and stays zero), minus 3 more when
     * the angular momentum of an isolated, non-linear molecule is removed (2 for a linear one, which the
     * caller must decide). Never below 1.
     */
    public static int degreesOfFreedom(int atomCount, boolean centerOfMassRemoved, boolean rotationRemoved) {
        int nf = 3 * atomCount - (centerOfMassRemoved ? 3 : 0) - (rotationRemoved ? 3 : 0);
        if (nf < 1)
            throw new IllegalArgumentException("no degrees of freedom left for " + atomCount + " atoms with"
                    + (centerOfMassRemoved ? " centre-of-mass" : "") + (rotationRemoved ? " rotation" : "")
                    + " motion removed");
        return nf;
    }

    static void checkLengths(double[] velocities, double[] massesAmu) {
        if (velocities.length != 3 * massesAmu.length)
            throw new IllegalArgumentException("velocities must have 3 entries per mass: " + velocities.length
                    + " velocities for " + massesAmu.length + " masses");
    }
}
