package md.forcefields.backend;

import md.forcefields.backend.KernelBackend.IntBuffer;
import md.forcefields.ml.Graph;

/**
 * A {@link Graph} mirrored on a backend: the host graph (counts, and the arrays the Java kernels read)
 * and its index arrays in the backend's memory, plus two the device kernels need that the host graph
 * does not keep: the second edge of each pair and the reverse of each edge, so that sums over the edges
 * whose neighbour is an atom run over that atom's own (centre-sorted) edges without atomics.
 */
public final class DeviceGraph implements AutoCloseable {
    private final KernelBackend backend;
    private Graph host;
    private IntBuffer species, centre, neighbour, pairOf, pairEdge, pairSecond, reverse, edgeStart;
    private int[] second = new int[0], rev = new int[0];

    public DeviceGraph(KernelBackend backend) { this.backend = backend; }

    /** Copies {@code g} (a graph from {@link Graph#fromHalfList}: edges sorted by centre) to the backend. */
    public void upload(Graph g) {
        if (g.edgeStart() == null) throw new IllegalArgumentException("device kernels need a graph with edges sorted by centre atom");
        host = g;
        int n = g.atoms(), e = g.edges(), p = g.pairs();
        if (second.length < p) second = new int[Math.max(p, second.length * 5 / 4 + 16)];
        if (rev.length < e) rev = new int[Math.max(e, rev.length * 5 / 4 + 16)];
        int[] pairEdgeHost = g.pairEdge(), pairOfHost = g.pairOf();
        for (int q = 0; q < p; q++) second[q] = pairEdgeHost[q];
        for (int k = 0; k < e; k++) if (pairEdgeHost[pairOfHost[k]] != k) second[pairOfHost[k]] = k;
        for (int k = 0; k < e; k++) {
            int q = pairOfHost[k];
            rev[k] = pairEdgeHost[q] == k ? second[q] : pairEdgeHost[q];
        }
        species = put(species, g.species(), n);
        centre = put(centre, g.centre(), e);
        neighbour = put(neighbour, g.neighbour(), e);
        pairOf = put(pairOf, pairOfHost, e);
        pairEdge = put(pairEdge, pairEdgeHost, p);
        pairSecond = put(pairSecond, second, p);
        reverse = put(reverse, rev, e);
        edgeStart = put(edgeStart, g.edgeStart(), n + 1);
    }

    private IntBuffer put(IntBuffer b, int[] src, int n) {
        if (b == null || b.length() < Math.max(n, 1)) {
            if (b != null) backend.release(b);
            b = backend.ints(Math.max(Math.max(n, 1), b == null ? 0 : b.length() * 5 / 4 + 16));
        }
        if (n > 0) backend.write(b, src, n);
        return b;
    }

    public Graph host() { return host; }
    public int atoms() { return host.atoms(); }
    public int edges() { return host.edges(); }
    public int pairs() { return host.pairs(); }
    public IntBuffer species() { return species; }
    public IntBuffer centre() { return centre; }
    public IntBuffer neighbour() { return neighbour; }
    public IntBuffer pairOf() { return pairOf; }
    public IntBuffer pairEdge() { return pairEdge; }
    /** The second edge of each pair (the first, {@link #pairEdge}, for a pair of one edge). */
    public IntBuffer pairSecond() { return pairSecond; }
    /** The other edge of each edge's pair (itself for a pair of one edge). */
    public IntBuffer reverse() { return reverse; }
    public IntBuffer edgeStart() { return edgeStart; }

    @Override public void close() {
        for (IntBuffer b : new IntBuffer[] {species, centre, neighbour, pairOf, pairEdge, pairSecond, reverse, edgeStart})
            if (b != null) backend.release(b);
    }
}
