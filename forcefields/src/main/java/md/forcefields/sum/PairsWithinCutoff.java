package md.forcefields.sum;

import md.forcefields.Atoms;
import md.forcefields.NeighborList;

/**
 * One term's view of the shared neighbour list: the pairs closer than the term's cutoff at the current
 * positions, in the shared list's order. The shared list holds every pair within the largest cutoff plus the
 * skin; a term with a shorter cutoff must not see the pairs beyond its own (a learned model would otherwise
 * take them as edges), so the view is filtered at every evaluation with the same distance the terms compute
 * (x_j + shift − x_i). Its {@link NeighborList#version()} advances only when the selected pairs change (or
 * the shared list is rebuilt), so terms that cache per-list data keep it while the selection is stable.
 */
final class PairsWithinCutoff {
    private final double cutoffAngstrom;
    private final NeighborList view = new NeighborList();
    private int[] selected = new int[0], next = new int[0];   // indices into the shared list
    private int selectedCount = -1;
    private long sharedVersion = Long.MIN_VALUE;
    private NeighborList shared;
    private int[] first = new int[0], second = new int[0];
    private double[] shift = new double[0];

    /** {@code cutoffAngstrom}: the term's cutoff; 0 (bonded terms) gives an empty view, +∞ the shared list itself. */
    PairsWithinCutoff(double cutoffAngstrom) {
        this.cutoffAngstrom = cutoffAngstrom;
    }

    /** The term's pairs for the current positions. */
    NeighborList update(Atoms atoms, NeighborList sharedList) {
        if (cutoffAngstrom == Double.POSITIVE_INFINITY) return sharedList;
        int n = sharedList.pairCount();
        if (next.length < n) next = new int[n];
        int count = 0;
        if (cutoffAngstrom > 0) {
            double rc2 = cutoffAngstrom * cutoffAngstrom;
            double[] x = atoms.positions(), sh = sharedList.shiftArray();
            int[] a = sharedList.firstArray(), b = sharedList.secondArray();
            for (int q = 0; q < n; q++) {
                int i = a[q], j = b[q];
                double dx = x[3 * j] + sh[3 * q] - x[3 * i], dy = x[3 * j + 1] + sh[3 * q + 1] - x[3 * i + 1], dz = x[3 * j + 2] + sh[3 * q + 2] - x[3 * i + 2];
                if (dx * dx + dy * dy + dz * dz < rc2) next[count++] = q;
            }
        }
        if (sharedList == shared && sharedList.version() == sharedVersion && count == selectedCount
                && java.util.Arrays.equals(next, 0, count, selected, 0, count)) return view;
        int[] t = selected; selected = next; next = t;
        selectedCount = count;
        shared = sharedList;
        sharedVersion = sharedList.version();
        if (first.length < count) { first = new int[count]; second = new int[count]; shift = new double[3 * count]; }
        int[] a = sharedList.firstArray(), b = sharedList.secondArray();
        double[] sh = sharedList.shiftArray();
        for (int p = 0; p < count; p++) {
            int q = selected[p];
            first[p] = a[q]; second[p] = b[q];
            shift[3 * p] = sh[3 * q]; shift[3 * p + 1] = sh[3 * q + 1]; shift[3 * p + 2] = sh[3 * q + 2];
        }
        view.set(first, second, shift, count, cutoffAngstrom);
        return view;
    }
}
