package md.forcefields.training;

import java.util.Random;

/**
 * ET-OREO's force-based denoising target for an equilibrium structure x (Feng et al., "May the Force be
 * with You", NeurIPS 2023): displace every coordinate by ε ~ N(0, σ²) and ask for the force that pulls
 * the structure back, F(x + ε) = −κε. Near a minimum this is the harmonic restoring force of an
 * isotropic stiffness κ; with κ = 1 eV/Å² the target is the restoring displacement itself.
 */
public final class ForceCentricTargets {
    private ForceCentricTargets() {}

    /** Displaced positions x + ε and the target forces −κε (both 3N). */
    public record Denoising(double[] positions, double[] targetForces) {}

    public static Denoising denoising(double[] positions, double noiseVarianceA2, double stiffness, Random rng) {
        double sigma = Math.sqrt(noiseVarianceA2);
        double[] x = new double[positions.length], f = new double[positions.length];
        for (int i = 0; i < x.length; i++) {
            double eps = sigma * rng.nextGaussian();
            x[i] = positions[i] + eps;
            f[i] = -stiffness * eps;
        }
        return new Denoising(x, f);
    }
}
