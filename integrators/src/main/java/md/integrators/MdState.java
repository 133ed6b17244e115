package md.integrators;

/**
 * The dynamical state an integrator advances: positions (Å), velocities (Å/fs), forces (eV/Å) at the
 * current positions, masses (amu), the potential energy (eV) belonging to those forces, step and time.
 * Arrays are xyz-interleaved, length 3N.
 */
public final class MdState {
    public final double[] positions;
    public final double[] velocities;
    public final double[] forces;
    public final double[] massesAmu;
    public double potentialEnergyEv;
    public long step;
    public double timeFs;

    public MdState(double[] positions, double[] velocities, double[] massesAmu) {
        if (positions.length != 3 * massesAmu.length || velocities.length != positions.length)
            throw new IllegalArgumentException("positions/velocities must have 3 entries per mass");
        this.positions = positions;
        this.velocities = velocities;
        this.forces = new double[positions.length];
        this.massesAmu = massesAmu;
    }

    public int atomCount() { return massesAmu.length; }
}
