package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.io.H5mdTrajectoryReader;

/**
 * {@code forcefield: {type: ensemble, ...}} through the command line: {@code md run} writes the members'
 * spread as extra thermo.csv columns (and trajectory info / H5MD observables), bit-identically on resume;
 * {@code md eval} writes it per frame and per atom, checked against closed-form Lennard-Jones values
 * computed here; learned and classical members mix; unsupported elements are refused.
 */
class EnsembleTest {
    @TempDir Path dir;

    static final List<String> BASE = List.of("step", "time_ps", "epot_eV", "ekin_eV", "etot_eV", "temperature_K", "conserved_eV", "pressure_bar", "steps_per_s");
    static final List<String> SPREAD = List.of("ensemble_energy_std_eV", "ensemble_force_std_max_eV_per_A", "ensemble_force_std_mean_eV_per_A");

    private static final String ARGON_ENSEMBLE = """
            {type: ensemble, members: [
                {type: lennard-jones, cutoff: 8.0, shift: force, species: {Ar: {epsilon: 0.0104, sigma: 3.40}}},
                {type: lennard-jones, cutoff: 7.0, shift: force, species: {Ar: {epsilon: 0.0110, sigma: 3.35}}}]}""";

    private Path argonInput(String name, int steps) throws IOException {
        return Cli.write(dir.resolve(name + ".yaml"), """
                structure: {lattice: fcc, element: Ar, a_A: 5.78, repeat: 3}
                forcefield: %s
                velocities: {temperature_K: 120, seed: 5}
                dynamics: {integrator: nose-hoover-chain, timestep_fs: 4, steps: %d, temperature_K: 100}
                output: {directory: %s, trajectory: {every: 10, formats: [extxyz, h5]}, thermo: {every: 5}, checkpoint: {every: 20}}
                """.formatted(ARGON_ENSEMBLE.replace("\n", " "), steps, name));
    }

