package md.integrators;

/**
 * Advances an {@link MdState} by one timestep. Before the first {@link #step}, the caller has
 * evaluated forces and potential energy at the initial positions into the state; after each step the
 * state's forces and energy belong to the new positions (one force evaluation per step), and
 * {@code state.step} has been incremented and {@code state.timeFs} advanced by {@link #timestepFs()}.
 */
public interface Integrator {

    double timestepFs();

    void step(MdState state, ForceEvaluator forces);

    /**
     * Energy terms beyond Ekin + Epot that make the conserved quantity of this dynamics (thermostat
     * kinetic/potential energy, work done by a stochastic thermostat); 0 for plain NVE. eV.
     */
    default double conservedEnergyExtraEv(MdState state) { return 0.0; }

    /** Everything besides the MdState needed to continue bit-identically (thermostat variables, RNG). */
    default byte[] saveState() { return new byte[0]; }

    default void restoreState(byte[] state) {}
}
