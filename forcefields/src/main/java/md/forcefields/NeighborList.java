package md.forcefields;

/**
 * The pairs a force field may need, shared by every force field of a run. It is a <em>half</em> list:
 * each unordered pair (i, j) appears once, with i &lt; j for pairs in the same image; a pair whose
 * partner is a periodic image (or an atom's own image in a small cell) appears once per image.
 * The vector from i to j is {@code x[j] + shift - x[i]} with {@code shift} a Cartesian lattice
 * translation fixed while the list is valid, so callers always see current distances.
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
    /** Incremented each time the pairs change. */
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
