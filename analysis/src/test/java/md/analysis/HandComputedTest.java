package md.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import md.core.Cell;

/** Tiny cases whose answers are worked out by hand in the comments. */
class HandComputedTest {

    @Test
    void histogramBinsLikeNumpyIncludingBothEnds() {
        Histogram.Counter c = new Histogram.Counter(0, 3, 3);
        assertEquals(0, c.binOf(0.0));
        assertEquals(1, c.binOf(1.0));            // left edge belongs to the bin
        assertEquals(2, c.binOf(3.0));            // the last bin is closed on the right
        assertEquals(-1, c.binOf(3.0000001));
        assertEquals(-1, c.binOf(-1e-12));
        assertEquals(-1, c.binOf(Double.NaN));
        // Edges that are not exact binary fractions: 0.1 * 3 = 0.30000000000000004 is the left edge of bin 3.
        Histogram.Counter d = new Histogram.Counter(0, 1, 10);
        for (int k = 0; k < 10; k++) assertEquals(k, d.binOf(d.edges[k]), "edge " + k);
    }

    @Test
    void hOfRForThreeAtoms() {
        // Atoms at (0,0,0), (1,0,0), (0,2,0): distances 1, 2, sqrt(5) = 2.236. Bins [0,1), [1,2), [2,3]:
        // counts 0, 1, 2 of 3 pairs, width 1 -> density 0, 1/3, 2/3.
        Frames f = Frames.evenlySpaced(new double[][] {{0, 0, 0, 1, 0, 0, 0, 2, 0}}, new int[] {1, 1, 1}, Cell.NONE, 1);
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3}, DistanceHistogram.of(f, 0, 3, 3).values(), 1e-15);
    }

    @Test
    void benchmarkMaeIsRangeTimesMeanAbsoluteDifference() {
        // |0.5-0|, |0.5-1|, 0, 0 over 4 bins of [0, 2]: mean 0.25, times 2 -> 0.5 (= ∫|Δ| dr with width 0.5).
        Histogram a = new Histogram(0, 2, new double[] {0.5, 0.5, 0, 0}), b = new Histogram(0, 2, new double[] {0, 1, 0, 0});
        assertEquals(0.5, a.mae(b), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> a.mae(new Histogram(0, 3, new double[4])));
    }

    @Test
    void bondCutoffIsRadiusSumPlusAseSkinOnEachAtom() {
        // H radius 0.31 Å: bonded below 0.31 + 0.31 + 2 * 0.3 = 1.22 Å.
        assertEquals(1, Bonds.naturalCutoffs(new double[] {0, 0, 0, 1.2199, 0, 0}, new int[] {1, 1}, Cell.NONE).size());
        assertEquals(0, Bonds.naturalCutoffs(new double[] {0, 0, 0, 1.2201, 0, 0}, new int[] {1, 1}, Cell.NONE).size());
        // C-O: 0.76 + 0.66 + 0.6 = 2.02 Å.
        assertEquals(1, Bonds.naturalCutoffs(new double[] {0, 0, 0, 0, 2.01, 0}, new int[] {6, 8}, Cell.NONE).size());
        // Across a periodic boundary: 0.2 and 9.8 in a 10 Å box are 0.4 Å apart.
        assertEquals(List.of(new Bonds.Bond(0, 1)),
                Bonds.naturalCutoffs(new double[] {0.2, 5, 5, 9.8, 5, 5}, new int[] {1, 1}, Cell.orthorhombic(10, 10, 10)));
    }

    @Test
    void referenceStrayOfEveryBondAroundItsMean() {
        // Two bonds, three frames: O-H 0.96, 1.00, 1.04 Å (mean 1.00, strays 0.04) and a hydrogen bond
        // O...H 1.40, 1.80, 2.30 Å (mean 1.8333: 0.4333 below it, 0.4667 above: max 0.4667).
        double[][] x = {
                {0, 0, 0, 0.96, 0, 0, 0, 1.40, 0},
                {0, 0, 0, 1.00, 0, 0, 0, 1.80, 0},
                {0, 0, 0, 1.04, 0, 0, 0, 2.30, 0}};
        Frames ref = Frames.evenlySpaced(x, new int[] {8, 1, 1}, Cell.NONE, 0.05);
        List<Bonds.Bond> bonds = List.of(new Bonds.Bond(0, 1), new Bonds.Bond(0, 2));
        double[] mean = Bonds.meanLengths(ref, bonds);
        assertArrayEquals(new double[] {1.00, 5.5 / 3}, mean, 1e-12);
        assertArrayEquals(new double[] {0.04, 2.30 - 5.5 / 3}, Bonds.maxDeviations(ref, bonds, mean), 1e-12);
    }

    @Test
    void collapseAtTheFirstFrameBeyondTheThreshold() {
        // H2 with bond lengths 0.74, 0.80, 1.30, 0.70 Å, frames every 0.05 ps; reference mean 0.74 Å.
        double[] len = {0.74, 0.80, 1.30, 0.70};
        double[][] x = new double[len.length][];
        for (int f = 0; f < len.length; f++) x[f] = new double[] {0, 0, 0, len[f], 0, 0};
        Frames run = Frames.evenlySpaced(x, new int[] {1, 1}, Cell.NONE, 0.05);
        List<Bonds.Bond> bonds = List.of(new Bonds.Bond(0, 1));
        BondStability.Result r = BondStability.evaluate(run, bonds, new double[] {0.74}, 0.5);
        assertArrayEquals(new double[] {0, 0.06, 0.56, 0.04}, r.maxDeviation(), 1e-12);
        assertEquals(2, r.collapseFrame());
        assertEquals(0.10, r.stabilityPs(), 1e-15);
        assertEquals(3, r.framesBeforeCollapse());
        // A looser threshold: stable for the whole run, 3 intervals = 0.15 ps.
        BondStability.Result loose = BondStability.evaluate(run, bonds, new double[] {0.74}, 0.6);
        assertFalse(loose.collapsed());
        assertEquals(0.15, loose.stabilityPs(), 1e-15);
        // An exploded run (NaN positions) collapses.
        x[1][3] = Double.NaN;
        assertEquals(1, BondStability.evaluate(run, bonds, new double[] {0.74}, 0.5).collapseFrame());
    }

    @Test
    void simpleCubicRdfFirstShellAndSkewedCellOfTheSameLattice() {
        // 64 atoms on a simple cubic lattice (spacing 1 Å) in a 4 Å box: each atom has 6 neighbours at 1 Å.
        // g in the bin holding r = 1 is 64 * 6 / (64 * 64 / 64 * shell) = 6 / shell, shell = 4π/3 (r2³ - r1³).
        double[] x = new double[3 * 64];
        int a = 0;
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 4; k++, a++) {
            x[3 * a] = i + 0.5; x[3 * a + 1] = j + 0.5; x[3 * a + 2] = k + 0.5;
        }
        int[] z = new int[64];
        java.util.Arrays.fill(z, 18);
        Rdf.Bins bins = new Rdf.Bins(0.9, 1.9, 10);    // bin 1 = [1.0, 1.1)
        Histogram g = Rdf.of(Frames.evenlySpaced(new double[][] {x}, z, Cell.orthorhombic(4, 4, 4), 1), bins).get("Ar-Ar");
        double shell = 4.0 / 3 * Math.PI * (Math.pow(g.edges()[2], 3) - Math.pow(g.edges()[1], 3));
        assertEquals(6 / shell, g.values()[1], 1e-12);
        // Second shell at sqrt(2) = 1.414 (12 neighbours), bin [1.4, 1.5).
        double shell2 = 4.0 / 3 * Math.PI * (Math.pow(g.edges()[6], 3) - Math.pow(g.edges()[5], 3));
        assertEquals(12 / shell2, g.values()[5], 1e-12);
        // The same periodic system described by the unimodular skewed cell a=(4,0,0), b=(4,4,0), c=(0,4,4):
        // identical distances, so an identical RDF (also beyond half its smallest width, 2.31 Å).
        Cell skewed = new Cell(new double[] {4, 0, 0, 4, 4, 0, 0, 4, 4}, new boolean[] {true, true, true});
        Rdf.Bins wide = new Rdf.Bins(1e-6, 2.9, 29);
        assertArrayEquals(Rdf.of(Frames.evenlySpaced(new double[][] {x}, z, Cell.orthorhombic(4, 4, 4), 1), wide).get("all").values(),
                Rdf.of(Frames.evenlySpaced(new double[][] {x}, z, skewed, 1), wide).get("all").values(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Rdf.of(Frames.evenlySpaced(new double[][] {x}, z, Cell.NONE, 1), bins));
    }

    @Test
    void changingCellNormalisesEachFrameWithItsOwnVolume() {
        // The 4x4x4 simple cubic crystal of the test above, frame 0 with spacing 1 Å (box 4 Å), frame 1 stretched
        // to spacing 1.25 Å (box 5 Å). Each frame's 6 first neighbours land in their own bin; normalised with the
        // frame's own density ρ_f = 64 / V_f a perfect crystal's first shell is g = 6 / (ρ_f · shell): 6 / shell for
        // frame 0 (ρ = 1 Å⁻³), 6 · 125/64 / shell for frame 1; averaged over the 2 frames, half of each.
        double[] x0 = new double[3 * 64], x1 = new double[3 * 64];
        int a = 0;
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 4; k++, a++) {
            x0[3 * a] = i + 0.5; x0[3 * a + 1] = j + 0.5; x0[3 * a + 2] = k + 0.5;
            for (int c = 0; c < 3; c++) x1[3 * a + c] = 1.25 * x0[3 * a + c];
        }
        int[] z = new int[64];
        java.util.Arrays.fill(z, 18);
        Frames f = Frames.evenlySpaced(new double[][] {x0, x1}, z, new Cell[] {Cell.orthorhombic(4, 4, 4), Cell.orthorhombic(5, 5, 5)}, 1);
        assertTrue(f.cellChanges());
        assertArrayEquals(new double[] {64, 125}, f.volumesA3(), 1e-12);
        Rdf.Bins bins = new Rdf.Bins(0.9, 1.9, 10);    // bin 1 = [1.0, 1.1), bin 3 = [1.2, 1.3)
        Histogram g = Rdf.of(f, bins).get("all");
        double[] e = g.edges();
        assertEquals(3 / (4.0 / 3 * Math.PI * (Math.pow(e[2], 3) - Math.pow(e[1], 3))), g.values()[1], 1e-12);
        assertEquals(3 * 125.0 / 64 / (4.0 / 3 * Math.PI * (Math.pow(e[4], 3) - Math.pow(e[3], 3))), g.values()[3], 1e-12);
        // frame 1 alone: its own density, whichever frame came first
        assertEquals(6 * 125.0 / 64 / (4.0 / 3 * Math.PI * (Math.pow(e[4], 3) - Math.pow(e[3], 3))), Rdf.of(f.range(1, 2), bins).get("all").values()[3], 1e-12);
        // the window criterion's accumulator adds and removes frames with the same weights: a 1-frame window
        // sliding over (frame 0, frame 1, frame 0) against frame 1's g(r) fails first at the window holding frame 0
        Frames three = Frames.evenlySpaced(new double[][] {x0, x1, x0}, z,
                new Cell[] {Cell.orthorhombic(4, 4, 4), Cell.orthorhombic(5, 5, 5), Cell.orthorhombic(4, 4, 4)}, 1);
        RdfStability.Result w = RdfStability.evaluate(three, Map.of("all", Rdf.of(f.range(1, 2), bins).get("all")), bins, 1, 1e-9);
        assertEquals(0.0, w.windowMaxMae()[1], 1e-12);
        assertEquals(2, w.collapseWindow());
        // equal cells make a fixed-cell trajectory; a frame with other periodic directions is refused
        assertFalse(Frames.evenlySpaced(new double[][] {x0, x0}, z, new Cell[] {Cell.orthorhombic(4, 4, 4), Cell.orthorhombic(4, 4, 4)}, 1).cellChanges());
        Cell slab = new Cell(new double[] {4, 0, 0, 0, 4, 0, 0, 0, 4}, new boolean[] {true, true, false});
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Frames.evenlySpaced(new double[][] {x0, x0}, z, new Cell[] {Cell.orthorhombic(4, 4, 4), slab}, 1));
        assertTrue(ex.getMessage().contains("frame 1 is periodic along"), ex.getMessage());
    }

    @Test
    void changingCellUnwrapsFrameByFrameNotWithImageCountsTimesTheCell() {
        // One atom at rest at the centre of its cell but counted 3 cells away (x = 0.5 L + 3 L), in a cell whose
        // edge L alternates 10, 11, 10, 11 Å as under a barostat. Its own motion is the affine 0.5 ΔL; unwrapping
        // with the image counts would move it by 3.5 ΔL = ±3.5 Å per frame.
        double[] l = {10, 11, 10, 11};
        double[][] x = new double[4][];
        Cell[] cells = new Cell[4];
        for (int t = 0; t < 4; t++) {
            x[t] = new double[] {3.5 * l[t], 0.5 * l[t], 0.5 * l[t]};
            cells[t] = Cell.orthorhombic(l[t], l[t], l[t]);
        }
        Frames u = Diffusion.unwrap(Frames.evenlySpaced(x, new int[] {18}, cells, 1));
        for (int t = 0; t < 4; t++) {
            assertEquals(35 + 0.5 * (l[t] - 10), u.positions()[t][0], 1e-12, "frame " + t);
            assertEquals(5 + 0.5 * (l[t] - 10), u.positions()[t][1], 1e-12, "frame " + t);
        }
        assertTrue(u.cellChanges());
    }

    @Test
    void rdfWindowCriterionFindsTheFirstWindowHoldingAMeltedFrame() {
        // A 3x3x3 simple cubic crystal (spacing 2 Å) with tiny vibrations for frames 0..29, then a random gas.
        java.util.Random rnd = new java.util.Random(7);
        int frames = 40, n = 27;
        double[][] x = new double[frames][3 * n];
        for (int f = 0; f < frames; f++) {
            int a = 0;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++, a++) {
                double[] site = {2 * i + 1, 2 * j + 1, 2 * k + 1};
                for (int c = 0; c < 3; c++) x[f][3 * a + c] = f < 30 ? site[c] + 0.02 * rnd.nextGaussian() : 6 * rnd.nextDouble();
            }
        }
        int[] z = new int[n];
        java.util.Arrays.fill(z, 3);
        Cell cell = Cell.orthorhombic(6, 6, 6);
        Frames run = Frames.evenlySpaced(x, z, cell, 0.1);
        Rdf.Bins bins = new Rdf.Bins(1e-6, 3, 60);
        Map<String, Histogram> crystal = Rdf.of(run.range(0, 30), bins);
        Map<String, Histogram> ref = Map.of(Rdf.ALL, crystal.get(Rdf.ALL));
        // One-frame windows: the first failing window starts at the first gas frame, 30; stability = t_29.
        RdfStability.Result one = RdfStability.evaluate(run, ref, bins, 1, 1.0);
        assertEquals(30, one.collapseWindow());
        assertEquals(2.9, one.stabilityPs(), 1e-12);
        for (int s = 1; s < 30; s++) assertTrue(one.windowMaxMae()[s] < 0.5, "crystal frame " + s + ": " + one.windowMaxMae()[s]);
        assertTrue(one.windowMaxMae()[30] > 2.0, "gas frame: " + one.windowMaxMae()[30]);
        // Five-frame windows: crystal windows match the reference closely; the window starting at 26 holds
        // one gas frame, which moves its RDF by about a fifth of the gas-crystal difference (> 0.4).
        RdfStability.Result five = RdfStability.evaluate(run, ref, bins, 5, 0.4);
        for (int s = 1; s < 26; s++) assertTrue(five.windowMaxMae()[s] < 0.25, "window " + s + ": " + five.windowMaxMae()[s]);
        assertEquals(26, five.collapseWindow());
        assertEquals(2.5, five.stabilityPs(), 1e-12);
        assertEquals(5, RdfStability.windowFrames(run, 0.5));
    }

    @Test
    void msdOfTwoAtomsOneMovingUniformly() {
        // Equal masses; atom 0 fixed, atom 1 moves 0.1 Å per frame along x. The centre of mass moves
        // 0.05 Å per frame, so each atom moves ±0.05 k Å relative to it: MSD(k) = (0.05 k)².
        int frames = 6;
        double[][] x = new double[frames][];
        for (int f = 0; f < frames; f++) x[f] = new double[] {0, 0, 0, 1 + 0.1 * f, 0, 0};
        Frames run = Frames.evenlySpaced(x, new int[] {1, 1}, Cell.NONE, 0.5);
        Diffusion.Msd msd = Diffusion.msd(run, 4, 1);
        assertArrayEquals(new double[] {0, 0.5, 1.0, 1.5, 2.0}, msd.lagPs(), 1e-15);
        assertArrayEquals(new double[] {0, 0.0025, 0.01, 0.0225, 0.04}, msd.byElement().get("H"), 1e-15);
        assertArrayEquals(msd.byElement().get("H"), msd.byElement().get("all"), 1e-15);
        // The benchmark's running estimate MSD/(6τ): 0.0025 k² / (6 · 0.5 k) = k / 1200 Å²/ps.
        double[] running = msd.runningDiffusivity("H");
        assertTrue(Double.isNaN(running[0]));
        for (int k = 1; k <= 4; k++) assertEquals(k / 1200.0, running[k], 1e-15);
        // A straight line MSD = 0.6 τ + 0.1 gives D = 0.1 Å²/ps = 1e-5 cm²/s.
        Diffusion.Fit fit = Diffusion.fit(new double[] {0, 1, 2, 3}, new double[] {0.1, 0.7, 1.3, 1.9}, 1, 3);
        assertEquals(3, fit.points());
        assertEquals(0.1, fit.diffusionA2PerPs(), 1e-14);
        assertEquals(1e-5, fit.diffusionCm2PerS(), 1e-18);
        assertEquals(1.0, fit.rSquared(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Diffusion.fit(new double[] {0, 1, 2}, new double[] {0, 1, 2}, 5, 6));
    }

    @Test
    void unwrapFollowsAnAtomAcrossTheBoundary() {
        // x = 9.8, then 0.1 (wrapped) in a 10 Å box: it moved +0.3 Å to 10.1.
        Frames f = Frames.evenlySpaced(new double[][] {{9.8, 1, 1}, {0.1, 1, 1}, {0.5, 1, 1}}, new int[] {8}, Cell.orthorhombic(10, 10, 10), 1);
        Frames u = Diffusion.unwrap(f);
        assertEquals(10.1, u.positions()[1][0], 1e-12);
        assertEquals(10.5, u.positions()[2][0], 1e-12);
    }

    @Test
    void energyDriftIsTheSlopePerAtomAndTemperatureStatisticsSkipBurnIn() {
        // E_cons = -100 + 0.03 t (eV, t in ps) for 4 atoms: drift 0.0075 eV/atom/ps; excursion over
        // t = 0..2 ps is 0.06 eV / 4 = 0.015 eV/atom.
        double[] t = {0, 0.5, 1.0, 1.5, 2.0}, e = new double[5], temp = {100, 300, 310, 290, 300};
        for (int i = 0; i < 5; i++) e[i] = -100 + 0.03 * t[i];
        Thermo th = new Thermo(t, e, new double[5], e, temp, e);
        Thermo.EnergyDrift d = th.energyDrift(4, 0);
        assertEquals(0.0075, d.slopeEvPerAtomPerPs(), 1e-12);
        assertEquals(0.015, d.maxExcursionEvPerAtom(), 1e-12);
        assertEquals(5, d.rows());
        // Burn-in 0.5 ps drops the first row: temperatures 300, 310, 290, 300 -> mean 300, sample std sqrt(200/3).
        Thermo.TemperatureStats s = th.temperature(0.5);
        assertEquals(4, s.rows());
        assertEquals(300, s.meanK(), 1e-12);
        assertEquals(Math.sqrt(200.0 / 3), s.stdK(), 1e-12);
        assertEquals(290, s.minK());
        assertEquals(310, s.maxK());
    }
}
