package md.forcefields.classical;

import java.util.Map;
import java.util.Set;

import md.core.Elements;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;

/** Parsing helpers shared by the classical providers; every failure names the parameter's key path. */
final class ClassicalParameters {
    private ClassicalParameters() {}

    static int element(String key, String symbol) {
        return Elements.atomicNumber(symbol).orElseThrow(() -> new ForceFieldConfigException(key,
                "'" + symbol + "' is not an element symbol (expected e.g. Ar, C, H)"));
    }

    /** "C-H" -> {6, 1}. */
    static int[] elementPair(String key, String pair) {
        String[] parts = pair.split("-");
        if (parts.length != 2) throw new ForceFieldConfigException(key, "'" + pair + "' is not an element pair; expected two symbols joined by '-', e.g. C-H");
        return new int[] {element(key, parts[0]), element(key, parts[1])};
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(String key, Object value, Set<String> allowed) {
        if (!(value instanceof Map<?, ?> m)) throw new ForceFieldConfigException(key, "expected a mapping with keys " + allowed + ", got " + value);
        for (Object k : m.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                String best = ForceFieldSpec.closest(String.valueOf(k), allowed);
                throw new ForceFieldConfigException(key + "." + k, "unknown key '" + k + "'" + (best != null ? "; did you mean '" + best + "'?" : "") + " Allowed: " + allowed);
            }
        }
        return (Map<String, Object>) m;
    }

    static double positive(String key, Map<String, Object> p, String name, boolean zeroAllowed) {
        Object v = p.get(name);
        if (v == null) throw new ForceFieldConfigException(key + "." + name, "missing '" + name + "'");
        if (!(v instanceof Number num)) throw new ForceFieldConfigException(key + "." + name, "expected a number, got '" + v + "'");
        double d = num.doubleValue();
        if (!Double.isFinite(d) || d < 0 || (!zeroAllowed && d == 0))
            throw new ForceFieldConfigException(key + "." + name, "'" + name + "' must be " + (zeroAllowed ? "zero or positive" : "positive") + ", got " + d);
        return d;
    }
}
