package md.engine.train;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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

/**
 * A value of the training YAML with its file, dotted key and line, so that every error says where and
 * what was expected. (The run configuration has the same needs; this small reader covers the training
 * file's keys until the two share one.)
 */
final class YamlNode {
    private final Path file;
    private final String key;
    private final Node node;

    private YamlNode(Path file, String key, Node node) {
        this.file = file;
        this.key = key;
        this.node = node;
    }

    static YamlNode parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": no such training configuration file; expected the path of a YAML file (see docs/training.md)");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw new UserError(file + (m != null ? ", line " + (m.getLine() + 1) : "") + ": not valid YAML: "
                    + String.valueOf(e.getProblem()).replaceAll("\\s+", " ").trim());
        } catch (YAMLException e) {
            throw new UserError(file + ": not valid YAML: " + e.getMessage());
        }
        if (!(root instanceof MappingNode)) throw new UserError(file + ": expected a YAML mapping with sections data, model, training, output");
        return new YamlNode(file, "", root);
    }

    Path file() { return file; }
    String key() { return key; }

    /** Folder relative paths in the file are resolved against. */
    Path baseDirectory() {
        Path p = file.toAbsolutePath().getParent();
        return p == null ? Path.of("").toAbsolutePath() : p;
    }

    UserError error(String message) {
        StringBuilder sb = new StringBuilder(file.toString());
        if (node != null) sb.append(", line ").append(node.getStartMark().getLine() + 1);
        if (!key.isEmpty()) sb.append(", key '").append(key).append('\'');
        return new UserError(sb.append(": ").append(message).toString());
    }

    boolean isMapping() { return node instanceof MappingNode; }
    boolean isSequence() { return node instanceof SequenceNode; }
    boolean isNull() { return node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL); }

    List<String> keys() {
        List<String> out = new ArrayList<>();
        for (NodeTuple t : mapping().getValue()) out.add(((ScalarNode) t.getKeyNode()).getValue());
        return out;
    }

    YamlNode get(String k) {
        if (!(node instanceof MappingNode m)) return null;
        for (NodeTuple t : m.getValue())
            if (t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(k)) return new YamlNode(file, child(k), t.getValueNode());
        return null;
    }

    boolean has(String k) { return get(k) != null && !get(k).isNull(); }

    YamlNode require(String k, String expected) {
        YamlNode c = get(k);
        if (c == null || c.isNull()) throw error("missing key '" + child(k) + "'; expected " + expected);
        return c;
    }

    /** A mapping section, or null when absent. */
    YamlNode section(String k, Set<String> allowed) {
        YamlNode c = get(k);
        if (c == null || c.isNull()) return null;
        if (!c.isMapping()) throw c.error("expected a mapping (indented key: value lines)");
        c.allowOnly(allowed);
        return c;
    }

    void allowOnly(Set<String> allowed) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : mapping().getValue()) {
            String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
            YamlNode at = new YamlNode(file, child(k), t.getKeyNode());
            if (!seen.add(k)) throw at.error("key written twice; expected each key once");
            if (!allowed.contains(k)) throw at.error("unknown key; allowed keys here: " + String.join(", ", new TreeSet<>(allowed)));
        }
    }

    List<YamlNode> list(String expected) {
        if (!(node instanceof SequenceNode s)) throw error("expected " + expected + " (a list)");
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < s.getValue().size(); i++) out.add(new YamlNode(file, key + "[" + i + "]", s.getValue().get(i)));
        return out;
    }

    String string(String expected) {
        if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) return s.getValue();
        throw error("expected " + expected);
    }

    String choice(List<String> choices) {
        String v = string("one of " + String.join(", ", choices));
        if (!choices.contains(v)) throw error("expected one of " + String.join(", ", choices) + ", got '" + v + "'");
        return v;
    }

    double number(String expected) {
        if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
            String v = s.getValue().replace("_", "");
            if (v.equalsIgnoreCase(".inf")) return Double.POSITIVE_INFINITY;
            if (v.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) return Double.parseDouble(v);
        }
        throw error("expected " + expected + ", got " + describe());
    }

    double positive(String expected) {
        double v = number(expected);
        if (!(v > 0)) throw error("expected " + expected + " (greater than zero), got " + describe());
        return v;
    }

    double nonNegative(String expected) {
        double v = number(expected);
        if (!(v >= 0) || Double.isInfinite(v)) throw error("expected " + expected + " (zero or more), got " + describe());
        return v;
    }

    int integer(String expected, int min) {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            try {
                long v = Long.parseLong(s.getValue().replace("_", ""));
                if (v >= min && v <= Integer.MAX_VALUE) return (int) v;
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw error("expected " + expected + " (a whole number >= " + min + "), got " + describe());
    }

    boolean bool() {
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) return Set.of("true", "yes", "on", "y").contains(s.getValue().toLowerCase());
        throw error("expected true or false, got " + describe());
    }

    private String describe() {
        if (node == null) return "nothing";
        if (node instanceof MappingNode) return "a mapping";
        if (node instanceof SequenceNode) return "a list";
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    private MappingNode mapping() {
        if (!(node instanceof MappingNode m)) throw error("expected a mapping (indented key: value lines), got " + describe());
        return m;
    }

    private String child(String k) { return key.isEmpty() ? k : key + "." + k; }
}