    @Test
    void runWritesTheSpreadAsThermoColumnsAndFrameObservablesAndResumesBitIdentically() throws IOException {
        Cli.Result r = Cli.run("run", "--quiet", argonInput("whole", 40).toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(dir.resolve("whole/thermo.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        List<String> expected = new ArrayList<>(BASE);
        expected.addAll(SPREAD);
        assertEquals(expected, header);
        assertEquals(1 + 9, lines.size());
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            assertEquals(header.size(), v.length, line);
            double eStd = Double.parseDouble(v[9]), fMax = Double.parseDouble(v[10]), fMean = Double.parseDouble(v[11]);
            assertTrue(Double.isFinite(eStd) && eStd > 0, line);
            assertTrue(Double.isFinite(fMax) && fMax > 0 && fMean > 0 && fMean <= fMax, line);
        }
        Thermo t = Thermo.read(dir.resolve("whole/thermo.csv"));
        for (double e : t.column("etot_eV")) assertTrue(Double.isFinite(e));

        // extxyz frames carry the spread as info keys; H5MD as /observables/NAME
        String traj = Files.readString(dir.resolve("whole/trajectory.extxyz"));
        for (String s : SPREAD) assertTrue(traj.contains(" " + s + "="), s);
        List<H5mdTrajectoryReader.Entry> h5 = H5mdTrajectoryReader.readTrajectory(dir.resolve("whole/trajectory.h5"));
        assertEquals(5, h5.size());
        for (H5mdTrajectoryReader.Entry e : h5)
            for (String s : SPREAD) assertTrue(e.frame().info().get(s) instanceof Double d && d > 0, s + " at step " + e.step());

        // 20 steps, then --resume extended to 40: the same thermo lines (wall-clock rate aside) and frames
        assertEquals(0, Cli.run("run", "--quiet", argonInput("split", 20).toString()).exitCode());
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", argonInput("split", 40).toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(withoutRate(dir.resolve("whole/thermo.csv")), withoutRate(dir.resolve("split/thermo.csv")));
        assertEquals(traj, Files.readString(dir.resolve("split/trajectory.extxyz")));
        List<H5mdTrajectoryReader.Entry> h5split = H5mdTrajectoryReader.readTrajectory(dir.resolve("split/trajectory.h5"));
        for (int k = 0; k < h5.size(); k++) assertEquals(h5.get(k).frame().info(), h5split.get(k).frame().info(), "frame " + k);
    }

    /** thermo.csv without the steps_per_s column (found by name). */
    private static List<String> withoutRate(Path thermo) throws IOException {
        List<String> lines = Files.readAllLines(thermo);
        int k = Arrays.asList(lines.get(0).split(",")).indexOf("steps_per_s");
        return lines.stream().map(l -> {
            List<String> v = new ArrayList<>(Arrays.asList(l.split(",", -1)));
            v.remove(k);
            return String.join(",", v);
        }).toList();
    }

    private static final double[][] MEMBERS = {{0.0104, 3.40}, {0.0110, 3.35}};

    private static double lj(double eps, double sigma, double r) {
        double s6 = Math.pow(sigma / r, 6);
        return 4 * eps * (s6 * s6 - s6);
    }

    private static double ljDerivative(double eps, double sigma, double r) {
        double s6 = Math.pow(sigma / r, 6);
        return 4 * eps * (-12 * s6 * s6 + 6 * s6) / r;
    }

    @Test
    void evalWritesTheSpreadPerFrameAndPerAtom() throws IOException {
        Path in = Cli.write(dir.resolve("dimers.extxyz"), """
                2
                Properties=species:S:1:pos:R:3
                Ar 0 0 0
                Ar 3.6 0 0
                2
                Properties=species:S:1:pos:R:3
                Ar 0 0 0
                Ar 0 4.4 0
                """);
        String ff = """
                {type: ensemble, members: [
                  {type: lennard-jones, cutoff: 8.0, shift: none, species: {Ar: {epsilon: 0.0104, sigma: 3.40}}},
                  {type: lennard-jones, cutoff: 8.0, shift: none, species: {Ar: {epsilon: 0.0110, sigma: 3.35}}}]}""";
        Path out = dir.resolve("eval.extxyz");
        Cli.Result r = Cli.run("eval", "--quiet", "--forcefield", ff, "-o", out.toString(), in.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(out);
        double[] distances = {3.6, 4.4};
        for (int k = 0; k < 2; k++) {
            String comment = lines.get(4 * k + 1);
            assertTrue(comment.contains("Properties=species:S:1:pos:R:3:forces:R:3:ensemble_force_std:R:1"), comment);
            double r0 = distances[k];
            double e1 = lj(MEMBERS[0][0], MEMBERS[0][1], r0), e2 = lj(MEMBERS[1][0], MEMBERS[1][1], r0);
            double d1 = ljDerivative(MEMBERS[0][0], MEMBERS[0][1], r0), d2 = ljDerivative(MEMBERS[1][0], MEMBERS[1][1], r0);
            assertEquals((e1 + e2) / 2, value(comment, "energy"), 1e-15);
            // two members: the population std is half the difference; each atom's force is ±dE/dr along the bond
            assertEquals(Math.abs(e1 - e2) / 2, value(comment, "ensemble_energy_std_eV"), 1e-15);
            double atomStd = Math.abs(d1 - d2) / 2;
            assertEquals(atomStd, value(comment, "ensemble_force_std_max_eV_per_A"), 1e-14);
            assertEquals(atomStd, value(comment, "ensemble_force_std_mean_eV_per_A"), 1e-14);
            for (int a = 0; a < 2; a++) {
                String[] cols = lines.get(4 * k + 2 + a).trim().split("\\s+");
                assertEquals(8, cols.length);
                assertEquals(atomStd, Double.parseDouble(cols[7]), 1e-14);
                assertEquals((a == 0 ? 1 : -1) * (d1 + d2) / 2, Double.parseDouble(cols[4 + k]), 1e-14);
            }
        }
    }

    private static double value(String comment, String key) {
        Matcher m = Pattern.compile("(?<![A-Za-z_])" + key + "=(\\S+)").matcher(comment);
        assertTrue(m.find(), key + " in " + comment);
        return Double.parseDouble(m.group(1));
    }

    /** Two learned models picked by a glob, and Morse bonds, on ethanol. */
    private Path ethanolInput(String extraMember) throws IOException {
        Path models = Cli.inputs().resolve("models");
        return Cli.write(dir.resolve("ethanol.yaml"), """
                structure: {file: %s}
                forcefield:
                  type: ensemble
                  members:
                    - '%s/ethanol-{et.etm,nequip-l1.nqp}'
                    - type: morse
                      parameters:
                        C-H: {D: 4.28, alpha: 1.77, r0: 1.09}
                        C-C: {D: 3.61, alpha: 1.99, r0: 1.52}
                        C-O: {D: 3.71, alpha: 2.00, r0: 1.43}
                        O-H: {D: 4.61, alpha: 2.27, r0: 0.96}
                %s
                velocities: {temperature_K: 300, seed: 3}
                dynamics: {integrator: velocity-verlet, timestep_fs: 0.5, steps: 10}
                output: {directory: out, trajectory: {every: 5}, thermo: {every: 5}}
                device: java
                """.formatted(Cli.inputs().resolve("structures/ethanol-rmd17.extxyz"), models, extraMember));
    }

    @Test
    void learnedAndClassicalMembersMixInARun() throws IOException {
        Cli.Result r = Cli.run("run", "--quiet", ethanolInput("").toString());
        assertEquals(0, r.exitCode(), r.err());
        Thermo t = Thermo.read(dir.resolve("out/thermo.csv"));
        double[] eStd = t.column("ensemble_energy_std_eV"), fMax = t.column("ensemble_force_std_max_eV_per_A");
        assertEquals(3, eStd.length);
        for (int k = 0; k < 3; k++) assertTrue(Double.isFinite(eStd[k]) && eStd[k] > 0 && Double.isFinite(fMax[k]) && fMax[k] > 0);
    }

    @Test
    void anElementOneMemberLacksIsRefused() throws IOException {
        Cli.Result r = Cli.run("run", "--quiet", ethanolInput("    - {type: lennard-jones, species: {Ar: {epsilon: 0.0104, sigma: 3.4}}}").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.message().contains("force field 'ensemble' has no parameters for elements C, H, O"), r.err());
    }

    @Test
    void aPatternThatMatchesNothingIsLocated() throws IOException {
        Path input = Cli.write(dir.resolve("in.yaml"), """
                structure: {lattice: fcc, element: Ar, a_A: 5.78, repeat: 3}
                forcefield:
                  type: ensemble
                  members: [run/snapshots/*.zip]
                dynamics: {integrator: velocity-verlet, timestep_fs: 4, steps: 10}
                """);
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.message().contains("line 4") && r.message().contains("members[0]")
                && r.message().contains("the pattern 'run/snapshots/*.zip' matches no file"), r.err());
    }
}
