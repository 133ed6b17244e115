package md.engine.run;

import md.engine.neighbors.VerletNeighborList;
import md.engine.system.MolecularSystem;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.core.Cell;
import md.integrators.CellForceEvaluator;
import md.integrators.Integrator;
import md.integrators.MdState;
import md.thermostats.KineticEnergy;

/**
 * Where system, force field, neighbour list and integrator meet (OpenMM's "Context"): the integrator
 * asks for forces, which first brings the neighbour list up to date (rebuilt only when some atom moved
 * more than half the skin) and then calls the force field. One step allocates nothing.
 */
public final class Simulation implements CellForceEvaluator {
    private final MolecularSystem system;
    private final ForceField forceField;
    private final VerletNeighborList neighbors;
    private final Integrator integrator;
    private final MdState state;
    /** What the force field sees; replaced with the cell (a barostat's step). */
    private Atoms atoms;
    private final int degreesOfFreedom;
    /** Positions the neighbour list was last built from; part of a checkpoint so resume rebuilds the same list. */
    private final double[] neighborPositions;
    /**
     * For a force field whose forces are not −∇E ({@link ForceField#conservative()} false): the positions
     * and forces of the previous evaluation, and W_nc = E_pot − E_pot(0) + ∫F·dx along the evaluated
     * positions (trapezoidal rule), the work of the part of the forces that is not −∇E_pot. Null arrays
     * for a conservative force field.
     */
    private final double[] lastPositions, lastForces;
    private double nonconservativeWorkEv, workEv, initialPotentialEv = Double.NaN;
    /**
     * The virial W (9, row-major, eV; {@link ForceField#compute}'s convention, LAMMPS' sign) of the last
     * evaluation, for the pressure; null where no pressure is reported: a cell that is not periodic in all
     * three directions (no volume), or a force field without a virial (direct forces).
     */
    private final double[] virial;

    public Simulation(MolecularSystem system, ForceField forceField, double skinAngstrom, Integrator integrator, int degreesOfFreedom) {
        this.system = system;
        this.forceField = forceField;
        this.neighbors = new VerletNeighborList(forceField.cutoffAngstrom(), skinAngstrom);
        this.integrator = integrator;
        this.state = new MdState(system.positions(), system.velocities(), system.massesAmu());
        this.atoms = system.atoms();
        this.degreesOfFreedom = degreesOfFreedom;
        this.neighborPositions = new double[system.positions().length];
        boolean tracked = !forceField.conservative();
        this.lastPositions = tracked ? new double[system.positions().length] : null;
        this.lastForces = tracked ? new double[system.positions().length] : null;
        boolean[] pbc = system.cell().pbc();
        this.virial = pbc[0] && pbc[1] && pbc[2] && forceField.providesVirial() ? new double[9] : null;
    }

    /** Whether {@link #pressureBar} is defined: a fully periodic cell and a force field with a virial. */
    public boolean reportsPressure() { return virial != null; }

    /**
     * The pressure at the last evaluated positions, bar: P = (2 E_kin + tr W) / (3 V), the kinetic term
     * being N_f k_B T (as LAMMPS' compute pressure) and W the force field's virial. NaN where
     * {@link #reportsPressure()} is false.
     */
    public double pressureBar(double kineticEnergyEv) {
        if (virial == null) return Double.NaN;
        double volume = system.cell().volume();
        return (2 * kineticEnergyEv + virial[0] + virial[4] + virial[8]) / (3 * volume) * md.core.Units.BAR_PER_EV_PER_A3;
    }

    /**
     * The pressure tensor at the last evaluated positions and the current velocities, bar, 9 numbers
     * row-major: P_ab = (Σ_i m_i v_ia v_ib + W_ab) / V, LAMMPS' compute pressure (pxx = P[0], pxy = P[1],
     * ...; positive under compression; ASE's stress is −P). The kinetic part is the full Σ m v v, no
     * centre-of-mass term removed, so tr P / 3 is {@link #pressureBar} at the current kinetic energy. NaNs
     * where {@link #reportsPressure()} is false. Allocates nothing (a barostat may call it every step).
     */
    public void pressureTensorBar(double[] out) {
        if (out.length != 9) throw new IllegalArgumentException("the pressure tensor has 9 components, got an array of " + out.length);
        if (virial == null) {
            java.util.Arrays.fill(out, Double.NaN);
            return;
        }
        md.integrators.PressureTensor.bar(state.velocities, state.massesAmu, virial, system.cell().volume(), out);
    }

    /**
     * The force field's virial W of the last evaluation (eV, row-major, W = −Σ r_ij ⊗ f_ij), a copy into
     * {@code out}; NaNs where {@link #reportsPressure()} is false.
     */
    public void virialEv(double[] out) {
        if (virial == null) java.util.Arrays.fill(out, Double.NaN);
        else System.arraycopy(virial, 0, out, 0, 9);
    }

    @Override public double volumeA3() { return system.cell().volume(); }

    /** The last evaluation's virial (null where {@link #reportsPressure()} is false). */
    @Override public double[] virialEv() { return virial; }

    /**
     * Scales the α components of the lattice vectors by {@code factors[α]} (a barostat's step; the
     * neighbour list sees a new cell and rebuilds at the next evaluation). See {@link #deformCell}.
     */
    @Override
    public void scaleCell(double[] factors) {
        double[] h = system.cell().vectors();
        for (int i = 0; i < 9; i++) h[i] *= factors[i % 3];
        setBarostatCell(h);
    }

    @Override public double[] cellVectorsA() { return system.cell().vectors(); }

