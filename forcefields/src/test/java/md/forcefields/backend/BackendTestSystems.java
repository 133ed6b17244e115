package md.forcefields.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import md.forcefields.NeighborList;

/** Test systems for the backend tests: random clusters and brute-force periodic half lists. */
final class BackendTestSystems {
    private BackendTestSystems() {}

    /** n atoms in a box of side {@code box}, no pair closer than 0.9 Å. */
    static double[] cluster(Random rnd, int n, double box) {
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++)
            while (true) {
                for (int d = 0; d < 3; d++) x[3 * i + d] = box * rnd.nextDouble();
                boolean ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double r2 = 0;
                    for (int d = 0; d < 3; d++) r2 += Math.pow(x[3 * i + d] - x[3 * j + d], 2);
                    ok = r2 > 0.81;
                }
                if (ok) break;
            }
        return x;
    }

    /** Half list of a cubic periodic cell by brute force over neighbouring images (cell ≥ cutoff). */
    static NeighborList periodicList(double[] x, double cell, double cutoff) {
        int n = x.length / 3;
        List<int[]> ij = new ArrayList<>();
        List<double[]> sh = new ArrayList<>();
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
                for (int a = -1; a <= 1; a++) for (int b = -1; b <= 1; b++) for (int c = -1; c <= 1; c++) {
                    if (i == j && (a < 0 || (a == 0 && (b < 0 || (b == 0 && c <= 0))))) continue; // self: one of ±image, not 0
                    double[] s = {a * cell, b * cell, c * cell};
                    double r2 = 0;
                    for (int d = 0; d < 3; d++) r2 += Math.pow(x[3 * j + d] + s[d] - x[3 * i + d], 2);
                    if (r2 < cutoff * cutoff) { ij.add(new int[] {i, j}); sh.add(s); }
                }
        int m = ij.size();
        int[] f = new int[m], g = new int[m];
        double[] s = new double[3 * m];
        for (int p = 0; p < m; p++) { f[p] = ij.get(p)[0]; g[p] = ij.get(p)[1]; System.arraycopy(sh.get(p), 0, s, 3 * p, 3); }
        NeighborList nl = new NeighborList();
        nl.set(f, g, s, m, cutoff);
        return nl;
    }
}
