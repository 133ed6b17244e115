package md.thermostats;

import md.core.Units;

/**
 * Nosé–Hoover chain thermostat (Martyna, Klein, Tuckerman, J. Chem. Phys. 97, 2635 (1992)) propagated
 * with the time-reversible, measure-preserving factorisation of Martyna, Tuckerman, Tobias and Klein,
 * Mol. Phys. 87, 1117 (1996): the chain operator exp(iL_NHC h) is split into {@code multipleTimeSteps}
 * sub-steps, each a Suzuki–Yoshida composition of symmetric Trotter steps in which the chain
 * velocities are updated from the last thermostat inward, the particle velocities are scaled, and the
 * chain is updated outward again.
 *
 * <p>Thermostat masses from the characteristic time τ: Q_1 = N_f k T τ², Q_k = k T τ² (k &gt; 1), so that
 * τ is the period of the thermostat's oscillation. Conserved energy:
 * H = E_kin + E_pot + Σ_k p_ξk²/(2Q_k) + N_f k T ξ_1 + k T Σ_{k&gt;1} ξ_k.
 *
 * <p>Units: temperature K, τ fs, Q eV·fs², ξ dimensionless, v_ξ = p_ξ/Q in 1/fs.
 */
public final class NoseHooverChain implements Thermostat {
    private static final String TAG = "NoseHooverChain/1";

    private final double targetTemperatureK;
    private final int degreesOfFreedom;
    private final int chainLength;
    private final int multipleTimeSteps;
    private final double[] suzukiYoshidaWeights;
    private final double kT;
    private final double[] q;
    private final double[] xi;
    private final double[] vxi;

    /** Chain of 3, one time step, third-order Suzuki–Yoshida weights. */
    public NoseHooverChain(double targetTemperatureK, double timeConstantFs, int degreesOfFreedom) {
        this(targetTemperatureK, timeConstantFs, degreesOfFreedom, 3, 1, 3);
    }

    /**
     * @param targetTemperatureK  target temperature, K (&gt; 0)
     * @param timeConstantFs      characteristic time τ of the thermostat, fs (&gt; 0; typically 50–100 dt)
     * @param degreesOfFreedom    N_f of the thermostatted particles (3N, minus constraints such as 3 for
     *                            a fixed centre of mass)
     * @param chainLength         number of thermostats in the chain M (≥ 1; 1 is plain Nosé–Hoover)
     * @param multipleTimeSteps   n_c, sub-steps of the chain per thermostat application (≥ 1)
     * @param suzukiYoshidaOrder  order of the Suzuki–Yoshida composition: 1, 3, 5 or 7 weights
     */
    public NoseHooverChain(double targetTemperatureK, double timeConstantFs, int degreesOfFreedom,
                           int chainLength, int multipleTimeSteps, int suzukiYoshidaOrder) {
        if (!(targetTemperatureK > 0) || !Double.isFinite(targetTemperatureK))
            throw new IllegalArgumentException("Nosé–Hoover chain: target temperature must be positive (K), got " + targetTemperatureK);
        if (!(timeConstantFs > 0) || !Double.isFinite(timeConstantFs))
            throw new IllegalArgumentException("Nosé–Hoover chain: time constant must be positive (fs), got " + timeConstantFs);
        if (degreesOfFreedom < 1)
            throw new IllegalArgumentException("Nosé–Hoover chain: degrees of freedom must be ≥ 1, got " + degreesOfFreedom);
        if (chainLength < 1)
            throw new IllegalArgumentException("Nosé–Hoover chain: chain length must be ≥ 1, got " + chainLength);
        if (multipleTimeSteps < 1)
            throw new IllegalArgumentException("Nosé–Hoover chain: multiple time steps must be ≥ 1, got " + multipleTimeSteps);
        this.targetTemperatureK = targetTemperatureK;
        this.degreesOfFreedom = degreesOfFreedom;
        this.chainLength = chainLength;
        this.multipleTimeSteps = multipleTimeSteps;
        this.suzukiYoshidaWeights = suzukiYoshidaWeights(suzukiYoshidaOrder);
        this.kT = Units.KB_EV_PER_K * targetTemperatureK;
        this.q = new double[chainLength];
        for (int k = 0; k < chainLength; k++)
            q[k] = (k == 0 ? degreesOfFreedom : 1) * kT * timeConstantFs * timeConstantFs;
        this.xi = new double[chainLength];
        this.vxi = new double[chainLength];
    }

