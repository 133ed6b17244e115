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
 * inputs/water-spcfw.yaml (64 SPC/Fw molecules, DSF Coulomb, Nosé–Hoover chain) for 200 of its steps: it runs,
 * thermo.csv has the water model's energy terms summing to epot, the chain's conserved quantity holds, and a run
 * stopped at step 120 and resumed (molecules from the initial structure) ends bit-identical to the whole run.
 */
class WaterExampleRunTest {
    @TempDir Path dir;

    Path run(String name, long steps, boolean resume) throws IOException {
        String yaml = Files.readString(Cli.inputs().resolve("water-spcfw.yaml"))
                .replace("file: structures/water64.extxyz", "file: " + Cli.inputs().resolve("structures/water64.extxyz").toAbsolutePath())
                .replaceAll("steps: 20000 .*", "steps: " + steps)
                .replace("directory: ../out/water-spcfw", "directory: out")
                .replace("checkpoint: {every: 2000}", "checkpoint: {every: 40}")
                .replace("trajectory: {every: 20,", "trajectory: {every: 40,");
        Path input = Cli.write(dir.resolve(name).resolve("input.yaml"), yaml);
        Cli.Result r = resume ? Cli.run("run", "--quiet", "--resume", input.toString()) : Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        return dir.resolve(name).resolve("out");
    }

    @Test void runsWithTermColumnsAndResumesBitIdentically() throws IOException {
        Path whole = run("whole", 200, false);
        List<String> lines = Files.readAllLines(whole.resolve("thermo.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        for (String c : List.of("E_lj_eV", "E_coul_eV", "E_bond_eV", "E_angle_eV")) assertTrue(header.contains(c), "thermo column " + c + " in " + header);
        double first = Double.NaN, worst = 0, epotMin = Double.MAX_VALUE, epotMax = -Double.MAX_VALUE;
        for (String line : lines.subList(1, lines.size())) {
            String[] t = line.split(",");
            double epot = Double.parseDouble(t[header.indexOf("epot_eV")]);
            double sum = 0;
            for (String c : List.of("E_lj_eV", "E_coul_eV", "E_bond_eV", "E_angle_eV")) sum += Double.parseDouble(t[header.indexOf(c)]);
            assertEquals(epot, sum, 1e-9 * Math.max(1, Math.abs(epot)), "terms sum to epot");
            epotMin = Math.min(epotMin, epot);
            epotMax = Math.max(epotMax, epot);
            double conserved = Double.parseDouble(t[header.indexOf("conserved_eV")]);
            if (Double.isNaN(first)) first = conserved;
            worst = Math.max(worst, Math.abs(conserved - first));
        }
        // the lattice start releases potential energy fast (the thermostat takes it out); the conserved quantity
        // moves by a small fraction of that
        System.out.printf("water example: conserved quantity within %.4f eV while epot spans %.3f eV%n", worst, epotMax - epotMin);
        assertTrue(worst < 0.02 * (epotMax - epotMin), "Nosé–Hoover chain conserved quantity moved " + worst + " eV, epot spans " + (epotMax - epotMin) + " eV");

        run("split", 120, false);
        Path split = run("split", 200, true);
        ResumeTest.assertSameOutputs(whole, split);
    }
}
