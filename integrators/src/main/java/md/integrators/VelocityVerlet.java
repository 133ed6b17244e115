package md.integrators;

import md.core.Units;
import md.thermostats.Thermostat;

/**
 * Velocity Verlet (Swope, Andersen, Berens, Wilson, J. Chem. Phys. 76, 637 (1982)): the symmetric
 * splitting B(dt/2) A(dt) B(dt/2) of kicks B (v += F/m·h) and drifts A (x += v·h); time-reversible,
 * symplectic, second order. Without a thermostat it is NVE. With one, the thermostat operator T is
 * inserted symmetrically where {@link Thermostat#placement()} says:
 * <ul>
 *   <li>{@code AROUND_VERLET}: T(dt/2) B A B T(dt/2) — the MTK scheme for Nosé–Hoover chains;</li>
 *   <li>{@code BETWEEN_DRIFTS}: B A(dt/2) T(dt) A(dt/2) B — BAOAB for Langevin.</li>
 * </ul>
 * Both keep one force evaluation per step.
 */
public final class VelocityVerlet implements Integrator {
    private static final double ACCEL = Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2;

    private final double timestepFs;
    private final Thermostat thermostat;

    /** NVE. */
    public VelocityVerlet(double timestepFs) { this(timestepFs, null); }

    /**
     * @param timestepFs time step, fs (&gt; 0)
     * @param thermostat thermostat composed into the step, or null for NVE
     */
    public VelocityVerlet(double timestepFs, Thermostat thermostat) {
        if (!(timestepFs > 0) || !Double.isFinite(timestepFs))
            throw new IllegalArgumentException("time step must be positive (fs), got " + timestepFs);
        this.timestepFs = timestepFs;
        this.thermostat = thermostat;
    }

    @Override public double timestepFs() { return timestepFs; }

    /** The composed thermostat, or null. */
    public Thermostat thermostat() { return thermostat; }

    @Override
    public void step(MdState s, ForceEvaluator forces) {
        double dt = timestepFs;
        if (thermostat == null) {
            kick(s, 0.5 * dt);
            drift(s, dt);
        } else if (thermostat.placement() == Thermostat.Placement.AROUND_VERLET) {
            thermostat.apply(s.velocities, s.massesAmu, 0.5 * dt);
            kick(s, 0.5 * dt);
            drift(s, dt);
        } else {
            kick(s, 0.5 * dt);
            drift(s, 0.5 * dt);
            thermostat.apply(s.velocities, s.massesAmu, dt);
            drift(s, 0.5 * dt);
        }
        s.potentialEnergyEv = forces.evaluate(s.positions, s.forces);
        kick(s, 0.5 * dt);
        if (thermostat != null && thermostat.placement() == Thermostat.Placement.AROUND_VERLET)
            thermostat.apply(s.velocities, s.massesAmu, 0.5 * dt);
        s.step++;
        s.timeFs += dt;
    }

    static void kick(MdState s, double h) {
        double[] v = s.velocities, f = s.forces, m = s.massesAmu;
        for (int i = 0; i < m.length; i++) {
            double c = h * ACCEL / m[i];
            v[3 * i] += c * f[3 * i];
            v[3 * i + 1] += c * f[3 * i + 1];
            v[3 * i + 2] += c * f[3 * i + 2];
        }
    }

    static void drift(MdState s, double h) {
        double[] x = s.positions, v = s.velocities;
        for (int i = 0; i < x.length; i++) x[i] += h * v[i];
    }

    @Override
    public double conservedEnergyExtraEv(MdState state) {
        return thermostat == null ? 0.0 : thermostat.conservedEnergyExtraEv();
    }

    @Override
    public byte[] saveState() { return thermostat == null ? new byte[0] : thermostat.saveState(); }

    @Override
    public void restoreState(byte[] state) {
        if (thermostat != null) thermostat.restoreState(state);
        else if (state.length != 0)
            throw new IllegalArgumentException("saved state holds thermostat variables but this run has no thermostat");
    }
}
