package md.thermostats;

import md.core.Units;

/**
 * Langevin thermostat as the exact Ornstein–Uhlenbeck ("O") step v ← c v + √((1 − c²) kT/m) R,
 * c = exp(−γ h), R standard normal per Cartesian component. Placed between the two half drifts of the
 * Verlet step it gives BAOAB (Leimkuhler and Matthews, Appl. Math. Res. Express 2013, 34; J. Chem. Phys.
 * 138, 174102 (2013)), whose configurational sampling is exact for harmonic systems at any stable time
 * step and accurate to O(dt²) in general.
 *
 * <p>The heat the bath puts into the system (the change of kinetic energy in the O steps) is summed, so
 * E_kin + E_pot − heat is conserved up to the integration error ("effective energy"). Random numbers come
 * from a seeded generator whose state is part of {@link #saveState()}.
 *
 * <p>Note that the noise does not conserve the total momentum: use N_f = 3N unless something else
 * removes the centre-of-mass motion.
 */
public final class Langevin implements Thermostat {
    private static final String TAG = "Langevin/1";

    private final double targetTemperatureK;
    private final double frictionPerFs;
    private final int degreesOfFreedom;
    private final double kT;
    private final GaussianRandom random;
    private double heatEv;

    /**
     * @param targetTemperatureK target temperature, K (&gt; 0)
     * @param frictionPerPs      friction γ, 1/ps (&gt; 0); relaxation time 1/γ (e.g. 1/ps ↔ 1000 fs)
     * @param degreesOfFreedom   N_f used to report the temperature (the dynamics does not depend on it)
     * @param seed               seed of the random-number generator
     */
    public Langevin(double targetTemperatureK, double frictionPerPs, int degreesOfFreedom, long seed) {
        if (!(targetTemperatureK > 0) || !Double.isFinite(targetTemperatureK))
            throw new IllegalArgumentException("Langevin: target temperature must be positive (K), got " + targetTemperatureK);
        if (!(frictionPerPs > 0) || !Double.isFinite(frictionPerPs))
            throw new IllegalArgumentException("Langevin: friction must be positive (1/ps), got " + frictionPerPs);
        if (degreesOfFreedom < 1)
            throw new IllegalArgumentException("Langevin: degrees of freedom must be ≥ 1, got " + degreesOfFreedom);
        this.targetTemperatureK = targetTemperatureK;
        this.frictionPerFs = frictionPerPs / Units.FS_PER_PS;
        this.degreesOfFreedom = degreesOfFreedom;
        this.kT = Units.KB_EV_PER_K * targetTemperatureK;
        this.random = new GaussianRandom(seed);
    }

    /** The same thermostat with the friction given as a relaxation time 1/γ in fs. */
    public static Langevin withRelaxationTimeFs(double targetTemperatureK, double relaxationTimeFs,
                                                int degreesOfFreedom, long seed) {
        if (!(relaxationTimeFs > 0))
            throw new IllegalArgumentException("Langevin: relaxation time must be positive (fs), got " + relaxationTimeFs);
        return new Langevin(targetTemperatureK, Units.FS_PER_PS / relaxationTimeFs, degreesOfFreedom, seed);
    }

    @Override public double targetTemperatureK() { return targetTemperatureK; }

    @Override public int degreesOfFreedom() { return degreesOfFreedom; }

    public double frictionPerPs() { return frictionPerFs * Units.FS_PER_PS; }

    @Override public Placement placement() { return Placement.BETWEEN_DRIFTS; }

    /** Heat the bath has given to the system so far, eV. */
    public double heatEv() { return heatEv; }

    @Override
    public void apply(double[] velocities, double[] massesAmu, double dtFs) {
        KineticEnergy.checkLengths(velocities, massesAmu);
        double c = Math.exp(-frictionPerFs * dtFs);
        double noise = Math.sqrt(-Math.expm1(-2.0 * frictionPerFs * dtFs)); // √(1 − c²) without cancellation
        double twiceDeltaKe = 0.0;
        for (int i = 0; i < massesAmu.length; i++) {
            // √(kT/m) in Å/fs: eV/amu times the (eV/Å)/amu → Å/fs² factor is Å²/fs²
            double sigma = noise * Math.sqrt(kT / massesAmu[i] * Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2);
            double v2Before = 0.0, v2After = 0.0;
            for (int d = 0; d < 3; d++) {
                int j = 3 * i + d;
                double v = velocities[j];
                double vNew = c * v + sigma * random.nextGaussian();
                v2Before += v * v;
                v2After += vNew * vNew;
                velocities[j] = vNew;
            }
            twiceDeltaKe += massesAmu[i] * (v2After - v2Before);
        }
        heatEv += 0.5 * twiceDeltaKe * Units.AMU_ANGSTROM2_PER_FS2_TO_EV;
    }

    @Override public double conservedEnergyExtraEv() { return -heatEv; }

    @Override
    public byte[] saveState() {
        return new StateBytes.Writer(TAG).putDouble(heatEv).putBytes(random.saveState()).toByteArray();
    }

    @Override
    public void restoreState(byte[] state) {
        StateBytes.Reader r = new StateBytes.Reader(state, TAG);
        double heat = r.getDouble();
        byte[] rng = r.getBytes();
        r.end();
        random.restoreState(rng);
        heatEv = heat;
    }
}
