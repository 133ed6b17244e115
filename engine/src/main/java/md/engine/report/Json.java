package md.engine.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and nulls as indented JSON. Non-finite numbers, which
 * JSON cannot hold, become {@code null}.
 */
public final class Json {
    private Json() {}

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Number n -> {
                double d = n.doubleValue();
                sb.append(Double.isFinite(d) ? number(d) : "null");
            }
            case Map<?, ?> m -> {
                if (m.isEmpty()) { sb.append("{}"); return; }
                sb.append("{\n");
                int k = 0;
                for (var e : m.entrySet()) {
                    pad(sb, indent + 1);
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(": ");
                    write(sb, e.getValue(), indent + 1);
                    sb.append(++k < m.size() ? ",\n" : "\n");
                }
                pad(sb, indent);
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(", ");
                    write(sb, l.get(i), indent + 1);
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("cannot write " + v.getClass() + " as JSON");
        }
    }

    /** Shortest representation that reads back to the same double. */
    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.format(Locale.ROOT, "%.1f", d);
        return Double.toString(d).replace("E", "e");
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    private static void pad(StringBuilder sb, int indent) {
        sb.append("  ".repeat(indent));
    }
}
