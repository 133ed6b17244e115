package md.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import md.core.Cell;

/**
 * A run that blew up writes NaN positions: the analysis names the first such frame, counts the run as collapsed there
 * (unless a criterion failed earlier) and takes every observable over the finite frames before it, so no NaN reaches
 * h(r), the RDFs or a diffusion coefficient; the same observables equal those of the finite part analysed alone.
 */
class NonFiniteFramesTest {
    private static final double DT = 0.01;

    /** A vibrating H2 molecule, frames 0..n-1, frame {@code bad} (if >= 0) set to NaN. */
    private static Frames diatomic(int n, int bad) {
        double[][] x = new double[n][];
        for (int f = 0; f < n; f++) {
            double r = 0.74 + 0.03 * Math.sin(0.7 * f);
            x[f] = new double[] {0, 0, 0, r, 0, 0};
        }
        if (bad >= 0) java.util.Arrays.fill(x[bad], Double.NaN);
        return Frames.evenlySpaced(x, new int[] {1, 1}, Cell.NONE, DT);
    }

    /** 8 argon atoms random-walking in a 10 Å box, frame {@code bad} (if >= 0) with one infinite coordinate. */
    private static Frames gas(int n, int bad) {
        Random rng = new Random(3);
        double[][] x = new double[n][24];
        for (int i = 0; i < 24; i++) x[0][i] = 10 * rng.nextDouble();
        for (int f = 1; f < n; f++)
            for (int i = 0; i < 24; i++) x[f][i] = ((x[f - 1][i] + 0.3 * rng.nextGaussian()) % 10 + 10) % 10;
        if (bad >= 0) x[bad][5] = Double.POSITIVE_INFINITY;
        int[] z = new int[8];
        java.util.Arrays.fill(z, 18);
        return Frames.evenlySpaced(x, z, Cell.orthorhombic(10, 10, 10), DT);
    }

    @Test
    void aMoleculeDivergesAtItsFirstNonFiniteFrame() {
        TrajectoryAnalysis.Options o = TrajectoryAnalysis.Options.benchmark();
        TrajectoryAnalysis.Result r = TrajectoryAnalysis.analyse(diatomic(40, 25), Optional.empty(), Optional.empty(), o);
        assertEquals(25, r.firstNonFiniteFrame());
        assertTrue(r.collapsed() && r.diverged());
        assertEquals(25 * DT, r.stabilityPs(), 1e-12);
        assertEquals(40, r.run().count(), "the result keeps the whole trajectory");
        for (double v : r.hr().values()) assertTrue(Double.isFinite(v), "h(r) has no NaN");
        // h(r) over the 25 finite frames, as if the trajectory had ended there
        TrajectoryAnalysis.Result finite = TrajectoryAnalysis.analyse(diatomic(25, -1), Optional.empty(), Optional.empty(), o);
        assertFalse(finite.collapsed());
        assertEquals(-1, finite.firstNonFiniteFrame());
        assertEquals(25, r.hrFrames());
        assertEquals(java.util.Arrays.toString(finite.hr().values()), java.util.Arrays.toString(r.hr().values()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrajectoryAnalysis.analyse(diatomic(10, 0), Optional.empty(), Optional.empty(), o));
        assertTrue(e.getMessage().contains("frame 0"), e.getMessage());
    }

    @Test
    void aPeriodicSystemsDiffusionUsesTheFiniteFrames() {
        TrajectoryAnalysis.Options o = TrajectoryAnalysis.Options.benchmark();
        TrajectoryAnalysis.Result r = TrajectoryAnalysis.analyse(gas(60, 41), Optional.empty(), Optional.empty(), o);
        TrajectoryAnalysis.Result finite = TrajectoryAnalysis.analyse(gas(41, -1), Optional.empty(), Optional.empty(), o);
        assertEquals(41, r.firstNonFiniteFrame());
        assertFalse(r.diffusion().isEmpty());
        r.diffusion().forEach((element, fit) -> {
            assertTrue(Double.isFinite(fit.diffusionA2PerPs()), element + ": D = " + fit.diffusionA2PerPs());
            assertEquals(finite.diffusion().get(element).diffusionA2PerPs(), fit.diffusionA2PerPs(), 0.0, element);
        });
        r.rdf().orElseThrow().forEach((pair, g) -> { for (double v : g.values()) assertTrue(Double.isFinite(v), pair); });
    }
}
