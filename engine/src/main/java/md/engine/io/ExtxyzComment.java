package md.engine.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The key=value comment line of extended XYZ, parsed and written the way ASE's {@code ase.io.extxyz}
 * does: values delimited by double or single quotes, braces or brackets; a bare key means {@code T};
 * values become long, double, boolean (T/F), arrays of those, or strings, in that order of preference.
 */
final class ExtxyzComment {
    private ExtxyzComment() {}

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern SPLIT = Pattern.compile("[\\s,]+");

    /** Raw key to raw value text (quotes removed), in order. */
    static Map<String, String> parseRaw(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        List<StringBuilder> current = new ArrayList<>();
        current.add(new StringBuilder());
        char closing = 0;
        boolean escaped = false;
        String s = line.strip();
        for (int p = 0; p < s.length(); p++) {
            char c = s.charAt(p);
            if (escaped) { current.get(current.size() - 1).append(c); escaped = false; }
            else if (c == '\\') escaped = true;
            else if (closing != 0) {
                if (c == closing) closing = 0;
                else current.get(current.size() - 1).append(c);
            } else if (c == '"' || c == '\'' || c == '{' || c == '[') {
                closing = switch (c) { case '{' -> '}'; case '[' -> ']'; default -> c; };
            } else if (Character.isWhitespace(c)) {
                if (current.size() == 1 && current.get(0).isEmpty()) continue;
                if (current.get(current.size() - 1).isEmpty()) continue;
                flush(current, out);
            } else if (c == '=') {
                current.add(new StringBuilder());
            } else current.get(current.size() - 1).append(c);
        }
        if (closing != 0) throw new IllegalArgumentException("unclosed quote or bracket (expected '" + closing + "')");
        flush(current, out);
        return out;
    }

    private static void flush(List<StringBuilder> current, Map<String, String> out) {
        if (!(current.size() == 1 && current.get(0).isEmpty())) {
            String key = current.get(0).toString();
            String value;
            if (current.size() == 1) value = "T";
            else {
                StringBuilder v = new StringBuilder(current.get(1));
                for (int k = 2; k < current.size(); k++) v.append('=').append(current.get(k));
                value = v.toString();
            }
            out.put(key, value);
        }
        current.clear();
        current.add(new StringBuilder());
    }

    /** Whether the comment line of a plain XYZ file looks like extxyz key=value pairs. */
    static boolean looksLikeKeyValues(String line) {
        return line.contains("=");
    }

    /** A raw value as ASE would type it: Long, Double, Boolean, long[], double[], boolean[] or String. */
    static Object typed(String raw) {
        String[] parts = raw.isBlank() ? new String[0] : SPLIT.split(raw.strip());
        if (parts.length == 0) return raw;
        long[] longs = new long[parts.length];
        boolean allLong = true;
        for (int i = 0; i < parts.length && allLong; i++) {
            try { longs[i] = Long.parseLong(parts[i]); } catch (NumberFormatException e) { allLong = false; }
        }
        if (allLong) return parts.length == 1 ? (Object) longs[0] : longs;
        double[] doubles = new double[parts.length];
        boolean allDouble = true;
        for (int i = 0; i < parts.length && allDouble; i++) {
            try { doubles[i] = parseDouble(parts[i]); } catch (NumberFormatException e) { allDouble = false; }
        }
        if (allDouble) return parts.length == 1 ? (Object) doubles[0] : doubles;
        boolean[] bools = new boolean[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("T")) bools[i] = true;
            else if (parts[i].equals("F")) bools[i] = false;
            else return raw;
        }
        return parts.length == 1 ? (Object) bools[0] : bools;
    }

    /** Python float syntax, which Java's parser mostly shares (plus inf/nan spellings). */
    static double parseDouble(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "nan", "+nan", "-nan" -> Double.NaN;
            case "inf", "+inf", "infinity", "+infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> {
                char last = t.isEmpty() ? ' ' : t.charAt(t.length() - 1);
                if (last == 'd' || last == 'f') throw new NumberFormatException(s);  // Java accepts "1d", Python does not
                yield Double.parseDouble(t);
            }
        };
    }

    static boolean isValidKey(String key) { return KEY.matcher(key).matches(); }

    /** A value in the form ASE writes (and reads back to the same type). */
    static String format(Object value) {
        if (value instanceof Boolean b) return b ? "T" : "F";
        if (value instanceof Double || value instanceof Float) return formatDouble(((Number) value).doubleValue());
        if (value instanceof Number n) return n.toString();
        if (value instanceof double[] a) return quote(join(a));
        if (value instanceof float[] a) { double[] d = new double[a.length]; for (int i = 0; i < a.length; i++) d[i] = a[i]; return quote(join(d)); }
        if (value instanceof long[] a) { StringBuilder b = new StringBuilder(); for (long v : a) b.append(b.isEmpty() ? "" : " ").append(v); return quote(b.toString()); }
        if (value instanceof int[] a) { StringBuilder b = new StringBuilder(); for (int v : a) b.append(b.isEmpty() ? "" : " ").append(v); return quote(b.toString()); }
        if (value instanceof boolean[] a) { StringBuilder b = new StringBuilder(); for (boolean v : a) b.append(b.isEmpty() ? "" : " ").append(v ? 'T' : 'F'); return quote(b.toString()); }
        String s = String.valueOf(value);
        return s.isEmpty() || s.chars().anyMatch(c -> Character.isWhitespace(c) || c == '=' || c == '"' || c == '\'' || c == '{' || c == '[' || c == '\\') ? quote(s) : s;
    }

    private static String join(double[] a) {
        StringBuilder b = new StringBuilder();
        for (double v : a) b.append(b.isEmpty() ? "" : " ").append(formatDouble(v));
        return b.toString();
    }

    private static String quote(String s) { return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"'; }

    /** Shortest text that reads back to the same double (Java's repr), in Python-readable spelling. */
    static String formatDouble(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return Double.toString(v);
    }
}
