package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forcefield: {type: sum, terms: [...]}} through {@code md run}: each term's energy is a thermo column
 * and they add up to epot_eV; a run resumed from its checkpoint writes byte for byte what an uninterrupted
 * run writes (two Lennard-Jones terms with different cutoffs; flexible water plus Morse bonds detected from
 * the structure, whose topology a resumed run takes from the initial structure).
 */
class SumForceFieldRunTest {
    @TempDir Path dir;

    static final String ARGON = """
            structure: {lattice: fcc, element: Ar, a_A: 5.78, repeat: 3}
            forcefield:
              type: sum
              terms:
                - {type: lennard-jones, cutoff: 8.5, shift: force, species: {Ar: {epsilon: 0.010341, sigma: 3.4}}}
                - {type: lennard-jones, name: short, cutoff: 4.5, shift: force, species: {Ar: {epsilon: 0.002, sigma: 3.0}}}
            velocities: {temperature_K: 120, seed: 11}
            dynamics: {integrator: nose-hoover-chain, timestep_fs: 5, steps: %d, temperature_K: 100}
            output: {directory: out, trajectory: {every: 10, formats: [extxyz, h5]}, thermo: {every: 5}, checkpoint: {every: 15}}
            """;

    static final String WATER = """
            structure: {file: %s}
            forcefield:
              type: sum
              terms:
                - {type: flexible-water, lj: {cutoff: 6.0}, coulomb: {cutoff: 6.0}}
                - {type: morse, bonds: auto, parameters: {O-H: {D: 0.2, alpha: 2.0, r0: 1.0}}}
            velocities: {temperature_K: 300, seed: 3}
            dynamics: {integrator: velocity-verlet, timestep_fs: 0.5, steps: %d}
            output: {directory: out, trajectory: {every: 5}, thermo: {every: 5}, checkpoint: {every: 7}}
            """;

    private Path write(String folder, String template, Object... args) throws IOException {
        Files.createDirectories(dir.resolve(folder));
        return Cli.write(dir.resolve(folder).resolve("input.yaml"), template.formatted(args));
    }

    @Test
    void argonTermEnergiesAreThermoColumnsThatAddUpAndResumeIsBitIdentical() throws IOException {
        Cli.Result r = Cli.run("run", "--quiet", write("whole", ARGON, 40).toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(dir.resolve("whole/out/thermo.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int epot = header.indexOf("epot_eV"), e0 = header.indexOf("E_lennard_jones_eV"), e1 = header.indexOf("E_short_eV");
        assertTrue(epot >= 0 && e0 > header.indexOf("steps_per_s") && e1 == e0 + 1, header.toString());
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split(",");
            double a = Double.parseDouble(v[e0]), b = Double.parseDouble(v[e1]);
            assertTrue(a < 0 && b != 0, line);
            assertEquals(Double.parseDouble(v[epot]), a + b, 0.0, "epot = sum of the terms (added in order): " + line);
        }
        assertEquals(0, Cli.run("run", "--quiet", write("split", ARGON, 20).toString()).exitCode());
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", write("split", ARGON, 40).toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        ResumeTest.assertSameOutputs(dir.resolve("whole/out"), dir.resolve("split/out"));
    }

    @Test
    void waterWithBondsFromTheStructureResumesBitIdentically() throws IOException {
        Path structure = Cli.inputs().resolve("structures/water64.extxyz");
        Cli.Result r = Cli.run("run", "--quiet", write("whole", WATER, structure, 20).toString());
        assertEquals(0, r.exitCode(), r.err());
        String header = Files.readAllLines(dir.resolve("whole/out/thermo.csv")).get(0);
        assertTrue(header.endsWith(",E_flexible_water_eV,E_morse_eV,E_lj_eV,E_coul_eV,E_bond_eV,E_angle_eV"), header);
        assertEquals(0, Cli.run("run", "--quiet", write("split", WATER, structure, 10).toString()).exitCode());
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", write("split", WATER, structure, 20).toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        ResumeTest.assertSameOutputs(dir.resolve("whole/out"), dir.resolve("split/out"));
    }
}