    /**
     * Replaces every lattice vector r by M r (a flexible barostat's step). A cell narrower than twice the
     * cutoff is fine (the list holds every image within the cutoff); the run fails as unstable only when the
     * cell has collapsed so far that the cutoff reaches more than {@link MdRun#MAX_IMAGES_SEARCHED} periodic images (the
     * limit md run applies to a starting cell).
     */
    @Override
    public void deformCell(double[] m) {
        double[] h = system.cell().vectors(), out = new double[9];
        for (int row = 0; row < 3; row++)
            for (int a = 0; a < 3; a++)
                out[3 * row + a] = m[3 * a] * h[3 * row] + m[3 * a + 1] * h[3 * row + 1] + m[3 * a + 2] * h[3 * row + 2];
        setBarostatCell(out);
    }

    private void setBarostatCell(double[] h) {
        Cell cell = new Cell(h, system.cell().pbc());
        double[] widths = cell.perpendicularWidths();
        double narrowest = Double.POSITIVE_INFINITY, rc = forceField.cutoffAngstrom();
        for (int k = 0; k < 3; k++) if (cell.periodic(k)) narrowest = Math.min(narrowest, widths[k]);
        double images = cell.imagesWithin(rc);
        if (!(images <= MdRun.MAX_IMAGES_SEARCHED))
            throw new UnstableRunException(String.format(java.util.Locale.ROOT, "stopped at step %d: the barostat shrank the cell to a "
                    + "narrowest width of %.4f Å, where the cutoff %.4f Å reaches about %.3g periodic images (the cell has collapsed); "
                    + "expected a pressure the system can hold, or a larger compressibility time scale (tau_fs)", state.step, narrowest, rc, images));
        system.setCell(cell);
        atoms = system.atoms();
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
        if (lastPositions != null) {
            initialPotentialEv = state.potentialEnergyEv;
            workEv = 0;
            nonconservativeWorkEv = 0;
        }
    }

    /** Whether the force field's forces are −∇E_pot; when not, {@link #nonconservativeWorkEv()} says by how much energy. */
    public boolean conservative() { return lastPositions == null; }

    /**
     * E_pot − E_pot(0) + ∫F·dx since the start of the run: zero (up to the integration error) for forces
     * that are −∇E_pot; for direct forces, the energy they put in beyond the potential's change (in NVE,
     * E_tot − W_nc stays constant). 0 for a conservative force field.
     */
    public double nonconservativeWorkEv() { return nonconservativeWorkEv; }

    /** ∫F·dx since the start (checkpointed; see {@link #nonconservativeWorkEv()}). */
    double workEv() { return workEv; }
    double initialPotentialEv() { return initialPotentialEv; }

    /** Continues the work integral of a checkpoint: the last evaluation was at the state's positions and forces. */
    void restoreWork(double initialPotentialEv, double workEv) {
        if (lastPositions == null) return;
        this.initialPotentialEv = initialPotentialEv;
        this.workEv = workEv;
        System.arraycopy(state.positions, 0, lastPositions, 0, lastPositions.length);
        System.arraycopy(state.forces, 0, lastForces, 0, lastForces.length);
        nonconservativeWorkEv = state.potentialEnergyEv - initialPotentialEv + workEv;
    }

    /**
     * Continues from saved state: the neighbour list is rebuilt from the positions and in the cell it was built from
     * in the original run (null: the current cell), so pairs, shifts and their order — and so every rounding — are
     * the same; the next evaluation maps its shifts to the current cell as the original run did.
     */
    void restore(double[] listPositions, Cell listCell) {
        double[] current = state.positions.clone();
        System.arraycopy(listPositions, 0, state.positions, 0, current.length);
        Cell cell = system.cell();
        if (listCell != null) {
            system.setCell(listCell);
            atoms = system.atoms();
        }
        neighbors.rebuild(atoms);
        if (listCell != null) {
            system.setCell(cell);
            atoms = system.atoms();
        }
        System.arraycopy(listPositions, 0, neighborPositions, 0, current.length);
        System.arraycopy(current, 0, state.positions, 0, current.length);
    }

    public void step() { integrator.step(state, this); }

    @Override
    public double evaluate(double[] positions, double[] forcesOut) {
        if (positions != state.positions) throw new IllegalStateException("integrator passed positions that are not the system's");
        if (neighbors.update(atoms)) System.arraycopy(positions, 0, neighborPositions, 0, positions.length);
        double energy = forceField.compute(atoms, neighbors.list(), forcesOut, virial);
        if (lastPositions != null) accumulateWork(positions, forcesOut, energy);
        return energy;
    }

    /** dW = ½(F_prev + F)·(x − x_prev), then W_nc = E_pot − E_pot(0) + W (the first evaluation only records). */
    private void accumulateWork(double[] positions, double[] forces, double energy) {
        if (!Double.isNaN(initialPotentialEv)) {
            double dw = 0;
            for (int i = 0; i < positions.length; i++) dw += 0.5 * (lastForces[i] + forces[i]) * (positions[i] - lastPositions[i]);
            workEv += dw;
            nonconservativeWorkEv = energy - initialPotentialEv + workEv;
        }
        System.arraycopy(positions, 0, lastPositions, 0, positions.length);
        System.arraycopy(forces, 0, lastForces, 0, forces.length);
    }

    public double kineticEnergyEv() { return KineticEnergy.kineticEnergyEv(state.velocities, state.massesAmu); }

    public double temperatureK(double kineticEnergyEv) { return KineticEnergy.temperatureK(kineticEnergyEv, degreesOfFreedom); }
}
