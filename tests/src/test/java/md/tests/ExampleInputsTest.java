package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.config.RunConfigLoader;
import md.engine.run.Checkpoint;

/** The shipped inputs run as README says and write their outputs. */
class ExampleInputsTest {
    @TempDir Path dir;

    /** README's main job: 500 argon atoms, 4000 steps, every output on. */
    @Test
    void argonNveRunsToTheEndAndWritesEveryOutput() throws IOException {
        Path out = dir.resolve("argon-nve");
        Cli.Result r = Cli.run("run", "--quiet", "--output", out.toString(), Cli.inputs().resolve("argon-nve.yaml").toString());
        assertEquals(0, r.exitCode(), r.err());

        Thermo thermo = Thermo.read(out.resolve("thermo.csv"));
        assertEquals(List.of("step", "time_ps", "epot_eV", "ekin_eV", "etot_eV", "temperature_K", "conserved_eV", "pressure_bar", "steps_per_s"), thermo.header());
        double[] step = thermo.column("step"), t = thermo.column("temperature_K"), e = thermo.column("etot_eV");
        assertEquals(201, step.length);
        assertEquals(4000, step[step.length - 1]);
        assertEquals(180, t[0], 1e-9, "velocities rescaled to exactly 180 K");
        // The lattice melts: half the kinetic energy goes into potential energy, ending near Rahman's 94 K.
        double tEnd = 0;
        for (int i = 150; i < t.length; i++) tEnd += t[i] / (t.length - 150);
        assertTrue(tEnd > 80 && tEnd < 110, "final temperature " + tEnd);
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (double x : e) { min = Math.min(min, x); max = Math.max(max, x); }
        assertTrue(max - min < 2e-3 * 500 * 8.617e-5 * 100, "total energy range " + (max - min) + " eV");

        assertEquals(41, ExtxyzFrames.completeFrameSteps(out.resolve("trajectory.extxyz"), 500).size());
        assertTrue(Files.size(out.resolve("trajectory.h5")) > 0);
        assertEquals(4000, Checkpoint.read(out.resolve("checkpoint.mdchk")).step());
    }

    @Test
    void everyShippedInputIsValid() throws IOException {
        try (var files = Files.list(Cli.inputs())) {
            for (Path p : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                if (Files.readString(p).contains("shared/data") && !Files.isDirectory(Cli.repo().resolveSibling("shared/data"))) continue;
                if (p.getFileName().toString().startsWith("train-")) md.engine.train.TrainConfigLoader.load(p);
                else RunConfigLoader.load(p);
            }
        }
    }

    @Test
    void ethanolMorseFromRmd17() {
        Assumptions.assumeTrue(Files.isDirectory(Cli.repo().resolveSibling("shared/data/rmd17")), "shared data not available");
        Path out = dir.resolve("ethanol");
        Cli.Result r = Cli.run("run", "--quiet", "--output", out.toString(), Cli.inputs().resolve("ethanol-morse.yaml").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(out.resolve("trajectory.extxyz")));
    }

    /**
     * Nosé–Hoover chain on the argon liquid: the kinetic temperature samples the canonical distribution,
     * mean T₀ and variance 2T₀²/N_f, within the statistical error estimated from block averages.
     */
    @Test
    @Tag("slow")
    void noseHooverChainSamplesTheCanonicalTemperatureDistribution() throws IOException {
        String yaml = Inputs.ARGON_108 + """
                velocities: {temperature_K: 94.4, seed: 8}
                dynamics: {integrator: nose-hoover-chain, timestep_fs: 5, steps: 200000, temperature_K: 94.4, tau_fs: 500}
                output: {directory: out, trajectory: {every: 0}, thermo: {every: 10}, checkpoint: {every: 0}}
                """;
        Cli.Result r = Cli.run("run", "--quiet", Cli.write(dir.resolve("nvt.yaml"), yaml).toString());
        assertEquals(0, r.exitCode(), r.err());
        double[] t = Thermo.read(dir.resolve("out/thermo.csv")).column("temperature_K");
        int skip = t.length / 10, blocks = 20, per = (t.length - skip) / blocks;
        double[] mean = new double[blocks], var = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < per; i++) mean[b] += t[skip + b * per + i] / per;
            for (int i = 0; i < per; i++) var[b] += Math.pow(t[skip + b * per + i] - mean[b], 2) / (per - 1);
        }
        double t0 = 94.4, nf = 3 * 108 - 3;
        double[] m = meanAndError(mean), v = meanAndError(var);
        System.out.printf("NHC argon: <T> = %.3f ± %.3f K (target %.1f), var T = %.3f ± %.3f K² (canonical %.3f)%n",
                m[0], m[1], t0, v[0], v[1], 2 * t0 * t0 / nf);
        assertEquals(t0, m[0], 3 * m[1] + 1e-9, "mean temperature");
        assertEquals(2 * t0 * t0 / nf, v[0], 3 * v[1], "temperature variance");
    }

    private static double[] meanAndError(double[] x) {
        double m = 0, s = 0;
        for (double v : x) m += v / x.length;
        for (double v : x) s += (v - m) * (v - m) / (x.length - 1);
        return new double[] {m, Math.sqrt(s / x.length)};
    }
}
