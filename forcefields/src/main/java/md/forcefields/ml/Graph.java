package md.forcefields.ml;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import md.forcefields.NeighborList;

/**
 * The one message-passing graph every learned model and executor uses: the atoms with their species
 * (type index 0 … numTypes−1), the directed edges (centre = receiver, neighbour = sender, with the
 * Cartesian shift of the neighbour's image: vector = R_nbr + shift − R_ctr), and the unordered pairs.
 * The two directions of a pair have the same length, so anything that depends only on |r| (radial
 * bases, radial MLPs) can be evaluated once per pair: {@code pairOf[e]} is the pair of edge e and
 * {@code pairEdge[p]} the edge that represents pair p.
 *
 * <p>Arrays may be longer than the counts: the MD executor rebuilds a graph in place every step
 * ({@link #fromHalfList}) and only grows its arrays, so a step allocates nothing. Directed edges from a
 * half neighbour list are sorted by centre atom ({@code edgeStart}), so that sums over the edges into
 * an atom run in a fixed order.
 *
 * <p>Training builds one graph per frame ({@link #of}); it also caches tables computed from op data
 * that several ops share within one evaluation ({@link #table}).
 */
public final class Graph {
    private int atoms, edges, pairs;
    private int[] species = new int[0], centre = new int[0], neighbour = new int[0], pairOf = new int[0], pairEdge = new int[0];
    private int[] edgeStart = new int[1], cursor = new int[0], kept = new int[0];
    private double[] shifts = new double[0];
    private final Map<TableKey, double[]> tables = new HashMap<>();
    /** Rebuilds from a half list so far: identifies one MD evaluation (0 for graphs built by {@link #of}). */
    private long evaluation;

    /** A table computed from the array {@code source} (compared by identity: op data never changes) by {@code kind}. */
    private record TableKey(Object kind, double[] source) {}

    public int atoms() { return atoms; }
    public int edges() { return edges; }
    public int pairs() { return pairs; }
    /** Row count of a value with the given row domain. */
    public int rows(Shape.Rows rows) {
        return switch (rows) {
            case ATOMS -> atoms;
            case EDGES -> edges;
            case PAIRS -> pairs;
            case GRAPH -> 1;
            case ATOM_PAIRS -> atoms * atoms;
            case FIXED -> throw new IllegalArgumentException("fixed rows have no graph count");
        };
    }
    public int[] species() { return species; }
    public int[] centre() { return centre; }
    public int[] neighbour() { return neighbour; }
    public int[] pairOf() { return pairOf; }
    public int[] pairEdge() { return pairEdge; }
    /** Edges centred on atom a are edgeStart[a] … edgeStart[a+1]−1 (graphs from a half list only). */
    public int[] edgeStart() { return edgeStart; }
    /** Cartesian shift of each edge's neighbour image (3 per edge). */
    public double[] shifts() { return shifts; }

    /**
     * Which MD evaluation the graph holds: counts {@link #fromHalfList} rebuilds, so ops can convert an input
     * once per evaluation and reuse it in their backward pass; 0 for graphs from {@link #of} (no such reuse).
     */
    public long evaluation() { return evaluation; }

    /** The table for ({@code kind}, {@code source}), computed on first use (training graphs; allocates). */
    public double[] table(Object kind, double[] source, Supplier<double[]> compute) {
        return tables.computeIfAbsent(new TableKey(kind, source), k -> compute.get());
    }

    /** Forgets cached tables (the op data they were computed from is about to change). */
    public void clearTables() { tables.clear(); }

    /**
     * A graph over explicit directed edges (training, tests). Pairs up edge i→j (shift s) with edge j→i
     * (shift −s); an edge without its reverse is a pair of its own.
     */
    public static Graph of(int[] species, EdgeList list) {
        int nodes = species.length, e = list.size();
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
        Graph g = new Graph();
        g.atoms = nodes;
        g.species = species.clone();
        g.edges = e;
        g.pairs = pairs;
        g.centre = ci.clone();
        g.neighbour = nj.clone();
        g.shifts = sh.clone();
        g.pairOf = pairOf;
        g.pairEdge = Arrays.copyOf(pairEdge, pairs);
        g.edgeStart = null;
        return g;
    }

