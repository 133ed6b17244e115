package md.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.core.io.NpyArray;
import md.core.io.Npz;

/**
 * h(r), bonds, bond-length stability and ADF on real MD17 ethanol against the NumPy reference
 * (analysis/reference/compute_reference.py).
 */
class MolecularObservablesTest {
    static Frames ethanol;

    @BeforeAll
    static void load() throws IOException {
        Map<String, NpyArray> d = Npz.read(ReferenceData.shared("md17/md17_ethanol_first2000_consecutive.npz"));
        NpyArray r = d.get("R");
        double[][] frames = new double[r.dim(0)][];
        for (int f = 0; f < frames.length; f++) frames[f] = r.slice(f);
        ethanol = Frames.evenlySpaced(frames, d.get("z").asInts(), Cell.NONE, 0.0005);   // 0.5 fs per frame
    }

    @Test
    void hOfRMatchesNumpyOnEveryBin() throws IOException {
        Map<String, double[]> ref = ReferenceData.csv("hr_md17_ethanol.csv");
        Histogram all = DistanceHistogram.of(ethanol);
        assertEquals(500, all.bins());
        assertArrayEquals(ref.get("r_centre"), all.centres(), 1e-12);
        assertArrayEquals(ref.get("h_all"), all.values(), 1e-12);
        Histogram first = DistanceHistogram.of(ethanol.range(0, 1000)), second = DistanceHistogram.of(ethanol.range(1000, 2000));
        assertArrayEquals(ref.get("h_first_half"), first.values(), 1e-12);
        assertArrayEquals(ref.get("h_second_half"), second.values(), 1e-12);
        double integral = 0;
        double[] e = all.edges();
        for (int k = 0; k < all.bins(); k++) integral += all.values()[k] * (e[k + 1] - e[k]);
        assertEquals(1.0, integral, 1e-12);
        assertEquals(ReferenceData.scalar("md17_ethanol_hr_mae_halves"), first.mae(second), 1e-12);
    }

    @Test
    void bondsAreTheEightCovalentBondsOfEthanolWithNumpyMeanLengths() throws IOException {
        Map<String, double[]> ref = ReferenceData.csv("bonds_md17_ethanol.csv");
        List<Bonds.Bond> bonds = Bonds.naturalCutoffs(ethanol.positions()[0], ethanol.atomicNumbers(), Cell.NONE);
        // C-C, C-O, O-H and five C-H: CH3CH2OH has 8 bonds.
        assertEquals(8, bonds.size());
        double[] mean = Bonds.meanLengths(ethanol, bonds);
        for (int b = 0; b < bonds.size(); b++) {
            assertEquals((int) ref.get("i")[b], bonds.get(b).i());
            assertEquals((int) ref.get("j")[b], bonds.get(b).j());
            assertEquals(ref.get("mean_length")[b], mean[b], 1e-13);
        }
    }

    @Test
    void stretchedBondIsDetectedAtExactlyTheFrameItWasStretched() throws IOException {
        Frames broken = brokenRun();
        BondStability.Result r = BondStability.evaluate(broken, ethanol, 0.5);
        assertEquals(250, (int) ReferenceData.scalar("md17_ethanol_broken_collapse_frame"));
        assertEquals(250, r.collapseFrame());
        assertEquals(250 * 0.0005, r.stabilityPs(), 1e-15);
        assertArrayEquals(ReferenceData.csv("broken_md17_ethanol.csv").get("max_deviation"), r.maxDeviation(), 1e-12);
        // The worst bond at the collapse is the stretched C-O bond.
        int c = (int) ReferenceData.scalar("md17_ethanol_broken_carbon"), o = (int) ReferenceData.scalar("md17_ethanol_broken_oxygen");
        assertEquals(new Bonds.Bond(Math.min(c, o), Math.max(c, o)), r.bonds().get(r.worstBond()[250]));
        // h(r) over the frames the benchmark keeps (through the collapse frame) against the full reference.
        Histogram run = DistanceHistogram.of(broken.range(0, r.framesBeforeCollapse()));
        assertEquals(ReferenceData.scalar("md17_ethanol_broken_hr_mae"), run.mae(DistanceHistogram.of(ethanol)), 1e-12);
        // The untouched reference itself stays stable over its whole 1 ps.
        BondStability.Result self = BondStability.evaluate(ethanol, ethanol, 0.5);
        assertFalse(self.collapsed());
        assertEquals(1999 * 0.0005, self.stabilityPs(), 1e-12);
        assertTrue(max(self.maxDeviation()) < 0.3, "largest natural bond deviation " + max(self.maxDeviation()));
    }

    @Test
    void wholeAnalysisOfTheBrokenRunReportsTheBenchmarkNumbers() throws IOException {
        TrajectoryAnalysis.Result r = TrajectoryAnalysis.analyse(brokenRun(), java.util.Optional.of(ethanol),
                java.util.Optional.empty(), TrajectoryAnalysis.Options.benchmark());
        assertEquals(TrajectoryAnalysis.Criterion.BONDS, r.criterion());
        assertTrue(r.collapsed());
        assertEquals(0.125, r.stabilityPs(), 1e-15);
        assertEquals(251, r.hrFrames());
        assertEquals(ReferenceData.scalar("md17_ethanol_broken_hr_mae"), r.hrMae().orElseThrow(), 1e-12);
        assertTrue(r.rdf().isEmpty());
        assertEquals(java.util.Set.of("C", "O", "H", "all"), r.msd().orElseThrow().byElement().keySet());
        assertTrue(r.diffusion().isEmpty(), "no diffusion coefficient for a molecule in vacuum");
    }

    @Test
    void angleDistributionMatchesNumpy() throws IOException {
        List<Bonds.Bond> bonds = Bonds.naturalCutoffs(ethanol.positions()[0], ethanol.atomicNumbers(), Cell.NONE);
        assertEquals(13, BondAngles.triples(bonds, ethanol.atoms()).size());   // 6 at C0 (4 bonds), 6 at C1, 1 at O
        Histogram adf = BondAngles.of(ethanol, bonds, 180);
        assertArrayEquals(ReferenceData.csv("adf_md17_ethanol.csv").get("adf"), adf.values(), 1e-12);
    }

    /** Same construction as the NumPy script: from frame 250 on, O and its H pulled 0.6 Å along C->O. */
    private static Frames brokenRun() throws IOException {
        int h = (int) ReferenceData.scalar("md17_ethanol_broken_hydroxyl_h");
        int c = (int) ReferenceData.scalar("md17_ethanol_broken_carbon"), o = (int) ReferenceData.scalar("md17_ethanol_broken_oxygen");
        double[][] x = new double[400][];
        for (int f = 0; f < 400; f++) {
            x[f] = ethanol.positions()[f].clone();
            if (f < 250) continue;
            double ux = x[f][3 * o] - x[f][3 * c], uy = x[f][3 * o + 1] - x[f][3 * c + 1], uz = x[f][3 * o + 2] - x[f][3 * c + 2];
            double s = 0.6 / Math.sqrt(ux * ux + uy * uy + uz * uz);
            for (int atom : new int[] {o, h}) {
                x[f][3 * atom] += s * ux; x[f][3 * atom + 1] += s * uy; x[f][3 * atom + 2] += s * uz;
            }
        }
        return Frames.evenlySpaced(x, ethanol.atomicNumbers(), Cell.NONE, 0.0005);
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }
}
