package md.forcefields.backend;

import java.util.List;

import md.forcefields.NeighborList;

/**
 * The pairs of one or more independent systems (replicas, atoms numbered consecutively) and their
 * directed edges sorted by centre atom, built on the host from half neighbour lists.
 *
 * <p>Pair p gives edge "side 0" (centre i, neighbour j, vector +v) and "side 1" (centre j, neighbour i,
 * vector −v). {@code edgeStart} is the CSR index of edges by centre; {@code edgeReverse} maps an edge
 * to the other direction of its pair, so sums over the edges whose <em>neighbour</em> is j are sums
 * over j's own edges' reverses (gathers, no scatter).
 */
public final class HostGraph {
    /** One system: its positions (Å, 3N, used only when filtering) and neighbour list. */
    public record Part(int atoms, double[] positions, NeighborList neighbors) {}

    public final int nodes, pairs, edges;
    public final int[] pairI, pairJ, pairEdge, edgeStart, edgeCentre, edgeNbr, edgePair, edgeSide, edgeReverse;
    public final double[] pairShift;

    /**
     * @param cutoff when positive, only pairs with 0 &lt; r &lt; cutoff at the given positions are kept
     *               (the edge set then changes every step); when 0, every listed pair is kept and the
     *               kernels give those outside the cutoff zero weight (the edge set changes only when
     *               a list is rebuilt).
     */
    public HostGraph(List<Part> parts, double cutoff) {
        int n = 0, cap = 0;
        for (Part s : parts) { n += s.atoms(); cap += s.neighbors().pairCount(); }
        nodes = n;
        int[] pi = new int[cap], pj = new int[cap];
        double[] sh = new double[3 * cap];
        int count = 0, base = 0;
        double c2 = cutoff * cutoff;
        for (Part s : parts) {
            NeighborList nl = s.neighbors();
            int[] f = nl.firstArray(), g = nl.secondArray();
            double[] shift = nl.shiftArray(), x = s.positions();
            for (int p = 0; p < nl.pairCount(); p++) {
                int i = f[p], j = g[p];
                if (cutoff > 0) {
                    double dx = x[3 * j] + shift[3 * p] - x[3 * i];
                    double dy = x[3 * j + 1] + shift[3 * p + 1] - x[3 * i + 1];
                    double dz = x[3 * j + 2] + shift[3 * p + 2] - x[3 * i + 2];
                    double r2 = dx * dx + dy * dy + dz * dz;
                    if (r2 >= c2 || r2 == 0 || Math.sqrt(r2) >= cutoff) continue;
                }
                pi[count] = base + i;
                pj[count] = base + j;
                System.arraycopy(shift, 3 * p, sh, 3 * count, 3);
                count++;
            }
            base += s.atoms();
        }
        pairs = count;
        edges = 2 * count;
        pairI = pi;
        pairJ = pj;
        pairShift = sh;
        edgeStart = new int[n + 1];
        for (int p = 0; p < count; p++) { edgeStart[pi[p] + 1]++; edgeStart[pj[p] + 1]++; }
        for (int a = 0; a < n; a++) edgeStart[a + 1] += edgeStart[a];
        int[] cursor = java.util.Arrays.copyOf(edgeStart, n);
        pairEdge = new int[edges];
        edgeCentre = new int[edges];
        edgeNbr = new int[edges];
        edgePair = new int[edges];
        edgeSide = new int[edges];
        edgeReverse = new int[edges];
        for (int p = 0; p < count; p++) {
            for (int side = 0; side < 2; side++) {
                int centre = side == 0 ? pi[p] : pj[p], nbr = side == 0 ? pj[p] : pi[p];
                int e = cursor[centre]++;
                edgeCentre[e] = centre;
                edgeNbr[e] = nbr;
                edgePair[e] = p;
                edgeSide[e] = side;
                pairEdge[2 * p + side] = e;
            }
            edgeReverse[pairEdge[2 * p]] = pairEdge[2 * p + 1];
            edgeReverse[pairEdge[2 * p + 1]] = pairEdge[2 * p];
        }
    }
}
