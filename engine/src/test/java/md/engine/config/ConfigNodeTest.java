package md.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import md.engine.cli.UserError;

class ConfigNodeTest {
    private static ConfigNode parse(String yaml) { return ConfigNode.parse(Path.of("in.yaml"), yaml); }

    @Test
    void numbersAsUsersWriteThem() {
        ConfigNode n = parse("a: 1e-3\nb: 2\nc: -0.5\nd: 1.5E+2\ne: '3'\n");
        assertEquals(1e-3, n.get("a").asDouble("x"));  // YAML 1.1 calls this text; it is a number to users
        assertEquals(2.0, n.get("b").asDouble("x"));
        assertEquals(-0.5, n.get("c").asDouble("x"));
        assertEquals(150.0, n.get("d").asDouble("x"));
        UserError quoted = assertThrows(UserError.class, () -> n.get("e").asDouble("a number"));
        assertTrue(quoted.getMessage().contains("in.yaml, line 5, key 'e': expected a number, got the text '3'"), quoted.getMessage());
        assertThrows(UserError.class, () -> n.get("a").asLong("an integer"));
    }

    @Test
    void plainValuesForForceFieldsKeepTheLineOfEveryKey() {
        ConfigNode n = parse("type: x\nspecies:\n  Ar: {epsilon: 1, sigma: 3.4}\nbonds: [[0, 1], [1, 2]]\nbig: 12345678901\n");
        Map<String, Integer> marks = new HashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) n.toPlain(marks);
        assertEquals(Map.of("epsilon", 1, "sigma", 3.4), ((Map<?, ?>) plain.get("species")).get("Ar"));
        assertEquals(List.of(List.of(0, 1), List.of(1, 2)), plain.get("bonds"));
        assertEquals(12345678901L, plain.get("big"));
        assertEquals(3, marks.get("species.Ar.sigma"));
        UserError e = n.errorAt("species.Ar.sigma", marks, "must be positive");
        assertEquals("in.yaml, line 3, key 'species.Ar.sigma': must be positive", e.getMessage());
        assertEquals("in.yaml, line 4, key 'bonds[1][0]': bad", n.errorAt("bonds[1][0]", marks, "bad").getMessage());
    }
}
