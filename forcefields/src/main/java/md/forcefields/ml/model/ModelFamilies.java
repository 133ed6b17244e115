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

    /** The family called {@code name}; IllegalArgumentException listing the known ones otherwise. */
    public static ModelFamily get(String name) {
        Map<String, ModelFamily> m = load();
        ModelFamily f = m.get(name);
        if (f == null) throw new IllegalArgumentException("unknown model family '" + name + "' (known: " + String.join(", ", m.keySet()) + ")");
        return f;
    }
}
