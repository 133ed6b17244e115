package md.forcefields.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small random molecules (H, C, O) labelled by an analytic Morse pair potential, so trainer tests run
 * without external data: E = Σ_{i<j} D (1 − e^{−a (r − r0)})² + Σ_i e_Z, forces −∂E/∂R in closed form.
 */
final class SyntheticMolecules {
    private SyntheticMolecules() {}

    static final int[] ELEMENTS = {1, 6, 8};
    static final double[] ATOM_ENERGY = {-13.6, -1030.0, -2040.0};
    static final double D = 0.5, A = 1.5, R0 = 1.4;

    static List<TrainingFrame> frames(int count, int atoms, long seed, Objective objective) {
        Random rng = new Random(seed);
        List<TrainingFrame> out = new ArrayList<>();
        int[] z = new int[atoms];
        for (int i = 0; i < atoms; i++) z[i] = ELEMENTS[i % ELEMENTS.length];
        for (int k = 0; k < count; k++) {
            double[] x = geometry(atoms, rng);
            double[] f = new double[3 * atoms];
            double e = label(z, x, f);
            out.add(new TrainingFrame(z.clone(), x, e, f, objective, "morse" + atoms));
        }
        return out;
    }

    /** Atoms at random in a 2.6 Å box, none closer than 1.0 Å. */
    static double[] geometry(int atoms, Random rng) {
        double[] x = new double[3 * atoms];
        for (int i = 0; i < atoms; i++) {
            boolean ok;
            do {
                for (int c = 0; c < 3; c++) x[3 * i + c] = 2.6 * rng.nextDouble();
                ok = true;
                for (int j = 0; j < i && ok; j++) ok = distance(x, i, j) > 1.0;
            } while (!ok);
        }
        return x;
    }

    /** Energy (eV) and forces (eV/Å, written into f). */
    static double label(int[] z, double[] x, double[] f) {
        int n = z.length;
        double e = 0;
        for (int i = 0; i < n; i++) e += ATOM_ENERGY[java.util.Arrays.binarySearch(ELEMENTS, z[i])];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double r = distance(x, i, j), ex = Math.exp(-A * (r - R0));
                e += D * (1 - ex) * (1 - ex);
                double dEdr = 2 * D * (1 - ex) * A * ex;
                for (int c = 0; c < 3; c++) {
                    double u = (x[3 * j + c] - x[3 * i + c]) / r;
                    f[3 * i + c] += dEdr * u;
                    f[3 * j + c] -= dEdr * u;
                }
            }
        return e;
    }

    static double distance(double[] x, int i, int j) {
        double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
}
