package md.thermostats;

/**
 * A thermostat acting on velocities as one operator of a symmetric (Trotter) splitting: integrators
 * call {@link #apply} with the fraction of the timestep the operator covers (e.g. dt/2 before and after
 * the Verlet part). Velocities in Å/fs, masses in amu, time in fs.
 */
public interface Thermostat {

    double targetTemperatureK();

    /** Propagates the thermostat and the velocities it couples to for {@code dtFs}. */
    void apply(double[] velocities, double[] massesAmu, double dtFs);

    /** Thermostat contribution to the conserved energy, eV (0 if it has none). */
    double conservedEnergyExtraEv();

    /** Thermostat variables and RNG state, for checkpoints. */
    byte[] saveState();

    void restoreState(byte[] state);
}
