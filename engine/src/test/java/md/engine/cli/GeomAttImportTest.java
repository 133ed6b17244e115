package md.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.core.SharedData;
import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;

/**
 * {@code md import geomatt} on the reference fixture (geomatt-reference/ethanol-k234), then the model file through the
 * force-field SPI with the engine's own neighbour list: GeomAtt has no cutoff, so the list (cutoff +∞) holds every
 * pair of the isolated molecule, and energies and forces are the reference's physical ones (kcal/mol → eV).
 */
class GeomAttImportTest {
    @TempDir Path dir;

    private static Path fixture(String file) { return SharedData.require("geomatt-reference/ethanol-k234/" + file); }

    @Test void importsTheReferenceModelAndReproducesItsPhysicalEnergiesAndForces() throws Exception {
        Path out = dir.resolve("ethanol.model");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"import", "geomatt", fixture("config.yaml").toString(), fixture("weights.npz").toString(), "-o", out.toString()},
                new PrintStream(err));
        assertEquals(0, rc, err.toString());
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        int n = frames.get("z").asInts().length;
        double[] eRef = frames.get("E_phys").data();
        double fScale = 0;
        for (double v : frames.get("F_phys").data()) fScale = Math.max(fScale, Math.abs(v) * Units.KCAL_PER_MOL_TO_EV);
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", out.toString()), null))) {
            assertTrue(Double.isInfinite(ff.cutoffAngstrom()));
            VerletNeighborList list = new VerletNeighborList(ff.cutoffAngstrom(), 1.0);
            for (int k = 0; k < eRef.length; k++) {
                int[] z = java.util.Arrays.copyOfRange(frames.get("Z").asInts(), k * n, (k + 1) * n);
                Atoms atoms = new Atoms(z, frames.get("R").slice(k), Cell.NONE);
                list.rebuild(atoms);
                assertEquals(n * (n - 1) / 2, list.list().pairCount(), "frame " + k + ": every pair");
                double[] f = new double[3 * n];
                double e = ff.compute(atoms, list.list(), f, null);
                assertEquals(eRef[k] * Units.KCAL_PER_MOL_TO_EV, e, 1e-12 * Math.abs(e), "frame " + k);
                double[] fr = frames.get("F_phys").slice(k);
                for (int i = 0; i < f.length; i++) assertEquals(fr[i] * Units.KCAL_PER_MOL_TO_EV, f[i], 1e-11 * fScale, "frame " + k + " force " + i);
            }
        }
    }

    @Test void aStateDictEntryWithoutAPlaceIsAnErrorNamingIt() throws Exception {
        Map<String, NpyArray> sd = new java.util.LinkedHashMap<>(Npz.read(fixture("weights.npz")));
        sd.put("geom_att.streams.0.interactions.0.correlator.R.weight", sd.get("geom_att.streams.1.interactions.0.correlator.R.weight"));
        Path weights = dir.resolve("extra.npz");
        md.core.io.NpyWriter.writeNpz(weights, sd);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(new String[] {"import", "geomatt", fixture("config.yaml").toString(), weights.toString(), "-o", dir.resolve("x.model").toString()},
                new PrintStream(err));
        assertTrue(rc != 0 && rc != 1, "a user error, not an internal one: " + err);
        assertTrue(err.toString().contains("'geom_att.streams.0.interactions.0.correlator.R.weight' has no place"), err.toString());
    }

    @Test void anInfiniteCutoffListsEveryPairOfAnIsolatedSystemAndRefusesAPeriodicOne() {
        double[] r = {0, 0, 0, 100, 0, 0, 0, 250, 0, -40, 3, 1000};
        VerletNeighborList list = new VerletNeighborList(Double.POSITIVE_INFINITY, 0.5);
        list.rebuild(new Atoms(new int[] {1, 1, 1, 1}, r, Cell.NONE));
        assertEquals(6, list.list().pairCount());
        Exception e = assertThrows(IllegalArgumentException.class, () -> list.rebuild(new Atoms(new int[] {1, 1, 1, 1}, r, Cell.orthorhombic(2000, 2000, 2000))));
        assertTrue(e.getMessage().contains("needs an isolated system (non-periodic)"), e.getMessage());
    }
}
