package md.analysis;

import md.core.Cell;

/**
 * Interatomic vectors under the minimum-image convention for one cell (one frame's, {@link #perFrame}; orthorhombic or triclinic,
 * periodic in any subset of directions); plain differences for {@link Cell#NONE}.
 *
 * <p>The difference is first wrapped in fractional coordinates to [-1/2, 1/2) along each periodic
 * direction. That image is the nearest one whenever it is shorter than half the smallest perpendicular
 * cell width w (every other image is then at least w away); otherwise the 26 neighbouring images are
 * searched too, which is exact for cells that are not extremely skewed.
 */
final class MinimumImage {
    private final Cell cell;
    private final boolean periodic;
    private final boolean[] pbc;
    private final double[] m;
    private final double halfWidthSquared;
    private final double[] s = new double[3];

    MinimumImage(Cell cell) {
        this.cell = cell;
        this.periodic = cell.isPeriodic();
        this.pbc = cell.pbc();
        this.m = cell.vectors();
        double w = Double.POSITIVE_INFINITY;
        if (periodic) {
            double[] widths = cell.perpendicularWidths();
            for (int a = 0; a < 3; a++) if (pbc[a]) w = Math.min(w, widths[a]);
        }
        this.halfWidthSquared = 0.25 * w * w;
    }

    /** The minimum image of each frame of {@code frames}, by frame index: one shared instance for a fixed cell. */
    static java.util.function.IntFunction<MinimumImage> perFrame(Frames frames) {
        if (!frames.cellChanges()) {
            MinimumImage fixed = new MinimumImage(frames.cell());
            return f -> fixed;
        }
        return f -> new MinimumImage(frames.cell(f));
    }

    /** Writes {@code r_j - r_i} (nearest image) into {@code out[0..2]} and returns its squared length. */
    double displacement(double[] x, int i, int j, double[] out) {
        double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
        if (!periodic) {
            out[0] = dx; out[1] = dy; out[2] = dz;
            return dx * dx + dy * dy + dz * dz;
        }
        return wrap(dx, dy, dz, out);
    }

    /** Nearest image of an arbitrary vector; returns its squared length. */
    double wrap(double dx, double dy, double dz, double[] out) {
        out[0] = dx; out[1] = dy; out[2] = dz;
        cell.toFractional(out, 0, s);
        for (int a = 0; a < 3; a++) if (pbc[a]) s[a] -= Math.rint(s[a]);
        cell.toCartesian(s, out, 0);
        double best = out[0] * out[0] + out[1] * out[1] + out[2] * out[2];
        if (best <= halfWidthSquared) return best;
        double bx = out[0], by = out[1], bz = out[2];
        for (int na = pbc[0] ? -1 : 0; na <= (pbc[0] ? 1 : 0); na++)
            for (int nb = pbc[1] ? -1 : 0; nb <= (pbc[1] ? 1 : 0); nb++)
                for (int nc = pbc[2] ? -1 : 0; nc <= (pbc[2] ? 1 : 0); nc++) {
                    double cx = out[0] + na * m[0] + nb * m[3] + nc * m[6];
                    double cy = out[1] + na * m[1] + nb * m[4] + nc * m[7];
                    double cz = out[2] + na * m[2] + nb * m[5] + nc * m[8];
                    double d2 = cx * cx + cy * cy + cz * cz;
                    if (d2 < best) { best = d2; bx = cx; by = cy; bz = cz; }
                }
        out[0] = bx; out[1] = by; out[2] = bz;
        return best;
    }
}
