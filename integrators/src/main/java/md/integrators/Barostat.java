package md.integrators;

/**
 * A pressure control acting on the cell, the positions and (for some) the velocities every few steps of
 * an {@link IsobaricIntegrator}. It decides the scaling of each Cartesian axis from the pressure tensor's
 * diagonal; the integrator applies it and does the bookkeeping of the work it does. Pressures in bar,
 * volumes in Å³, times in fs.
 */
public interface Barostat {

    /**
     * How the cell may deform: one factor for all axes, one per Cartesian axis (orthorhombic cells), or a
     * full 3×3 deformation (any cell shape, shear included; {@link #deformation}).
     */
    enum Coupling { ISOTROPIC, ANISOTROPIC, FLEXIBLE }

    double targetPressureBar();

    Coupling coupling();

    /** Whether velocities are scaled by the inverse of the position scaling (C-rescale) or left alone (Berendsen). */
    boolean scalesVelocities();

    /**
     * The factors μ_α by which the α components of positions and lattice vectors are multiplied over
     * a barostat step of {@code dtFs}.
     *
     * @param pressureDiagonalBar P_xx, P_yy, P_zz of the current state (kinetic plus virial), bar
     * @param pressureBar         the scalar pressure (trace / 3), bar
     * @param volumeA3            current volume, Å³
     * @param factorsOut          receives μ_x, μ_y, μ_z
     */
    void scalingFactors(double[] pressureDiagonalBar, double pressureBar, double volumeA3, double dtFs, double[] factorsOut);

    /**
     * For {@link Coupling#FLEXIBLE}: the 3×3 deformation μ (row-major; lattice vectors and positions r
     * become μ r, velocities of a velocity-scaling barostat μ^{−T} v) over a barostat step of {@code dtFs},
     * before the integrator removes its rotation ({@link CellDeformation#withoutRotation}).
     *
     * @param pressureTensorBar the full pressure tensor P_ab (kinetic plus virial) of the current state, bar, row-major
     * @param volumeA3          current volume, Å³
     * @param muOut             receives μ (9 numbers)
     */
    void deformation(double[] pressureTensorBar, double volumeA3, double dtFs, double[] muOut);

    /** Random-number state, for checkpoints (empty for a deterministic barostat). */
    byte[] saveState();

    void restoreState(byte[] state);
}
