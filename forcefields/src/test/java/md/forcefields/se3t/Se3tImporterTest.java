package md.forcefields.se3t;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import md.core.SharedData;
import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The se3t importer on the reference fixture's config.yaml and weights.npz: the model it builds (found
 * through the family registry), a model file round trip, and errors that name the state_dict key or the
 * configuration key.
 */
class Se3tImporterTest {
    @TempDir Path dir;

    private static Path fixture(String f) { return SharedData.require("se3t-reference/ethanol-basic/" + f); }

    private static Map<String, Object> config() throws IOException {
        try (Reader r = Files.newBufferedReader(fixture("config.yaml"))) {
            return new Yaml().load(r);
        }
    }

    private static LearnedModel importFixture(Map<String, Object> config, Map<String, NpyArray> weights) {
        return ModelFamilies.get(Se3Transformer.FAMILY).importer().fromReference(config, weights);
    }

    @Test
    void importsTheFixtureAndWritesAModelFile() throws IOException {
        LearnedModel m = importFixture(config(), Npz.read(fixture("weights.npz")));
        Se3Transformer a = (Se3Transformer) m.architecture();
        assertEquals(174224, m.parameterCount());
        assertEquals(Double.POSITIVE_INFINITY, a.cutoff(), 0.0);
        assertEquals(Units.KCAL_PER_MOL_TO_EV, a.hyperparameters().energyScale(), 0.0);
        assertEquals("[1, 6, 7, 8]", java.util.Arrays.toString(a.atomicNumbers()));
        Path file = dir.resolve("ethanol.model");
        ModelFile.write(file, m, "test");
        LearnedModel back = ModelFile.read(file);
        assertEquals(md.core.io.Json.write(a.spec()), md.core.io.Json.write(back.architecture().spec()));
        for (String k : m.parameters().keySet()) assertTrue(java.util.Arrays.equals(m.parameters().get(k), back.parameters().get(k)), k);
    }

    @Test
    void errorsNameTheKey() throws IOException {
        Map<String, NpyArray> weights = new LinkedHashMap<>(Npz.read(fixture("weights.npz")));
        String q = "Gblock.3.GMAB.q.transform.1";
        NpyArray removed = weights.remove(q);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> importFixture(config(), weights));
        assertTrue(missing.getMessage().contains("missing key '" + q + "'"), missing.getMessage());
        weights.put(q, new NpyArray(q, "<f8", new int[] {4, 16}, new double[64], null));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> importFixture(config(), weights));
        assertTrue(shape.getMessage().contains(q) && shape.getMessage().contains("[16, 4]"), shape.getMessage());
        weights.put(q, removed);
        weights.put("Gblock.9.extra", removed);
        IllegalArgumentException unused = assertThrows(IllegalArgumentException.class, () -> importFixture(config(), weights));
        assertTrue(unused.getMessage().contains("'Gblock.9.extra' is not used"), unused.getMessage());
        weights.remove("Gblock.9.extra");
        Map<String, Object> c = config();
        c.put("skip", "cat");
        IllegalArgumentException skip = assertThrows(IllegalArgumentException.class, () -> importFixture(c, weights));
        assertTrue(skip.getMessage().contains("skip 'cat'"), skip.getMessage());
        Map<String, Object> c2 = config();
        c2.put("energy_units", "furlongs");
        IllegalArgumentException units = assertThrows(IllegalArgumentException.class, () -> importFixture(c2, weights));
        assertTrue(units.getMessage().contains("energy_units 'furlongs'"), units.getMessage());
    }
}
