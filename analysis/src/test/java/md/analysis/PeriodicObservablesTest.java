package md.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.core.io.NpyArray;
import md.core.io.Npz;

/**
 * RDF (orthorhombic and triclinic cells, within and beyond the unique-image radius), unwrapping, MSD and
 * D against the NumPy reference on the synthetic two-species random walk of compute_reference.py.
 */
class PeriodicObservablesTest {
    static double[][] unwrapped;
    static int[] z;
    static Cell triclinic;
    static final Cell ORTHORHOMBIC = Cell.orthorhombic(9, 10, 11);
    static final double DT_PS = 0.1;

    @BeforeAll
    static void load() throws IOException {
        Path tmp = Files.createTempFile("synthetic", ".npz");
        try (InputStream in = PeriodicObservablesTest.class.getResourceAsStream("/reference/synthetic_periodic.npz")) {
            Files.write(tmp, in.readAllBytes());
        }
        Map<String, NpyArray> d = Npz.read(tmp);
        Files.delete(tmp);
        NpyArray r = d.get("R");
        unwrapped = new double[r.dim(0)][];
        for (int f = 0; f < unwrapped.length; f++) unwrapped[f] = r.slice(f);
        z = d.get("z").asInts();
        triclinic = new Cell(d.get("cell").data(), new boolean[] {true, true, true});
    }

    /** Positions wrapped into the cell (fractional coordinates mod 1), as the script does. */
    static double[][] wrapped(Cell cell) {
        double[][] out = new double[unwrapped.length][];
        double[] s = new double[3];
        for (int f = 0; f < out.length; f++) {
            out[f] = new double[unwrapped[f].length];
            for (int i = 0; i < z.length; i++) {
                cell.toFractional(unwrapped[f], 3 * i, s);
                for (int a = 0; a < 3; a++) s[a] -= Math.floor(s[a]);
                cell.toCartesian(s, out[f], 3 * i);
            }
        }
        return out;
    }

    @Test
    void rdfMatchesBruteForceNumpyInOrthorhombicAndTriclinicCells() throws IOException {
        Map<String, double[]> ref = ReferenceData.csv("rdf_synthetic.csv");
        record Case(String name, Cell cell, double rMax) {}
        for (Case c : new Case[] {new Case("orth", ORTHORHOMBIC, 4.5), new Case("tric", triclinic, 4.0), new Case("tric_far", triclinic, 6.0)}) {
            Frames f = Frames.evenlySpaced(wrapped(c.cell()), z, c.cell(), DT_PS);
            Map<String, Histogram> g = Rdf.of(f, new Rdf.Bins(1e-6, c.rMax(), 100));
            assertEquals(java.util.List.of("all", "H-H", "H-O", "O-O"), java.util.List.copyOf(g.keySet()));
            for (String key : g.keySet())
                assertArrayEquals(ref.get(c.name() + "_" + key), g.get(key).values(), 1e-11, c.name() + " " + key);
        }
    }

    @Test
    void unwrappingRecoversTheContinuousTrajectory() {
        Frames wrapped = Frames.evenlySpaced(wrapped(triclinic), z, triclinic, DT_PS);
        Frames back = Diffusion.unwrap(wrapped);
        // The first frame is already inside the cell, so unwrapping must give the stored path itself.
        for (int f = 0; f < unwrapped.length; f++) assertArrayEquals(unwrapped[f], back.positions()[f], 1e-9, "frame " + f);
    }

    @Test
    void msdAndDiffusionCoefficientsMatchNumpy() throws IOException {
        Map<String, double[]> ref = ReferenceData.csv("msd_synthetic.csv");
        Frames f = Diffusion.unwrap(Frames.evenlySpaced(wrapped(ORTHORHOMBIC), z, ORTHORHOMBIC, DT_PS));
        Diffusion.Msd msd = Diffusion.msd(f, 30, 1);
        assertArrayEquals(ref.get("lag_ps"), msd.lagPs(), 1e-12);
        for (String key : new String[] {"all", "H", "O"}) {
            assertArrayEquals(ref.get(key), msd.byElement().get(key), 1e-9, key);
            Diffusion.Fit fit = Diffusion.fit(msd.lagPs(), msd.byElement().get(key), 0.5, 3.0);
            assertEquals(26, fit.points());
            assertEquals(ReferenceData.scalar("synthetic_D_" + key + "_A2_per_ps"), fit.diffusionA2PerPs(), 1e-9, key);
            assertEquals(fit.diffusionA2PerPs() * 1e-4, fit.diffusionCm2PerS(), 1e-18);
        }
    }
}
