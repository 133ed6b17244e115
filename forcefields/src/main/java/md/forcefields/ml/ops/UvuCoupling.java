package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.e3nn.Wigner3j;

/**
 * The sparse Clebsch–Gordan structure of one (l_in, harmonic block, l_out) of the 'uvu' convolution:
 * the distinct (a, c) pairs q with a nonzero C[a,b,c] (T[q] = Σ_b C[a_q,b,c_q]·Y[b] per edge, stored at
 * {@code tOff + q}), the pairs grouped by c and by a (for kernels that accumulate one output row at a
 * time), and every nonzero entry with its pair and b, also grouped by b (the entries of harmonic column b at
 * {@code bStart[b]} up to {@code bStart[b + 1]} of {@code bEntryPair} and {@code bEntryValue}, for kernels that sum
 * each column's products in registers).
 */
record UvuCoupling(int yOff, int tOff, int[] pairA, int[] pairC, int[] byA, int[] aStart, int[] byC, int[] cStart,
                   int[] entryPair, int[] entryB, double[] entryValue, int[] bStart, int[] bEntryPair, double[] bEntryValue) {

    int pairs() { return pairA.length; }

    static UvuCoupling of(int l1, int l2, int l3, int yOff, int tOff) {
        double[] w3j = Wigner3j.get(l1, l2, l3);
        int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
        int[] pairIndex = new int[d1 * d3];
        java.util.Arrays.fill(pairIndex, -1);
        List<Integer> pa = new ArrayList<>(), pc = new ArrayList<>(), ep = new ArrayList<>(), eb = new ArrayList<>();
        List<Double> ev = new ArrayList<>();
        for (int x = 0; x < w3j.length; x++) {
            if (w3j[x] == 0) continue;
            int a = x / (d2 * d3), b = (x / d3) % d2, c = x % d3;
            if (pairIndex[a * d3 + c] < 0) {
                pairIndex[a * d3 + c] = pa.size();
                pa.add(a);
                pc.add(c);
            }
            ep.add(pairIndex[a * d3 + c]);
            eb.add(b);
            ev.add(w3j[x]);
        }
        int[] pairA = ints(pa), pairC = ints(pc), entryPair = ints(ep), entryB = ints(eb);
        double[] entryValue = ev.stream().mapToDouble(Double::doubleValue).toArray();
        int[][] byA = group(pairA, d1), byC = group(pairC, d3), byB = group(entryB, d2);
        int[] bEntryPair = new int[entryB.length];
        double[] bEntryValue = new double[entryB.length];
        for (int k = 0; k < entryB.length; k++) {
            bEntryPair[k] = entryPair[byB[0][k]];
            bEntryValue[k] = entryValue[byB[0][k]];
        }
        return new UvuCoupling(yOff, tOff, pairA, pairC, byA[0], byA[1], byC[0], byC[1], entryPair, entryB, entryValue,
                byB[1], bEntryPair, bEntryValue);
    }

    /** Pair indices ordered by key, and where each key's run starts (length keys + 1). */
    private static int[][] group(int[] key, int keys) {
        int[] start = new int[keys + 1];
        for (int k : key) start[k + 1]++;
        for (int k = 0; k < keys; k++) start[k + 1] += start[k];
        int[] order = new int[key.length], at = start.clone();
        for (int q = 0; q < key.length; q++) order[at[key[q]]++] = q;
        return new int[][] {order, start};
    }

    private static int[] ints(List<Integer> l) { return l.stream().mapToInt(Integer::intValue).toArray(); }
}
