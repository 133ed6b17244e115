package md.integrators;

/**
 * The 3×3 deformations of a fully flexible barostat step (row-major 9-arrays, acting on column vectors:
 * a lattice vector or a position r becomes M r, a velocity M^{−T} v). Allocates nothing but its results.
 *
 * <p>The barostat's deformation μ is a general matrix, and with it the cell would rotate (its
 * antisymmetric part, and the noise's, turn the crystal as a whole). {@link #withoutRotation} composes μ
 * with the rigid rotation R that brings the new first lattice vector back onto the direction of the old
 * one and the new a–b plane onto the old one, M = R μ. Every energy is invariant under a rotation of the
 * whole system (cell, positions and velocities together), so the rotated state has the same weight and
 * the sampled distribution of shapes is unchanged; only the orientation stops diffusing. For a cell with
 * a along x and b in the xy plane (LAMMPS' and ASE's triclinic convention; lower triangular in md's
 * rows-are-vectors storage) M is then upper triangular, and its entries that must vanish are set to
 * exactly zero, so the cell stays triangular to the last bit instead of collecting round-off.
 */
public final class CellDeformation {
    private CellDeformation() {}

    /** exp(X) by scaling and squaring with a Taylor series (X is a small barostat step; exact to round-off). */
    public static double[] exp(double[] x) {
        double norm = 0;
        for (double v : x) norm = Math.max(norm, Math.abs(v));
        int squarings = 0;
        double scale = 1;
        while (norm * scale > 0.05) { scale *= 0.5; squarings++; }
        double[] a = new double[9];
        for (int i = 0; i < 9; i++) a[i] = x[i] * scale;
        // Taylor to 10th order: |A| ≤ 0.05 leaves a remainder below 1e-20
        double[] sum = identity(), term = identity();
        for (int k = 1; k <= 10; k++) {
            term = multiply(term, a);
            for (int i = 0; i < 9; i++) term[i] /= k;
            for (int i = 0; i < 9; i++) sum[i] += term[i];
        }
        for (int s = 0; s < squarings; s++) sum = multiply(sum, sum);
        return sum;
    }

    public static double[] identity() { return new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}; }

    public static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
        return c;
    }

    /** (M^{−1})^T, the map of velocities (and momenta) when positions map by M. */
    public static double[] inverseTranspose(double[] m) {
        double det = determinant(m);
        if (!(Math.abs(det) > 0) || !Double.isFinite(det)) throw new IllegalArgumentException("singular cell deformation (det " + det + ")");
        double id = 1 / det;
        // cofactor matrix / det = (M^{-1})^T
        return new double[] {
            (m[4] * m[8] - m[5] * m[7]) * id, (m[5] * m[6] - m[3] * m[8]) * id, (m[3] * m[7] - m[4] * m[6]) * id,
            (m[2] * m[7] - m[1] * m[8]) * id, (m[0] * m[8] - m[2] * m[6]) * id, (m[1] * m[6] - m[0] * m[7]) * id,
            (m[1] * m[5] - m[2] * m[4]) * id, (m[2] * m[3] - m[0] * m[5]) * id, (m[0] * m[4] - m[1] * m[3]) * id};
    }

    public static double determinant(double[] m) {
        return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }

    /**
     * M = R μ: the deformation μ of the cell whose lattice vectors are the rows of {@code cellRows}
     * (a, b, c), followed by the rotation that keeps the direction of a and the plane of a and b.
     */
    public static double[] withoutRotation(double[] cellRows, double[] mu) {
        double[] a = {cellRows[0], cellRows[1], cellRows[2]}, b = {cellRows[3], cellRows[4], cellRows[5]};
        double[] oldFrame = frame(a, b), newFrame = frame(apply(mu, a), apply(mu, b));
        // R = Σ_i e_i f_iᵀ maps the new frame's axes f_i onto the old ones e_i
        double[] r = new double[9];
        for (int i = 0; i < 3; i++)
            for (int al = 0; al < 3; al++)
                for (int be = 0; be < 3; be++) r[3 * al + be] += oldFrame[3 * i + al] * newFrame[3 * i + be];
        double[] m = multiply(r, mu);
        if (a[1] == 0 && a[2] == 0 && b[2] == 0) {
            // triangular cell: M a ∥ x needs M_yx = M_zx = 0, M b in the xy plane needs M_zy = 0 (round-off otherwise)
            m[3] = 0;
            m[6] = 0;
            m[7] = 0;
        }
        return m;
    }

    /** Rows e1 = â, e2 = e3 × e1, e3 = (a × b)^: the orthonormal frame a cell's orientation is measured in. */
    private static double[] frame(double[] a, double[] b) {
        double[] e1 = unit(a), e3 = unit(cross(a, b)), e2 = cross(e3, e1);
        return new double[] {e1[0], e1[1], e1[2], e2[0], e2[1], e2[2], e3[0], e3[1], e3[2]};
    }

    static double[] apply(double[] m, double[] v) {
        return new double[] {m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
                             m[6] * v[0] + m[7] * v[1] + m[8] * v[2]};
    }

    private static double[] cross(double[] u, double[] w) {
        return new double[] {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
    }

    private static double[] unit(double[] u) {
        double n = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        return new double[] {u[0] / n, u[1] / n, u[2] / n};
    }
}
