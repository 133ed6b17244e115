package md.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.io.NpyArray;
import md.core.io.NpyWriter;

/** {@code md analyze} end to end on small trajectories written to a temporary folder. */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class AnalyzeCommandTest {
    @TempDir Path dir;

    /** A water molecule vibrating a little; from frame 30 on, one O-H bond is 0.7 Å longer. */
    static double[][] water(int frames, int breakAt) {
        Random rnd = new Random(3);
        double[][] x = new double[frames][];
        for (int f = 0; f < frames; f++) {
            double s = f >= breakAt ? 0.7 : 0;
            x[f] = new double[] {0, 0, 0, 0.757 + s, 0.586, 0, -0.757, 0.586, 0};
            for (int k = 0; k < 9; k++) x[f][k] += 0.01 * rnd.nextGaussian();
        }
        return x;
    }

    static void writeNpz(Path file, double[][] frames, double[] z, double[] cell, double[] timePs) throws IOException {
        int n = z.length;
        double[] flat = new double[frames.length * 3 * n];
        for (int f = 0; f < frames.length; f++) System.arraycopy(frames[f], 0, flat, f * 3 * n, 3 * n);
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("R", new NpyArray("R", "<f8", new int[] {frames.length, n, 3}, flat, null));
        m.put("z", new NpyArray("z", "<f8", new int[] {n}, z, null));
        if (cell != null) m.put("cell", new NpyArray("cell", "<f8", new int[] {3, 3}, cell, null));
        if (timePs != null) m.put("time_ps", new NpyArray("time_ps", "<f8", new int[] {timePs.length}, timePs, null));
        NpyWriter.writeNpz(file, m);
    }

    record Run(int code, String err) {}

    static Run md(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), "metrics.json has no number '" + key + "'");
        return Double.parseDouble(m.group(1));
    }

    /** Every figure of the report is an inline SVG that draws paths. */
    static void assertFigures(String html, List<String> ids) {
        for (String id : ids) {
            int at = html.indexOf("<figure id=\"" + id + "\">");
            assertTrue(at >= 0, "report has no figure " + id);
            String fig = html.substring(at, html.indexOf("</figure>", at));
            assertTrue(fig.contains("<svg") && fig.contains("<path"), id + " has no drawn SVG");
        }
        assertFalse(html.contains("<script") || html.contains("src=\"http"), "the report must be self-contained");
    }

    @Test
    void collapsedMoleculeReportsTheFrameAndWritesAllPlots() throws IOException {
        Path traj = dir.resolve("run.npz"), ref = dir.resolve("ref.npz");
        double[] z = {8, 1, 1};
        writeNpz(traj, water(60, 30), z, null, null);
        writeNpz(ref, water(30, 99), z, null, null);
        Path thermo = dir.resolve("thermo.csv");
        StringBuilder csv = new StringBuilder("step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,conserved_eV,steps_per_s\n");
        // Conserved energy rising 0.003 eV/ps over 3 atoms: drift 0.001 eV/atom/ps.
        for (int i = 0; i < 60; i++) csv.append(i * 100).append(',').append(i * 0.05).append(",-10,0.2,-9.8,500,").append(-9.8 + 0.003 * i * 0.05).append(",1000\n");
        Files.writeString(thermo, csv);
        Path out = dir.resolve("report");
        Run r = md("analyze", traj.toString(), "--reference", ref.toString(), "--frame-interval-fs", "50", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(json.contains(thermo.toAbsolutePath().toString()), "picks up the thermo log beside the trajectory");
        assertEquals(30, number(json, "collapse_frame"));
        assertEquals(1.5, number(json, "stability_ps"), 1e-12);
        assertEquals(0.001, number(json, "energy_drift_eV_per_atom_per_ps"), 1e-9);
        assertEquals(500, number(json, "temperature_mean_K"), 1e-9);
        assertTrue(json.contains("\"collapsed\": true"));
        assertTrue(json.contains("\"max_deviation_bond\": \"O0-H1\""), json);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Collapsed at frame 30"), "verdict");
        assertFigures(html, List.of("fig-hr", "fig-bonds", "fig-msd", "fig-energy", "fig-temperature", "fig-adf"));
    }

    /**
     * A periodic system whose first-frame contacts come apart (as neighbouring molecules of a liquid do):
     * without --reference there is no verdict (not a "collapse" of a healthy liquid); --criterion bonds
     * still applies the bond criterion when asked.
     */
    @Test
    void periodicContactsThatComeApartGiveNoVerdictUnlessBondsAreAskedFor() throws IOException {
        int frames = 20;
        double[][] x = new double[frames][6];
        double[] time = new double[frames];
        for (int f = 0; f < frames; f++) {
            time[f] = 0.01 * f;
            x[f][0] = 2; x[f][1] = 2; x[f][2] = 2;                 // O
            x[f][3] = 2 + 0.96 + 0.2 * f; x[f][4] = 2; x[f][5] = 2; // H drifting away: 0.96 Å, then 1.16, ... 4.76 Å
        }
        double[] cell = {12, 0, 0, 0, 12, 0, 0, 0, 12};
        Path traj = dir.resolve("contacts.npz");
        writeNpz(traj, x, new double[] {8, 1}, cell, time);
        Path out = dir.resolve("contacts-report");
        Run r = md("analyze", traj.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out.resolve("metrics.json")).contains("\"applicable\": false"));
        String page = Files.readString(out.resolve("report.html"));
        assertTrue(page.contains("No stability verdict: in a periodic system"), "verdict");
        assertFalse(page.contains("Collapsed"), "no collapse verdict for a periodic system without --criterion bonds");

        Path forced = dir.resolve("contacts-bonds");
        Run b = md("analyze", traj.toString(), "--criterion", "bonds", "-o", forced.toString());
        assertEquals(0, b.code(), b.err());
        assertTrue(Files.readString(forced.resolve("report.html")).contains("Collapsed at frame 3"), "0.96 + 3 x 0.2 Å: 0.6 Å off, past 0.5 Å");
    }

    @Test
    void periodicCrystalGetsRdfPlotsAndDiffusion() throws IOException {
        // 27 argon atoms on a 3x3x3 simple cubic lattice (3.5 Å) in a 10.5 Å box, vibrating slightly.
        Random rnd = new Random(5);
        int frames = 40;
        double[][] x = new double[frames][81];
        double[] time = new double[frames];
        for (int f = 0; f < frames; f++) {
            time[f] = 0.1 * f;
            int a = 0;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++, a++) {
                x[f][3 * a] = 3.5 * i + 0.05 * rnd.nextGaussian();
                x[f][3 * a + 1] = 3.5 * j + 0.05 * rnd.nextGaussian();
                x[f][3 * a + 2] = 3.5 * k + 0.05 * rnd.nextGaussian();
            }
        }
        double[] z = new double[27];
        java.util.Arrays.fill(z, 18);
        double[] cell = {10.5, 0, 0, 0, 10.5, 0, 0, 0, 10.5};
        Path traj = dir.resolve("ar.npz");
        writeNpz(traj, x, z, cell, time);
        Path out = dir.resolve("ar-report");
        Run r = md("analyze", traj.toString(), "--reference", traj.toString(), "--rdf-rmax", "5", "--rdf-bins", "50",
                "--rdf-window-ps", "0.5", "--rdf-threshold", "1.0", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(json.contains("\"criterion\": \"rdf\""), json);
        assertTrue(json.contains("\"collapsed\": false"), json);
        assertEquals(5, number(json, "window_frames"));
        assertEquals(3.9, number(json, "stability_ps"), 1e-12);
        assertTrue(json.contains("\"Ar\": {"), json);
        String html = Files.readString(out.resolve("report.html"));
        assertFigures(html, List.of("fig-hr", "fig-rdf-all", "fig-rdf-Ar_Ar", "fig-rdf-window", "fig-msd", "fig-adf"));
        assertFalse(html.contains("id=\"fig-bonds\""), "no bonds, no bond figure");

        // Without a reference the bond criterion would decide, but argon has no bonds: no verdict, not "stable".
        Path noRef = dir.resolve("ar-noref");
        Run b = md("analyze", traj.toString(), "-o", noRef.toString());
        assertEquals(0, b.code(), b.err());
        String verdictJson = Files.readString(noRef.resolve("metrics.json"));
        assertTrue(verdictJson.contains("\"applicable\": false") && verdictJson.contains("\"stability_ps\": null")
                && verdictJson.contains("\"collapsed\": null"), verdictJson);
        String page = Files.readString(noRef.resolve("report.html"));
        assertTrue(page.contains("No stability verdict: the first frame has no bonds"), "verdict");
        assertFalse(page.contains("Stable for the whole run"), "verdict");
    }

    @Test
    void npzWithOneCellPerFrameIsAnalysedFrameByFrameAndReportsTheVolume() throws IOException {
        // a 3x3x3 argon crystal whose cell (and positions with it) grows by 1 % per frame, as under a barostat
        int frames = 6, n = 27;
        double[][] x = new double[frames][3 * n];
        double[] cells = new double[9 * frames], z = new double[n], time = new double[frames];
        java.util.Arrays.fill(z, 18);
        double meanVolume = 0;
        for (int f = 0; f < frames; f++) {
            double s = 1 + 0.01 * f, l = 10.5 * s;
            time[f] = 0.1 * f;
            cells[9 * f] = cells[9 * f + 4] = cells[9 * f + 8] = l;
            meanVolume += l * l * l / frames;
            int a = 0;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++, a++) {
                x[f][3 * a] = 3.5 * i * s; x[f][3 * a + 1] = 3.5 * j * s; x[f][3 * a + 2] = 3.5 * k * s;
            }
        }
        Path traj = dir.resolve("growing.npz");
        writeNpz(traj, x, z, null, time);
        Map<String, NpyArray> m = new LinkedHashMap<>(md.core.io.Npz.read(traj));
        m.put("cell", new NpyArray("cell", "<f8", new int[] {frames, 3, 3}, cells, null));
        NpyWriter.writeNpz(traj, m);
        Path out = dir.resolve("growing-report");
        Run r = md("analyze", traj.toString(), "--rdf-rmax", "5", "--rdf-bins", "50", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(json.contains("\"cell_changes\": true"), json);
        assertEquals(meanVolume, number(json, "mean_A3"), 1e-9 * meanVolume);
        assertEquals(10.5 * 10.5 * 10.5, number(json, "min_A3"), 1e-9);
        assertTrue(Files.readString(out.resolve("report.html")).contains("Cell volume"));

        // a cell array that is neither one 3x3 nor one per frame: the file, the array and the shapes expected
        m.put("cell", new NpyArray("cell", "<f8", new int[] {2, 3, 3}, java.util.Arrays.copyOf(cells, 18), null));
        NpyWriter.writeNpz(traj, m);
        Run bad = md("analyze", traj.toString(), "-o", dir.resolve("bad-report").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("growing.npz") && bad.err().contains("expected (3, 3) or (6, 3, 3)"), bad.err());
    }

    @Test
    void reportsOfDifferentRunsGetDifferentFoldersAndAreNotReplaced() throws IOException {
        // md run names every trajectory trajectory.*: the default folder is named after the run's folder
        assertEquals("analysis-argon-nvt", AnalyzeCommand.defaultOutput(Path.of("out/argon-nvt/trajectory.extxyz")));
        assertEquals("analysis-argon-nvt", AnalyzeCommand.defaultOutput(Path.of("out/argon-nvt/trajectory.h5")));
        assertEquals("analysis-argon-nvt", AnalyzeCommand.defaultOutput(Path.of("out/argon-nvt/trajectory.002.h5")));
        assertEquals("analysis-ethanol", AnalyzeCommand.defaultOutput(Path.of("data/ethanol.npz")));

        Path a = Files.createDirectories(dir.resolve("a")).resolve("water.npz"), b = Files.createDirectories(dir.resolve("b")).resolve("water.npz");
        writeNpz(a, water(20, 100), new double[] {8, 1, 1}, null, null);
        writeNpz(b, water(20, 100), new double[] {8, 1, 1}, null, null);
        Path out = dir.resolve("report");
        assertEquals(0, md("analyze", a.toString(), "--frame-interval-fs", "50", "-o", out.toString()).code());
        // the same trajectory again (other options): replaced
        assertEquals(0, md("analyze", a.toString(), "--frame-interval-fs", "25", "-o", out.toString()).code());
        // another trajectory into the same folder: refused, naming the earlier one; --overwrite replaces it
        Run other = md("analyze", b.toString(), "--frame-interval-fs", "50", "-o", out.toString());
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("already holds the report of another trajectory (" + a.toAbsolutePath()) && other.err().contains("--overwrite"), other.err());
        assertEquals(0, md("analyze", b.toString(), "--frame-interval-fs", "50", "-o", out.toString(), "--overwrite").code());
        assertTrue(Files.readString(out.resolve("metrics.json")).contains(b.toAbsolutePath().toString()));
    }

    @Test
    void anHdf5TrajectoryIsReadByItsBaseNameAndASegmentIsSaidToBeOne() throws IOException {
        Path input = dir.resolve("ar.yaml");
        Files.writeString(input, """
                structure: {lattice: fcc, element: Ar, a_A: 5.78, repeat: 2}
                forcefield: {type: lennard-jones, cutoff: 5.5, shift: force, species: {Ar: {epsilon: 0.0104, sigma: 3.4}}}
                velocities: {temperature_K: 50, seed: 1}
                dynamics: {integrator: velocity-verlet, timestep_fs: 2, steps: 10}
                output: {directory: run, trajectory: {every: 2, formats: [h5], h5_segment_frames: 2}, thermo: {every: 2}, checkpoint: {every: 0}}
                """);
        assertEquals(0, md("run", "--quiet", input.toString()).code());
        Path run = dir.resolve("run");
        Run whole = md("analyze", run.resolve("trajectory.h5").toString(), "-o", dir.resolve("whole").toString());
        assertEquals(0, whole.code(), whole.err());
        assertEquals(6, number(Files.readString(dir.resolve("whole/metrics.json")), "frames"), "every frame of the run (steps 0, 2, ..., 10)");
        if (Files.isRegularFile(run.resolve("trajectory.001.h5"))) { // the writer of this build writes segments
            // md analyze's notes go to the process's stderr
            PrintStream stderr = System.err;
            ByteArrayOutputStream notes = new ByteArrayOutputStream();
            Run one;
            try {
                System.setErr(new PrintStream(notes, true, StandardCharsets.UTF_8));
                one = md("analyze", run.resolve("trajectory.001.h5").toString(), "-o", dir.resolve("one").toString());
            } finally {
                System.setErr(stderr);
            }
            assertEquals(0, one.code(), one.err());
            assertTrue(notes.toString(StandardCharsets.UTF_8).contains("trajectory.001.h5 is segment 2 of 3 of trajectory.h5; only its frames are analysed"), notes.toString(StandardCharsets.UTF_8));
            assertEquals(2, number(Files.readString(dir.resolve("one/metrics.json")), "frames"));
        }
        Run missing = md("analyze", run.resolve("traj.h5").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("trajectory " + run.resolve("traj.h5") + " does not exist; the folder has trajectory.h5"), missing.err());
    }

    @Test
    void aMissingReferenceIsNamedAsTheReference() throws IOException {
        Path traj = dir.resolve("w.npz");
        writeNpz(traj, water(10, 100), new double[] {8, 1, 1}, null, null);
        Run r = md("analyze", traj.toString(), "--frame-interval-fs", "50", "--reference", dir.resolve("missing-ref.npz").toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("reference (--reference) " + dir.resolve("missing-ref.npz") + " does not exist"), r.err());
        assertFalse(r.err().contains("trajectory"), r.err());
    }

    @Test
    void extendedXyzTrajectoryWithFrameTimesFromTheEngineWriter() throws IOException {
        // Frames as the run loop writes them: extended XYZ with a per-frame time_fs.
        double[][] x = water(20, 12);
        List<md.engine.system.Frame> frames = new java.util.ArrayList<>();
        for (int f = 0; f < x.length; f++)
            frames.add(md.engine.system.Frame.of(new int[] {8, 1, 1}, x[f], md.core.Cell.NONE).withInfo(Map.of("time_fs", 25.0 * f, "step", 50L * f)));
        Path traj = dir.resolve("traj.extxyz"), ref = dir.resolve("ref.npz");
        md.engine.io.ExtxyzWriter.writeAll(traj, frames);
        writeNpz(ref, water(12, 99), new double[] {8, 1, 1}, null, null);
        Path out = dir.resolve("x");
        Run r = md("analyze", traj.toString(), "--reference", ref.toString(), "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(out.resolve("metrics.json"));
        assertEquals(0.025, number(json, "frame_interval_ps"), 1e-12);
        assertEquals(12, number(json, "collapse_frame"));
        assertEquals(0.3, number(json, "stability_ps"), 1e-12);
    }

    @Test
    void userMistakesGetOneLineMessagesAndExitCode2() throws IOException {
        Run missing = md("analyze", dir.resolve("nope.npz").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.npz") && missing.err().contains("does not exist"), missing.err());
        assertFalse(missing.err().contains("\tat "), "no stack trace");

        Path traj = dir.resolve("w.npz");
        writeNpz(traj, water(5, 99), new double[] {8, 1, 1}, null, null);
        Run noTimes = md("analyze", traj.toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, noTimes.code());
        assertTrue(noTimes.err().contains("--frame-interval-fs"), noTimes.err());

        Run typo = md("analyze", traj.toString(), "--bond-treshold", "0.4");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("did you mean '--bond-threshold'"), typo.err());

        Path badRef = dir.resolve("other.npz");
        writeNpz(badRef, new double[][] {{0, 0, 0, 1, 0, 0}}, new double[] {1, 1}, null, null);
        Run mismatch = md("analyze", traj.toString(), "--frame-interval-fs", "1", "--reference", badRef.toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, mismatch.code());
        assertTrue(mismatch.err().contains("same atoms in the same order"), mismatch.err());

        Path thermo = dir.resolve("t.csv");
        Files.writeString(thermo, "step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K\n0,0,-1,0.1,-0.9,300\n1,0.1,-1,abc,-0.9,300\n");
        Run badThermo = md("analyze", traj.toString(), "--frame-interval-fs", "1", "--thermo", thermo.toString(), "-o", dir.resolve("o").toString());
        assertEquals(2, badThermo.code());
        assertTrue(badThermo.err().contains("t.csv:3") && badThermo.err().contains("ekin_eV"), badThermo.err());
    }
}
