package md.tests;

import static md.tests.StabilityBenchmarkTest.concat;
import static md.tests.StabilityBenchmarkTest.metrics;
import static md.tests.StabilityBenchmarkTest.run;
import static md.tests.StabilityBenchmarkTest.withoutRate;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import md.engine.run.Checkpoint;
import md.forcefields.backend.BackendUnavailableException;
import md.forcefields.backend.Backends;
import md.forcefields.backend.KernelBackend;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipModelFile;

/**
 * {@code md bench stability --batched}: the runs go through one batched NequIP evaluation per step and
 * come out byte for byte as the same benchmark run one run at a time ({@code --parallel 1}) on the
 * same device — including runs that end early (the temperature window) while the others go on.
 */
@Timeout(120) // a deadlocked batch fails instead of hanging the build
// opens OpenCL (PoCL) force fields: not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock("md.device-backends")
class BatchedStabilityBenchmarkTest {
    @TempDir Path dir;

    /** A random-weight NequIP model for H and O (the water test data). */
    Path model() throws IOException {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 8}, 4.0, 1, true, 4, 2, 4, 1, 8, 2.0,
                new double[] {1, 1}, new double[] {0, 0}, 0.1);
        Path model = dir.resolve("tiny.nqp");
        NequipModelFile.write(model, NequipModel.withRandomWeights(cfg, 3), "BatchedStabilityBenchmarkTest: random weights");
        return model;
    }

    static Cli.Result bench(String... args) {
        List<String> all = new ArrayList<>(List.of("bench", "stability"));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    static void assumeAvailable(String device) {
        if (device.equals("java")) return;
        try (KernelBackend b = Backends.open(device)) {
            // available
        } catch (BackendUnavailableException | LinkageError e) {
            Assumptions.abort(device + " not available: " + e.getMessage());
        }
    }

    @ParameterizedTest @ValueSource(strings = {"java", "opencl"})
    void batchedRunsAreTheRunsOneByOne(String device) throws IOException {
        assumeAvailable(device);
        // The window's upper end ends some runs early (at different steps), so batches shrink as runs leave.
        String[] common = {"--model", model().toString(), "--reference", StabilityBenchmarkTest.reference(dir).toString(), "--runs", "3",
                "--steps", "150", "--save-every", "10", "--checkpoint-every", "50", "--device", device};
        Path serial = dir.resolve("serial"), batched = dir.resolve("batched");
        Cli.Result s = bench(concat(common, "--parallel", "1", "-o", serial.toString()));
        assertEquals(0, s.exitCode(), s.err());
        Cli.Result b = bench(concat(common, "--batched", "-o", batched.toString()));
        assertEquals(0, b.exitCode(), b.err());

        TreeSet<Object> stepsRun = new TreeSet<>();
        Map<String, Object> ms = metrics(serial.resolve("metrics.json")), mb = metrics(batched.resolve("metrics.json"));
        for (int k = 1; k <= 3; k++) {
            Path a = serial.resolve("run-" + k), c = batched.resolve("run-" + k);
            assertEquals(Files.readString(a.resolve("trajectory.extxyz")), Files.readString(c.resolve("trajectory.extxyz")), device + " run " + k);
            assertEquals(withoutRate(a.resolve("thermo.csv")), withoutRate(c.resolve("thermo.csv")), device + " run " + k);
            // the final state in full precision (the checkpoint's output marks differ: thermo's wall-clock column varies in width)
            Checkpoint ca = Checkpoint.read(a.resolve("checkpoint.mdchk")), cc = Checkpoint.read(c.resolve("checkpoint.mdchk"));
            assertEquals(ca.step(), cc.step());
            assertArrayEquals(ca.positions(), cc.positions(), device + " run " + k + " positions");
            assertArrayEquals(ca.velocities(), cc.velocities(), device + " run " + k + " velocities");
            assertArrayEquals(ca.forces(), cc.forces(), device + " run " + k + " forces");
            assertArrayEquals(ca.integratorState(), cc.integratorState(), device + " run " + k + " thermostat");
            for (String key : List.of("steps_run", "ended", "stability_ps", "hr_mae"))
                assertEquals(run(ms, k - 1).get(key), run(mb, k - 1).get(key), key + " of run " + k);
            stepsRun.add(run(mb, k - 1).get("steps_run") + " " + run(mb, k - 1).get("ended"));
        }
        assertTrue(stepsRun.size() >= 2, "runs end at different steps: " + stepsRun);
        System.out.println(device + ": batched = one by one, byte for byte; steps run " + stepsRun);
    }

    /**
     * Batching is not a setting of the runs: a batched benchmark resumed one by one, then resumed batched
     * with a run added (the finished runs' replicas leave the batch without computing), gives the runs
     * of an uninterrupted benchmark.
     */
    @Test
    void batchedBenchmarkResumesAsBatchedOrNot() throws IOException {
        String[] common = {"--model", model().toString(), "--reference", StabilityBenchmarkTest.reference(dir).toString(), "--runs", "2",
                "--save-every", "10", "--checkpoint-every", "50", "--run-past-collapse"};
        Path whole = dir.resolve("whole"), split = dir.resolve("split");
        assertEquals(0, bench(concat(common, "--steps", "160", "-o", whole.toString())).exitCode());
        assertEquals(0, bench(concat(common, "--steps", "80", "--batched", "-o", split.toString())).exitCode());
        Cli.Result r = bench(concat(common, "--steps", "160", "--resume", "-o", split.toString()));
        assertEquals(0, r.exitCode(), r.err());
        r = bench(concat(common, "--runs", "3", "--steps", "160", "--resume", "--batched", "-o", split.toString()));
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> m = metrics(split.resolve("metrics.json"));
        for (int k = 1; k <= 2; k++) {
            assertEquals(160, ((Number) run(m, k - 1).get("steps_run")).intValue());
            assertEquals(Files.readString(whole.resolve("run-" + k + "/trajectory.extxyz")), Files.readString(split.resolve("run-" + k + "/trajectory.extxyz")));
        }
        assertEquals(160, ((Number) run(m, 2).get("steps_run")).intValue(), "the added run");
    }

    @Test
    void mistakesGiveClearErrors() throws IOException {
        String ref = StabilityBenchmarkTest.reference(dir).toString(), model = model().toString();
        assertError("--batched applies to learned potentials", "--forcefield", StabilityBenchmarkTest.bonds(""), "--reference", ref, "--batched");
        assertError("--device applies to learned potentials", "--forcefield", StabilityBenchmarkTest.bonds(""), "--reference", ref, "--device", "java");
        assertError("--device expects one of auto, java, opencl, cuda, got 'gpu'", "--model", model, "--reference", ref, "--device", "gpu");
        assertError("expected it without --parallel", "--model", model, "--reference", ref, "--batched", "--parallel", "2");
        assertError("expected --threads 1 (or no threads key) with --batched", "--model", model, "--reference", ref, "--batched", "--threads", "2",
                "-o", dir.resolve("t").toString());
    }

    private static void assertError(String expected, String... args) {
        Cli.Result r = bench(args);
        assertEquals(2, r.exitCode(), String.join(" ", args) + " -> " + r.err());
        assertTrue(r.message().contains(expected), "expected '" + expected + "' in: " + r.message());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
