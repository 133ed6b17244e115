package md.forcefields;

/**
 * The pairs a force field may need, shared by every force field of a run. It is a <em>half</em> list:
 * each unordered pair (i, j) appears once, with i &lt; j for pairs in the same image; a pair whose
 * partner is a periodic image (or an atom's own image in a small cell) appears once per image.
 * The vector from i to j is {@code x[j] + shift - x[i]} with {@code shift} a Cartesian lattice
 * translation of the current cell (when a barostat deforms the cell, the builder maps the shifts to the new
 * cell and bumps {@link #version()}), so callers always see current distances.
 *
 * <p>Pairs are collected within {@code listCutoff = cutoff + skin}; force fields skip pairs beyond
 * their own cutoff. Models that need directed edges (message passing) take both directions.
 * The engine's builder fills the arrays in place and bumps {@link #version()} on every rebuild so that
 * force fields can cache per-list data (e.g. edge index buffers).
 */
public final class NeighborList {
    private int[] first = new int[0];
    private int[] second = new int[0];
    private double[] shift = new double[0];
    private int pairCount;
    private double listCutoffAngstrom;
    private long version;

    /** Number of stored pairs. */
    public int pairCount() { return pairCount; }
    /** Index i of pair p. */
    public int first(int p) { return first[p]; }
    /** Index j of pair p. */
    public int second(int p) { return second[p]; }
    /** Cartesian shift (Å) of pair p, component k. */
    public double shift(int p, int k) { return shift[3 * p + k]; }
    /** Backing arrays (length ≥ pairCount, shifts 3 per pair) for tight loops; do not modify. */
    public int[] firstArray() { return first; }
    public int[] secondArray() { return second; }
    public double[] shiftArray() { return shift; }
    /** cutoff + skin the pairs were collected with. */
    public double listCutoffAngstrom() { return listCutoffAngstrom; }
    /** Incremented each time the pairs or their shifts change. */
    public long version() { return version; }

    /** Replaces the contents; called by list builders only. Arrays are adopted, not copied. */
    public void set(int[] first, int[] second, double[] shift, int pairCount, double listCutoffAngstrom) {
        if (first.length < pairCount || second.length < pairCount || shift.length < 3 * pairCount)
            throw new IllegalArgumentException("neighbour arrays shorter than pair count " + pairCount);
        this.first = first;
        this.second = second;
        this.shift = shift;
        this.pairCount = pairCount;
        this.listCutoffAngstrom = listCutoffAngstrom;
        this.version++;
    }

    /**
     * Says that the list's builder rewrote the shifts in place (the same pairs and images, in a deformed cell: a
     * barostat step): bumps {@link #version()}, so that force fields' per-list caches take the new shifts.
     */
    public void shiftsChanged() { this.version++; }

    /**
     * Every pair closer than {@code radius} of a system in {@code cell} (isolated, or periodic along some or
     * all axes), by brute force over atom pairs and lattice images: pairs (i &lt; j) in every image, and an
     * atom with its own images (each ± pair once). For training frames, evaluated once per frame; MD uses
     * the engine's cell lists. Positions need not be wrapped into the cell.
     */
    public static NeighborList within(double[] positions, md.core.Cell cell, double radius) {
        int atoms = positions.length / 3;
        if (cell == null || !cell.isPeriodic()) {
            NeighborList all = allPairs(atoms, radius), out = new NeighborList();
            int[] a = new int[all.pairCount], b = new int[all.pairCount];
            int p = 0;
            for (int k = 0; k < all.pairCount; k++) {
                int i = all.first[k], j = all.second[k];
                double dx = positions[3 * j] - positions[3 * i], dy = positions[3 * j + 1] - positions[3 * i + 1], dz = positions[3 * j + 2] - positions[3 * i + 2];
                if (dx * dx + dy * dy + dz * dz < radius * radius) { a[p] = i; b[p] = j; p++; }
            }
            out.set(a, b, new double[3 * p], p, radius);
            return out;
        }
        if (!(radius >= 0) || !Double.isFinite(radius)) throw new IllegalArgumentException("a periodic cell needs a finite cutoff, got " + radius);
        // images needed per axis: the cutoff in cell widths plus the spread of the (unwrapped) fractional coordinates
        double[] width = cell.perpendicularWidths(), s = new double[3], lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE}, hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < atoms; i++) {
            cell.toFractional(positions, 3 * i, s);
            for (int k = 0; k < 3; k++) { lo[k] = Math.min(lo[k], s[k]); hi[k] = Math.max(hi[k], s[k]); }
        }
        int[] reach = new int[3];
        for (int k = 0; k < 3; k++) reach[k] = cell.periodic(k) ? (int) Math.ceil(radius / width[k] + (atoms > 0 ? hi[k] - lo[k] : 0)) : 0;
        double[] v = cell.vectors();
        java.util.List<double[]> pairs = new java.util.ArrayList<>();
        for (int i = 0; i < atoms; i++)
            for (int j = i; j < atoms; j++)
                for (int na = -reach[0]; na <= reach[0]; na++)
                    for (int nb = -reach[1]; nb <= reach[1]; nb++)
                        for (int nc = -reach[2]; nc <= reach[2]; nc++) {
                            // an atom's own images: one of each ± pair (the first non-zero index positive)
                            if (i == j && !(na > 0 || (na == 0 && (nb > 0 || (nb == 0 && nc > 0))))) continue;
                            double sx = na * v[0] + nb * v[3] + nc * v[6], sy = na * v[1] + nb * v[4] + nc * v[7], sz = na * v[2] + nb * v[5] + nc * v[8];
                            double dx = positions[3 * j] + sx - positions[3 * i], dy = positions[3 * j + 1] + sy - positions[3 * i + 1], dz = positions[3 * j + 2] + sz - positions[3 * i + 2];
                            if (dx * dx + dy * dy + dz * dz < radius * radius) pairs.add(new double[] {i, j, sx, sy, sz});
                        }
        int n = pairs.size();
        int[] a = new int[n], b = new int[n];
        double[] sh = new double[3 * n];
        for (int p = 0; p < n; p++) {
            double[] q = pairs.get(p);
            a[p] = (int) q[0]; b[p] = (int) q[1]; sh[3 * p] = q[2]; sh[3 * p + 1] = q[3]; sh[3 * p + 2] = q[4];
        }
        NeighborList out = new NeighborList();
        out.set(a, b, sh, n, radius);
        return out;
    }

    /** All pairs of an isolated system by brute force (i &lt; j); for small molecules and tests. */
    public static NeighborList allPairs(int atoms, double listCutoffAngstrom) {
        int n = atoms * (atoms - 1) / 2;
        int[] a = new int[n], b = new int[n];
        int p = 0;
        for (int i = 0; i < atoms; i++) for (int j = i + 1; j < atoms; j++) { a[p] = i; b[p] = j; p++; }
        NeighborList nl = new NeighborList();
        nl.set(a, b, new double[3 * n], n, listCutoffAngstrom);
        return nl;
    }
}
