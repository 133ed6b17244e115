package md.integrators;

import md.core.Units;
import md.thermostats.GaussianRandom;
import md.thermostats.StateBytes;

/**
 * Stochastic cell rescaling ("C-rescale"; Bernetti and Bussi, "Pressure control using stochastic cell
 * rescaling", J. Chem. Phys. 153, 114107 (2020)): a first-order (overdamped) stochastic equation for the
 * logarithm of the volume, ε = ln V,
 * <pre>
 *   dε = −(β/τ)(P₀ − P) dt + √(2 k_B T β / (V τ)) dW
 * </pre>
 * with positions scaled by e^{dε/3} and velocities by e^{−dε/3}, P the instantaneous pressure
 * (2K + tr W)/(3V) with the full kinetic energy K. Its stationary distribution is the isothermal–isobaric
 * one, ∝ exp(−(E + P₀V)/k_BT) dV dx dp, for any thermostat that samples the canonical velocities:
 * in the variables (ε, scaled positions, scaled momenta) that density is V·exp(−(K + U + P₀V)/k_BT), its
 * ε-derivative gives the drift V(P₀ − P − k_BT/V), and the Itô term of the noise's V-dependence
 * (∂D/∂ε = −D) cancels the k_BT/V. Unlike Berendsen it has the correct volume fluctuations; unlike
 * MTK/Parrinello–Rahman it has no barostat mass and no slow, underdamped volume oscillations, and it
 * composes with any thermostat.
 *
 * <p>Anisotropic coupling (orthorhombic cells) treats each axis the same way, ε_α = ln L_α, with β/3 per
 * axis (the GROMACS convention, so that the volume relaxes as in the isotropic case):
 * dε_α = −(β/3τ)(P₀ − P_αα) dt + √(2 k_B T β / (3 V τ)) dW_α, positions scaled by e^{dε_α}, velocities
 * by e^{−dε_α}; P_αα = (2K_αα + W_αα)/V. The same density argument (V·exp(…) in the per-axis variables)
 * gives it.
 *
 * <p>Each step is one Euler–Maruyama step of length h (Itô: V and P at the start of the step).
 */
public final class StochasticCellRescaling implements Barostat {
    private static final String TAG = "StochasticCellRescaling/1";

    private final double targetPressureBar;
    private final double timeConstantFs;
    private final double compressibilityPerBar;
    private final double kTEv;
    private final Coupling coupling;
    private final GaussianRandom random;

    /**
     * @param targetPressureBar      P₀, bar
     * @param timeConstantFs         τ, fs (&gt; 0; the paper finds τ of a few ps fine, and sampling independent of it)
     * @param compressibilityPerBar  β, 1/bar (&gt; 0): only β/τ matters for the dynamics; the distribution does not depend on it
     * @param temperatureK           T of the thermostat the system is coupled to, K
     * @param seed                   seed of the random-number generator
     */
    public StochasticCellRescaling(double targetPressureBar, double timeConstantFs, double compressibilityPerBar,
                                   double temperatureK, Coupling coupling, long seed) {
        CellRescalingParameters.check("stochastic cell rescaling", targetPressureBar, timeConstantFs, compressibilityPerBar);
        if (!(temperatureK > 0) || !Double.isFinite(temperatureK))
            throw new IllegalArgumentException("stochastic cell rescaling: temperature must be positive (K), got " + temperatureK);
        this.targetPressureBar = targetPressureBar;
        this.timeConstantFs = timeConstantFs;
        this.compressibilityPerBar = compressibilityPerBar;
        this.kTEv = Units.KB_EV_PER_K * temperatureK;
        this.coupling = coupling;
        this.random = new GaussianRandom(seed);
    }

    @Override public double targetPressureBar() { return targetPressureBar; }
    @Override public Coupling coupling() { return coupling; }
    @Override public boolean scalesVelocities() { return true; }

    @Override
    public void scalingFactors(double[] pDiag, double p, double volumeA3, double dtFs, double[] mu) {
        double rate = compressibilityPerBar * dtFs / timeConstantFs;          // β h / τ, 1/bar
        double kTOverVBar = kTEv / volumeA3 * Units.BAR_PER_EV_PER_A3;
        if (coupling == Coupling.ISOTROPIC) {
            double de = -rate * (targetPressureBar - p) + Math.sqrt(2.0 * kTOverVBar * rate) * random.nextGaussian();
            double m = Math.exp(de / 3.0);
            mu[0] = mu[1] = mu[2] = m;
        } else if (coupling == Coupling.ANISOTROPIC) {
            double noise = Math.sqrt(2.0 * kTOverVBar * rate / 3.0);
            for (int a = 0; a < 3; a++)
                mu[a] = Math.exp(-rate / 3.0 * (targetPressureBar - pDiag[a]) + noise * random.nextGaussian());
        } else {
            throw new IllegalStateException("flexible coupling deforms the cell by a full matrix (deformation), not by axis factors");
        }
    }

    @Override
    public void deformation(double[] p, double volumeA3, double dtFs, double[] mu) {
        if (coupling != Coupling.FLEXIBLE) throw new IllegalStateException("a full deformation needs flexible coupling, not " + coupling);
        double rate = compressibilityPerBar * dtFs / timeConstantFs / 3.0;   // β h / 3τ, 1/bar
        double noise = Math.sqrt(2.0 * kTEv / volumeA3 * Units.BAR_PER_EV_PER_A3 * rate);
        double[] x = new double[9];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double pSym = 0.5 * (p[3 * a + b] + p[3 * b + a]);
                x[3 * a + b] = -rate * ((a == b ? targetPressureBar : 0) - pSym) + noise * random.nextGaussian();
            }
        System.arraycopy(CellDeformation.exp(x), 0, mu, 0, 9);
    }

    @Override
    public byte[] saveState() { return new StateBytes.Writer(TAG).putBytes(random.saveState()).toByteArray(); }

    @Override
    public void restoreState(byte[] state) {
        StateBytes.Reader r = new StateBytes.Reader(state, TAG);
        byte[] rng = r.getBytes();
        r.end();
        random.restoreState(rng);
    }
}
