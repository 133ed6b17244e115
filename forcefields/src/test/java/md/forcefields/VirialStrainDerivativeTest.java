package md.forcefields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.forcefields.classical.LennardJones;
import md.forcefields.ensemble.EnsembleForceField;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.families.EquivariantTransformerHyperparameters;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.families.Se3TransformerHyperparameters;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.TfnClebschGordan;
import md.forcefields.ml.potential.LearnedForceField;

/**
 * The virial of every force field with one, through {@link ForceField#compute} as the engine calls it, is the
 * strain derivative of its energy: for the homogeneous deformation x_a → x_a + ε_ab x_b of positions and cell
 * vectors, W_ab = −∂E/∂ε_ab at ε = 0 (central differences, all nine components, each ε_ab alone, so the
 * test does not assume W symmetric; it then checks that it is, as a rotation-invariant energy requires).
 * For a molecule in open space the same derivative of the positions alone, and W = Σ_i r_i ⊗ F_i.
 * Learned models are small and random (every family through {@link LearnedForceField}, the MD executor):
 * NequIP and the Equivariant Transformer in a triclinic periodic cell smaller than twice their cutoff (atoms
 * see several images of a partner and of themselves), the SE(3)-Transformer with a radius graph in the same
 * cell and fully connected on a molecule, GeomAtt (dense pairs: molecules only) on a molecule, and an ensemble
 * of a learned and a classical member. Lennard-Jones, harmonic bonds and Morse have the same check in
 * LennardJonesTest and BondPotentialTest (and LJ against LAMMPS in the engine's LjLammpsReferenceTest).
 */
class VirialStrainDerivativeTest {
    private static final double H = 1e-5;
    private static final Cell TRICLINIC = new Cell(new double[] {3.4, 0, 0, 0.5, 3.2, 0, -0.3, 0.4, 3.3}, new boolean[] {true, true, true});

    // ---- models (random weights, as the families' own tests build them) ---------------------------------------

    static LearnedModel nequip(long seed) {
        NequipHyperparameters hp = new NequipHyperparameters(2, 1, true, 4, 2, 3.0, 4, true, 6.0, 1, 8,
                3.0, false, "silu", "tanh", "silu", "tanh");
        Nequip arch = new Nequip(hp, new int[] {1, 8}, 1.3);
        Random rng = new Random(seed);
        Map<String, double[]> v = arch.initialParameters(rng);
        v.put(Nequip.SCALES, new double[] {0.9, 1.2});
        v.put(Nequip.SHIFTS, new double[] {-0.4, 0.3});
        return new LearnedModel(arch, v);
    }

    static LearnedModel equivariantTransformer(long seed) {
        EquivariantTransformerHyperparameters hp = new EquivariantTransformerHyperparameters(8, 2, 5, 2, 3.0, 10, true, "both",
                "silu", "silu", true, true, true);
        EquivariantTransformer arch = new EquivariantTransformer(hp, new int[] {1, 6, 7, 8});
        Random rng = new Random(seed);
        Map<String, double[]> v = arch.initialParameters(rng);
        for (double[] a : v.values()) for (int i = 0; i < a.length; i++) a[i] += 0.3 * rng.nextGaussian();
        return new LearnedModel(arch, v);
    }

    static LearnedModel se3Transformer(double cutoff, long seed) {
        Se3TransformerHyperparameters hp = new Se3TransformerHyperparameters(2, 2, 2, 2, 1, false, 4, 1e-5, 1e-12, cutoff,
                TfnClebschGordan.REFERENCE_SIGNS, 1.0);
        Se3Transformer arch = new Se3Transformer(hp, new int[] {1, 8});
        return new LearnedModel(arch, arch.initialParameters(new Random(seed)));
    }

