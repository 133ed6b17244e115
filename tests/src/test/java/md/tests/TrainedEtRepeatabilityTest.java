package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same Nosé–Hoover input with the shipped, trained Equivariant Transformer ({@link TrainedEtMdTest#MODEL}) run
 * twice writes byte-identical files on 1 and 2 threads (the Vector API kernels give the same numbers whenever the
 * JIT compiles them). Runs models on 2 worker threads: alone, not beside another test class (pom.xml runs two at a
 * time; three busy threads on two cores make it 3–5× slower).
 */
@org.junit.jupiter.api.parallel.Isolated
class TrainedEtRepeatabilityTest {
    @TempDir Path dir;

    @Test
    void theSameRunTwiceIsByteIdenticalOnOneAndTwoThreads() throws IOException {
        Path inputs = Cli.inputs();
        for (int threads = 1; threads <= 2; threads++) {
            Path first = null;
            for (int k = 0; k < 2; k++) {
                Path run = dir.resolve("t" + threads + "-run" + k);
                String yaml = """
                        structure: {file: %s}
                        forcefield: {type: learned, model: %s, threads: %d}
                        velocities: {temperature_K: 500, seed: 17, remove_com: true, remove_rotation: true}
                        dynamics: {integrator: nose-hoover-chain, timestep_fs: 0.5, steps: 400, temperature_K: 500, tau_fs: 50, chain_length: 3}
                        output:
                          directory: out
                          trajectory: {every: 10, formats: [extxyz]}
                          thermo: {every: 10}
                          checkpoint: {every: 100}
                        """.formatted(inputs.resolve("structures/ethanol-rmd17.extxyz"), inputs.resolve(TrainedEtMdTest.MODEL), threads);
                Cli.Result r = Cli.run("run", "--quiet", Cli.write(run.resolve("input.yaml"), yaml).toString());
                assertEquals(0, r.exitCode(), r.err());
                if (first == null) first = run.resolve("out");
                else ResumeTest.assertSameOutputs(first, run.resolve("out"));
            }
        }
    }
}
