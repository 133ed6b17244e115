package md.forcefields.backend;

import md.forcefields.backend.KernelBackend.IntBuffer;
import md.forcefields.backend.KernelBackend.RealBuffer;

/**
 * A {@link HostGraph} resident on a backend. Buffers grow (by 25 %) when a larger graph arrives and
 * are reused otherwise, so re-uploading a rebuilt neighbour list allocates nothing in steady state.
 */
public final class EdgeGraph implements AutoCloseable {
    private final KernelBackend backend;
    private int nodes, pairs, edges, nodeCap = -1, pairCap = -1;
    private IntBuffer pairI, pairJ, pairEdge, edgeStart, edgeCentre, edgeNbr, edgePair, edgeSide, edgeReverse;
    private RealBuffer pairShift;

    public EdgeGraph(KernelBackend backend) { this.backend = backend; }

    /** Copies {@code g} to the backend. */
    public void upload(HostGraph g) {
        if (g.nodes > nodeCap) {
            release(edgeStart);
            nodeCap = Math.max(g.nodes, nodeCap + nodeCap / 4);
            edgeStart = backend.ints(nodeCap + 1);
        }
        if (g.pairs > pairCap) {
            for (Object b : new Object[] {pairI, pairJ, pairEdge, edgeCentre, edgeNbr, edgePair, edgeSide, edgeReverse, pairShift}) release(b);
            pairCap = Math.max(Math.max(g.pairs, 1), pairCap + pairCap / 4);
            pairI = backend.ints(pairCap);
            pairJ = backend.ints(pairCap);
            pairShift = backend.reals(3 * pairCap);
            pairEdge = backend.ints(2 * pairCap);
            edgeCentre = backend.ints(2 * pairCap);
            edgeNbr = backend.ints(2 * pairCap);
            edgePair = backend.ints(2 * pairCap);
            edgeSide = backend.ints(2 * pairCap);
            edgeReverse = backend.ints(2 * pairCap);
        }
        nodes = g.nodes;
        pairs = g.pairs;
        edges = g.edges;
        backend.write(edgeStart, g.edgeStart, nodes + 1);
        backend.write(pairI, g.pairI, pairs);
        backend.write(pairJ, g.pairJ, pairs);
        backend.write(pairShift, g.pairShift, 3 * pairs);
        backend.write(pairEdge, g.pairEdge, edges);
        backend.write(edgeCentre, g.edgeCentre, edges);
        backend.write(edgeNbr, g.edgeNbr, edges);
        backend.write(edgePair, g.edgePair, edges);
        backend.write(edgeSide, g.edgeSide, edges);
        backend.write(edgeReverse, g.edgeReverse, edges);
    }

    private void release(Object b) { if (b != null) backend.release(b); }

    public int nodes() { return nodes; }
    public int pairs() { return pairs; }
    public int edges() { return edges; }
    public IntBuffer pairI() { return pairI; }
    public IntBuffer pairJ() { return pairJ; }
    public RealBuffer pairShift() { return pairShift; }
    public IntBuffer pairEdge() { return pairEdge; }
    public IntBuffer edgeStart() { return edgeStart; }
    public IntBuffer edgeCentre() { return edgeCentre; }
    public IntBuffer edgeNbr() { return edgeNbr; }
    public IntBuffer edgePair() { return edgePair; }
    public IntBuffer edgeSide() { return edgeSide; }
    public IntBuffer edgeReverse() { return edgeReverse; }

    @Override public void close() {
        for (Object b : new Object[] {edgeStart, pairI, pairJ, pairEdge, edgeCentre, edgeNbr, edgePair, edgeSide, edgeReverse, pairShift}) release(b);
        nodeCap = pairCap = -1;
    }
}
