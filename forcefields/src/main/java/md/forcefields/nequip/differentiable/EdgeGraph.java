package md.forcefields.nequip.differentiable;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The message-passing graph of one structure: for each directed edge its centre (receiver) and
 * neighbour (sender), and its unordered pair. The two directions of a pair have the same length, so
 * everything that depends only on |r_ij| (radial basis, radial MLP) is evaluated once per pair;
 * {@code pairEdge} is the edge that represents each pair, {@code pairOf} the pair of each edge.
 *
 * <p>It also keeps tables computed from op data that several ops share (see {@link #table}), so one
 * instance belongs to one graph build on one thread: a new evaluation (e.g. after leaves changed) needs a
 * new instance.
 */
record EdgeGraph(int nodes, int[] centre, int[] neighbour, int[] pairOf, int[] pairEdge, Map<TableKey, double[]> tables) {

    /** A table computed from the array {@code source} (compared by identity: op data never changes) by {@code kind}. */
    record TableKey(Object kind, double[] source) {}

    /** The table for ({@code kind}, {@code source}), computed on first use. */
    double[] table(Object kind, double[] source, Supplier<double[]> compute) {
        return tables.computeIfAbsent(new TableKey(kind, source), k -> compute.get());
    }

    int edges() { return centre.length; }

    int pairs() { return pairEdge.length; }

    /** Pairs up edge i→j (shift s) with edge j→i (shift −s); an edge without its reverse is a pair of its own. */
    static EdgeGraph of(EdgeList list, int nodes) {
        int e = list.size();
        int[] ci = list.centre(), nj = list.neighbour();
        double[] sh = list.shifts();
        Map<Long, Integer> unpaired = new HashMap<>();
        int[] pairOf = new int[e], pairEdge = new int[e];
        int pairs = 0;
        for (int k = 0; k < e; k++) {
            if (ci[k] < 0 || ci[k] >= nodes || nj[k] < 0 || nj[k] >= nodes)
                throw new IndexOutOfBoundsException("edge " + k + " (" + ci[k] + " <- " + nj[k] + ") refers to an atom outside [0, " + nodes + ")");
            Integer rev = unpaired.get((long) nj[k] * nodes + ci[k]);
            if (rev != null && sh[3 * rev] == -sh[3 * k] && sh[3 * rev + 1] == -sh[3 * k + 1] && sh[3 * rev + 2] == -sh[3 * k + 2]) {
                unpaired.remove((long) nj[k] * nodes + ci[k]);
                pairOf[k] = pairOf[rev];
                continue;
            }
            pairOf[k] = pairs;
            pairEdge[pairs++] = k;
            // Several periodic images may join the same atoms; the last unmatched one waits for its reverse.
            unpaired.put((long) ci[k] * nodes + nj[k], k);
        }
        return new EdgeGraph(nodes, ci, nj, pairOf, java.util.Arrays.copyOf(pairEdge, pairs), new HashMap<>());
    }
}
