package md.forcefields.e3nn;

import java.util.Random;

/** Random orthogonal 3x3 matrices (row-major) for symmetry tests. */
public final class Rotations {
    private Rotations() {}

    /** Uniform random proper rotation (from a random unit quaternion). */
    public static double[] random(Random rnd) {
        double a = rnd.nextGaussian(), b = rnd.nextGaussian(), c = rnd.nextGaussian(), d = rnd.nextGaussian();
        double n = Math.sqrt(a * a + b * b + c * c + d * d);
        a /= n; b /= n; c /= n; d /= n;
        return new double[] {
            a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
            2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
            2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d};
    }

    /** A random rotation times the inversion (det −1). */
    public static double[] randomImproper(Random rnd) {
        double[] q = random(rnd);
        for (int i = 0; i < 9; i++) q[i] = -q[i];
        return q;
    }

    public static double[] apply(double[] q, double[] v) {
        return new double[] {
            q[0] * v[0] + q[1] * v[1] + q[2] * v[2],
            q[3] * v[0] + q[4] * v[1] + q[5] * v[2],
            q[6] * v[0] + q[7] * v[1] + q[8] * v[2]};
    }

    /** y = M x for a square row-major matrix. */
    public static double[] matVec(double[] m, double[] x) {
        int n = x.length;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) y[i] += m[i * n + j] * x[j];
        return y;
    }
}
