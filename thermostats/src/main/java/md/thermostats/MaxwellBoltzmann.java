package md.thermostats;

import md.core.Units;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * Initial velocities from the Maxwell–Boltzmann distribution, and the usual clean-ups: removal of the
 * centre-of-mass momentum, removal of the angular momentum of an isolated molecule, and rescaling to an
 * exact temperature. Plain xyz-interleaved arrays: positions Å, velocities Å/fs, masses amu.
 */
public final class MaxwellBoltzmann {
    private MaxwellBoltzmann() {}

    /**
     * Each Cartesian velocity component drawn from a normal distribution of variance kT/m; the same
     * seed always gives the same velocities.
     */
    public static double[] sample(double[] massesAmu, double temperatureK, long seed) {
        if (!(temperatureK >= 0) || !Double.isFinite(temperatureK))
            throw new IllegalArgumentException("Maxwell–Boltzmann temperature must be ≥ 0 K, got " + temperatureK);
        GaussianRandom random = new GaussianRandom(seed);
        double kT = Units.KB_EV_PER_K * temperatureK;
        double[] v = new double[3 * massesAmu.length];
        for (int i = 0; i < massesAmu.length; i++) {
            if (!(massesAmu[i] > 0))
                throw new IllegalArgumentException("mass of atom " + i + " must be positive, got " + massesAmu[i]);
            double sigma = Math.sqrt(kT / massesAmu[i] * Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2);
            for (int d = 0; d < 3; d++) v[3 * i + d] = sigma * random.nextGaussian();
        }
        return v;
    }

    /**
     * The whole recipe for a run's start: sample at T, optionally remove centre-of-mass momentum and
     * rotation (isolated molecules only), then optionally rescale to exactly T with the N_f that remain.
     */
    public static double[] initialVelocities(double[] positions, double[] massesAmu, double temperatureK, long seed,
                                             boolean removeCenterOfMass, boolean removeRotation,
                                             boolean rescaleToExactTemperature) {
        double[] v = sample(massesAmu, temperatureK, seed);
        if (removeCenterOfMass) removeCenterOfMassMomentum(v, massesAmu);
        if (removeRotation) removeAngularMomentum(positions, v, massesAmu);
        if (rescaleToExactTemperature && temperatureK > 0)
            rescaleToTemperature(v, massesAmu, temperatureK,
                    KineticEnergy.degreesOfFreedom(massesAmu.length, removeCenterOfMass, removeRotation));
        return v;
    }

    /** Total momentum Σ m v, amu·Å/fs. */
    public static double[] momentum(double[] velocities, double[] massesAmu) {
        KineticEnergy.checkLengths(velocities, massesAmu);
        double[] p = new double[3];
        for (int i = 0; i < massesAmu.length; i++)
            for (int d = 0; d < 3; d++) p[d] += massesAmu[i] * velocities[3 * i + d];
        return p;
    }

    /** Subtracts the centre-of-mass velocity from every atom, so Σ m v = 0. */
    public static void removeCenterOfMassMomentum(double[] velocities, double[] massesAmu) {
        double[] p = momentum(velocities, massesAmu);
        double mass = 0.0;
        for (double m : massesAmu) mass += m;
        for (int i = 0; i < massesAmu.length; i++)
            for (int d = 0; d < 3; d++) velocities[3 * i + d] -= p[d] / mass;
    }

    /** Angular momentum Σ m (r − R_com) × v about the centre of mass, amu·Å²/fs. */
    public static double[] angularMomentum(double[] positions, double[] velocities, double[] massesAmu) {
        KineticEnergy.checkLengths(velocities, massesAmu);
        double[] com = centerOfMass(positions, massesAmu);
        double[] l = new double[3];
        for (int i = 0; i < massesAmu.length; i++) {
            double x = positions[3 * i] - com[0], y = positions[3 * i + 1] - com[1], z = positions[3 * i + 2] - com[2];
            double vx = velocities[3 * i], vy = velocities[3 * i + 1], vz = velocities[3 * i + 2];
            double m = massesAmu[i];
            l[0] += m * (y * vz - z * vy);
            l[1] += m * (z * vx - x * vz);
            l[2] += m * (x * vy - y * vx);
        }
        return l;
    }

    /**
     * Removes the rigid rotation about the centre of mass: ω = I⁻¹ L, v ← v − ω × (r − R_com). For a
     * linear molecule the inertia tensor is singular along the axis, where there is no rotation to
     * remove; the pseudo-inverse handles that (and a single atom is left alone). Only meaningful for
     * isolated molecules (no periodic cell).
     */
    public static void removeAngularMomentum(double[] positions, double[] velocities, double[] massesAmu) {
        if (positions.length != velocities.length)
            throw new IllegalArgumentException("positions and velocities must have the same length");
        double[] com = centerOfMass(positions, massesAmu);
        double[] l = angularMomentum(positions, velocities, massesAmu);
        double[][] inertia = new double[3][3];
        for (int i = 0; i < massesAmu.length; i++) {
            double[] r = {positions[3 * i] - com[0], positions[3 * i + 1] - com[1], positions[3 * i + 2] - com[2]};
            double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    inertia[a][b] += massesAmu[i] * ((a == b ? r2 : 0.0) - r[a] * r[b]);
        }
        double[] omega = pseudoInverseTimes(inertia, l);
        for (int i = 0; i < massesAmu.length; i++) {
            double x = positions[3 * i] - com[0], y = positions[3 * i + 1] - com[1], z = positions[3 * i + 2] - com[2];
            velocities[3 * i] -= omega[1] * z - omega[2] * y;
            velocities[3 * i + 1] -= omega[2] * x - omega[0] * z;
            velocities[3 * i + 2] -= omega[0] * y - omega[1] * x;
        }
    }

    /** Scales velocities so that 2 E_kin / (N_f k) equals {@code temperatureK} exactly (no-op at zero speed). */
    public static void rescaleToTemperature(double[] velocities, double[] massesAmu, double temperatureK,
                                            int degreesOfFreedom) {
        double t = KineticEnergy.temperatureK(velocities, massesAmu, degreesOfFreedom);
        if (t == 0.0) return;
        double s = Math.sqrt(temperatureK / t);
        for (int i = 0; i < velocities.length; i++) velocities[i] *= s;
    }

    static double[] centerOfMass(double[] positions, double[] massesAmu) {
        double[] c = new double[3];
        double mass = 0.0;
        for (int i = 0; i < massesAmu.length; i++) {
            mass += massesAmu[i];
            for (int d = 0; d < 3; d++) c[d] += massesAmu[i] * positions[3 * i + d];
        }
        for (int d = 0; d < 3; d++) c[d] /= mass;
        return c;
    }

    private static double[] pseudoInverseTimes(double[][] symmetric, double[] b) {
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(symmetric, false));
        double[] values = eig.getRealEigenvalues();
        double max = 0.0;
        for (double v : values) max = Math.max(max, Math.abs(v));
        double[] x = new double[3];
        if (max == 0.0) return x;
        RealMatrix vectors = eig.getV();
        for (int k = 0; k < 3; k++) {
            if (Math.abs(values[k]) <= 1e-10 * max) continue; // axis of a linear molecule: no rotation
            RealVector u = vectors.getColumnVector(k);
            double coef = (u.getEntry(0) * b[0] + u.getEntry(1) * b[1] + u.getEntry(2) * b[2]) / values[k];
            for (int d = 0; d < 3; d++) x[d] += coef * u.getEntry(d);
        }
        return x;
    }
}
