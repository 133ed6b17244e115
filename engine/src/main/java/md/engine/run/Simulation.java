package md.engine.run;

import md.engine.neighbors.VerletNeighborList;
import md.engine.system.MolecularSystem;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.integrators.ForceEvaluator;
import md.integrators.Integrator;
import md.integrators.MdState;
import md.thermostats.KineticEnergy;

/**
 * Where system, force field, neighbour list and integrator meet (OpenMM's "Context"): the integrator
 * asks for forces, which first brings the neighbour list up to date (rebuilt only when some atom moved
 * more than half the skin) and then calls the force field. One step allocates nothing.
 */
public final class Simulation implements ForceEvaluator {
    private final MolecularSystem system;
    private final ForceField forceField;
    private final VerletNeighborList neighbors;
    private final Integrator integrator;
    private final MdState state;
    private final Atoms atoms;
    private final int degreesOfFreedom;
    /** Positions the neighbour list was last built from; part of a checkpoint so resume rebuilds the same list. */
    private final double[] neighborPositions;

    public Simulation(MolecularSystem system, ForceField forceField, double skinAngstrom, Integrator integrator, int degreesOfFreedom) {
        this.system = system;
        this.forceField = forceField;
        this.neighbors = new VerletNeighborList(forceField.cutoffAngstrom(), skinAngstrom);
        this.integrator = integrator;
        this.state = new MdState(system.positions(), system.velocities(), system.massesAmu());
        this.atoms = system.atoms();
        this.degreesOfFreedom = degreesOfFreedom;
        this.neighborPositions = new double[system.positions().length];
    }

    public MolecularSystem system() { return system; }
    public ForceField forceField() { return forceField; }
    public Integrator integrator() { return integrator; }
    public MdState state() { return state; }
    public VerletNeighborList neighbors() { return neighbors; }
    public int degreesOfFreedom() { return degreesOfFreedom; }
    double[] neighborPositions() { return neighborPositions; }

    /** Forces and energy at the current positions, as the integrator's contract requires before the first step. */
    public void computeInitialForces() {
        state.potentialEnergyEv = evaluate(state.positions, state.forces);
    }

    /**
     * Continues from saved state: the neighbour list is rebuilt from the positions it was built from in
     * the original run, so pairs, shifts and their order — and so every rounding — are the same.
     */
    void restore(double[] listPositions) {
        double[] current = state.positions.clone();
        System.arraycopy(listPositions, 0, state.positions, 0, current.length);
        neighbors.rebuild(atoms);
        System.arraycopy(listPositions, 0, neighborPositions, 0, current.length);
        System.arraycopy(current, 0, state.positions, 0, current.length);
    }

    public void step() { integrator.step(state, this); }

    @Override
    public double evaluate(double[] positions, double[] forcesOut) {
        if (positions != state.positions) throw new IllegalStateException("integrator passed positions that are not the system's");
        if (neighbors.update(atoms)) System.arraycopy(positions, 0, neighborPositions, 0, positions.length);
        return forceField.compute(atoms, neighbors.list(), forcesOut, null);
    }

    public double kineticEnergyEv() { return KineticEnergy.kineticEnergyEv(state.velocities, state.massesAmu); }

    public double temperatureK(double kineticEnergyEv) { return KineticEnergy.temperatureK(kineticEnergyEv, degreesOfFreedom); }
}
