package md.engine.neighbors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.NeighborList;

/** The cell-list build must find exactly the pairs (with images) that an all-images brute force finds. */
class VerletNeighborListTest {

    /** Random positions in fractional [-0.5, 1.5) (so some lie outside the box), or Cartesian [0, L) without a cell. */
    static double[] randomPositions(Random rng, int n, Cell cell, double isolatedSpan) {
        double[] x = new double[3 * n];
        double[] s = new double[3];
        for (int i = 0; i < n; i++) {
            if (cell.isPeriodic()) {
                for (int k = 0; k < 3; k++) s[k] = cell.periodic(k) ? -0.5 + 2 * rng.nextDouble() : rng.nextDouble() * 1.3;
                cell.toCartesian(s, x, 3 * i);
            } else {
                for (int k = 0; k < 3; k++) x[3 * i + k] = isolatedSpan * rng.nextDouble();
            }
        }
        return x;
    }

    /** Canonical pair set "i j n0 n1 n2" of a list, with image integers recovered from the Cartesian shift. */
    static Set<String> pairs(NeighborList nl, Cell cell, double[] x, double radius) {
        Set<String> out = new TreeSet<>();
        double[] s = new double[3];
        for (int p = 0; p < nl.pairCount(); p++) {
            int i = nl.first(p), j = nl.second(p);
            double[] d = new double[3];
            for (int k = 0; k < 3; k++) d[k] = x[3 * j + k] + nl.shift(p, k) - x[3 * i + k];
            if (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] > radius * radius) continue;
            long[] n = new long[3];
            if (cell.isPeriodic()) {
                cell.toFractional(new double[] {nl.shift(p, 0), nl.shift(p, 1), nl.shift(p, 2)}, 0, s);
                for (int k = 0; k < 3; k++) {
                    n[k] = Math.round(s[k]);
                    assertEquals(n[k], s[k], 1e-9, "shift is not a lattice translation");
                }
            } else {
                assertEquals(0.0, Math.abs(nl.shift(p, 0)) + Math.abs(nl.shift(p, 1)) + Math.abs(nl.shift(p, 2)), "isolated system with a shift");
            }
            assertTrue(i < j || (i == j && (n[0] > 0 || (n[0] == 0 && (n[1] > 0 || (n[1] == 0 && n[2] > 0))))),
                    "pair not in half-list canonical order: " + i + " " + j + " " + n[0] + " " + n[1] + " " + n[2]);
            assertTrue(out.add(i + " " + j + " " + n[0] + " " + n[1] + " " + n[2]), "duplicate pair " + i + " " + j);
        }
        return out;
    }

    /** Every image within reach, every pair: O(N² M³). */
    static Set<String> bruteForce(double[] x, Cell cell, double radius) {
        int n = x.length / 3;
        int[] m = new int[3];
        if (cell.isPeriodic()) {
            double[] w = cell.perpendicularWidths();
            for (int k = 0; k < 3; k++) m[k] = cell.periodic(k) ? (int) Math.ceil(radius / w[k]) + 2 : 0;
        }
        double[] l = cell.vectors();
        Set<String> out = new TreeSet<>();
        for (int i = 0; i < n; i++) for (int j = i; j < n; j++)
            for (int a = -m[0]; a <= m[0]; a++) for (int b = -m[1]; b <= m[1]; b++) for (int c = -m[2]; c <= m[2]; c++) {
                if (i == j && !(a > 0 || (a == 0 && (b > 0 || (b == 0 && c > 0))))) continue;
                double r2 = 0;
                for (int k = 0; k < 3; k++) {
                    double d = x[3 * j + k] + a * l[k] + b * l[3 + k] + c * l[6 + k] - x[3 * i + k];
                    r2 += d * d;
                }
                if (r2 <= radius * radius) out.add(i + " " + j + " " + a + " " + b + " " + c);
            }
        return out;
    }

    private static void assertMatchesBruteForce(Cell cell, int atoms, double cutoff, double isolatedSpan, long seed) {
        Random rng = new Random(seed);
        for (int trial = 0; trial < 2; trial++) {
            double[] x = randomPositions(rng, atoms, cell, isolatedSpan);
            VerletNeighborList vl = new VerletNeighborList(cutoff, 0.0);
            vl.update(new Atoms(new int[atoms], x, cell));
            Set<String> expected = bruteForce(x, cell, cutoff);
            assertTrue(expected.size() > 0, "test configuration has no pairs");
            assertEquals(expected, pairs(vl.list(), cell, x, cutoff));
            assertEquals(expected.size(), vl.list().pairCount(), "list holds pairs beyond the list cutoff");
        }
    }

    @Test void orthorhombicPeriodicMatchesBruteForce() {
        assertMatchesBruteForce(Cell.orthorhombic(13.0, 14.5, 16.0), 200, 4.2, 0, 1);
    }

    @Test void triclinicPeriodicMatchesBruteForce() {
        Cell cell = new Cell(new double[] {12, 0, 0, 5.5, 11, 0, -3.5, 4.0, 10.5}, new boolean[] {true, true, true});
        assertMatchesBruteForce(cell, 250, 4.5, 0, 2);
    }

    @Test void smallCellWithCutoffBeyondHalfTheBoxFindsEveryImage() {
        // Cutoff larger than the cell: pairs with several images of a partner and with own images.
        Cell cell = new Cell(new double[] {4.0, 0, 0, 1.2, 3.6, 0, 0.7, -0.9, 4.4}, new boolean[] {true, true, true});
        assertMatchesBruteForce(cell, 6, 7.5, 0, 3);
        assertMatchesBruteForce(Cell.orthorhombic(5.0, 5.5, 6.0), 8, 4.0, 0, 4);
    }

    @Test void isolatedClusterMatchesBruteForce() {
        assertMatchesBruteForce(Cell.NONE, 200, 3.5, 18.0, 5);
    }

    @Test void sparseIsolatedSystemStaysCheap() {
        // Two molecules 10 km apart must not allocate a grid of bins between them.
        double[] x = {0, 0, 0, 1.0, 0, 0, 1e14, 0, 0, 1e14 + 1.0, 0.5, 0};
        VerletNeighborList vl = new VerletNeighborList(2.0, 0.0);
        vl.update(new Atoms(new int[4], x, Cell.NONE));
        assertEquals(bruteForce(x, Cell.NONE, 2.0), pairs(vl.list(), Cell.NONE, x, 2.0));
        assertEquals(2, vl.list().pairCount());
    }

    @Test void mixedPeriodicityMatchesBruteForce() {
        Cell slab = new Cell(new double[] {11, 0, 0, 3.0, 10, 0, 1.0, 2.0, 9.0}, new boolean[] {true, true, false});
        assertMatchesBruteForce(slab, 200, 4.0, 0, 6);
        Cell wire = new Cell(new double[] {7, 0, 0, 0, 15, 0, 0, 0, 3.1}, new boolean[] {false, false, true});
        assertMatchesBruteForce(wire, 40, 5.0, 0, 7);
    }

    @Test void rebuildsOnlyWhenAnAtomMovedMoreThanHalfTheSkin() {
        Random rng = new Random(11);
        Cell cell = new Cell(new double[] {14, 0, 0, 2.0, 13, 0, 1.0, 1.5, 12}, new boolean[] {true, true, true});
        int n = 250;
        double cutoff = 4.0, skin = 1.0;
        double[] x = randomPositions(rng, n, cell, 0);
        VerletNeighborList vl = new VerletNeighborList(cutoff, skin);
        Atoms atoms = new Atoms(new int[n], x, cell);
        assertTrue(vl.update(atoms));
        assertEquals(1, vl.rebuildCount());
        double[] origin = x.clone();
        for (int step = 0; step < 6; step++) {
            // Every atom moves in a random direction by up to 0.49 skin from the build positions.
            for (int i = 0; i < n; i++) {
                double[] u = randomUnit(rng);
                double len = 0.49 * skin * rng.nextDouble();
                for (int k = 0; k < 3; k++) x[3 * i + k] = origin[3 * i + k] + len * u[k];
            }
            assertFalse(vl.update(atoms), "rebuilt although no atom moved half the skin");
            // The kept list must still contain every pair within the cutoff, with current distances.
            Set<String> within = bruteForce(x, cell, cutoff);
            Set<String> listed = pairs(vl.list(), cell, x, cutoff);
            assertEquals(within, listed);
        }
        assertEquals(1, vl.rebuildCount());
        // One atom beyond half the skin forces a rebuild, and the result is exact again.
        x[0] = origin[0] + 0.51 * skin;
        x[1] = origin[1];
        x[2] = origin[2];
        assertTrue(vl.update(atoms));
        assertEquals(2, vl.rebuildCount());
        assertEquals(bruteForce(x, cell, cutoff + skin), pairs(vl.list(), cell, x, cutoff + skin));
        // A strain the skin cannot absorb (‖T − I‖ · (cutoff + skin) > skin) forces a rebuild.
        Atoms strained = new Atoms(atoms.atomicNumbers(), x, new Cell(new double[] {15, 0, 0, 2.0, 13, 0, 1.0, 1.5, 12}, new boolean[] {true, true, true}));
        assertTrue(vl.update(strained));
        assertEquals(3, vl.rebuildCount());
    }

    /**
     * A barostat's small deformations keep the pairs (their shifts mapped to the new cell) for as long as the skin
     * allows, and the list always holds exactly the pairs within the cutoff: random strains of 0.2% per step (shear
     * included) carrying the atoms affinely, plus thermal moves, checked against brute force at every step; then the
     * build cell again (shifts restored exactly), and isotropic compression, where distant pairs close in.
     */
    @Test void deformedCellsKeepThePairsWhileTheSkinAllows() {
        Random rng = new Random(12);
        double[] h = {14, 0, 0, 2.0, 13, 0, 1.0, 1.5, 12};
        boolean[] pbc = {true, true, true};
        int n = 100;
        double cutoff = 4.0, skin = 1.0;
        double[] x = randomPositions(rng, n, new Cell(h, pbc), 0);
        VerletNeighborList vl = new VerletNeighborList(cutoff, skin);
        assertTrue(vl.update(new Atoms(new int[n], x, new Cell(h, pbc))));
        double[] h0 = h.clone(), x0 = x.clone();
        int kept = 0;
        for (int step = 0; step < 30; step++) {
            double[] m = new double[9];  // x ↦ x(I + m), cell rows likewise
            for (int k = 0; k < 9; k++) m[k] = (k % 4 == 0 ? 1 : 0) + 0.002 * rng.nextGaussian();
            h = carry(h, m);
            x = carry(x, m);
            for (int i = 0; i < x.length; i++) x[i] += 0.02 * rng.nextGaussian();
            Cell cell = new Cell(h, pbc);
            if (!vl.update(new Atoms(new int[n], x, cell))) kept++;
            assertEquals(bruteForce(x, cell, cutoff), pairs(vl.list(), cell, x, cutoff), "step " + step);
        }
        assertTrue(kept > 15, "lists kept through small deformations: " + kept + " of 30 steps");
        // back to the build cell and positions: if the list was not rebuilt since, its shifts are the build's again
        Cell start = new Cell(h0, pbc);
        vl.update(new Atoms(new int[n], x0, start));
        assertEquals(bruteForce(x0, start, cutoff + skin), pairs(vl.list(), start, x0, cutoff + skin));
        // isotropic compression by 0.3% per step to 79%: pairs from beyond cutoff + skin (5 Å) come within the cutoff (4 Å)
        long before = vl.rebuildCount();
        h = h0.clone();
        x = x0.clone();
        for (int step = 0; step < 80; step++) {
            double[] m = {0.997, 0, 0, 0, 0.997, 0, 0, 0, 0.997};
            h = carry(h, m);
            x = carry(x, m);
            Cell cell = new Cell(h, pbc);
            vl.update(new Atoms(new int[n], x, cell));
            if (step % 4 == 3) assertEquals(bruteForce(x, cell, cutoff), pairs(vl.list(), cell, x, cutoff), "compression step " + step);
        }
        assertTrue(vl.rebuildCount() > before, "a compression to 79% must rebuild");
    }

    /** Rows (3 numbers each) of {@code v} times the 3×3 matrix {@code m}. */
    private static double[] carry(double[] v, double[] m) {
        double[] out = new double[v.length];
        for (int r = 0; r < v.length; r += 3)
            for (int k = 0; k < 3; k++) out[r + k] = v[r] * m[k] + v[r + 1] * m[3 + k] + v[r + 2] * m[6 + k];
        return out;
    }

    @Test void absurdlySmallCellsAreRefusedWithAMessage() {
        Cell tiny = Cell.orthorhombic(0.05, 0.05, 0.05);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new VerletNeighborList(5.0, 1.0).update(new Atoms(new int[1], new double[3], tiny)));
        assertTrue(e.getMessage().contains("the cell is far too small for this cutoff"), e.getMessage());
    }

    @Test void atomsFarOutsideTheBoxGetTheRightImages() {
        Random rng = new Random(12);
        Cell cell = Cell.orthorhombic(9, 10, 11);
        double[] x = randomPositions(rng, 60, cell, 0);
        // Shift some atoms by many box lengths, as unwrapped MD coordinates drift.
        for (int i = 0; i < 60; i += 3) { x[3 * i] += 9 * 37; x[3 * i + 2] -= 11 * 12; }
        VerletNeighborList vl = new VerletNeighborList(4.0, 0.5);
        vl.update(new Atoms(new int[60], x, cell));
        assertEquals(bruteForceWrapped(x, cell, 4.5), pairs(vl.list(), cell, x, 4.5));
    }

    /** Brute force on positions far from the box: translate each atom's images around its own position. */
    private static Set<String> bruteForceWrapped(double[] x, Cell cell, double radius) {
        // Wrap into the box first, remembering the lattice offset of every atom, then relabel images.
        int n = x.length / 3;
        double[] w = x.clone();
        long[][] off = new long[n][3];
        double[] s = new double[3];
        for (int i = 0; i < n; i++) {
            cell.toFractional(x, 3 * i, s);
            for (int k = 0; k < 3; k++) { off[i][k] = (long) Math.floor(s[k]); s[k] -= off[i][k]; }
            cell.toCartesian(s, w, 3 * i);
        }
        Set<String> wrapped = bruteForce(w, cell, radius);
        Set<String> out = new TreeSet<>();
        for (String p : wrapped) {
            String[] t = p.split(" ");
            int i = Integer.parseInt(t[0]), j = Integer.parseInt(t[1]);
            long[] img = new long[3];
            for (int k = 0; k < 3; k++) img[k] = Long.parseLong(t[2 + k]) + off[i][k] - off[j][k];
            out.add(i + " " + j + " " + img[0] + " " + img[1] + " " + img[2]);
        }
        return out;
    }

    private static double[] randomUnit(Random rng) {
        double[] u = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
        double l = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        return new double[] {u[0] / l, u[1] / l, u[2] / l};
    }
}