    static LearnedModel geomAtt(long seed) {
        GeomAtt arch = new GeomAtt(new int[] {1, 6, 8}, 6, List.of(
                new GeomAtt.Stream(2, 4, 2, false, true),
                new GeomAtt.Stream(3, 3, 1, true, true)), 5, 0.0, 0.25, 16, 2.0, 0.7, -3.0);
        Map<String, double[]> v = arch.initialParameters(new Random(seed));
        // larger than PyTorch's initial values, so that the many-body terms are not negligible
        for (Map.Entry<String, double[]> e : v.entrySet())
            if (!e.getKey().equals(GeomAtt.GRID)) for (int i = 0; i < e.getValue().length; i++) e.getValue()[i] *= 3;
        return new LearnedModel(arch, v);
    }

    // ---- tests ------------------------------------------------------------------------------------------------

    @Test void nequipInAPeriodicCell() {
        try (ForceField ff = new LearnedForceField(nequip(3))) {
            checkPeriodic(ff, atoms(new int[] {1, 8, 1, 1, 8, 1, 1, 8}, 7));
        }
    }

    @Test void equivariantTransformerInAPeriodicCell() {
        try (ForceField ff = new LearnedForceField(equivariantTransformer(41))) {
            checkPeriodic(ff, atoms(new int[] {6, 1, 8, 1, 7, 1, 6, 1}, 8));
        }
    }

    @Test void se3TransformerWithARadiusGraphInAPeriodicCellAndFullyConnectedOnAMolecule() {
        try (ForceField ff = new LearnedForceField(se3Transformer(3.0, 5))) {
            checkPeriodic(ff, atoms(new int[] {8, 1, 1, 8, 1, 1}, 9));
        }
        try (ForceField ff = new LearnedForceField(se3Transformer(Double.POSITIVE_INFINITY, 6))) {
            checkMolecule(ff, molecule(new int[] {8, 1, 1, 8, 1, 1}, 10));
        }
    }

