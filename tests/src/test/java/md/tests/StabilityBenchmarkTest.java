package md.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipModelFile;

/**
 * {@code md bench stability} end to end on a water molecule with harmonic O–H bonds (the test double
 * {@code test-breaking}), whose test frames the test writes itself: the table and reports appear, the
 * force error is what the labels were built to give, a broken bond is found at the frame an
 * independent reading of the trajectory says and ends the run there, a runaway temperature ends it at
 * the step it happens, resumed and concurrent benchmarks give the same runs, and mistakes are clear.
 */
class StabilityBenchmarkTest {
    @TempDir Path dir;

    static final double[] WATER = {0, 0, 0, 0.9572, 0, 0, -0.2400, 0.9266, 0};
    static final int[] Z = {8, 1, 1};
    static final double K = 30, R0 = 0.96;
    /** Offset added to every reference force component, eV/Å: the expected force MAE is exactly this. */
    static final double LABEL_OFFSET = 0.01;

    static String bonds(String extra) {
        return "{type: test-breaking, bonds: [[0, 1], [0, 2]], k: " + K + ", r0: " + R0 + extra + "}";
    }

    Path reference() throws IOException { return reference(dir); }

    /** 20 perturbed water frames with the harmonic forces plus LABEL_OFFSET, as extended XYZ (eV/Å), in {@code dir}. */
    static Path reference(Path dir) throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        StringBuilder sb = new StringBuilder();
        for (int f = 0; f < 20; f++) {
            double[] x = WATER.clone();
            for (int i = 0; i < x.length; i++) x[i] += 0.05 * (2 * rng.nextDouble() - 1);
            double[] force = new double[9];
            for (int[] b : new int[][] {{0, 1}, {0, 2}}) {
                double[] d = new double[3];
                for (int c = 0; c < 3; c++) d[c] = x[3 * b[1] + c] - x[3 * b[0] + c];
                double r = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                for (int c = 0; c < 3; c++) {
                    double fc = K * (r - R0) * d[c] / r;  // pulls j towards i when stretched
                    force[3 * b[0] + c] += fc;
                    force[3 * b[1] + c] -= fc;
                }
            }
            sb.append("3\nProperties=species:S:1:pos:R:3:forces:R:3 pbc=\"F F F\"\n");
            for (int a = 0; a < 3; a++) {
                sb.append(a == 0 ? "O" : "H");
                for (int c = 0; c < 3; c++) sb.append(' ').append(x[3 * a + c]);
                for (int c = 0; c < 3; c++) sb.append(' ').append(force[3 * a + c] + LABEL_OFFSET);
                sb.append('\n');
            }
        }
        return Cli.write(dir.resolve("water-test.extxyz"), sb.toString());
    }

    /** Reference frames' positions read back with plain parsing (independent of md's reader). */
    static List<double[]> positions(Path extxyz) throws IOException {
        List<String> lines = Files.readAllLines(extxyz);
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < lines.size(); ) {
            int n = Integer.parseInt(lines.get(i).strip());
            double[] x = new double[3 * n];
            for (int a = 0; a < n; a++) {
                String[] f = lines.get(i + 2 + a).strip().split("\\s+");
                for (int c = 0; c < 3; c++) x[3 * a + c] = Double.parseDouble(f[1 + c]);
            }
            out.add(x);
            i += n + 2;
        }
        return out;
    }

    static double distance(double[] x, int i, int j) {
        double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> metrics(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> run(Map<String, Object> metrics, int k) {
        return ((List<Map<String, Object>>) metrics.get("runs")).get(k);
    }

    static double number(Object o) { return ((Number) o).doubleValue(); }

    Cli.Result bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "stability"));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    @Test
    void tinyBenchmarkProducesTableReportsAndTheLabelledForceError() throws IOException {
        Path ref = reference(), out = dir.resolve("bench");
        Cli.Result r = bench("--forcefield", bonds(""), "--reference", ref.toString(), "--runs", "2", "--steps", "400",
                "--save-every", "20", "--parallel", "2", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> m = metrics(out.resolve("metrics.json"));
        @SuppressWarnings("unchecked") Map<String, Object> table = (Map<String, Object>) m.get("table");
        assertEquals(1000 * LABEL_OFFSET, number(table.get("force_mae_meV_per_A")), 1e-9, "force MAE = the label offset, in meV/Å");
        assertEquals(20, number(table.get("force_test_frames")));
        for (int k = 0; k < 2; k++) {
            Map<String, Object> run = run(m, k);
            assertEquals("full length", run.get("ended"));
            assertEquals(0.2, number(run.get("simulated_ps")), 1e-12);
            assertEquals(0.2, number(run.get("stability_ps")), 1e-12, "never collapsed: stable for the run's length");
            assertTrue(number(run.get("hr_mae")) >= 0 && number(run.get("hr_mae")) <= 2);
            assertTrue(number(run.get("fps")) > 0);
            Path runDir = out.resolve("run-" + (k + 1));
            assertTrue(Files.isRegularFile(runDir.resolve("analysis/report.html")) && Files.isRegularFile(runDir.resolve("analysis/metrics.json")));
            // The run starts from the reference frame its status names, with velocities of 500 K's spread.
            int frame = ((Number) run.get("initial_frame")).intValue();
            double[] start = positions(runDir.resolve("initial.extxyz")).get(0), expected = positions(ref).get(frame);
            assertArrayEquals(expected, start, 0.0, "run " + (k + 1) + " starts at reference frame " + frame);
            assertEquals(21, ExtxyzFrames.completeFrameSteps(runDir.resolve("trajectory.extxyz"), 3).size(), "a frame every 20 steps, 0..400");
        }
        assertEquals(123L, ((Number) run(m, 0).get("seed")).longValue());
        assertEquals(124L, ((Number) run(m, 1).get("seed")).longValue());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("force MAE (meV/Å)") && html.contains("run-1/analysis/report.html") && html.contains("run-2/analysis/report.html"), html);
    }

    @Test
    void brokenBondIsFoundAtTheRightFrameAndEndsTheRun() throws IOException {
        Path ref = reference(), out = dir.resolve("broken");
        // From step 250 on (evaluation 251) bond O-H1 wants to be 1.8 Å long instead of 0.96 Å.
        String ff = bonds(", break_after: 251, broken_r0: 1.8");
        Cli.Result r = bench("--forcefield", ff, "--reference", ref.toString(), "--runs", "1", "--steps", "2000", "--save-every", "10",
                "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> run = run(metrics(out.resolve("metrics.json")), 0);

        // Independently: reference lengths = mean over the reference frames; first saved frame where a bond is off by > 0.5 Å.
        List<double[]> refFrames = positions(ref);
        double ref01 = refFrames.stream().mapToDouble(x -> distance(x, 0, 1)).average().orElseThrow();
        double ref02 = refFrames.stream().mapToDouble(x -> distance(x, 0, 2)).average().orElseThrow();
        List<double[]> traj = positions(out.resolve("run-1/trajectory.extxyz"));
        int expected = -1;
        for (int f = 0; f < traj.size() && expected < 0; f++)
            if (Math.abs(distance(traj.get(f), 0, 1) - ref01) > 0.5 || Math.abs(distance(traj.get(f), 0, 2) - ref02) > 0.5) expected = f;
        assertTrue(expected > 25, "the bond breaks after step 250 (frame 25), found frame " + expected);
        assertEquals(expected, ((Number) run.get("collapse_frame")).intValue());
        assertEquals("collapse", run.get("ended"));
        assertEquals(expected + 1, traj.size(), "the early stop fired at the collapse frame: it is the trajectory's last");
        assertEquals(10L * expected, ((Number) run.get("steps_run")).longValue());
        assertEquals(expected * 10 * 0.5 / 1000, number(run.get("stability_ps")), 1e-12);

        // Without the early stop the run goes on (until the end or a runaway temperature), and the benchmark's numbers are the same.
        Path full = dir.resolve("past");
        r = bench("--forcefield", ff, "--reference", ref.toString(), "--runs", "1", "--steps", "2000", "--save-every", "10",
                "--run-past-collapse", "-o", full.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> past = run(metrics(full.resolve("metrics.json")), 0);
        assertTrue(((Number) past.get("steps_run")).longValue() > 10L * expected, "ran past the collapse: " + past);
        assertEquals(expected, ((Number) past.get("collapse_frame")).intValue());
        assertEquals(number(run.get("stability_ps")), number(past.get("stability_ps")), 0.0);
        assertEquals(number(run.get("hr_mae")), number(past.get("hr_mae")), 0.0, "h(r) over the frames through the collapse only");
    }

    @Test
    void runawayTemperatureEndsTheRunAtThatStep() throws IOException {
        Path ref = reference(), out = dir.resolve("hot");
        // Evaluation 124 is step 123's: from it, atom 0 is pushed with 10^4 eV/Å and T passes 10^5 K within that step.
        Cli.Result r = bench("--forcefield", bonds(", kick_after: 123"), "--reference", ref.toString(), "--runs", "1", "--steps", "1000",
                "--save-every", "10", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> run = run(metrics(out.resolve("metrics.json")), 0);
        assertEquals("temperature", run.get("ended"));
        assertEquals(123L, ((Number) run.get("steps_run")).longValue(), "stopped after the step that overheated, not at a saved frame");
        String message = (String) run.get("stop_message");
        assertTrue(message.contains("stopped at step 123 ") && message.contains("left the window [0.1, 100000] K"), message);
    }

    @Test
    void resumedAndConcurrentBenchmarksGiveTheSameRuns() throws IOException {
        Path ref = reference();
        String[] common = {"--forcefield", bonds(""), "--reference", ref.toString(), "--runs", "2", "--save-every", "10",
                "--checkpoint-every", "100"};
        Path whole = dir.resolve("whole"), split = dir.resolve("split"), serial = dir.resolve("serial");
        assertEquals(0, bench(concat(common, "--steps", "600", "--parallel", "2", "-o", whole.toString())).exitCode());
        assertEquals(0, bench(concat(common, "--steps", "600", "--parallel", "1", "-o", serial.toString())).exitCode());

        // An interrupted benchmark: run 1 killed at step 350 (last checkpoint at 300), run 2 never started.
        assertEquals(0, bench(concat(common, "--runs", "1", "--steps", "300", "-o", split.toString())).exitCode());
        Path run1 = split.resolve("run-1");
        byte[] checkpointAt300 = Files.readAllBytes(run1.resolve("checkpoint.mdchk"));
        assertEquals(0, bench(concat(common, "--runs", "1", "--steps", "350", "--resume", "-o", split.toString())).exitCode());
        Files.write(run1.resolve("checkpoint.mdchk"), checkpointAt300);
        Files.delete(run1.resolve("status.properties"));
        Cli.Result r = bench(concat(common, "--steps", "600", "--resume", "-o", split.toString()));
        assertEquals(0, r.exitCode(), r.err());

        for (Path other : List.of(split, serial))
            for (int k = 1; k <= 2; k++) {
                Path a = whole.resolve("run-" + k), b = other.resolve("run-" + k);
                assertEquals(Files.readString(a.resolve("trajectory.extxyz")), Files.readString(b.resolve("trajectory.extxyz")), other + " run " + k);
                assertEquals(withoutRate(a.resolve("thermo.csv")), withoutRate(b.resolve("thermo.csv")), other + " run " + k);
            }
        Map<String, Object> a = metrics(whole.resolve("metrics.json")), b = metrics(split.resolve("metrics.json"));
        for (int k = 0; k < 2; k++)
            for (String key : List.of("initial_frame", "steps_run", "stability_ps", "hr_mae", "ended"))
                assertEquals(run(a, k).get(key), run(b, k).get(key), key + " of run " + (k + 1));
    }

    /** thermo.csv without its wall-clock column. */
    /** thermo.csv without its wall-clock steps_per_s column (found by name: force fields may add columns after it). */
    static List<String> withoutRate(Path thermo) throws IOException {
        List<String> lines = Files.readAllLines(thermo);
        int col = List.of(lines.get(0).split(",", -1)).indexOf("steps_per_s");
        return lines.stream().map(l -> {
            List<String> c = new java.util.ArrayList<>(List.of(l.split(",", -1)));
            c.remove(col);
            return String.join(",", c);
        }).toList();
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void nequipModelRunsThroughTheBenchmark() throws IOException {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 8}, 4.0, 1, true, 4, 2, 4, 1, 8, 2.0,
                new double[] {1, 1}, new double[] {0, 0}, 0.1);
        Path model = dir.resolve("tiny.nqp");
        NequipModelFile.write(model, NequipModel.withRandomWeights(cfg, 3), "StabilityBenchmarkTest: random weights");
        Path out = dir.resolve("nequip");
        Cli.Result r = bench("--model", model.toString(), "--reference", reference().toString(), "--runs", "1", "--steps", "200",
                "--save-every", "20", "-o", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> m = metrics(out.resolve("metrics.json"));
        assertTrue(((String) m.get("potential")).contains("type: learned"), (String) m.get("potential"));
        @SuppressWarnings("unchecked") Map<String, Object> table = (Map<String, Object>) m.get("table");
        assertTrue(number(table.get("force_mae_meV_per_A")) > 0);
        assertTrue(Files.isRegularFile(out.resolve("run-1/analysis/report.html")));
    }

    @Test
    void mistakesGiveClearErrors() throws IOException {
        Path ref = reference();
        String ff = bonds("");
        assertError("needs --reference FILE", "--forcefield", ff);
        assertError("needs the potential: --model FILE (a learned model file)", "--reference", ref.toString());
        assertError("give either --model or --forcefield, not both", "--forcefield", ff, "--model", ref.toString(), "--reference", ref.toString());
        assertError("--model " + dir.resolve("missing.nqp") + ": no such file", "--model", dir.resolve("missing.nqp").toString(), "--reference", ref.toString());
        assertError("--reference " + dir.resolve("none.npz") + ": no such file", "--forcefield", ff, "--reference", dir.resolve("none.npz").toString());
        assertError("unknown option '--step'", "--forcefield", ff, "--reference", ref.toString(), "--step", "5");
        assertError("--runs expects a whole number from 1 to 1000, got 0", "--forcefield", ff, "--reference", ref.toString(), "--runs", "0");
        assertError("--timestep expects a positive number (fs), got -1", "--forcefield", ff, "--reference", ref.toString(), "--timestep", "-1");
        assertError("--steps needs a value", "--forcefield", ff, "--reference", ref.toString(), "--steps");
        assertError("holds H2O, not ethanol (H6C2O)", "--forcefield", ff, "--reference", ref.toString(), "--molecule", "ethanol");
        assertError("has no parameters for H", "--forcefield", "{type: lennard-jones, species: {O: {epsilon: 0.01, sigma: 3}}}",
                "--reference", ref.toString(), "-o", dir.resolve("lj").toString());
        // a refused start records nothing: the corrected command starts afresh in the same folder
        Cli.Result corrected = bench("--forcefield", ff, "--reference", ref.toString(), "--runs", "1", "--steps", "20", "--save-every", "10",
                "-o", dir.resolve("lj").toString());
        assertEquals(0, corrected.exitCode(), corrected.err());
        assertError("cannot resume: " + dir.resolve("nothing") + " holds no stability benchmark", "--forcefield", ff, "--reference", ref.toString(),
                "--resume", "-o", dir.resolve("nothing").toString());

        Path out = dir.resolve("earlier");
        assertEquals(0, bench("--forcefield", ff, "--reference", ref.toString(), "--runs", "1", "--steps", "20", "--save-every", "10",
                "-o", out.toString()).exitCode());
        assertError("already holds a stability benchmark; use --resume to continue it, --overwrite to replace it", "--forcefield", ff,
                "--reference", ref.toString(), "--runs", "1", "--steps", "20", "--save-every", "10", "-o", out.toString());
        assertError("cannot resume the benchmark in " + out + " with other settings (seed: 123 -> 5)", "--forcefield", ff,
                "--reference", ref.toString(), "--runs", "1", "--steps", "20", "--save-every", "10", "--seed", "5", "--resume", "-o", out.toString());
        assertEquals(0, bench("--forcefield", ff, "--reference", ref.toString(), "--runs", "1", "--steps", "20", "--save-every", "10",
                "--overwrite", "-o", out.toString()).exitCode());
    }

    private void assertError(String expected, String... args) {
        Cli.Result r = bench(args);
        assertEquals(2, r.exitCode(), String.join(" ", args) + " -> " + r.err());
        assertTrue(r.message().contains(expected), "expected '" + expected + "' in: " + r.message());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
