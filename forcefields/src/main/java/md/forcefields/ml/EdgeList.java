package md.forcefields.ml;

import java.util.Arrays;

import md.forcefields.NeighborList;

/**
 * Directed edges (centre i receives from neighbour j) with the Cartesian shift of j's image: the edge
 * vector is R_j + shift − R_i. Both directions of every pair within r_max (strictly) are present.
 */
public record EdgeList(int[] centre, int[] neighbour, double[] shifts) {

    public int size() { return centre.length; }

    /** Every ordered pair i ≠ j of an isolated system with |R_j − R_i| &lt; rMax, in (i, j) order. */
    public static EdgeList isolated(double[] positions, double rMax) {
        int n = positions.length / 3, count = 0;
        int[] ci = new int[n * Math.max(n - 1, 0)], nj = new int[ci.length];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (i == j) continue;
                double dx = positions[3 * j] - positions[3 * i], dy = positions[3 * j + 1] - positions[3 * i + 1], dz = positions[3 * j + 2] - positions[3 * i + 2];
                if (Math.sqrt(dx * dx + dy * dy + dz * dz) < rMax) { ci[count] = i; nj[count] = j; count++; }
            }
        return new EdgeList(Arrays.copyOf(ci, count), Arrays.copyOf(nj, count), new double[3 * count]);
    }

    /** Both directions of the pairs of a half neighbour list that lie within rMax at {@code positions}. */
    public static EdgeList fromHalfList(NeighborList list, double[] positions, double rMax) {
        int pairs = list.pairCount(), count = 0;
        int[] ci = new int[2 * pairs], nj = new int[2 * pairs];
        double[] sh = new double[6 * pairs];
        for (int p = 0; p < pairs; p++) {
            int i = list.first(p), j = list.second(p);
            double sx = list.shift(p, 0), sy = list.shift(p, 1), sz = list.shift(p, 2);
            double dx = positions[3 * j] + sx - positions[3 * i], dy = positions[3 * j + 1] + sy - positions[3 * i + 1], dz = positions[3 * j + 2] + sz - positions[3 * i + 2];
            if (!(Math.sqrt(dx * dx + dy * dy + dz * dz) < rMax)) continue;
            ci[count] = i; nj[count] = j; sh[3 * count] = sx; sh[3 * count + 1] = sy; sh[3 * count + 2] = sz; count++;
            ci[count] = j; nj[count] = i; sh[3 * count] = -sx; sh[3 * count + 1] = -sy; sh[3 * count + 2] = -sz; count++;
        }
        return new EdgeList(Arrays.copyOf(ci, count), Arrays.copyOf(nj, count), Arrays.copyOf(sh, 3 * count));
    }
}
