package md.engine.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import md.engine.cli.UserError;
import md.forcefields.ForceFieldSpec;

/**
 * One value of a YAML input with where it came from (file, dotted key path, line), so that every
 * validation error can name file, key and line. Typed accessors throw {@link UserError} with a
 * one-paragraph message saying what was expected and what was found.
 */
public final class ConfigNode {
    private final Path file;
    private final String path;       // dotted key path from the document root, "" for the root
    private final Node node;         // null when the key is present with no value
    private final Mark keyMark;      // where the key was written (better line for messages than the value)

    private ConfigNode(Path file, String path, Node node, Mark keyMark) {
        this.file = file;
        this.path = path;
        this.node = node;
        this.keyMark = keyMark;
    }

    /** Parses a YAML file into its root node; the root must be a mapping. */
    public static ConfigNode parse(Path file) {
        String text;
        if (Files.isDirectory(file)) throw new UserError("input file " + file + " is a folder, expected a file: the path of a YAML input file.");
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("input file " + file + " does not exist; expected the path of a YAML input file.");
        } catch (MalformedInputException e) {
            throw new UserError("input file " + file + ": " + InputFiles.encodingProblem(file) + "; expected a YAML input file.");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new md.engine.cli.IoFailure("cannot read input file " + file + ": " + md.engine.cli.IoFailure.reason(e), e);
        } catch (IOException e) {
            throw new UserError("cannot read input file " + file + ": " + e.getMessage());
        }
        return parse(file, text);
    }

    /** Parses YAML text; {@code file} names the source in messages (and anchors relative paths). */
    public static ConfigNode parse(Path file, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        // nequip's configurations write optimizer_betas as a !!python/tuple (a list to us); other global tags stay errors
        options.setTagInspector(tag -> tag.getValue().equals("tag:yaml.org,2002:python/tuple"));
        Node root;
        try (Reader reader = new java.io.StringReader(text)) {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new UserError(file + (m != null ? ", line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) : "")
                    + ": not valid YAML: " + oneLine(e.getProblem() != null ? e.getProblem() : e.getMessage())
                    + ". Expected 'key: value' lines, nested sections indented by spaces (no tabs).");
        } catch (YAMLException | IOException e) {
            throw new UserError(file + ": not valid YAML: " + oneLine(e.getMessage()));
        }
        ConfigNode n = new ConfigNode(file, "", root, root == null ? null : root.getStartMark());
        if (root == null) throw new UserError(file + ": the input is empty; expected a YAML mapping with sections such as structure, forcefield, dynamics.");
        if (!(root instanceof MappingNode)) throw n.error("expected a mapping of sections (key: value lines) at the top level, got " + n.describe());
        n.checkDuplicateKeys();
        return n;
    }

    // ---------------------------------------------------------------- assembled configurations

    /**
     * A mapping assembled from other nodes: each value keeps its own YAML node and the line its key was
     * written on, so that a configuration translated from another program's format (nequip's, see
     * md.engine.train.NequipTrainConfig) reports mistakes at the user's lines. Values are
     * {@link ConfigNode}s or nested {@code Map<String, Object>} of the same kind (non-empty).
     */
    public static ConfigNode assemble(Path file, Map<String, Object> entries) {
        Node n = assembled(file, entries);
        return new ConfigNode(file, "", n, n.getStartMark());
    }

    private static Node assembled(Path file, Map<String, Object> entries) {
        List<NodeTuple> tuples = new ArrayList<>();
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            Node value;
            Mark at;
            if (e.getValue() instanceof ConfigNode c) {
                value = c.node != null ? c.node : new ScalarNode(Tag.NULL, "null", c.keyMark, c.keyMark, DumperOptions.ScalarStyle.PLAIN);
                at = c.keyMark;
            } else if (e.getValue() instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked") Map<String, Object> sub = (Map<String, Object>) m;
                value = assembled(file, sub);
                at = value.getStartMark();
            } else {
                throw new IllegalArgumentException("entry " + e.getKey() + ": expected a ConfigNode or a Map, got " + e.getValue());
            }
            tuples.add(new NodeTuple(new ScalarNode(Tag.STR, e.getKey(), at, at, DumperOptions.ScalarStyle.PLAIN), value));
        }
        Mark first = tuples.isEmpty() ? null : tuples.get(0).getKeyNode().getStartMark();
        return new MappingNode(Tag.MAP, true, tuples, first, first, DumperOptions.FlowStyle.BLOCK);
    }

    /**
     * A value computed from this node's (a number, text, boolean or null), located at this node's line:
     * e.g. a translated setting whose mistakes should point at the key it came from.
     */
    public ConfigNode derived(Object value) {
        Node n;
        if (value == null) n = new ScalarNode(Tag.NULL, "null", keyMark, keyMark, DumperOptions.ScalarStyle.PLAIN);
        else if (value instanceof Integer || value instanceof Long) n = new ScalarNode(Tag.INT, value.toString(), keyMark, keyMark, DumperOptions.ScalarStyle.PLAIN);
        else if (value instanceof Number num) n = new ScalarNode(Tag.FLOAT, Double.toString(num.doubleValue()), keyMark, keyMark, DumperOptions.ScalarStyle.PLAIN);
        else if (value instanceof Boolean b) n = new ScalarNode(Tag.BOOL, b.toString(), keyMark, keyMark, DumperOptions.ScalarStyle.PLAIN);
        else if (value instanceof List<?> list) {
            List<Node> items = new ArrayList<>();
            for (Object o : list) items.add(derived(o).node);
            n = new org.yaml.snakeyaml.nodes.SequenceNode(Tag.SEQ, true, items, keyMark, keyMark, DumperOptions.FlowStyle.FLOW);
        } else n = new ScalarNode(Tag.STR, value.toString(), keyMark, keyMark, DumperOptions.ScalarStyle.DOUBLE_QUOTED);
        return new ConfigNode(file, path, n, keyMark);
    }

    public Path file() { return file; }
    /** Dotted key path, e.g. "dynamics.timestep_fs" ("" for the root). */
    public String path() { return path; }
    /** 1-based line of the key (or value for list items); 0 when unknown. */
    public int line() { return keyMark == null ? 0 : keyMark.getLine() + 1; }

    /** The directory relative paths in this file are resolved against. */
    public Path baseDirectory() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    // ---------------------------------------------------------------- mappings

    public boolean isMapping() { return node instanceof MappingNode; }
    public boolean isSequence() { return node instanceof SequenceNode; }
    public boolean isNull() { return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL)); }

    /** Keys of a mapping in document order. */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        for (NodeTuple t : mapping().getValue()) out.add(keyText(t));
        return out;
    }

    public boolean has(String key) { return find(key) != null; }

    /** The child under {@code key}, or null when absent. */
    public ConfigNode get(String key) {
        NodeTuple t = find(key);
        return t == null ? null : new ConfigNode(file, child(key), t.getValueNode(), t.getKeyNode().getStartMark());
    }

    public ConfigNode require(String key, String expected) {
        ConfigNode c = get(key);
        if (c == null) throw error("missing key '" + child(key) + "'; expected " + expected);
        return c;
    }

    /** A mapping section that may be absent (then an empty mapping placeholder is returned as null). */
    public ConfigNode section(String key) {
        ConfigNode c = get(key);
        if (c != null && !c.isMapping()) throw c.error("expected a mapping (indented key: value lines), got " + c.describe());
        return c;
    }

    /** Rejects keys not in {@code allowed}, suggesting the nearest allowed key. */
    public void allowOnly(Collection<String> allowed) {
        for (NodeTuple t : mapping().getValue()) {
            String k = keyText(t);
            if (!allowed.contains(k)) {
                String best = ForceFieldSpec.closest(k, allowed);
                ConfigNode bad = new ConfigNode(file, child(k), t.getValueNode(), t.getKeyNode().getStartMark());
                throw bad.error("unknown key" + (best != null ? "; did you mean '" + best + "'?" : ".")
                        + " Allowed keys" + (path.isEmpty() ? "" : " in '" + path + "'") + ": " + String.join(", ", new TreeSet<>(allowed)) + ".");
            }
        }
    }

    public void allowOnly(String... allowed) { allowOnly(Set.of(allowed)); }

    // ---------------------------------------------------------------- scalars

    public double asDouble(String expected) {
        Double d = numberOrNull();
        if (d == null) throw error("expected " + expected + ", got " + describe());
        return d;
    }

    /** A finite number strictly greater than zero. */
    public double asPositive(String expected) {
        double v = asDouble(expected);
        if (!(v > 0) || Double.isInfinite(v)) throw error("expected " + expected + " (greater than zero), got " + describe());
        return v;
    }

    public double asNonNegative(String expected) {
        double v = asDouble(expected);
        if (!(v >= 0) || Double.isInfinite(v)) throw error("expected " + expected + " (zero or more), got " + describe());
        return v;
    }

    public long asLong(String expected) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            try {
                return Long.parseLong(s.getValue().replace("_", "").replace("+", ""));
            } catch (NumberFormatException ignored) {
                // falls through to the error below (e.g. hexadecimal or out of range)
            }
        }
        throw error("expected " + expected + ", got " + describe());
    }

    public int asInt(String expected) {
        long v = asLong(expected);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw error("expected " + expected + ", got " + describe() + " (too large)");
        return (int) v;
    }

    public boolean asBoolean() {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            return switch (s.getValue().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on", "y" -> true;
                default -> false;
            };
        }
        throw error("expected true or false, got " + describe());
    }

    public String asString(String expected) {
        if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) return s.getValue();
        throw error("expected " + expected + ", got " + describe());
    }

    /** One of {@code choices} (case-sensitive as written in the documentation). */
    public String asChoice(Collection<String> choices) {
        String v = asString("one of " + String.join(", ", choices));
        if (!choices.contains(v)) {
            String best = ForceFieldSpec.closest(v, choices);
            throw error("expected one of " + String.join(", ", choices) + ", got '" + v + "'"
                    + (best != null ? "; did you mean '" + best + "'?" : ""));
        }
        return v;
    }

    public List<ConfigNode> asList(String expected) {
        if (!(node instanceof SequenceNode seq)) throw error("expected " + expected + ", got " + describe());
        List<ConfigNode> out = new ArrayList<>();
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++)
            out.add(new ConfigNode(file, path + "[" + i + "]", items.get(i), items.get(i).getStartMark()));
        return out;
    }

    /** A list of exactly {@code n} numbers, or a single number repeated (e.g. repeat: 4). */
    public double[] asNumbers(int n, String expected) {
        if (!(node instanceof SequenceNode)) {
            if (numberOrNull() == null) throw error("expected " + expected + ", got " + describe());
            double[] out = new double[n];
            java.util.Arrays.fill(out, numberOrNull());
            return out;
        }
        List<ConfigNode> items = asList(expected);
        if (items.size() != n) throw error("expected " + expected + " (" + n + " numbers), got " + items.size() + " numbers");
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = items.get(i).asDouble(expected);
        return out;
    }

    // ---------------------------------------------------------------- conversion for force-field specs

    /**
     * The plain Java value of this node (Map, List, String, Integer or Long, Double, Boolean, null) for a
     * {@link ForceFieldSpec}; {@code marks} receives the line of every nested key (dotted paths relative
     * to this node) so a {@code ForceFieldConfigException} can be mapped back to its line.
     */
    public Object toPlain(Map<String, Integer> marks) {
        return plain(node, "", marks);
    }

    private Object plain(Node n, String rel, Map<String, Integer> marks) {
        if (n == null) return null;
        if (n instanceof MappingNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String k = keyText(t);
                String p = rel.isEmpty() ? k : rel + "." + k;
                marks.put(p, t.getKeyNode().getStartMark().getLine() + 1);
                out.put(k, plain(t.getValueNode(), p, marks));
            }
            return out;
        }
        if (n instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < s.getValue().size(); i++) {
                Node item = s.getValue().get(i);
                String p = rel + "[" + i + "]";
                marks.put(p, item.getStartMark().getLine() + 1);
                out.add(plain(item, p, marks));
            }
            return out;
        }
        ScalarNode s = (ScalarNode) n;
        Tag tag = s.getTag();
        if (tag.equals(Tag.NULL)) return null;
        if (tag.equals(Tag.BOOL)) return new ConfigNode(file, path, n, null).asBoolean();
        if (tag.equals(Tag.INT)) {
            // Integer when it fits, else Long: the types SnakeYAML's own constructor gives providers.
            try {
                long v = Long.parseLong(s.getValue().replace("_", "").replace("+", ""));
                return v == (int) v ? (Object) (int) v : (Object) v;
            } catch (NumberFormatException e) {
                return s.getValue();
            }
        }
        Double d = new ConfigNode(file, path, n, null).numberOrNull();
        return d != null ? (Object) d : s.getValue();
    }

    // ---------------------------------------------------------------- messages

    /** A user error located at this node: "FILE, line L, key K: MESSAGE". */
    public UserError error(String message) {
        return new UserError(where() + ": " + message);
    }

    /** "FILE, line L, key K" (parts that are unknown are left out). */
    public String where() {
        StringBuilder sb = new StringBuilder().append(file);
        if (line() > 0) sb.append(", line ").append(line());
        if (!path.isEmpty()) sb.append(", key '").append(path).append('\'');
        return sb.toString();
    }

    /** A user error about the nested key {@code relKey} below this node, whose line is in {@code marks}. */
    public UserError errorAt(String relKey, Map<String, Integer> marks, String message) {
        Integer line = null;
        String k = relKey;
        while (k != null && !k.isEmpty() && (line = marks.get(k)) == null) {
            int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
            k = cut > 0 ? k.substring(0, cut) : null;
        }
        String full = relKey == null || relKey.isEmpty() ? path : path.isEmpty() ? relKey : path + "." + relKey;
        int l = line != null ? line : line();
        return new UserError(file + (l > 0 ? ", line " + l : "") + ", key '" + full + "': " + message);
    }

    /** How the value was written, for "got ..." in messages. */
    public String describe() {
        if (node == null) return "nothing";
        if (node instanceof MappingNode) return "a mapping";
        if (node instanceof SequenceNode) return "a list";
        ScalarNode s = (ScalarNode) node;
        Tag t = s.getTag();
        if (t.equals(Tag.NULL)) return "nothing (null)";
        String kind = t.equals(Tag.INT) ? "the integer " : t.equals(Tag.FLOAT) ? "the number " : t.equals(Tag.BOOL) ? "the boolean " : "the text ";
        if (kind.equals("the text ") && numberOrNull() != null) kind = "the number ";
        return kind + "'" + s.getValue() + "'";
    }

    // ---------------------------------------------------------------- internals

    /** Numbers as YAML 1.1 tags them, plus plain scalars Java reads as numbers (e.g. 1e-3, which YAML 1.1 calls text). */
    private Double numberOrNull() {
        if (!(node instanceof ScalarNode s)) return null;
        Tag t = s.getTag();
        String v = s.getValue().replace("_", "");
        if (t.equals(Tag.INT) || t.equals(Tag.FLOAT) || (t.equals(Tag.STR) && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN)) {
            switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case ".inf", "+.inf" -> { return Double.POSITIVE_INFINITY; }
                case "-.inf" -> { return Double.NEGATIVE_INFINITY; }
                case ".nan" -> { return Double.NaN; }
                default -> { }
            }
            if (!v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) return null;
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private MappingNode mapping() {
        if (!(node instanceof MappingNode m)) throw error("expected a mapping (indented key: value lines), got " + describe());
        return m;
    }

    private NodeTuple find(String key) {
        if (!(node instanceof MappingNode m)) return null;
        for (NodeTuple t : m.getValue()) if (key.equals(keyText(t))) return t;
        return null;
    }

    private String child(String key) { return path.isEmpty() ? key : path + "." + key; }

    private String keyText(NodeTuple t) {
        if (t.getKeyNode() instanceof ScalarNode s) return s.getValue();
        throw new ConfigNode(file, path, t.getKeyNode(), t.getKeyNode().getStartMark()).error("keys must be plain words, got " + "a " + t.getKeyNode().getNodeId());
    }

    /** SnakeYAML's compose step does not enforce unique keys; a repeated key would silently win. */
    private void checkDuplicateKeys() {
        checkDuplicates(node, path);
    }

    private void checkDuplicates(Node n, String p) {
        if (n instanceof MappingNode m) {
            Map<String, Mark> seen = new HashMap<>();
            for (NodeTuple t : m.getValue()) {
                String k = keyText(t);
                String cp = p.isEmpty() ? k : p + "." + k;
                Mark first = seen.putIfAbsent(k, t.getKeyNode().getStartMark());
                if (first != null)
                    throw new ConfigNode(file, cp, t.getValueNode(), t.getKeyNode().getStartMark())
                            .error("key written twice (first on line " + (first.getLine() + 1) + "); expected each key once");
                checkDuplicates(t.getValueNode(), cp);
            }
        } else if (n instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) checkDuplicates(s.getValue().get(i), p + "[" + i + "]");
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
