package md.forcefields.nequip.differentiable;

import java.util.Random;

/** Small random NequIP models and molecules for fast calculus and symmetry tests. */
final class SmallModels {
    private SmallModels() {}

    static DifferentiableNequip model(int lMax, boolean parity, int features, int layers, long seed) {
        Hyperparameters hp = new Hyperparameters(2, lMax, parity, features, layers, 3.0, 4, true, 6.0, 1, 8,
                3.0, false, "silu", "tanh", "silu", "tanh");
        Random rng = new Random(seed);
        DifferentiableNequip m = DifferentiableNequip.random(hp, rng, new double[] {0.9, 1.2}, new double[] {-0.4, 0.3}, 1.3);
        // Perturb the Bessel frequencies away from nπ so that their derivative is exercised generically.
        m.parameters().get(DifferentiableNequip.BESSEL).data()[0] += 0.1 * rng.nextGaussian();
        return m;
    }

    /** {@code n} atoms in a 2.4 Å box, no pair closer than 0.8 Å (row-major x0 y0 z0 …). */
    static double[] molecule(int n, Random rng) {
        double[] r = new double[3 * n];
        for (int i = 0; i < n; i++) {
            boolean ok;
            do {
                for (int c = 0; c < 3; c++) r[3 * i + c] = 2.4 * rng.nextDouble();
                ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double d2 = 0;
                    for (int c = 0; c < 3; c++) d2 += Math.pow(r[3 * i + c] - r[3 * j + c], 2);
                    ok = d2 > 0.64;
                }
            } while (!ok);
        }
        return r;
    }
}
