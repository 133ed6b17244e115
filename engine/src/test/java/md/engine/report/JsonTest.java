package md.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedValuesEscapesStringsAndNullsNonFiniteNumbers() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", 0.125);
        m.put("c", Double.NaN);
        m.put("d", List.of(1.0, 2.5e-7));
        m.put("e", "x\"y\\z\n");
        m.put("f", null);
        m.put("g", Map.of());
        m.put("h", true);
        assertEquals("""
            {
              "a": 1,
              "b": 0.125,
              "c": null,
              "d": [1.0, 2.5e-7],
              "e": "x\\"y\\\\z\\n",
              "f": null,
              "g": {},
              "h": true
            }
            """, Json.write(m));
    }
}
