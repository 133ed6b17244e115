package md.forcefields.ml;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Reads a model spec (JSON values) with errors that name the family and the key. */
public final class SpecReader {
    private final String family;
    private final Map<String, Object> spec;

    public SpecReader(String family, Map<String, Object> spec) {
        this.family = family;
        this.spec = spec;
    }

    private Object require(String key) {
        Object v = spec.get(key);
        if (v == null) throw new IllegalArgumentException(family + " model spec: missing key '" + key + "'");
        return v;
    }

    private IllegalArgumentException bad(String key, String expected, Object got) {
        return new IllegalArgumentException(family + " model spec: '" + key + "' must be " + expected + ", got " + got);
    }

    public double number(String key) {
        if (require(key) instanceof Number n) return n.doubleValue();
        throw bad(key, "a number", spec.get(key));
    }

    public int integer(String key) {
        double d = number(key);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw bad(key, "a whole number", spec.get(key));
        return (int) d;
    }

    public boolean bool(String key) {
        if (require(key) instanceof Boolean b) return b;
        throw bad(key, "true or false", spec.get(key));
    }

    public String string(String key) {
        if (require(key) instanceof String s) return s;
        throw bad(key, "a string", spec.get(key));
    }

    public int[] ints(String key) {
        Object v = require(key);
        if (v instanceof int[] a) return a.clone();
        if (v instanceof List<?> l) {
            int[] a = new int[l.size()];
            for (int i = 0; i < a.length; i++) {
                if (!(l.get(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) throw bad(key, "a list of whole numbers", v);
                a[i] = n.intValue();
            }
            return a;
        }
        throw bad(key, "a list of whole numbers", v);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String key) {
        if (require(key) instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw bad(key, "a mapping", spec.get(key));
    }

    /** A string entry of a nested mapping. */
    public static String string(Map<String, Object> m, String key, String parent) {
        if (m.get(key) instanceof String s) return s;
        throw new IllegalArgumentException("model spec: '" + parent + "." + key + "' must be a string, got " + m.get(key));
    }

    /** Fails naming the first key not in {@code known}. */
    public void rejectUnknown(Collection<String> known) {
        for (String k : new TreeSet<>(spec.keySet()))
            if (!known.contains(k)) throw new IllegalArgumentException(family + " model spec: unknown key '" + k + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
    }
}