    /**
     * Weights w_j (Σ w_j = 1) of the Suzuki–Yoshida composition of order 1, 3, 5 or 7 (numbers of
     * factors), as tabulated by Martyna et al. (1996).
     */
    public static double[] suzukiYoshidaWeights(int order) {
        return switch (order) {
            case 1 -> new double[] {1.0};
            case 3 -> {
                double w = 1.0 / (2.0 - Math.cbrt(2.0));
                yield new double[] {w, 1.0 - 2.0 * w, w};
            }
            case 5 -> {
                double w = 1.0 / (4.0 - Math.cbrt(4.0));
                yield new double[] {w, w, 1.0 - 4.0 * w, w, w};
            }
            case 7 -> {
                double w1 = 0.784513610477560, w2 = 0.235573213359357, w3 = -1.17767998417887;
                double w4 = 1.0 - 2.0 * (w1 + w2 + w3);
                yield new double[] {w1, w2, w3, w4, w3, w2, w1};
            }
            default -> throw new IllegalArgumentException(
                    "Suzuki–Yoshida order must be 1, 3, 5 or 7, got " + order);
        };
    }

    @Override public double targetTemperatureK() { return targetTemperatureK; }

    @Override public int degreesOfFreedom() { return degreesOfFreedom; }

    public int chainLength() { return chainLength; }

    /** Thermostat masses Q_k, eV·fs². */
    public double[] massesEvFs2() { return q.clone(); }

    /** Thermostat positions ξ_k (dimensionless). */
    public double[] positions() { return xi.clone(); }

    /** Thermostat velocities v_ξk = p_ξk / Q_k, 1/fs. */
    public double[] velocitiesPerFs() { return vxi.clone(); }

    @Override
    public void apply(double[] velocities, double[] massesAmu, double dtFs) {
        double twiceKe = 2.0 * KineticEnergy.kineticEnergyEv(velocities, massesAmu);
        // Particle velocities are only ever scaled, so the factors are multiplied together and applied
        // once; the kinetic energy the chain sees follows the accumulated factor.
        double scale = 1.0;
        int m = chainLength;
        for (int sub = 0; sub < multipleTimeSteps; sub++) {
            for (double w : suzukiYoshidaWeights) {
                double h = w * dtFs / multipleTimeSteps;
                double h2 = 0.5 * h, h4 = 0.25 * h;
                // chain velocities, last thermostat inward, half of h
                vxi[m - 1] += h2 * force(m - 1, twiceKe);
                for (int k = m - 2; k >= 0; k--) {
                    double damp = Math.exp(-h4 * vxi[k + 1]);
                    vxi[k] = (vxi[k] * damp + h2 * force(k, twiceKe)) * damp;
                }
                // particle velocities and chain positions, full h
                double s = Math.exp(-h * vxi[0]);
                scale *= s;
                twiceKe *= s * s;
                for (int k = 0; k < m; k++) xi[k] += h * vxi[k];
                // chain velocities outward, half of h
                for (int k = 0; k < m - 1; k++) {
                    double damp = Math.exp(-h4 * vxi[k + 1]);
                    vxi[k] = (vxi[k] * damp + h2 * force(k, twiceKe)) * damp;
                }
                vxi[m - 1] += h2 * force(m - 1, twiceKe);
            }
        }
        for (int i = 0; i < velocities.length; i++) velocities[i] *= scale;
    }

    /** Acceleration G_k of thermostat k, 1/fs². */
    private double force(int k, double twiceKe) {
        if (k == 0) return (twiceKe - degreesOfFreedom * kT) / q[0];
        return (q[k - 1] * vxi[k - 1] * vxi[k - 1] - kT) / q[k];
    }

    @Override
    public double conservedEnergyExtraEv() {
        double e = degreesOfFreedom * kT * xi[0];
        for (int k = 0; k < chainLength; k++) {
            e += 0.5 * q[k] * vxi[k] * vxi[k];
            if (k > 0) e += kT * xi[k];
        }
        return e;
    }

    @Override
    public byte[] saveState() {
        return new StateBytes.Writer(TAG).putDoubles(xi).putDoubles(vxi).toByteArray();
    }

    @Override
    public void restoreState(byte[] state) {
        StateBytes.Reader r = new StateBytes.Reader(state, TAG);
        double[] x = r.getDoubles(chainLength), v = r.getDoubles(chainLength);
        r.end();
        System.arraycopy(x, 0, xi, 0, chainLength);
        System.arraycopy(v, 0, vxi, 0, chainLength);
    }
}