    @Test void geomAttOnAMoleculeAndRefusedInAPeriodicCell() {
        try (ForceField ff = new LearnedForceField(geomAtt(11))) {
            checkMolecule(ff, molecule(new int[] {6, 1, 8, 1, 6, 1}, 12));
            // a dense pair model has no periodic images: it says so rather than giving a wrong virial
            Atoms periodic = atoms(new int[] {6, 1, 8, 1}, 13);
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> ff.compute(periodic, imageList(periodic, 4.0).list(periodic.cell()), new double[12], new double[9]));
            assertTrue(String.valueOf(e.getMessage()).contains("dense pair model"), e.getMessage());
        }
    }

    @Test void ensembleOfALearnedAndAClassicalMember() {
        LennardJones lj = LennardJones.builder().species(1, 0.004, 1.2).species(8, 0.008, 1.5).cutoff(3.5)
                .shift(LennardJones.Shift.FORCE).build();
        try (ForceField ff = new EnsembleForceField(List.of(new LearnedForceField(nequip(21)), lj), new double[] {0.7, 0.3}, 1)) {
            assertTrue(ff.providesVirial());
            checkPeriodic(ff, atoms(new int[] {1, 8, 1, 1, 8, 1, 1, 8}, 22));
            checkMolecule(ff, molecule(new int[] {1, 8, 1, 1, 8, 1}, 23));
        }
    }

    // ---- the checks -------------------------------------------------------------------------------------------

    /** W_ab = −∂E/∂ε_ab with cell and positions strained, the pairs' images kept (their shifts strain with the cell). */
    private static void checkPeriodic(ForceField ff, Atoms atoms) {
        assertTrue(ff.providesVirial(), ff.name());
        ImageList images = imageList(atoms, ff.cutoffAngstrom() + 0.5);
        assertTrue(images.hasSelfImages(), "the cell should be small enough for atoms to see their own images");
        double[] f = new double[3 * atoms.size()], w = new double[9];
        ff.compute(atoms, images.list(atoms.cell()), f, w);
        double worst = 0;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                Atoms plus = strained(atoms, a, b, H), minus = strained(atoms, a, b, -H);
                double ep = ff.compute(plus, images.list(plus.cell()), new double[f.length], null);
                double em = ff.compute(minus, images.list(minus.cell()), new double[f.length], null);
                double expected = -(ep - em) / (2 * H);
                assertEquals(expected, w[3 * a + b], 1e-6 * Math.max(1, Math.abs(expected)), ff.name() + ": W_" + "xyz".charAt(a) + "xyz".charAt(b) + " vs −dE/dε");
                worst = Math.max(worst, Math.abs(expected - w[3 * a + b]));
            }
        System.out.printf("%s periodic (%d image pairs): max|W| %.3g eV, max|W + dE/dε| %.1e eV%n", ff.name(), images.pairs().size(), maxAbs(w), worst);
        checkSymmetricAndNotVanishing(ff, w);
    }

    /** In open space: W_ab = −∂E/∂ε_ab (positions strained) and W = Σ r_i ⊗ F_i. */
    private static void checkMolecule(ForceField ff, Atoms atoms) {
        int n = atoms.size();
        double radius = Double.isFinite(ff.cutoffAngstrom()) ? ff.cutoffAngstrom() + 0.5 : Double.POSITIVE_INFINITY;
        double[] f = new double[3 * n], w = new double[9];
        ff.compute(atoms, NeighborList.allPairs(n, radius), f, w);
        double[] x = atoms.positions();
        double scale = 0;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        double worst = 0;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double ep = ff.compute(strained(atoms, a, b, H), NeighborList.allPairs(n, radius), new double[3 * n], null);
                double em = ff.compute(strained(atoms, a, b, -H), NeighborList.allPairs(n, radius), new double[3 * n], null);
                double expected = -(ep - em) / (2 * H);
                assertEquals(expected, w[3 * a + b], 1e-6 * Math.max(1, Math.abs(expected)), ff.name() + " molecule: W_" + a + b + " vs −dE/dε");
                double rf = 0;
                for (int i = 0; i < n; i++) rf += x[3 * i + a] * f[3 * i + b];
                assertEquals(rf, w[3 * a + b], 1e-10 * Math.max(1, scale), ff.name() + " molecule: W_" + a + b + " vs Σ r ⊗ F");
                worst = Math.max(worst, Math.abs(expected - w[3 * a + b]));
            }
        System.out.printf("%s molecule: max|W| %.3g eV, max|W + dE/dε| %.1e eV%n", ff.name(), scale, worst);
        checkSymmetricAndNotVanishing(ff, w);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static void checkSymmetricAndNotVanishing(ForceField ff, double[] w) {
        double scale = 0;
        for (double v : w) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 1e-3, ff.name() + ": virial too small to test: " + java.util.Arrays.toString(w));
        for (int a = 0; a < 3; a++)
            for (int b = a + 1; b < 3; b++)
                assertEquals(w[3 * a + b], w[3 * b + a], 1e-9 * scale, ff.name() + ": W must be symmetric (" + a + "," + b + ")");
    }

    // ---- systems ----------------------------------------------------------------------------------------------

    /** x_a → x_a + e·x_b for positions and (when periodic) the cell vectors, which are rows. */
    static Atoms strained(Atoms atoms, int a, int b, double e) {
        double[] y = atoms.positions().clone();
        for (int i = 0; i < y.length; i += 3) y[i + a] += e * atoms.positions()[i + b];
        Cell cell = atoms.cell();
        if (!cell.isPeriodic()) return new Atoms(atoms.atomicNumbers(), y, cell);
        double[] l = cell.vectors();
        for (int r = 0; r < 3; r++) l[3 * r + a] += e * cell.vectors()[3 * r + b];
        return new Atoms(atoms.atomicNumbers(), y, new Cell(l, cell.pbc()));
    }

    /** Random atoms in {@link #TRICLINIC}, no two closer than 1 Å over all images. */
    static Atoms atoms(int[] z, long seed) {
        Random rng = new Random(seed);
        double[] x = new double[3 * z.length], s = new double[3];
        for (int placed = 0; placed < z.length; ) {
            for (int k = 0; k < 3; k++) s[k] = rng.nextDouble();
            TRICLINIC.toCartesian(s, x, 3 * placed);
            boolean ok = true;
            for (int j = 0; j <= placed && ok; j++)
                ok = minimumDistance(x, placed, j, TRICLINIC) >= 1.0;
            if (ok) placed++;
        }
        return new Atoms(z, x, TRICLINIC);
    }

    /** Random atoms in a 3 Å box with no two closer than 1 Å, in open space. */
    static Atoms molecule(int[] z, long seed) {
        Random rng = new Random(seed);
        double[] x = new double[3 * z.length];
        for (int placed = 0; placed < z.length; ) {
            for (int k = 0; k < 3; k++) x[3 * placed + k] = 3.0 * rng.nextDouble();
            boolean ok = true;
            for (int j = 0; j < placed && ok; j++) {
                double r2 = 0;
                for (int k = 0; k < 3; k++) r2 += Math.pow(x[3 * placed + k] - x[3 * j + k], 2);
                ok = r2 >= 1.0;
            }
            if (ok) placed++;
        }
        return new Atoms(z, x, Cell.NONE);
    }

    /** Distance between i and the images of j (i's own images, not itself, when i = j). */
    private static double minimumDistance(double[] x, int i, int j, Cell cell) {
        double best = Double.POSITIVE_INFINITY;
        for (int a = -2; a <= 2; a++) for (int b = -2; b <= 2; b++) for (int c = -2; c <= 2; c++) {
            if (i == j && a == 0 && b == 0 && c == 0) continue;
            double r2 = 0;
            for (int k = 0; k < 3; k++) {
                double d = x[3 * j + k] + a * cell.vector(0, k) + b * cell.vector(1, k) + c * cell.vector(2, k) - x[3 * i + k];
                r2 += d * d;
            }
            best = Math.min(best, Math.sqrt(r2));
        }
        return best;
    }

    /** A half list by brute force over images (i &lt; j every image; i = j the positive half), independent of the engine's. */
    record ImageList(List<int[]> pairs, double radius) {
        NeighborList list(Cell cell) {
            int np = pairs.size();
            int[] first = new int[np], second = new int[np];
            double[] shift = new double[3 * np];
            for (int p = 0; p < np; p++) {
                int[] q = pairs.get(p);
                first[p] = q[0];
                second[p] = q[1];
                for (int k = 0; k < 3; k++) shift[3 * p + k] = q[2] * cell.vector(0, k) + q[3] * cell.vector(1, k) + q[4] * cell.vector(2, k);
            }
            NeighborList nl = new NeighborList();
            nl.set(first, second, shift, np, radius);
            return nl;
        }

        boolean hasSelfImages() { return pairs.stream().anyMatch(q -> q[0] == q[1]); }
    }

    static ImageList imageList(Atoms atoms, double radius) {
        Cell cell = atoms.cell();
        double[] x = atoms.positions(), widths = cell.perpendicularWidths();
        int[] m = new int[3];
        for (int k = 0; k < 3; k++) m[k] = (int) Math.ceil(radius / widths[k]) + 1;
        List<int[]> pairs = new ArrayList<>();
        int n = atoms.size();
        for (int i = 0; i < n; i++) for (int j = i; j < n; j++)
            for (int a = -m[0]; a <= m[0]; a++) for (int b = -m[1]; b <= m[1]; b++) for (int c = -m[2]; c <= m[2]; c++) {
                if (i == j && !(a > 0 || (a == 0 && (b > 0 || (b == 0 && c > 0))))) continue;
                double r2 = 0;
                for (int k = 0; k < 3; k++) {
                    double d = x[3 * j + k] + a * cell.vector(0, k) + b * cell.vector(1, k) + c * cell.vector(2, k) - x[3 * i + k];
                    r2 += d * d;
                }
                if (r2 < radius * radius) pairs.add(new int[] {i, j, a, b, c});
            }
        return new ImageList(pairs, radius);
    }
}
