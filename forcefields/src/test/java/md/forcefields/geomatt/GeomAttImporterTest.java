package md.forcefields.geomatt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import md.core.Units;
import md.core.io.NpyArray;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code md import geomatt}'s conversion: what it reads from the fixture's config, and its errors on what it cannot place. */
class GeomAttImporterTest {
    @TempDir Path dir;

    @Test
    void readsTheArchitectureAndTheStandardisationFromTheConfig() throws IOException {
        LearnedModel m = GeomAttReference.physical();
        GeomAtt g = (GeomAtt) m.architecture();
        assertArrayEquals(new int[] {1, 3, 6, 8}, g.atomicNumbers(), "H, Li (unused by ethanol), C, O");
        assertEquals(List.of(new GeomAtt.Stream(2, 32, 3, false, true), new GeomAtt.Stream(3, 16, 3, false, true), new GeomAtt.Stream(4, 8, 3, false, true)), g.streams());
        assertEquals(32, g.embeddingFeatures());
        assertEquals(48, g.readoutHidden());
        assertEquals(100, g.gridSize());
        assertEquals(20.0, g.gamma());
        assertEquals(4.11053431987643 * Units.KCAL_PER_MOL_TO_EV, g.energyScale(), 0.0);
        assertEquals(-97076.26335677099 * Units.KCAL_PER_MOL_TO_EV, g.energyShift(), 0.0);
        assertEquals(67665, m.parameterCount(), "the reference's parameter count");
        assertTrue(Double.isInfinite(g.cutoff()));
    }

    @Test
    void aModelFileRoundTripsBitForBit() throws IOException {
        LearnedModel m = GeomAttReference.physical();
        Path file = dir.resolve("ethanol.model");
        ModelFile.write(file, m, "test");
        LearnedModel back = ModelFile.read(file);
        assertEquals(md.core.io.Json.write(m.architecture().spec()), md.core.io.Json.write(back.architecture().spec()), "spec");
        for (String k : m.parameters().keySet()) assertArrayEquals(m.parameters().get(k), back.parameters().get(k), 0.0, k);
    }

    private static void expectError(String fragment, Consumer<Map<String, Object>> editConfig, Consumer<Map<String, NpyArray>> editWeights) throws IOException {
        Map<String, Object> config = GeomAttReference.config();
        Map<String, NpyArray> weights = new LinkedHashMap<>(GeomAttReference.weights());
        editConfig.accept(config);
        editWeights.accept(weights);
        Exception e = assertThrows(IllegalArgumentException.class, () -> GeomAttImporter.fromReference(config, weights));
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stream(Map<String, Object> config, int s) { return ((List<Map<String, Object>>) config.get("streams")).get(s); }

    @Test
    void namesWhatItCannotPlace() throws IOException {
        expectError("unknown option 'cutoff'", c -> c.put("cutoff", 5.0), w -> {});
        expectError("streams[1]: unknown option 'softmax'", c -> stream(c, 1).put("softmax", true), w -> {});
        expectError("streams[2].order = 6 is not supported", c -> stream(c, 2).put("order", 6), w -> {});
        expectError("per-stream grids are not supported", c -> stream(c, 1).put("gamma", 10.0), w -> {});
        expectError("EnergyPredictor.linear = true is not supported", c -> ((Map<String, Object>) c.get("EnergyPredictor")).put("linear", true), w -> {});
        expectError("no 'energy_standardisation", c -> c.remove("_fixture"), w -> {});
        expectError("missing 'geom_att.streams.2.interactions.1.correlator.S.bias'", c -> {}, w -> w.remove("geom_att.streams.2.interactions.1.correlator.S.bias"));
        // shared: the R and S layers of the non-shared stream are left over
        expectError("'geom_att.streams.1.interactions.0.correlator.R.bias' has no place", c -> stream(c, 1).put("shared", true), w -> {});
        // bias: false: the correlator biases are left over
        expectError("'geom_att.streams.0.interactions.0.correlator.Q.bias' has no place", c -> stream(c, 0).put("bias", false), w -> {});
        expectError("'geom_att.streams.0.interactions.0.W.weight' has shape [32, 32], expected [16, 16]", c -> {
            for (int s = 0; s < 3; s++) stream(c, s).put("F_v", 16);
            ((Map<String, Object>) c.get("EnergyPredictor")).put("F", 16);
        }, w -> {
            for (String k : List.of("H", "Li", "C", "O")) w.put(k + "_embeddings", new NpyArray(k, "<f8", new int[] {1, 1, 16}, new double[16], null));
        });
        expectError("atom_types holds 7", c -> ((Map<String, Object>) c.get("EnergyPredictor")).put("atom_types", List.of(6, 7)), w -> {});
    }
}
