package md.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code md eval}: energies and forces per frame, checked against closed forms computed here. */
class EvalCommandTest {
    @TempDir Path dir;

    private static final double EPS = 0.010341, SIGMA = 3.4;

    private static double lj(double r) {
        double s6 = Math.pow(SIGMA / r, 6);
        return 4 * EPS * (s6 * s6 - s6);
    }

    private static double ljDerivative(double r) {
        double s6 = Math.pow(SIGMA / r, 6);
        return 4 * EPS * (-12 * s6 * s6 + 6 * s6) / r;
    }

    private static final String FF = "{type: lennard-jones, cutoff: 8.5, shift: none, species: {Ar: {epsilon: 0.010341, sigma: 3.4}}}";

    @Test
    void dimersAndAPeriodicLatticeMatchClosedForms() throws IOException {
        // Frame 0, 1: dimers at 3.3 and 3.9 Å (the second with a reference energy kept as ref_energy);
        // frame 2: one atom in a 4 Å simple cubic cell, so every neighbour is a periodic image.
        Path in = Cli.write(dir.resolve("frames.extxyz"), """
                2
                Properties=species:S:1:pos:R:3
                Ar 0 0 0
                Ar 3.3 0 0
                2
                Properties=species:S:1:pos:R:3 energy=-0.5
                Ar 1 1 1
                Ar 1 4.9 1
                1
                Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3 pbc="T T T"
                Ar 0.5 0.5 0.5
                """);
        Path out = dir.resolve("eval.extxyz");
        Cli.Result r = Cli.run("eval", "--quiet", "--forcefield", FF, "-o", out.toString(), in.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(11, lines.size());
        for (int c : new int[] {1, 5, 9}) assertTrue(lines.get(c).contains(":forces:R:3") && lines.get(c).contains(" energy="), lines.get(c));

        assertEquals(lj(3.3), energy(lines.get(1)), 1e-15);
        double[] f1 = numbers(lines.get(3));  // atom 1 of frame 0: force −dE/dr along +x
        assertEquals(-ljDerivative(3.3), f1[3], 1e-14);
        assertEquals(0, f1[4], 0);

        assertEquals(lj(3.9), energy(lines.get(5)), 1e-15);
        assertTrue(lines.get(5).contains("ref_energy=-0.5"), lines.get(5));
        assertEquals(ljDerivative(3.9), numbers(lines.get(6))[4], 1e-14);  // atom 0 pulled towards atom 1 (+y)

        // Lattice sum ½ Σ_{R ≠ 0, |R| < 8.5} E(|R|) over the simple cubic lattice, forces zero by symmetry.
        double sum = 0;
        for (int i = -3; i <= 3; i++) for (int j = -3; j <= 3; j++) for (int k = -3; k <= 3; k++) {
            double d = 4 * Math.sqrt(i * i + j * j + k * k);
            if (d > 0 && d < 8.5) sum += 0.5 * lj(d);
        }
        assertEquals(sum, energy(lines.get(9)), 1e-13);
        double[] f = numbers(lines.get(10));
        for (int k = 3; k < 6; k++) assertEquals(0, f[k], 1e-14);
    }

    @Test
    void forceFieldFromARunInputAndRmd17Frames() throws IOException {
        Path npz = Cli.repo().resolveSibling("shared/data/rmd17/rmd17_ethanol_test_01.npz");
        Assumptions.assumeTrue(Files.isRegularFile(npz), "shared data not available: " + npz);
        Path ff = Cli.write(dir.resolve("ff.yaml"), """
                type: lennard-jones
                cutoff: 6.0
                shift: energy
                species:
                  C: {epsilon: 0.004, sigma: 3.4}
                  O: {epsilon: 0.006, sigma: 3.0}
                  H: {epsilon: 0.001, sigma: 2.5}
                """);
        Path out = dir.resolve("ethanol.extxyz");
        Cli.Result r = Cli.run("eval", "--quiet", "--forcefield", ff.toString(), "-o", out.toString(), npz.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> comments = Files.readAllLines(out).stream().filter(l -> l.contains("Properties=")).toList();
        assertEquals(1000, comments.size());
        // rMD17's labels are kept beside ours
        assertTrue(comments.get(0).contains(":forces:R:3:ref_forces:R:3 ") && comments.get(0).contains(" ref_energy="), comments.get(0));
    }

    /** The input's labels stay beside ours: energy as ref_energy, forces as the column ref_forces, bit for bit. */
    @Test
    void referenceForcesAndEnergyAreKeptBesideOurs() throws IOException {
        Path in = Cli.write(dir.resolve("labelled.extxyz"), """
                2
                Properties=species:S:1:pos:R:3:forces:R:3 energy=-0.012345678901234567 config_type=dimer
                Ar 0 0 0 0.0012345678901234567 -2.5E-4 0.0
                Ar 3.6 0 0 -0.0012345678901234567 2.5E-4 1.0E-17
                1
                Properties=species:S:1:pos:R:3
                Ar 0 0 0
                """);
        Path out = dir.resolve("labelled.eval.extxyz");
        Cli.Result r = Cli.run("eval", "--quiet", "--forcefield", FF, "-o", out.toString(), in.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.get(1).contains("Properties=species:S:1:pos:R:3:forces:R:3:ref_forces:R:3 "), lines.get(1));
        assertTrue(lines.get(1).contains("ref_energy=-0.012345678901234567"), lines.get(1));
        assertTrue(lines.get(1).contains("config_type=dimer"), lines.get(1));
        assertEquals(lj(3.6), energy(lines.get(1)), 1e-15);
        double[] a0 = numbers(lines.get(2)), a1 = numbers(lines.get(3));
        assertEquals(-ljDerivative(3.6), a1[3], 1e-14);  // ours in forces
        assertArrayEquals(new double[] {0.0012345678901234567, -2.5E-4, 0.0}, java.util.Arrays.copyOfRange(a0, 6, 9));
        assertArrayEquals(new double[] {-0.0012345678901234567, 2.5E-4, 1.0E-17}, java.util.Arrays.copyOfRange(a1, 6, 9));
        // a frame without labels gets neither
        assertTrue(lines.get(5).contains("Properties=species:S:1:pos:R:3:forces:R:3 ") && !lines.get(5).contains("ref_energy"), lines.get(5));
    }

    @Test
    void missingForceFieldElementNamesTheFrame() throws IOException {
        Path in = Cli.write(dir.resolve("kr.extxyz"), "2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nKr 4 0 0\n");
        Cli.Result r = Cli.run("eval", "--forcefield", FF, "-o", dir.resolve("o.extxyz").toString(), in.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.message().contains("no parameters for Kr") && r.message().contains("frame 0"), r.err());
    }

    @Test
    void badInlineForceFieldIsLocated() throws IOException {
        Path in = Cli.write(dir.resolve("ar.extxyz"), "1\nProperties=species:S:1:pos:R:3\nAr 0 0 0\n");
        Cli.Result r = Cli.run("eval", "--forcefield", "{type: lenard-jones}", in.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.message().contains("did you mean 'lennard-jones'?"), r.err());
    }

    private static double energy(String comment) {
        Matcher m = Pattern.compile("(?<![a-z_])energy=(\\S+)").matcher(comment);
        assertTrue(m.find(), comment);
        return Double.parseDouble(m.group(1));
    }

    private static double[] numbers(String atomLine) {
        String[] p = atomLine.strip().split("\\s+");
        double[] out = new double[p.length - 1];
        for (int i = 1; i < p.length; i++) out[i - 1] = Double.parseDouble(p[i]);
        return out;
    }

    /** The usage's own inline example runs, and a model file is accepted as the force field it defines. */
    @Test
    void usageExampleAndAModelFileAsForceField() throws IOException {
        String example = "{type: lennard-jones, cutoff: 8.5, species: {Ar: {epsilon: 0.0104, sigma: 3.4}}}";
        assertTrue(new md.engine.cli.EvalCommand().usage().contains("--forcefield '" + example + "'"));
        Path argon = Cli.write(dir.resolve("ar2.extxyz"), "2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nAr 3.8 0 0\n");
        Cli.Result r = Cli.run("eval", "--quiet", "--forcefield", example, "-o", dir.resolve("ar2.eval.extxyz").toString(), argon.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path ethanol = Cli.inputs().resolve("structures/ethanol-rmd17.extxyz");
        Path model = Cli.inputs().resolve("models/ethanol-et.etm");
        Path byFile = dir.resolve("by-file.extxyz"), byYaml = dir.resolve("by-yaml.extxyz");
        r = Cli.run("eval", "--quiet", "--forcefield", model.toString(), "-o", byFile.toString(), ethanol.toString());
        assertEquals(0, r.exitCode(), r.err());
        r = Cli.run("eval", "--quiet", "--forcefield", "{type: learned, model: '" + model + "'}", "-o", byYaml.toString(), ethanol.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Files.readString(byYaml), Files.readString(byFile));
    }
}
