package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.run.Checkpoint;

/**
 * Runs with the shipped NequIP model (learned force field, Nosé–Hoover chain at 500 K) are repeatable and
 * crash-safe on 1 and 2 threads: the same input run 5 times writes byte-identical files (results must not
 * depend on when the JIT compiles what, or on thread scheduling), and a run killed with SIGKILL mid-way
 * and resumed writes exactly the uninterrupted run's files.
 */
abstract class NequipRepeatabilityChecks {
    @TempDir Path dir;

    /** Worker threads of the runs (NequipRepeatabilityTest: 1, NequipRepeatabilityTwoThreadsTest: 2). */
    abstract int threads();

    private static String input(long steps, int threads) {
        Path inputs = Cli.inputs();
        return """
                structure: {file: %s}
                forcefield: {type: learned, model: %s, threads: %d}
                velocities: {temperature_K: 500, seed: 17, remove_com: true, remove_rotation: true}
                dynamics: {integrator: nose-hoover-chain, timestep_fs: 0.5, steps: %d, temperature_K: 500, tau_fs: 50, chain_length: 3}
                output:
                  directory: out
                  trajectory: {every: 10, formats: [extxyz, h5]}
                  thermo: {every: 10}
                  checkpoint: {every: 100}
                """.formatted(inputs.resolve("structures/ethanol-rmd17.extxyz"), inputs.resolve("models/ethanol-nequip-l1.nqp"), threads, steps);
    }

    @Test
    void fiveRunsAreByteIdentical() throws IOException {
        int threads = threads();
        Path first = null;
        for (int k = 0; k < 5; k++) {
            Path run = dir.resolve("run" + k);
            Cli.Result r = Cli.run("run", "--quiet", Cli.write(run.resolve("input.yaml"), input(400, threads)).toString());
            assertEquals(0, r.exitCode(), r.err());
            if (first == null) first = run.resolve("out");
            else ResumeTest.assertSameOutputs(first, run.resolve("out"));
        }
    }

    @Test
    void killedRunResumesToTheUninterruptedFiles() throws Exception {
        int threads = threads();
        Path killed = dir.resolve("killed"), whole = dir.resolve("whole");
        Path killedInput = Cli.write(killed.resolve("input.yaml"), input(10_000_000, threads));
        Process p = KillAndResumeTest.startMd(killedInput);
        Path thermo = killed.resolve("out/thermo.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try {
            while (KillAndResumeTest.lineCount(thermo) < 1 + 26) { // past the checkpoints at steps 100 and 200
                if (!p.isAlive()) fail("md run ended early (exit " + p.exitValue() + "): " + new String(p.getErrorStream().readAllBytes()));
                if (System.nanoTime() > deadline) fail("md run did not reach step 250 in 120 s");
                Thread.sleep(5);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Checkpoint c = Checkpoint.read(killed.resolve("out/checkpoint.mdchk"));
        assertTrue(c.step() >= 200 && c.step() % 100 == 0, "checkpoint step " + c.step());
        long total = c.step() + 300;
        Files.writeString(killedInput, input(total, threads));
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", killedInput.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(0, Cli.run("run", "--quiet", Cli.write(whole.resolve("input.yaml"), input(total, threads)).toString()).exitCode());
        ResumeTest.assertSameOutputs(whole.resolve("out"), killed.resolve("out"));
    }
}
