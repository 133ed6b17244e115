package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GeomAtt model (the reference fixture, imported with {@code md import geomatt}) in {@code md run}: a model
 * without a cutoff runs an isolated molecule with the engine's neighbour list holding every pair (cutoff +∞),
 * conserving the total energy in NVE; in a periodic cell it is refused before the run with an error that says why.
 */
class GeomAttRunTest {
    @TempDir Path dir;

    private Path importFixture() {
        Path fixture = NequipEnergyConservationTest.shared("geomatt-reference/ethanol-k234");
        Path model = dir.resolve("ethanol.model");
        Cli.Result r = Cli.run("import", "geomatt", fixture.resolve("config.yaml").toString(), fixture.resolve("weights.npz").toString(),
                "-o", model.toString());
        assertEquals(0, r.exitCode(), r.err());
        return model;
    }

    @Test
    void anIsolatedMoleculeRunsInNveAndConservesEnergy() throws IOException {
        Path model = importFixture(), ethanol = NequipEnergyConservationTest.shared("rmd17/rmd17_ethanol_test_01.npz");
        Path input = Cli.write(dir.resolve("nve.yaml"), """
                structure: {file: %s, frame: 0}
                forcefield: {type: learned, model: %s}
                velocities: {temperature_K: 300, seed: 1}
                dynamics: {integrator: velocity-verlet, timestep_fs: 0.5, steps: 400}
                output: {directory: out, trajectory: {every: 0}, thermo: {every: 4}, checkpoint: {every: 0}}
                """.formatted(ethanol, model));
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
        Thermo t = Thermo.read(dir.resolve("out/thermo.csv"));
        double[] fd = EnergyConservationTest.fluctuationAndDrift(t.column("time_ps"), t.column("etot_eV"));
        double[] epot = t.column("epot_eV");
        double epotRange = 0;
        for (double v : epot) epotRange = Math.max(epotRange, Math.abs(v - epot[0]));
        System.out.printf(Locale.ROOT, "GeomAtt fixture NVE 0.2 ps: sigma(Etot) %.3g eV, drift %.3g eV, potential energy range %.3g eV%n", fd[0], fd[1], epotRange);
        assertTrue(epotRange > 0, "the potential energy changes along the run");
        assertTrue(fd[0] < 1e-3 * Math.max(epotRange, 1e-3) + 1e-9 && Math.abs(fd[1]) < 1e-6, "total energy not conserved: sigma " + fd[0] + ", drift " + fd[1]);
    }

    @Test
    void aPeriodicCellIsRefusedBecauseEveryPairInteracts() throws IOException {
        Path model = importFixture();
        Cli.write(dir.resolve("box.extxyz"), """
                3
                Lattice="12 0 0 0 12 0 0 0 12" Properties=species:S:1:pos:R:3 pbc="T T T"
                O 0.0 0.0 0.0
                H 0.96 0.0 0.0
                H -0.24 0.93 0.0
                """);
        Path input = Cli.write(dir.resolve("box.yaml"), """
                structure: {file: box.extxyz}
                forcefield: {type: learned, model: %s}
                dynamics: {integrator: velocity-verlet, timestep_fs: 0.5, steps: 10}
                output: {directory: box, trajectory: {every: 0}, thermo: {every: 1}, checkpoint: {every: 0}}
                """.formatted(model));
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertTrue(r.exitCode() != 0 && r.exitCode() != 1, "a user error, not a crash: " + r.err());
        assertTrue(r.message().contains("has no cutoff") && r.message().contains("isolated"), r.message());
    }
}
