package md.engine.bench.stability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

import md.engine.cli.UserError;
import md.engine.config.ConfigNode;
import md.engine.config.ForceFieldConfig;

/**
 * The potential of a benchmark as the {@code forcefield} section of every run's input file: a NequIP
 * model ({@code --model}) or any force field ({@code --forcefield}, a YAML file or inline YAML), with
 * relative paths made absolute so the section means the same in each run's folder.
 *
 * @param flowYaml the section as one line of YAML flow style, e.g. {@code {type: nequip, model: /m.nqp, threads: 1}}
 * @param label    what to call it in tables and reports
 * @param learned  for a learned potential (type learned or nequip) its model file, device and threads (what {@code --batched} needs); null otherwise
 */
public record Potential(String flowYaml, String label, Learned learned) {

    /** The learned-model keys of the section: model file (absolute; null when missing), device (default java), threads (default 1). */
    public record Learned(Path model, String device, int threads) {}

    public static Potential of(StabilityOptions o) {
        Map<String, Object> section;
        String label;
        if (o.model() != null) {
            section = new LinkedHashMap<>();
            section.put("type", "learned");
            section.put("model", o.model().toAbsolutePath().normalize().toString());
            section.put("threads", o.threads());
            label = "learned model " + o.model().getFileName();
        } else {
            String arg = o.forceField();
            boolean inline = arg.strip().startsWith("{");
            Path base = inline ? Path.of("").toAbsolutePath() : Path.of(arg).toAbsolutePath().getParent();
            String text;
            if (inline) text = arg;
            else {
                try {
                    String problem = md.engine.config.InputFiles.problem(Path.of(arg));
                    if (problem != null) throw new UserError("--forcefield " + arg + ": " + problem + "; expected a force-field YAML file or inline YAML '{type: ..., ...}'");
                    text = Files.readString(Path.of(arg), StandardCharsets.UTF_8);
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new UserError("--forcefield " + arg + ": " + md.engine.config.InputFiles.encodingProblem(Path.of(arg)) + "; expected a force-field YAML file");
                } catch (IOException e) {
                    throw new UserError("--forcefield " + arg + ": cannot read it (" + e.getMessage() + "); expected a force-field YAML file or inline YAML '{type: ..., ...}'");
                }
            }
            Object root;
            try {
                root = new Yaml().load(text);
            } catch (YAMLException e) {
                throw new UserError("--forcefield " + (inline ? "(inline)" : arg) + ": not valid YAML: " + e.getMessage().replaceAll("\\s+", " "));
            }
            if (root instanceof Map<?, ?> m && m.get("forcefield") instanceof Map<?, ?> inner) root = inner;
            if (!(root instanceof Map<?, ?> m) || !(m.get("type") instanceof String type))
                throw new UserError("--forcefield " + (inline ? "(inline)" : arg) + ": expected a mapping with 'type' and the force field's keys "
                        + "(or a run input with a 'forcefield' section), e.g. '{type: morse, bonds: auto, parameters: {...}}'");
            section = new LinkedHashMap<>();
            for (var e : m.entrySet()) section.put(String.valueOf(e.getKey()), e.getValue());
            // The one key that names a file (a model) must not depend on the run folder.
            if (section.get("model") instanceof String file && !Path.of(file).isAbsolute())
                section.put("model", base.resolve(file).normalize().toString());
            label = type + (inline ? "" : " (" + Path.of(arg).getFileName() + ")");
        }
        Object type = section.get("type");
        boolean learnedType = "nequip".equals(type) || "learned".equals(type);
        if ((o.device() != null || o.batched()) && !learnedType)
            throw new UserError((o.device() != null ? "--device" : "--batched") + " applies to learned potentials (--model, or --forcefield with type: learned or nequip); "
                    + "the potential is '" + type + "'");
        if (o.device() != null) section.put("device", o.device());
        Learned learned = null;
        if (learnedType) {
            learned = new Learned(section.get("model") instanceof String m ? Path.of(m) : null,
                    section.get("device") instanceof String dev ? dev : "java", section.get("threads") instanceof Number n ? n.intValue() : 1);
            if (o.batched() && learned.threads() != 1)
                throw new UserError("--batched evaluates all runs together on one thread (device java) or on the device; threads " + learned.threads()
                        + " applies only to runs evaluated one by one; expected --threads 1 (or no threads key) with --batched");
        }
        DumperOptions d = new DumperOptions();
        d.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
        d.setWidth(Integer.MAX_VALUE);
        String flow = new Yaml(d).dump(section).strip();
        return new Potential(flow, label, learned);
    }

    /** The validated force-field configuration (errors name the option the potential came from). */
    public ForceFieldConfig config(StabilityOptions o) {
        Path source = Path.of(o.model() != null ? "--model" : "--forcefield");
        return ForceFieldConfig.from(ConfigNode.parse(source, "forcefield: " + flowYaml + "\n").section("forcefield"));
    }
}
