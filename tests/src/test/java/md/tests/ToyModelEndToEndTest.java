package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.training.Adam;
import md.forcefields.training.LossWeights;
import md.forcefields.training.ModelEvaluation;
import md.forcefields.training.Objective;
import md.forcefields.training.Trainer;
import md.forcefields.training.TrainingFrame;

/**
 * A new model family defined in one test file ({@link PairMlpPotential}, registered in this module's
 * META-INF/services) gets training, the model file and MD with no other code: it is fitted to
 * Lennard-Jones argon clusters (labels computed here, independently of the code under test) for a few
 * epochs, saved, and run by {@code md run} with {@code type: learned} in NVE, where its total energy is
 * conserved.
 */
// opens OpenCL (PoCL) force fields: not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock("md.device-backends")
class ToyModelEndToEndTest {
    @TempDir Path dir;

    private static final double EPS = 0.0103, SIGMA = 3.4, CUTOFF = 7.0;

    /** Lennard-Jones energy and forces of a cluster (all pairs, no cutoff: the labels need not be exact for the model). */
    private static TrainingFrame ljFrame(double[] x) {
        int n = x.length / 3;
        double e = 0;
        double[] f = new double[3 * n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
                double r2 = dx * dx + dy * dy + dz * dz, s6 = Math.pow(SIGMA * SIGMA / r2, 3);
                e += 4 * EPS * (s6 * s6 - s6);
                double g = 24 * EPS * (2 * s6 * s6 - s6) / r2; // −dE/dr / r
                f[3 * j] += g * dx; f[3 * j + 1] += g * dy; f[3 * j + 2] += g * dz;
                f[3 * i] -= g * dx; f[3 * i + 1] -= g * dy; f[3 * i + 2] -= g * dz;
            }
        int[] z = new int[n];
        java.util.Arrays.fill(z, 18);
        return new TrainingFrame(z, x, e, f, Objective.ENERGY_AND_FORCES, "lj");
    }

