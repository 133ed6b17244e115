package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.run.Checkpoint;

/**
 * A run whose forces become NaN, or whose temperature leaves the safety window, stops with a clear
 * message and exit code 4, and keeps its last good frame and checkpoint.
 */
class FailureTest {
    @TempDir Path dir;

    @Test
    void temperatureLeavingTheWindowStopsTheRun() throws IOException {
        // Berendsen coupling to 2000 K heats the 100 K argon through the 10..300 K window within tens of steps.
        String yaml = Inputs.ARGON_108 + """
                velocities: {temperature_K: 100, seed: 3}
                dynamics:
                  integrator: berendsen
                  timestep_fs: 5
                  steps: 2000
                  temperature_K: 2000
                  tau_fs: 100
                output:
                  directory: out
                  trajectory: {every: 5}
                  thermo: {every: 5}
                  checkpoint: {every: 10}
                safety:
                  temperature_window_K: [10, 300]
                """;
        Path input = Cli.write(dir.resolve("hot.yaml"), yaml);
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(4, r.exitCode(), r.err());
        String msg = r.message();
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(msg.contains("left the window [10, 300] K"), msg);
        assertTrue(msg.contains("line " + (yaml.lines().toList().indexOf("  temperature_window_K: [10, 300]") + 1)), msg);
        long failedStep = number(msg, "stopped at step (\\d+)");
        long goodFrame = number(msg, "last good frame is step (\\d+)");
        long checkpointStep = number(msg, "last checkpoint \\(step (\\d+)\\)");
        assertTrue(failedStep > 0 && failedStep < 2000, msg);
        assertEquals((failedStep - 1) / 5 * 5, goodFrame, "newest frame before the failure");
        assertEquals((failedStep - 1) / 10 * 10, checkpointStep, "newest checkpoint before the failure");

        // The trajectory ends with that frame, complete; the checkpoint on disk is that step, in the window.
        List<String> lines = Files.readAllLines(dir.resolve("out/trajectory.extxyz"));
        assertEquals(0, lines.size() % 110, "whole frames of 108 atoms");
        assertTrue(lines.get(lines.size() - 109).contains("step=" + goodFrame + " "), lines.get(lines.size() - 109));
        Checkpoint c = Checkpoint.read(dir.resolve("out/checkpoint.mdchk"));
        assertEquals(checkpointStep, c.step());
        double t = temperatureK(c.velocities(), 39.948);
        assertTrue(t >= 10 && t <= 300, "checkpoint temperature " + t);
        // The thermo log's last line is a good step too.
        double[] temps = Thermo.read(dir.resolve("out/thermo.csv")).column("temperature_K");
        assertTrue(temps[temps.length - 1] <= 300);
    }

    @Test
    void nonFiniteForcesStopTheRun() throws IOException {
        // 1 initial evaluation + one per step: the force on atom 5 is NaN from step 37 on.
        String yaml = """
                structure: {lattice: fcc, element: Ar, a_A: 5.78, repeat: [2, 2, 2]}
                forcefield: {type: test-failing, k: 0.5, nan_after: 37, atom: 5}
                velocities: {temperature_K: 50, seed: 1}
                dynamics: {integrator: velocity-verlet, timestep_fs: 2, steps: 100}
                output:
                  directory: out
                  trajectory: {every: 4}
                  checkpoint: {every: 20}
                """;
        Cli.Result r = Cli.run("run", "--quiet", Cli.write(dir.resolve("nan.yaml"), yaml).toString());
        assertEquals(4, r.exitCode(), r.err());
        String msg = r.message();
        assertTrue(msg.startsWith("md run: stopped at step 37 "), msg);
        assertTrue(msg.contains("the force on atom 5 (Ar) is [") && msg.contains("NaN"), msg);
        assertTrue(msg.contains("last good frame is step 36"), msg);
        assertTrue(msg.contains("last checkpoint (step 20)"), msg);
        assertEquals(20, Checkpoint.read(dir.resolve("out/checkpoint.mdchk")).step());
        String traj = Files.readString(dir.resolve("out/trajectory.extxyz"));
        assertFalse(traj.contains("NaN"), "no bad frame written");
        assertTrue(traj.contains("step=36 "));
    }

    /**
     * A real blow-up: 100 fs steps make argon atoms collide and fly apart; the default window stops the run
     * (the timestep check would refuse 100 fs before the start, so the test allows it explicitly).
     */
    @Test
    void atomsFlyingApartAreCaughtByTheDefaultWindow() throws IOException {
        String yaml = Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: 100\n  allow_large_timestep: true\n  steps: 5000\n",
                "  directory: out\n  trajectory: {every: 10}\n  checkpoint: {every: 100}\n");
        Cli.Result r = Cli.run("run", "--quiet", Cli.write(dir.resolve("blowup.yaml"), yaml).toString());
        assertEquals(4, r.exitCode(), r.err());
        assertTrue(r.message().contains("left the window [0, 100000] K (the default of safety.temperature_window_K)"), r.err());
        long failedStep = number(r.message(), "stopped at step (\\d+)");
        assertTrue(failedStep < 5000);
        assertEquals((failedStep - 1) / 10 + 1, ExtxyzFrames.completeFrameSteps(dir.resolve("out/trajectory.extxyz"), 108).size());
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return Long.parseLong(m.group(1));
    }

    /** 3N − 3 degrees of freedom (centre-of-mass momentum removed), Boltzmann constant in eV/K. */
    private static double temperatureK(double[] v, double massAmu) {
        double sum = 0;
        for (double x : v) sum += x * x;
        double ekinEv = 0.5 * massAmu * sum * (1.66053906660e-27 * 1e10 / 1.602176634e-19);
        return 2 * ekinEv / ((v.length - 3) * (1.380649e-23 / 1.602176634e-19));
    }
}
