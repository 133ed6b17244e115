package md.engine.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import md.engine.cli.UserError;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;

/**
 * A {@code forcefield} section: its {@code type} and the remaining keys as plain values for the
 * provider, plus the line of every key so provider errors point at the right line.
 */
public final class ForceFieldConfig {
    private final ForceFieldSpec spec;
    private final ConfigNode node;
    private final Map<String, Integer> marks;

    private ForceFieldConfig(ForceFieldSpec spec, ConfigNode node, Map<String, Integer> marks) {
        this.spec = spec;
        this.node = node;
        this.marks = marks;
    }

    /** Reads a {@code forcefield} mapping: {@code type} plus the provider's own parameters. */
    public static ForceFieldConfig from(ConfigNode section) {
        if (!section.isMapping()) throw section.error("expected a mapping with 'type' and the force field's parameters, got " + section.describe());
        String type = section.require("type", "the force field type, one of " + ForceFields.providers().keySet())
                .asString("the force field type, one of " + ForceFields.providers().keySet());
        Map<String, Integer> marks = new HashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> all = (Map<String, Object>) section.toPlain(marks);
        Map<String, Object> params = new LinkedHashMap<>(all);
        params.remove("type");
        return new ForceFieldConfig(new ForceFieldSpec(type, params, section.baseDirectory()), section, marks);
    }

    public ForceFieldSpec spec() { return spec; }

    /** Backends the provider of this type runs on; just "java" for an unknown type (create() reports that). */
    public java.util.Set<String> devices() {
        var provider = ForceFields.providers().get(spec.type());
        return provider == null ? java.util.Set.of("java") : provider.devices();
    }

    /** This section with the run's {@code device} choice added, unless the section names its own. */
    public ForceFieldConfig withDevice(String device) {
        if (spec.has("device")) return this;
        Map<String, Object> params = new LinkedHashMap<>(spec.params());
        params.put("device", device);
        return new ForceFieldConfig(new ForceFieldSpec(spec.type(), params, spec.baseDirectory()), node, marks);
    }
    public ConfigNode node() { return node; }

    /** Creates the force field; a provider's complaint becomes a located one-paragraph user error. */
    public ForceField create() {
        try {
            return ForceFields.create(spec);
        } catch (ForceFieldConfigException e) {
            throw node.errorAt(e.key(), marks, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError(node.where() + ": force field '" + spec.type() + "' rejected its parameters: " + e.getMessage());
        }
    }
}
