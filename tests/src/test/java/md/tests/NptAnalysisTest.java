package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import md.analysis.Frames;
import md.analysis.Rdf;
import md.engine.report.TrajectoryFiles;

/**
 * {@code md analyze} on a trajectory whose cell changes: a short C-rescale NPT run of 108 argon atoms (hot, with a
 * strongly coupled barostat, so that the volume moves by ±15 % and atoms cross the cell walls) against an
 * independent computation from the extended XYZ file read by ASE (tests/src/test/resources/analysis/npt_reference.py):
 * ASE's own {@code get_rdf} per frame, averaged; volumes; the MSD and D with NumPy from folded positions unwrapped
 * frame by frame in each frame's cell. The H5MD and extended XYZ trajectories must give the same numbers.
 */
class NptAnalysisTest {
    @TempDir static Path dir;
    static Path runDir;

    @BeforeAll static void nptRun() throws Exception {
        Path input = Cli.write(dir.resolve("npt.yaml"), Inputs.argonNpt(400));
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        runDir = dir.resolve("npt");
    }

    private static final double RDF_MAX_A = 6;
    private static final int RDF_BINS = 120;

    private static Map<String, Object> reference;

    /** The reference numbers (computed once; the class is skipped without a Python with ASE). */
    @SuppressWarnings("unchecked")
    private static synchronized Map<String, Object> reference() throws Exception {
        if (reference != null) return reference;
        Path script = Path.of("src/test/resources/analysis/npt_reference.py").toAbsolutePath();
        String out = AsePython.runScript(dir, Files.readString(script), runDir.resolve("trajectory.extxyz").toString(),
                String.valueOf(RDF_MAX_A), String.valueOf(RDF_BINS), "20", "0.2", "1.0");
        reference = new Yaml().load(out);
        return reference;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> analyze(String trajectory, String outName) throws Exception {
        Path out = dir.resolve(outName);
        Cli.Result r = Cli.run("analyze", runDir.resolve(trajectory).toString(), "-o", out.toString(),
                "--msd-max-lag-ps", "1", "--msd-fit-start-ps", "0.2", "--msd-fit-end-ps", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.readString(out.resolve("report.html")).contains("Cell volume"), "report.html has the volume row");
        return new Yaml().load(Files.readString(out.resolve("metrics.json")));
    }

    private static double number(Object o) { return ((Number) o).doubleValue(); }

    @SuppressWarnings("unchecked")
    private static double diffusion(Map<String, Object> metrics) {
        Map<String, Object> d = (Map<String, Object>) ((Map<String, Object>) metrics.get("diffusion")).get("by_element");
        return number(((Map<String, Object>) d.get("Ar")).get("D_A2_per_ps"));
    }

    @SuppressWarnings("unchecked")
    @Test void volumeAndDiffusionAgreeWithNumpyAndBothFileFormatsAgree() throws Exception {
        Map<String, Object> ref = reference();
        assertEquals(41, number(ref.get("frames")));
        for (String trajectory : List.of("trajectory.h5", "trajectory.extxyz")) {
            Map<String, Object> m = analyze(trajectory, "analysis-" + trajectory.replace('.', '-'));
            assertEquals(true, ((Map<String, Object>) m.get("trajectory")).get("cell_changes"), trajectory);
            Map<String, Object> v = (Map<String, Object>) m.get("volume");
            for (String k : List.of("mean", "std", "min", "max")) {
                double want = number(ref.get("volume_" + k));
                assertEquals(want, number(v.get(k + "_A3")), 1e-10 * want, trajectory + " volume " + k);
            }
            assertTrue(number(v.get("std_A3")) > 0.05 * number(v.get("mean_A3")), "the barostat moved the volume: " + v);
            double d = diffusion(m), want = number(ref.get("D"));
            assertEquals(want, d, 1e-9 * want, trajectory + ": D against NumPy's frame-by-frame unwrapping");
            // unwrapping with w + n·h(t) instead moves atoms n cells away with every change of the cell: a
            // different D here (the strong barostat makes the difference large), so the check above is not vacuous
            double naive = number(ref.get("D_image_counts"));
            assertTrue(Math.abs(naive - want) > 0.01 * want, "image-count unwrapping gives D = " + naive + " vs " + want);
        }
        assertTrue(number(ref.get("max_displacement_per_frame")) < 2.0, "frames close enough for minimum-image unwrapping");
    }

    /** g(r) from md's readers (H5MD box/edges and extended XYZ Lattice per frame) against ASE's get_rdf frame by frame. */
    @SuppressWarnings("unchecked")
    @Test void rdfIsNormalisedWithEachFramesVolumeAsAseDoes() throws Exception {
        List<Double> g = (List<Double>) reference().get("rdf");
        assertEquals(RDF_BINS, g.size());
        double peak = g.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertTrue(peak > 1.5, "a liquid's first peak: " + peak);
        for (String trajectory : List.of("trajectory.h5", "trajectory.extxyz")) {
            Frames frames = TrajectoryFiles.read(runDir.resolve(trajectory), Optional.empty());
            assertTrue(frames.cellChanges(), trajectory);
            assertEquals(41, frames.count());
            double[] ours = Rdf.of(frames, new Rdf.Bins(0, RDF_MAX_A, RDF_BINS)).get(Rdf.ALL).values();
            for (int k = 0; k < RDF_BINS; k++)
                assertEquals(g.get(k), ours[k], 1e-12 * Math.max(1, g.get(k)), trajectory + ": g(r) bin " + k);
        }
        // normalising every frame with one volume (the first frame's, as for a fixed cell) would not agree
        Frames h5 = TrajectoryFiles.read(runDir.resolve("trajectory.h5"), Optional.empty());
        double[][] wrong = new double[h5.count()][];
        double worst = 0;
        md.core.Cell first = h5.cell();
        for (int f = 0; f < h5.count(); f++) {
            Frames one = new Frames(new double[][] {h5.positions()[f]}, h5.atomicNumbers(), h5.cell(f), new double[] {0});
            wrong[f] = Rdf.of(one, new Rdf.Bins(0, RDF_MAX_A, RDF_BINS)).get(Rdf.ALL).values();
            for (int k = 0; k < RDF_BINS; k++) wrong[f][k] *= first.volume() / h5.cell(f).volume();
        }
        for (int k = 0; k < RDF_BINS; k++) {
            double mean = 0;
            for (double[] w : wrong) mean += w[k] / wrong.length;
            worst = Math.max(worst, Math.abs(mean - g.get(k)));
        }
        assertTrue(worst > 0.05, "a single volume would change g(r) by " + worst);
    }
}
