package md.forcefields.classical;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.NeighborList;

/** Small systems and an all-images neighbour list for force-field tests (independent of the engine's builder). */
final class TestSystems {
    private TestSystems() {}

    /** Random atoms in a periodic cell with no two closer than {@code minDistance} (minimum image over all images). */
    static double[] randomPositions(Random rng, Cell cell, int n, double minDistance) {
        double[] x = new double[3 * n];
        double[] s = new double[3];
        int placed = 0, tries = 0;
        while (placed < n) {
            if (++tries > 1_000_000) throw new IllegalStateException("could not place atoms");
            for (int k = 0; k < 3; k++) s[k] = rng.nextDouble();
            cell.toCartesian(s, x, 3 * placed);
            boolean ok = true;
            for (int j = 0; j < placed && ok; j++) ok = minImageDistance(x, placed, j, cell) >= minDistance;
            if (ok) placed++;
        }
        return x;
    }

    static double minImageDistance(double[] x, int i, int j, Cell cell) {
        double[] l = cell.vectors();
        double best = Double.POSITIVE_INFINITY;
        for (int a = -2; a <= 2; a++) for (int b = -2; b <= 2; b++) for (int c = -2; c <= 2; c++) {
            double r2 = 0;
            for (int k = 0; k < 3; k++) {
                double d = x[3 * j + k] + a * l[k] + b * l[3 + k] + c * l[6 + k] - x[3 * i + k];
                r2 += d * d;
            }
            best = Math.min(best, Math.sqrt(r2));
        }
        return best;
    }

    /** Integer images (i, j, a, b, c) of every pair within {@code radius}, half list convention. */
    static List<int[]> imagePairs(double[] x, Cell cell, double radius) {
        int n = x.length / 3;
        double[] w = cell.perpendicularWidths();
        int[] m = new int[3];
        for (int k = 0; k < 3; k++) m[k] = cell.periodic(k) ? (int) Math.ceil(radius / w[k]) + 1 : 0;
        double[] l = cell.vectors();
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) for (int j = i; j < n; j++)
            for (int a = -m[0]; a <= m[0]; a++) for (int b = -m[1]; b <= m[1]; b++) for (int c = -m[2]; c <= m[2]; c++) {
                if (i == j && !(a > 0 || (a == 0 && (b > 0 || (b == 0 && c > 0))))) continue;
                double r2 = 0;
                for (int k = 0; k < 3; k++) {
                    double d = x[3 * j + k] + a * l[k] + b * l[3 + k] + c * l[6 + k] - x[3 * i + k];
                    r2 += d * d;
                }
                if (r2 <= radius * radius) out.add(new int[] {i, j, a, b, c});
            }
        return out;
    }

    /** A NeighborList holding the given image pairs, with shifts for the (possibly strained) lattice. */
    static NeighborList list(List<int[]> pairs, Cell cell, double listCutoff) {
        int np = pairs.size();
        int[] first = new int[np], second = new int[np];
        double[] shift = new double[3 * np];
        double[] l = cell.vectors();
        for (int p = 0; p < np; p++) {
            int[] q = pairs.get(p);
            first[p] = q[0];
            second[p] = q[1];
            for (int k = 0; k < 3; k++) shift[3 * p + k] = q[2] * l[k] + q[3] * l[3 + k] + q[4] * l[6 + k];
        }
        NeighborList nl = new NeighborList();
        nl.set(first, second, shift, np, listCutoff);
        return nl;
    }

    /** Positions and cell deformed by (I + eps): x' = (I + eps) x, lattice rows a' = (I + eps) a. */
    static Atoms strained(Atoms atoms, double[] eps) {
        double[] x = atoms.positions();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i += 3)
            for (int a = 0; a < 3; a++) y[i + a] = x[i + a] + eps[3 * a] * x[i] + eps[3 * a + 1] * x[i + 1] + eps[3 * a + 2] * x[i + 2];
        Cell cell = atoms.cell();
        if (!cell.isPeriodic()) return new Atoms(atoms.atomicNumbers(), y, cell);
        double[] l = cell.vectors(), m = new double[9];
        for (int r = 0; r < 3; r++)
            for (int a = 0; a < 3; a++) m[3 * r + a] = l[3 * r + a] + eps[3 * a] * l[3 * r] + eps[3 * a + 1] * l[3 * r + 1] + eps[3 * a + 2] * l[3 * r + 2];
        return new Atoms(atoms.atomicNumbers(), y, new Cell(m, cell.pbc()));
    }
}
