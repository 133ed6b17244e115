package md.thermostats;

/**
 * Berendsen weak-coupling thermostat (Berendsen, Postma, van Gunsteren, DiNola, Haak, J. Chem. Phys. 81,
 * 3684 (1984)): over a time h the velocities are scaled by λ = √(1 + (h/τ)(T₀/T − 1)), so the
 * temperature relaxes exponentially to T₀ with time constant τ. It does not sample the canonical
 * ensemble (kinetic-energy fluctuations are suppressed); use it to equilibrate, not for production.
 *
 * <p>The kinetic energy removed by the scaling is summed, so E_kin + E_pot − (heat added) is the
 * conserved-like quantity reported, as in GROMACS.
 */
public final class Berendsen implements Thermostat {
    private static final String TAG = "Berendsen/1";

    private final double targetTemperatureK;
    private final double timeConstantFs;
    private final int degreesOfFreedom;
    private double heatEv;

    /**
     * @param targetTemperatureK target temperature T₀, K (&gt; 0)
     * @param timeConstantFs     coupling time τ, fs (&gt; 0; typically 100 fs, and not below the time step)
     * @param degreesOfFreedom   N_f used to compute the instantaneous temperature
     */
    public Berendsen(double targetTemperatureK, double timeConstantFs, int degreesOfFreedom) {
        if (!(targetTemperatureK > 0) || !Double.isFinite(targetTemperatureK))
            throw new IllegalArgumentException("Berendsen: target temperature must be positive (K), got " + targetTemperatureK);
        if (!(timeConstantFs > 0) || !Double.isFinite(timeConstantFs))
            throw new IllegalArgumentException("Berendsen: time constant must be positive (fs), got " + timeConstantFs);
        if (degreesOfFreedom < 1)
            throw new IllegalArgumentException("Berendsen: degrees of freedom must be ≥ 1, got " + degreesOfFreedom);
        this.targetTemperatureK = targetTemperatureK;
        this.timeConstantFs = timeConstantFs;
        this.degreesOfFreedom = degreesOfFreedom;
    }

    @Override public double targetTemperatureK() { return targetTemperatureK; }

    @Override public int degreesOfFreedom() { return degreesOfFreedom; }

    public double timeConstantFs() { return timeConstantFs; }

    @Override
    public void apply(double[] velocities, double[] massesAmu, double dtFs) {
        double ke = KineticEnergy.kineticEnergyEv(velocities, massesAmu);
        if (ke == 0.0) return; // nothing to scale; T₀/T is undefined
        double t = KineticEnergy.temperatureK(ke, degreesOfFreedom);
        double lambda2 = Math.max(0.0, 1.0 + dtFs / timeConstantFs * (targetTemperatureK / t - 1.0));
        double lambda = Math.sqrt(lambda2);
        for (int i = 0; i < velocities.length; i++) velocities[i] *= lambda;
        heatEv += (lambda2 - 1.0) * ke;
    }

    @Override public double conservedEnergyExtraEv() { return -heatEv; }

    @Override
    public byte[] saveState() { return new StateBytes.Writer(TAG).putDouble(heatEv).toByteArray(); }

    @Override
    public void restoreState(byte[] state) {
        StateBytes.Reader r = new StateBytes.Reader(state, TAG);
        double heat = r.getDouble();
        r.end();
        heatEv = heat;
    }
}
