package md.forcefields.ml.families;

import java.util.Map;
import java.util.Random;

import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.TapeExecutor;

/** Small random NequIP models and molecules for fast calculus and symmetry tests. */
final class SmallModels {
    private SmallModels() {}

    static NequipHyperparameters hyperparameters(int lMax, boolean parity, int features, int layers) {
        return new NequipHyperparameters(2, lMax, parity, features, layers, 3.0, 4, true, 6.0, 1, 8,
                3.0, false, "silu", "tanh", "silu", "tanh");
    }

    /**
     * Every weight N(0, 1), per-species scales {0.9, 1.2}, shifts {−0.4, 0.3}, global scale 1.3, and the first
     * Bessel frequency perturbed away from π so that derivatives with respect to it are exercised generically.
     */
    static LearnedModel learned(int lMax, boolean parity, int features, int layers, long seed) {
        Nequip arch = new Nequip(hyperparameters(lMax, parity, features, layers), new int[] {1, 8}, 1.3);
        Random rng = new Random(seed);
        Map<String, double[]> v = arch.initialParameters(rng);
        v.put(Nequip.SCALES, new double[] {0.9, 1.2});
        v.put(Nequip.SHIFTS, new double[] {-0.4, 0.3});
        v.get(Nequip.BESSEL)[0] += 0.1 * rng.nextGaussian();
        return new LearnedModel(arch, v);
    }

    /** {@link #learned} on the tape (training) executor. */
    static TapeExecutor model(int lMax, boolean parity, int features, int layers, long seed) {
        return new TapeExecutor(learned(lMax, parity, features, layers, seed));
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
