package md.engine.system;

import md.core.Cell;

/**
 * Wrapping positions into a periodic cell and back. The engine integrates unwrapped positions (so
 * displacements, diffusion and the neighbour list's shifts stay continuous); trajectory files get the
 * positions folded into the cell, fractional coordinates in [0, 1) along each periodic direction, and
 * the integer image counts n with x_unwrapped = x_wrapped + n_a a + n_b b + n_c c. Directions that are
 * not periodic are left alone (image count 0).
 */
public final class PeriodicImages {
    private PeriodicImages() {}

    /**
     * Writes the wrapped positions of {@code x} into {@code wrappedOut} and the image counts into
     * {@code imagesOut} (both 3N, xyz-interleaved); a cell without periodic directions copies {@code x}.
     */
    public static void wrap(double[] x, Cell cell, double[] wrappedOut, int[] imagesOut) {
        if (!cell.isPeriodic()) {
            System.arraycopy(x, 0, wrappedOut, 0, x.length);
            java.util.Arrays.fill(imagesOut, 0, x.length, 0);
            return;
        }
        double[] l = cell.vectors();
        double[] s = new double[3];
        for (int i = 0; i < x.length; i += 3) {
            cell.toFractional(x, i, s);
            double ox = 0, oy = 0, oz = 0;
            for (int k = 0; k < 3; k++) {
                int n = 0;
                if (cell.periodic(k)) {
                    double f = Math.floor(s[k]);
                    if (Math.abs(f) > Integer.MAX_VALUE) throw new IllegalArgumentException("atom " + i / 3 + " is " + f + " cells away from the box");
                    n = (int) f;
                }
                imagesOut[i + k] = n;
                ox += n * l[3 * k];
                oy += n * l[3 * k + 1];
                oz += n * l[3 * k + 2];
            }
            wrappedOut[i] = x[i] - ox;
            wrappedOut[i + 1] = x[i + 1] - oy;
            wrappedOut[i + 2] = x[i + 2] - oz;
        }
    }

    /** x_wrapped + n·lattice into {@code out} (may be {@code wrapped} itself). */
    public static void unwrap(double[] wrapped, int[] images, Cell cell, double[] out) {
        double[] l = cell.vectors();
        for (int i = 0; i < wrapped.length; i += 3) {
            int na = images[i], nb = images[i + 1], nc = images[i + 2];
            out[i] = wrapped[i] + (na * l[0] + nb * l[3] + nc * l[6]);
            out[i + 1] = wrapped[i + 1] + (na * l[1] + nb * l[4] + nc * l[7]);
            out[i + 2] = wrapped[i + 2] + (na * l[2] + nb * l[5] + nc * l[8]);
        }
    }
}
