package md.thermostats;

/**
 * A thermostat acting on velocities as one operator of a symmetric (Trotter) splitting of the
 * Velocity Verlet step. Integrators call {@link #apply} with the length of time the operator covers;
 * where in the step it sits is given by {@link #placement()}. Velocities in Å/fs, masses in amu, time
 * in fs, energies in eV.
 */
public interface Thermostat {

    /** Where the operator sits in the Velocity Verlet step (B = half kick, A = drift). */
    enum Placement {
        /** T(dt/2) B A B T(dt/2): Nosé–Hoover chains (MTK), Berendsen, OBABO Langevin. */
        AROUND_VERLET,
        /** B A(dt/2) T(dt) A(dt/2) B: BAOAB Langevin (Leimkuhler–Matthews). */
        BETWEEN_DRIFTS
    }

    double targetTemperatureK();

    /** Degrees of freedom N_f the thermostat assumes when it turns kinetic energy into a temperature. */
    int degreesOfFreedom();

    default Placement placement() { return Placement.AROUND_VERLET; }

    /** Propagates the thermostat and the velocities it couples to for {@code dtFs}. */
    void apply(double[] velocities, double[] massesAmu, double dtFs);

    /**
     * Thermostat contribution to the conserved energy, eV: the energy of the thermostat variables for
     * Nosé–Hoover, minus the heat the bath gave to the system for stochastic or rescaling thermostats.
     */
    double conservedEnergyExtraEv();

    /** Thermostat variables and RNG state, for checkpoints; {@link #restoreState} continues bit-identically. */
    byte[] saveState();

    void restoreState(byte[] state);
}