    private static double[] cluster(Random rng, int n) {
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++) {
            boolean ok;
            do {
                for (int c = 0; c < 3; c++) x[3 * i + c] = 6.0 * rng.nextDouble();
                ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double d2 = 0;
                    for (int c = 0; c < 3; c++) d2 += Math.pow(x[3 * i + c] - x[3 * j + c], 2);
                    ok = d2 > 3.4 * 3.4;
                }
            } while (!ok);
        }
        return x;
    }

    @Test void trainsSavesAndRunsNveWithNoOtherCode() throws Exception {
        Random rng = new Random(11);
        List<TrainingFrame> train = new ArrayList<>(), val = new ArrayList<>();
        for (int k = 0; k < 24; k++) train.add(ljFrame(cluster(rng, 5)));
        for (int k = 0; k < 6; k++) val.add(ljFrame(cluster(rng, 5)));
        PairMlpPotential arch = new PairMlpPotential(new int[] {18}, CUTOFF, 8, 16);
        LearnedModel initial = new LearnedModel(arch, arch.initialParameters(new Random(3)));

        double before = ModelEvaluation.errors(initial, val, java.util.concurrent.ForkJoinPool.commonPool(), 1).forces().mae();
        Trainer.Options o = new Trainer.Options(12, 4, 1, 1, LossWeights.defaults(), Adam.Options.adam(0.01), 0, 0.0,
                Double.POSITIVE_INFINITY, 0.5, 50, 1e-4, 0, Integer.MAX_VALUE, Double.POSITIVE_INFINITY);
        LearnedModel trained;
        try (Trainer t = new Trainer(initial, 0.05, train, val, o)) {
            while (!t.finished()) t.runEpoch();
            trained = t.exportModel();
        }
        double after = ModelEvaluation.errors(trained, val, java.util.concurrent.ForkJoinPool.commonPool(), 1).forces().mae();
        System.out.printf(Locale.ROOT, "pair-mlp toy model: validation force MAE %.4g -> %.4g eV/A after 12 epochs%n", before, after);
        assertTrue(after < 0.5 * before, "training did not reduce the validation force error: " + before + " -> " + after);

        Path model = dir.resolve("toy.model");
        ModelFile.write(model, trained, "ToyModelEndToEndTest");
        LearnedModel back = ModelFile.read(model);
        assertEquals("pair-mlp", back.architecture().family());
        for (String k : trained.parameters().keySet())
            assertTrue(java.util.Arrays.equals(trained.parameters().get(k), back.parameters().get(k)), "parameter " + k + " round trip");

        StringBuilder xyz = new StringBuilder("8\nProperties=species:S:1:pos:R:3\n");
        double[] x = cluster(new Random(5), 8);
        for (int i = 0; i < 8; i++) xyz.append(String.format(Locale.ROOT, "Ar %.6f %.6f %.6f%n", x[3 * i], x[3 * i + 1], x[3 * i + 2]));
        Cli.write(dir.resolve("ar8.extxyz"), xyz.toString());
        Path input = Cli.write(dir.resolve("nve.yaml"), """
                structure: {file: ar8.extxyz}
                forcefield: {type: learned, model: toy.model}
                velocities: {temperature_K: 40, seed: 3}
                dynamics: {integrator: velocity-verlet, timestep_fs: 2, steps: 2000}
                output: {directory: out, trajectory: {every: 0}, thermo: {every: 20}, checkpoint: {every: 0}}
                """);
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        Thermo thermo = Thermo.read(dir.resolve("out/thermo.csv"));
        double[] etot = thermo.column("etot_eV"), ekin = thermo.column("ekin_eV");
        double[] fd = EnergyConservationTest.fluctuationAndDrift(thermo.column("time_ps"), etot);
        double ekinSpread = 0;
        for (double v : ekin) ekinSpread = Math.max(ekinSpread, Math.abs(v - ekin[0]));
        System.out.printf(Locale.ROOT, "pair-mlp NVE 4 ps: sigma(E) %.3g eV, drift %.3g eV, kinetic energy range %.3g eV%n", fd[0], fd[1], ekinSpread);
        assertTrue(ekinSpread > 1e-3, "the toy potential should exchange kinetic and potential energy");
        assertTrue(fd[0] < 0.01 * ekinSpread && Math.abs(fd[1]) < 0.01 * ekinSpread, "total energy not conserved: " + fd[0] + ", drift " + fd[1]);

        // the OpenCL backend (PoCL on this CPU) runs it too, through DeviceExecutor over the model's plan: the
        // same trajectory to round-off (the ops without an OpenCL kernel run on the host, with copies)
        if (!md.forcefields.backend.Backends.available().contains("opencl")) {
            System.out.println("pair-mlp on OpenCL: skipped (no OpenCL platform here)");
            return;
        }
        Cli.write(dir.resolve("nve-opencl.yaml"), Files.readString(input).replace("model: toy.model}", "model: toy.model, device: opencl}")
                .replace("directory: out", "directory: out-opencl"));
        r = Cli.run("run", "--quiet", dir.resolve("nve-opencl.yaml").toString());
        assertEquals(0, r.exitCode(), r.err());
        double[] etotDevice = Thermo.read(dir.resolve("out-opencl/thermo.csv")).column("etot_eV");
        assertEquals(etot.length, etotDevice.length);
        double maxDiff = 0;
        for (int k = 0; k < 10; k++) maxDiff = Math.max(maxDiff, Math.abs(etotDevice[k] - etot[k]));
        System.out.printf(Locale.ROOT, "pair-mlp on OpenCL: max |dEtot| vs host over the first 200 steps %.2g eV (Etot %.6f eV)%s%n", maxDiff, etot[0],
                r.err().isBlank() ? "" : "; " + r.err().strip());
        assertTrue(maxDiff < 1e-9, "OpenCL trajectory departs from the host one: " + maxDiff + " eV");
    }
}
