package md.integrators;

import md.thermostats.StateBytes;

/**
 * Berendsen weak-coupling barostat (Berendsen, Postma, van Gunsteren, DiNola, Haak, J. Chem. Phys. 81,
 * 3684 (1984)): over a step h the positions and the cell are scaled by
 * μ = [1 − (β h/τ)(P₀ − P)]^{1/3} (isotropic) or μ_α = 1 − (β h/3τ)(P₀ − P_αα) (anisotropic, the
 * GROMACS convention), or, fully flexible, the deformation μ = I − (β h/3τ)(P₀ I − P) with the symmetrised
 * pressure tensor (its rotation is removed by the integrator as for C-rescale), so the pressure relaxes to P₀ with time constant τ. Velocities are not scaled.
 * The volume fluctuations are too small (it samples no known ensemble): use it to equilibrate the
 * density, then {@link StochasticCellRescaling} for production.
 */
public final class BerendsenBarostat implements Barostat {
    private static final String TAG = "BerendsenBarostat/1";

    private final double targetPressureBar;
    private final double timeConstantFs;
    private final double compressibilityPerBar;
    private final Coupling coupling;

    /**
     * @param targetPressureBar      P₀, bar
     * @param timeConstantFs         τ, fs (&gt; 0)
     * @param compressibilityPerBar  β, 1/bar (&gt; 0): an estimate of the isothermal compressibility; only τ/β matters
     */
    public BerendsenBarostat(double targetPressureBar, double timeConstantFs, double compressibilityPerBar, Coupling coupling) {
        CellRescalingParameters.check("Berendsen barostat", targetPressureBar, timeConstantFs, compressibilityPerBar);
        this.targetPressureBar = targetPressureBar;
        this.timeConstantFs = timeConstantFs;
        this.compressibilityPerBar = compressibilityPerBar;
        this.coupling = coupling;
    }

    @Override public double targetPressureBar() { return targetPressureBar; }
    @Override public Coupling coupling() { return coupling; }
    @Override public boolean scalesVelocities() { return false; }

    @Override
    public void scalingFactors(double[] pDiag, double p, double volumeA3, double dtFs, double[] mu) {
        double rate = compressibilityPerBar * dtFs / timeConstantFs;
        if (coupling == Coupling.ISOTROPIC) {
            double m = Math.cbrt(Math.max(1e-3, 1.0 - rate * (targetPressureBar - p)));
            mu[0] = mu[1] = mu[2] = m;
        } else if (coupling == Coupling.ANISOTROPIC) {
            for (int a = 0; a < 3; a++) mu[a] = Math.max(0.1, 1.0 - rate / 3.0 * (targetPressureBar - pDiag[a]));
        } else {
            throw new IllegalStateException("flexible coupling deforms the cell by a full matrix (deformation), not by axis factors");
        }
    }

    @Override
    public void deformation(double[] p, double volumeA3, double dtFs, double[] mu) {
        if (coupling != Coupling.FLEXIBLE) throw new IllegalStateException("a full deformation needs flexible coupling, not " + coupling);
        double rate = compressibilityPerBar * dtFs / timeConstantFs / 3.0;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                mu[3 * a + b] = (a == b ? 1 : 0) - rate * ((a == b ? targetPressureBar : 0) - 0.5 * (p[3 * a + b] + p[3 * b + a]));
    }

    @Override public byte[] saveState() { return new StateBytes.Writer(TAG).toByteArray(); }

    @Override public void restoreState(byte[] state) { new StateBytes.Reader(state, TAG).end(); }
}
