package md.forcefields.sum;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;

/**
 * {@code forcefield: {type: sum, terms: [{type: lennard-jones, ...}, {type: learned, model: m.zip}, ...]}}: the
 * sum of the terms' energies, forces and virials ({@link SumForceField}). Each term is a force-field mapping
 * with its own {@code type} and keys, plus an optional {@code name} (its thermo column {@code E_NAME_eV};
 * default the type, numbered by position when two unnamed terms share it). Any type but {@code sum} itself (a sum of sums is the
 * sum of all their terms: list them in one). Errors inside a term are reported at {@code terms[K].KEY}.
 * {@code device} (also passed by the engine from the run's top-level {@code device}) reaches the terms that
 * have accelerator backends and do not name their own.
 */
public final class SumProvider implements ForceFieldProvider {
    private static final Set<String> KEYS = Set.of("terms", "device");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    @Override public String type() { return "sum"; }

    @Override public String description() {
        return "the sum of several force fields (pair potentials, bonded terms, learned models), one neighbour list, each term its own cutoff";
    }

    /** Accepts the accelerator choices so the run's {@code device} reaches learned terms. */
    @Override public Set<String> devices() { return Set.copyOf(md.forcefields.backend.Backends.NAMES); }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(KEYS);
        if (!spec.has("terms"))
            throw new ForceFieldConfigException("terms", "missing required key 'terms' for force field 'sum': expected a list of force-field mappings "
                    + "{type: ..., ...}, e.g. [{type: lennard-jones, ...}, {type: learned, model: FILE}]");
        List<?> raw = spec.getList("terms");
        if (raw.isEmpty())
            throw new ForceFieldConfigException("terms", "the list of terms is empty; expected at least one force-field mapping {type: ..., ...}");
        String device = spec.has("device") ? spec.getString("device", null) : null;
        Map<String, ForceFieldProvider> providers = ForceFields.providers();
        List<ForceField> created = new ArrayList<>();
        List<String> names = new ArrayList<>(), types = new ArrayList<>();
        try {
            for (int k = 0; k < raw.size(); k++) {
                String key = "terms[" + k + "]";
                if (!(raw.get(k) instanceof Map<?, ?> m))
                    throw new ForceFieldConfigException(key, "expected a force-field mapping {type: ..., ...}, got "
                            + (raw.get(k) == null ? "nothing (null)" : raw.get(k).getClass().getSimpleName().toLowerCase() + " '" + raw.get(k) + "'"));
                Map<String, Object> params = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) params.put(String.valueOf(e.getKey()), e.getValue());
                Object type = params.remove("type");
                if (!(type instanceof String t))
                    throw new ForceFieldConfigException(type == null ? key : key + ".type", "expected a 'type' naming the term's force field, one of "
                            + termTypes(providers) + (type == null ? "" : ", got '" + type + "'"));
                if (t.equals(type()))
                    throw new ForceFieldConfigException(key + ".type", "a sum cannot be a term of a sum; expected the inner sum's terms listed directly "
                            + "in this 'terms' list (a sum of sums is the sum of all their terms)");
                Object name = params.remove("name");
                if (name != null && !(name instanceof String s && NAME.matcher(s).matches()))
                    throw new ForceFieldConfigException(key + ".name", "expected a name of letters, digits, '_' or '-' (it becomes the thermo column "
                            + "E_NAME_eV), got '" + name + "'");
                names.add((String) name);
                types.add(t);
                ForceFieldProvider p = providers.get(t);
                if (device != null && !params.containsKey("device") && p != null && p.devices().size() > 1) params.put("device", device);
                try {
                    created.add(ForceFields.create(new ForceFieldSpec(t, params, spec.baseDirectory())));
                } catch (ForceFieldConfigException e) {
                    throw new ForceFieldConfigException(e.key() == null ? key : key + "." + e.key(), e.getMessage(), e);
                } catch (IllegalArgumentException e) {
                    throw new ForceFieldConfigException(key, "term '" + t + "' rejected its parameters: " + e.getMessage(), e);
                }
            }
            List<String> resolved = defaultNames(types, names);
            try {
                return new SumForceField(created, resolved);
            } catch (IllegalArgumentException e) {
                throw new ForceFieldConfigException("terms", e.getMessage() + "; expected distinct 'name' keys", e);
            }
        } catch (RuntimeException e) {
            for (ForceField f : created) {
                try {
                    f.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Given names stay; the others are the term's type, numbered by position where two unnamed terms share a type. */
    private static List<String> defaultNames(List<String> types, List<String> given) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < types.size(); k++) {
            if (given.get(k) != null) { out.add(given.get(k)); continue; }
            String t = types.get(k);
            long unnamedOfType = java.util.stream.IntStream.range(0, types.size()).filter(j -> given.get(j) == null && types.get(j).equals(t)).count();
            out.add(unnamedOfType > 1 ? t + "_" + k : t);
        }
        return out;
    }

    private List<String> termTypes(Map<String, ForceFieldProvider> providers) {
        return providers.keySet().stream().filter(t -> !t.equals(type())).toList();
    }
}
