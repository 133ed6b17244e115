package md.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.io.Json;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFile;

/** {@code md check equivariance} end to end on small random models written to a temporary folder. */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class EquivarianceCheckCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run md(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A small model of the family with md train's initial weights, species H, C, O. */
    private Path model(String family, Map<String, Object> options) throws IOException {
        LearnedModel m = ModelFamilies.get(family).training().initial(new ForceFieldSpec(family, options, null),
                new DatasetStatistics(new int[] {1, 6, 8}, 6.0, new double[] {-13.6, -1029.0, -2041.0}, 1.0), 1);
        Path file = dir.resolve(family + ".zip");
        ModelFile.write(file, m, "test");
        return file;
    }

    private Path nequip() throws IOException {
        return model("nequip", Map.of("l_max", 1, "num_features", 4, "num_layers", 2, "num_basis", 4, "invariant_neurons", 8));
    }

    @Test
    void aNequipModelPassesWithATableOfItsLayers() throws IOException {
        Run r = md("check", "equivariance", "--model", nequip().toString(), "--rotations=2");
        assertEquals(0, r.code(), r.err());
        for (String row : List.of("chemical_embedding", "layer0.out", "layer1.out", "atomic_energy_raw", "energy", "forces"))
            assertTrue(r.out().contains("\n" + row + " "), row + " missing from:\n" + r.out());
        assertTrue(r.out().contains("built-in ethanol"), r.out());
        assertTrue(r.out().contains("PASS"), r.out());
        assertFalse(r.out().contains("FAIL"), r.out());
    }

    private Path se3t() throws IOException {
        return model("se3-transformer", Map.of("num_layers", 2, "n_heads", 1, "num_channels", 2, "max_degree", 1, "radial_mlp", Map.of("hidden", 4)));
    }

    @Test
    void theSe3TransformerIsReportedNotFailedUnderReflections() throws IOException {
        Path m = se3t();
        Path json = dir.resolve("out/eq.json");
        Run r = md("check", "equivariance", "--model", m.toString(), "--rotations", "2", "--reflections", "--json", json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("max (mirror)") && r.out().contains("direct_forces"), r.out());
        assertTrue(r.out().contains("not E(3)-equivariant, only SE(3)"), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) Json.parse(Files.readString(json));
        assertEquals(true, doc.get("pass"));
        assertEquals("se3-transformer", doc.get("family"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> layers = (List<Map<String, Object>>) doc.get("layers");
        // the last layer's type-0 output is the per-atom energy before the per-species shifts
        Map<String, Object> energy = layers.stream().filter(l -> l.get("name").equals("layer1.type0")).findFirst().orElseThrow();
        assertTrue(((Number) energy.get("mirror_max")).doubleValue() > 1e-6, energy.toString());
        assertTrue(((Number) energy.get("max")).doubleValue() < 1e-12, energy.toString());
    }

    @Test
    void aThresholdBelowRoundOffFailsWithExitCodeOne() throws IOException {
        Run r = md("check", "equivariance", "--model", nequip().toString(), "--rotations", "1", "--threshold", "1e-300");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.out().contains("FAIL"), r.out());
    }

    @Test
    void theFirstFrameOfAStructureFileIsUsed() throws IOException {
        Path xyz = dir.resolve("water.extxyz");
        String frame = "3\nProperties=species:S:1:pos:R:3 pbc=\"F F F\"\nO 0 0 0\nH 0.757 0.586 0.1\nH -0.757 0.586 -0.1\n";
        Files.writeString(xyz, frame + frame.replace("0.757 0.586", "0.8 0.6"));
        Run r = md("check", "equivariance", "--model", nequip().toString(), "--structure", xyz.toString(), "--rotations", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("frame 0 (3 atoms)"), r.out());
    }

    @Test
    void badInputIsAnErrorNamingTheOption() throws IOException {
        String m = nequip().toString();
        Path argon = dir.resolve("argon.extxyz");
        Files.writeString(argon, "1\nProperties=species:S:1:pos:R:3\nAr 0 0 0\n");
        Path periodic = dir.resolve("periodic.extxyz");
        Files.writeString(periodic, "2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nO 0 0 0\nH 0.9 0.3 0\n");
        Object[][] cases = {
            {new String[] {"check", "equivariance"}, "--model"},
            {new String[] {"check", "equivariance", "--model", dir.resolve("none.zip").toString()}, "--model"},
            {new String[] {"check", "equivariance", "--model", m, "--rotations", "0"}, "--rotations"},
            {new String[] {"check", "equivariance", "--model", m, "--rotations=two"}, "--rotations"},
            {new String[] {"check", "equivariance", "--model", m, "--threshold", "-1"}, "--threshold"},
            {new String[] {"check", "equivariance", "--model", m, "--seed", "x"}, "--seed"},
            {new String[] {"check", "equivariance", "--model", m, "--bogus"}, "--bogus"},
            {new String[] {"check", "equivariance", "--model", m, "--structure", argon.toString()}, "--structure"},
            {new String[] {"check", "equivariance", "--model"}, "--model"},
            {new String[] {"check", "equivariance", "--model", se3t().toString(), "--structure", periodic.toString()}, "no cutoff"},
            {new String[] {"check"}, "equivariance"},
            {new String[] {"check", "symmetry"}, "unknown check"},
        };
        for (Object[] c : cases) {
            Run r = md((String[]) c[0]);
            String cmd = String.join(" ", (String[]) c[0]);
            assertEquals(2, r.code(), cmd + ": " + r.err());
            assertTrue(r.err().contains((String) c[1]), cmd + ": error should name " + c[1] + ": " + r.err());
            assertFalse(r.err().contains("\tat "), cmd + ": no stack trace: " + r.err());
        }
    }

    @Test
    void helpDescribesTheCheck() {
        Run r = md("check", "equivariance", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--reflections") && r.out().contains("Δ_EQ"), r.out());
        Run top = md("check", "--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("equivariance"), top.out());
    }
}
