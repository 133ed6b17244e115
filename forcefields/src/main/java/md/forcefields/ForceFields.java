package md.forcefields;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds force-field providers on the class path by their {@code type}. */
public final class ForceFields {
    private ForceFields() {}

    public static Map<String, ForceFieldProvider> providers() {
        Map<String, ForceFieldProvider> out = new TreeMap<>();
        for (ForceFieldProvider p : ServiceLoader.load(ForceFieldProvider.class)) out.put(p.type(), p);
        return out;
    }

    public static ForceField create(ForceFieldSpec spec) {
        Map<String, ForceFieldProvider> all = providers();
        ForceFieldProvider p = all.get(spec.type());
        if (p == null) {
            String best = ForceFieldSpec.closest(spec.type(), all.keySet());
            throw new ForceFieldConfigException("type", "unknown force field type '" + spec.type() + "'"
                    + (best != null ? "; did you mean '" + best + "'?" : "") + " Available: " + all.keySet());
        }
        return p.create(spec);
    }
}
