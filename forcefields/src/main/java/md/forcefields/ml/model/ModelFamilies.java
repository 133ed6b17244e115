package md.forcefields.ml.model;


import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The model families on the class path, by name. */
public final class ModelFamilies {
    private ModelFamilies() {}

    private static Map<String, ModelFamily> load() {
        Map<String, ModelFamily> m = new TreeMap<>();
        for (ModelFamily f : ServiceLoader.load(ModelFamily.class)) m.put(f.name(), f);
        return m;
    }

    /** All families by name. */
    public static Map<String, ModelFamily> all() { return load(); }

    /** The family whose model-file name or {@code md import} kind is {@code nameOrKind} (e.g. se3-transformer or se3t); null when none. */
    public static ModelFamily find(String nameOrKind) {
        Map<String, ModelFamily> m = load();
        ModelFamily f = m.get(nameOrKind);
        if (f != null) return f;
        for (ModelFamily g : m.values()) if (g.importer() != null && g.importer().kind().equals(nameOrKind)) return g;
        return null;
    }

    /** The families {@code md train} can create (those with {@link ModelFamily#training()}), by name. */
    public static java.util.List<ModelFamily> trainable() {
        return load().values().stream().filter(f -> f.training() != null).toList();
    }

    /** The family called {@code name}; IllegalArgumentException listing the known ones otherwise. */
    public static ModelFamily get(String name) {
        Map<String, ModelFamily> m = load();
        ModelFamily f = m.get(name);
        if (f == null) throw new IllegalArgumentException("unknown model family '" + name + "' (known: " + String.join(", ", m.keySet()) + ")");
        return f;
    }
}