    /**
     * Rebuilds this graph in place from a half neighbour list: both directions of every pair with
     * 0 &lt; |r| &lt; {@code cutoff}, edge vectors written to {@code vectors} (grown if needed, returned),
     * edges sorted by centre. Pair p's edges are i←j (vector +r) and j←i (−r); {@code pairEdge[p]} is
     * the first. Allocates only when the system or its pair count grows past what was seen before.
     */
    public double[] fromHalfList(int[] types, double[] positions, NeighborList nl, double cutoff, double[] vectors) {
        int n = types.length;
        evaluation++;
        if (species.length < n) {
            species = new int[n];
            edgeStart = new int[n + 1];
            cursor = new int[n];
        }
        System.arraycopy(types, 0, species, 0, n);
        atoms = n;
        double cut2 = cutoff * cutoff;
        int np = nl.pairCount();
        int[] f = nl.firstArray(), s = nl.secondArray();
        double[] shift = nl.shiftArray();
        if (kept.length < np) kept = new int[Math.max(np, kept.length * 5 / 4 + 16)];
        int count = 0;
        for (int p = 0; p < np; p++) {
            int i = f[p], j = s[p];
            double dx = positions[3 * j] + shift[3 * p] - positions[3 * i];
            double dy = positions[3 * j + 1] + shift[3 * p + 1] - positions[3 * i + 1];
            double dz = positions[3 * j + 2] + shift[3 * p + 2] - positions[3 * i + 2];
            double r2 = dx * dx + dy * dy + dz * dz;
            if (r2 >= cut2 || r2 == 0 || !(Math.sqrt(r2) < cutoff)) continue;
            kept[count] = p; // the neighbour-list pairs within the cutoff, in list order
            count++;
        }
        pairs = count;
        edges = 2 * count;
        if (pairEdge.length < count) {
            int cap = Math.max(count, pairEdge.length * 5 / 4 + 16);
            pairEdge = new int[cap];
            pairOf = new int[2 * cap];
            centre = new int[2 * cap];
            neighbour = new int[2 * cap];
            shifts = new double[6 * cap];
        }
        if (vectors == null || vectors.length < 3 * edges) vectors = new double[Math.max(3 * edges, 3 * centre.length)];
        Arrays.fill(edgeStart, 0, n + 1, 0);
        for (int q = 0; q < count; q++) {
            int p = kept[q];
            edgeStart[f[p] + 1]++;
            edgeStart[s[p] + 1]++;
        }
        for (int a = 0; a < n; a++) edgeStart[a + 1] += edgeStart[a];
        System.arraycopy(edgeStart, 0, cursor, 0, n);
        for (int q = 0; q < count; q++) {
            int p = kept[q], i = f[p], j = s[p];
            double sx = shift[3 * p], sy = shift[3 * p + 1], sz = shift[3 * p + 2];
            double dx = positions[3 * j] + sx - positions[3 * i];
            double dy = positions[3 * j + 1] + sy - positions[3 * i + 1];
            double dz = positions[3 * j + 2] + sz - positions[3 * i + 2];
            int e0 = cursor[i]++;
            centre[e0] = i; neighbour[e0] = j; pairOf[e0] = q; pairEdge[q] = e0;
            shifts[3 * e0] = sx; shifts[3 * e0 + 1] = sy; shifts[3 * e0 + 2] = sz;
            vectors[3 * e0] = dx; vectors[3 * e0 + 1] = dy; vectors[3 * e0 + 2] = dz;
            int e1 = cursor[j]++;
            centre[e1] = j; neighbour[e1] = i; pairOf[e1] = q;
            shifts[3 * e1] = -sx; shifts[3 * e1 + 1] = -sy; shifts[3 * e1 + 2] = -sz;
            vectors[3 * e1] = -dx; vectors[3 * e1 + 1] = -dy; vectors[3 * e1 + 2] = -dz;
        }
        return vectors;
    }
}
