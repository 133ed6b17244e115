package md.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
            """, Json.writeNonFiniteAsNull(m));
    }

    @Test
    void strictWriterRefusesNonFiniteAndDoublesReadBackExactly() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", Double.POSITIVE_INFINITY)));
        double x = 0.1 + 0.2, y = -1.2345678901234567e-300;
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) Json.parse(Json.write(Map.of("x", x, "y", List.of(y))));
        assertEquals(x, (Double) back.get("x"));
        assertEquals(y, (Double) ((List<?>) back.get("y")).get(0));
    }
}
