package md.integrators;

import md.core.Units;
import md.thermostats.KineticEnergy;
import md.thermostats.StateBytes;

/**
 * The single-thermostat Nosé–Hoover integrator of the MD17 stability benchmark of Fu, Wu, Wang, Xie,
 * Keten, Gómez-Bombarelli, Jaakkola, "Forces are not Enough: Benchmark and Critical Evaluation for
 * Machine Learning Force Fields with Molecular Simulations", TMLR 2023 — class {@code NoseHoover} in
 * {@code mdsim/md/integrator.py} of github.com/kyonofx/MDsim (itself adapted from torchmd/mdgrad).
 * Reproduced step for step so that stability results are comparable with theirs; for new work prefer
 * {@link VelocityVerlet} with a {@link md.thermostats.NoseHooverChain}.
 *
 * <p>With a = F/m at the current positions, ζ the thermostat's friction (1/fs),
 * K_t = ½ (3N) k T and Q = 3N k T (ttime·dt)², one step is:
 * <pre>
 *   x'   = x + v dt + (a − ζ v) dt²/2
 *   K₀   = K(v)
 *   v½   = v + (a − ζ v) dt/2
 *   a'   = F(x')/m
 *   ζ    ← ζ + dt/(2Q) (K₀ − K_t)
 *   ζ'   = ζ + dt/(2Q) (K(v½) − K_t)
 *   v'   = (v½ + a' dt/2) / (1 + ζ' dt/2)
 * </pre>
 * The benchmark configs use dt = 0.5 fs, T = 500 K, ttime = 20 (τ = ttime·dt = 10 fs), and 3N degrees
 * of freedom (no centre-of-mass correction), which this class keeps.
 *
 * <p>The continuous equations dv/dt = F/m − ζ v, dζ/dt = (K − K_t)/Q conserve
 * H = E_kin + E_pot + Q ζ² + 3N k T ξ with dξ/dt = ζ; {@link #conservedEnergyExtraEv} reports
 * Q ζ² + 3N k T ξ with ξ integrated by the trapezoidal rule over each step's ζ. The discrete scheme is
 * not exactly time-reversible, so H is conserved only up to integration error.
 */
public final class NoseHooverFu implements Integrator {
    private static final String TAG = "NoseHooverFu/1";
    private static final double ACCEL = Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2;

    private final double timestepFs;
    private final double targetTemperatureK;
    private final double ttime;
    private final int atomCount;
    private final double kT;
    private final double targetKineticEnergyEv;
    private final double qEvFs2;
    private double zetaPerFs;
    private double xi;
    private double[] velocitiesHalf = new double[0];

    /**
     * @param timestepFs         time step dt, fs (&gt; 0; the benchmark uses 0.5)
     * @param targetTemperatureK target temperature, K (&gt; 0; the benchmark uses 500)
     * @param ttime              thermostat time in units of dt (&gt; 0; the benchmark uses 20)
     * @param atomCount          number of atoms N (the thermostat mass and target use 3N)
     */
    public NoseHooverFu(double timestepFs, double targetTemperatureK, double ttime, int atomCount) {
        if (!(timestepFs > 0) || !Double.isFinite(timestepFs))
            throw new IllegalArgumentException("time step must be positive (fs), got " + timestepFs);
        if (!(targetTemperatureK > 0) || !Double.isFinite(targetTemperatureK))
            throw new IllegalArgumentException("Nosé–Hoover (Fu et al.): target temperature must be positive (K), got " + targetTemperatureK);
        if (!(ttime > 0) || !Double.isFinite(ttime))
            throw new IllegalArgumentException("Nosé–Hoover (Fu et al.): ttime must be positive (multiples of the time step), got " + ttime);
        if (atomCount < 1)
            throw new IllegalArgumentException("Nosé–Hoover (Fu et al.): atom count must be ≥ 1, got " + atomCount);
        this.timestepFs = timestepFs;
        this.targetTemperatureK = targetTemperatureK;
        this.ttime = ttime;
        this.atomCount = atomCount;
        this.kT = Units.KB_EV_PER_K * targetTemperatureK;
        this.targetKineticEnergyEv = 0.5 * 3.0 * atomCount * kT;
        double tau = ttime * timestepFs;
        this.qEvFs2 = 3.0 * atomCount * kT * tau * tau;
    }

    @Override public double timestepFs() { return timestepFs; }

    public double targetTemperatureK() { return targetTemperatureK; }

    public double ttime() { return ttime; }

    /** Q = 3N k T (ttime·dt)², eV·fs². */
    public double thermostatMassEvFs2() { return qEvFs2; }

    /** The thermostat's friction ζ, 1/fs. */
    public double zetaPerFs() { return zetaPerFs; }

    @Override
    public void step(MdState s, ForceEvaluator forces) {
        if (s.atomCount() != atomCount)
            throw new IllegalArgumentException("Nosé–Hoover (Fu et al.) was set up for " + atomCount
                    + " atoms but the state has " + s.atomCount());
        double dt = timestepFs;
        double[] x = s.positions, v = s.velocities, f = s.forces, m = s.massesAmu;
        if (velocitiesHalf.length != v.length) velocitiesHalf = new double[v.length];
        double[] vHalf = velocitiesHalf;
        double zeta0 = zetaPerFs;

        for (int i = 0; i < m.length; i++) {
            double am = ACCEL / m[i];
            for (int d = 0; d < 3; d++) {
                int j = 3 * i + d;
                double a = f[j] * am - zeta0 * v[j];
                x[j] = x[j] + v[j] * dt + a * (0.5 * dt * dt);
                vHalf[j] = v[j] + 0.5 * dt * a;
            }
        }
        double ke0 = KineticEnergy.kineticEnergyEv(v, m);
        s.potentialEnergyEv = forces.evaluate(x, f);

        double zeta = zeta0 + 0.5 * dt * (1.0 / qEvFs2) * (ke0 - targetKineticEnergyEv);
        zeta = zeta + 0.5 * dt * (1.0 / qEvFs2) * (KineticEnergy.kineticEnergyEv(vHalf, m) - targetKineticEnergyEv);

        double denominator = 1.0 + 0.5 * dt * zeta;
        for (int i = 0; i < m.length; i++) {
            double am = ACCEL / m[i];
            for (int d = 0; d < 3; d++) {
                int j = 3 * i + d;
                v[j] = (vHalf[j] + 0.5 * dt * (f[j] * am)) / denominator;
            }
        }
        xi += 0.5 * dt * (zeta0 + zeta);
        zetaPerFs = zeta;
        s.step++;
        s.timeFs += dt;
    }

    @Override
    public double conservedEnergyExtraEv(MdState state) {
        return qEvFs2 * zetaPerFs * zetaPerFs + 3.0 * atomCount * kT * xi;
    }

    @Override
    public byte[] saveState() {
        return new StateBytes.Writer(TAG).putDouble(zetaPerFs).putDouble(xi).toByteArray();
    }

    @Override
    public void restoreState(byte[] state) {
        StateBytes.Reader r = new StateBytes.Reader(state, TAG);
        double z = r.getDouble(), x = r.getDouble();
        r.end();
        zetaPerFs = z;
        xi = x;
    }
}
