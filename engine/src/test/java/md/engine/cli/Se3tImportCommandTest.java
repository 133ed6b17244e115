package md.engine.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;

/**
 * {@code md import se3t} on the SE(3)-Transformer reference fixture (ethanol-basic), then the model file
 * through the force-field SPI ({@code type: learned}) with the engine's neighbour lists: the graph is
 * fully connected (cutoff +∞), so the Verlet list holds every pair; energies and conservative forces are
 * the fixture's, converted from kcal/mol (the importer's default unit) to eV; an md run of 200 NVE steps
 * conserves the energy.
 */
class Se3tImportCommandTest {

    @TempDir Path dir;

    static Path fixture(String file) {
        String prop = System.getProperty("md.shared.data");
        Path p = (prop != null ? Path.of(prop) : Path.of("../shared/data")).resolve("se3t-reference/ethanol-basic/" + file);
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared data not available: " + p);
        return p;
    }

    private Path importModel() {
        Path out = dir.resolve("ethanol-se3t.model");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"import", "se3t", fixture("config.yaml").toString(), fixture("weights.npz").toString(), "-o", out.toString()},
                new PrintStream(err));
        assertEquals(0, rc, err.toString());
        return out;
    }

    @Test void importsTheReferenceModelAndReproducesItsEnergiesAndForces() throws Exception {
        Path model = importModel();
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        int[] z = frames.get("z").asInts();
        double kcal = Units.KCAL_PER_MOL_TO_EV;
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", model.toString()), null))) {
            assertEquals(Double.POSITIVE_INFINITY, ff.cutoffAngstrom(), 0.0);
            for (int k = 0; k < 10; k++) { // frames 10 and 11 are on a radius graph (another model: cutoff 3 Å)
                Atoms atoms = new Atoms(z, frames.get("R").slice(k), Cell.NONE);
                double[] f = new double[3 * z.length];
                double e = ff.compute(atoms, VerletNeighborList.pairsWithin(atoms, ff.cutoffAngstrom()), f, null);
                assertEquals(frames.get("E").data()[k] * kcal, e, 1e-12, "frame " + k);
                double[] fr = frames.get("F_cons").slice(k);
                for (int i = 0; i < f.length; i++) assertEquals(fr[i] * kcal, f[i], 1e-12, "frame " + k + " force " + i);
            }
        }
    }

    @Test void refusesAPeriodicCellForAFullyConnectedModel() throws Exception {
        Path model = importModel();
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        Atoms periodic = new Atoms(frames.get("z").asInts(), frames.get("R").slice(0), Cell.orthorhombic(20, 20, 20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerletNeighborList.pairsWithin(periodic, Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("non-periodic"), e.getMessage());
        assertNotNull(model);
    }

    @Test void runsNveWithTheFullyConnectedModel() throws Exception {
        Path model = importModel();
        Path input = dir.resolve("run.yaml");
        Files.writeString(input, String.join("\n", List.of(
                "structure:",
                "  file: " + Path.of("../inputs/structures/ethanol-rmd17.extxyz").toAbsolutePath(),
                "forcefield:",
                "  type: learned",
                "  model: " + model,
                "velocities: {temperature_K: 300, seed: 5, remove_com: true, remove_rotation: true}",
                "dynamics: {integrator: velocity-verlet, timestep_fs: 0.25, steps: 200}",
                "output:",
                "  directory: " + dir.resolve("out"),
                "  thermo: {every: 10}",
                "")));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"run", "--quiet", input.toString()}, new PrintStream(err));
        assertEquals(0, rc, err.toString());
        // etot_eV (column 4) of thermo.csv: Velocity Verlet on the conservative forces conserves it
        List<String> lines = Files.readAllLines(dir.resolve("out/thermo.csv"));
        assertTrue(lines.get(0).startsWith("step,time_ps,epot_eV,ekin_eV,etot_eV"), lines.get(0));
        double first = Double.parseDouble(lines.get(1).split(",")[4]), drift = 0, ekin = 0;
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",");
            drift = Math.max(drift, Math.abs(Double.parseDouble(c[4]) - first));
            ekin = Math.max(ekin, Double.parseDouble(c[3]));
        }
        System.out.printf("se3t NVE, 200 steps of 0.25 fs: max |etot - etot(0)| %.2e eV (max ekin %.3f eV)%n", drift, ekin);
        assertEquals(21, lines.size() - 1);
        assertTrue(ekin > 0.1 && drift < 1e-3 * ekin, "energy drift " + drift + " eV");
    }
}
