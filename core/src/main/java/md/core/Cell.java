package md.core;

import java.util.Arrays;

/**
 * A simulation cell: three lattice vectors (rows a, b, c in Å, possibly triclinic) and periodicity
 * per direction. An isolated molecule has {@link #NONE} (no cell at all).
 */
public final class Cell {
    /** No cell: an isolated system in open space. */
    public static final Cell NONE = new Cell(new double[9], new boolean[3]);

    private final double[] vectors;   // row-major: a = [0..2], b = [3..5], c = [6..8]
    private final boolean[] pbc;
    private final double[] inverse;    // inverse of the 3x3 matrix whose rows are a, b, c (null if singular)

    public Cell(double[] vectorsRowMajor, boolean[] pbc) {
        if (vectorsRowMajor.length != 9 || pbc.length != 3) throw new IllegalArgumentException("cell needs 9 numbers and 3 pbc flags");
        this.vectors = vectorsRowMajor.clone();
        this.pbc = pbc.clone();
        this.inverse = invert(vectors);
        if ((pbc[0] || pbc[1] || pbc[2]) && inverse == null)
            throw new IllegalArgumentException("periodic cell has zero volume: " + Arrays.toString(vectorsRowMajor));
    }

    public static Cell orthorhombic(double a, double b, double c) {
        return new Cell(new double[] {a, 0, 0, 0, b, 0, 0, 0, c}, new boolean[] {true, true, true});
    }

    public boolean isPeriodic() { return pbc[0] || pbc[1] || pbc[2]; }
    public boolean periodic(int axis) { return pbc[axis]; }
    public boolean[] pbc() { return pbc.clone(); }
    /** Lattice vectors as rows, row-major copy. */
    public double[] vectors() { return vectors.clone(); }
    public double vector(int row, int component) { return vectors[3 * row + component]; }
    public boolean isOrthorhombic() {
        return vectors[1] == 0 && vectors[2] == 0 && vectors[3] == 0 && vectors[5] == 0 && vectors[6] == 0 && vectors[7] == 0;
    }

    public double volume() {
        double[] m = vectors;
        return Math.abs(m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]));
    }

    /** Fractional coordinates s of a Cartesian point r, with r = s_a a + s_b b + s_c c. */
    public void toFractional(double[] r, int offset, double[] out) {
        double x = r[offset], y = r[offset + 1], z = r[offset + 2];
        // r = s M with M rows a,b,c  =>  s = r M^-1
        out[0] = x * inverse[0] + y * inverse[3] + z * inverse[6];
        out[1] = x * inverse[1] + y * inverse[4] + z * inverse[7];
        out[2] = x * inverse[2] + y * inverse[5] + z * inverse[8];
    }

    public void toCartesian(double[] s, double[] out, int offset) {
        out[offset] = s[0] * vectors[0] + s[1] * vectors[3] + s[2] * vectors[6];
        out[offset + 1] = s[0] * vectors[1] + s[1] * vectors[4] + s[2] * vectors[7];
        out[offset + 2] = s[0] * vectors[2] + s[1] * vectors[5] + s[2] * vectors[8];
    }

    /**
     * Reduces the displacement d (3 numbers at {@code offset}) in place to its nearest image along the
     * periodic directions (s = rint(d M⁻¹) lattice vectors subtracted); a no-op without periodicity.
     * Exact for pairs within half a perpendicular width; allocates nothing (force loops call it per bond).
     */
    public void minimumImage(double[] d, int offset) {
        if (!isPeriodic()) return;
        double x = d[offset], y = d[offset + 1], z = d[offset + 2];
        double s0 = pbc[0] ? Math.rint(x * inverse[0] + y * inverse[3] + z * inverse[6]) : 0;
        double s1 = pbc[1] ? Math.rint(x * inverse[1] + y * inverse[4] + z * inverse[7]) : 0;
        double s2 = pbc[2] ? Math.rint(x * inverse[2] + y * inverse[5] + z * inverse[8]) : 0;
        for (int a = 0; a < 3; a++) d[offset + a] -= s0 * vectors[a] + s1 * vectors[3 + a] + s2 * vectors[6 + a];
    }

    /**
     * Perpendicular width of the cell along each lattice direction (distance between opposite faces):
     * the quantity that bounds which cutoffs a single minimum image can serve.
     */
    public double[] perpendicularWidths() {
        double[] a = {vectors[0], vectors[1], vectors[2]}, b = {vectors[3], vectors[4], vectors[5]}, c = {vectors[6], vectors[7], vectors[8]};
        double v = volume();
        return new double[] {v / norm(cross(b, c)), v / norm(cross(c, a)), v / norm(cross(a, b))};
    }

    /**
     * How many periodic images of the cell a sphere of {@code radiusAngstrom} around an atom reaches: the
     * product over periodic directions of 2⌈r / width⌉ + 1 (1 without periodicity). Neighbour searches
     * cost in proportion; an absurd count means a collapsed cell or a cutoff in the wrong unit.
     */
    public double imagesWithin(double radiusAngstrom) {
        double[] w = perpendicularWidths();
        double images = 1;
        for (int k = 0; k < 3; k++) if (pbc[k]) images *= 2 * Math.ceil(radiusAngstrom / w[k]) + 1;
        return images;
    }

    private static double[] cross(double[] u, double[] w) {
        return new double[] {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
    }

    private static double norm(double[] u) { return Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]); }

    private static double[] invert(double[] m) {
        double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        if (det == 0 || !Double.isFinite(det)) return null;
        double id = 1.0 / det;
        return new double[] {
            (m[4] * m[8] - m[5] * m[7]) * id, (m[2] * m[7] - m[1] * m[8]) * id, (m[1] * m[5] - m[2] * m[4]) * id,
            (m[5] * m[6] - m[3] * m[8]) * id, (m[0] * m[8] - m[2] * m[6]) * id, (m[2] * m[3] - m[0] * m[5]) * id,
            (m[3] * m[7] - m[4] * m[6]) * id, (m[1] * m[6] - m[0] * m[7]) * id, (m[0] * m[4] - m[1] * m[3]) * id};
    }

    @Override public String toString() {
        return isPeriodic() || volume() > 0 ? "Cell" + Arrays.toString(vectors) + " pbc=" + Arrays.toString(pbc) : "Cell.NONE";
    }
}
