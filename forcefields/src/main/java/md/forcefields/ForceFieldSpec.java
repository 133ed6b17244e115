package md.forcefields;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of a {@code forcefield} section as plain values (the engine parses YAML; this module
 * never sees it), plus the directory relative paths are resolved against. Accessors throw
 * {@link ForceFieldConfigException} naming the key and what was expected.
 */
public record ForceFieldSpec(String type, Map<String, Object> params, Path baseDirectory) {

    public boolean has(String key) { return params.containsKey(key); }

    public double getDouble(String key, double defaultValue) {
        return has(key) ? requireDouble(key) : defaultValue;
    }

    public double requireDouble(String key) {
        Object v = require(key);
        if (v instanceof Number n) return n.doubleValue();
        throw new ForceFieldConfigException(key, "expected a number, got " + describe(v));
    }

    public int getInt(String key, int defaultValue) {
        if (!has(key)) return defaultValue;
        Object v = params.get(key);
        if (v instanceof Integer || v instanceof Long) return ((Number) v).intValue();
        throw new ForceFieldConfigException(key, "expected an integer, got " + describe(v));
    }

    /** An integer of at least {@code min}; the error says {@code expected} (e.g. "a number of layers"). */
    public int getIntAtLeast(String key, int defaultValue, int min, String expected) {
        int v = getInt(key, defaultValue);
        if (v < min) throw new ForceFieldConfigException(key, "expected " + expected + " (a whole number >= " + min + "), got " + v);
        return v;
    }

    /** A positive, finite number; the error says {@code expected} (e.g. "the cutoff radius in Å"). */
    public double getPositive(String key, double defaultValue, String expected) {
        double v = getDouble(key, defaultValue);
        if (!(v > 0) || !Double.isFinite(v)) throw new ForceFieldConfigException(key, "expected " + expected + " (a positive number), got " + v);
        return v;
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        if (!has(key)) return defaultValue;
        Object v = params.get(key);
        if (v instanceof Boolean b) return b;
        throw new ForceFieldConfigException(key, "expected true or false, got " + describe(v));
    }

    public String getString(String key, String defaultValue) {
        if (!has(key)) return defaultValue;
        Object v = params.get(key);
        if (v instanceof String s) return s;
        throw new ForceFieldConfigException(key, "expected a string, got " + describe(v));
    }

    /** A file parameter resolved against the input file's directory; must exist. */
    public Path requireFile(String key) {
        Object v = require(key);
        if (!(v instanceof String s)) throw new ForceFieldConfigException(key, "expected a file path, got " + describe(v));
        Path p = baseDirectory == null ? Path.of(s) : baseDirectory.resolve(s);
        if (java.nio.file.Files.isDirectory(p)) throw new ForceFieldConfigException(key, p + " is a folder, expected a file");
        if (!java.nio.file.Files.isRegularFile(p)) throw new ForceFieldConfigException(key, "file not found: " + p);
        return p;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> getMap(String key) {
        Object v = require(key);
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new ForceFieldConfigException(key, "expected a mapping, got " + describe(v));
    }

    public List<?> getList(String key) {
        Object v = require(key);
        if (v instanceof List<?> l) return l;
        throw new ForceFieldConfigException(key, "expected a list, got " + describe(v));
    }

    /** Fails on any key not in {@code allowed}, suggesting the closest allowed one. */
    public void rejectUnknownKeys(Set<String> allowed) {
        for (String k : params.keySet()) {
            if (!allowed.contains(k)) {
                String best = closest(k, allowed);
                throw new ForceFieldConfigException(k, "unknown key '" + k + "' for force field '" + type + "'"
                        + (best != null ? "; did you mean '" + best + "'?" : ".") + " Allowed keys: " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private Object require(String key) {
        if (!params.containsKey(key)) throw new ForceFieldConfigException(key, "missing required key '" + key + "' for force field '" + type + "'");
        return params.get(key);
    }

    static String describe(Object v) {
        return v == null ? "nothing (null)" : v.getClass().getSimpleName().toLowerCase() + " '" + v + "'";
    }

    /** Closest candidate by edit distance, if it is plausibly a typo. */
    public static String closest(String key, java.util.Collection<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(key.toLowerCase(), c.toLowerCase());
            if (d < bestD) { bestD = d; best = c; }
        }
        return best != null && bestD <= Math.max(2, key.length() / 3) ? best : null;
    }

    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
