package md.forcefields.ensemble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldProvider;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;

/**
 * {@code forcefield: {type: ensemble, members: [...], weights: [...], threads: 1}} — the mean of several
 * force fields and their spread ({@link EnsembleForceField}). Each entry of {@code members} is
 * <ul>
 *   <li>a model file of any learned family (relative to the input file's folder), the same as
 *       {@code {type: learned, model: FILE}};</li>
 *   <li>a glob pattern ({@code run/snapshots/*.zip}; {@code * ? [..] {a,b}} within a name, {@code **}
 *       across folders): every regular file it matches, sorted by path, each a learned model; a pattern
 *       that matches nothing is an error;</li>
 *   <li>a force-field mapping with its own {@code type} ({@code {type: learned, model: x.zip, forces: direct}},
 *       {@code {type: lennard-jones, ...}}, even another ensemble).</li>
 * </ul>
 * At least two members after expansion. {@code weights}: one per member after expansion (non-negative,
 * normalised to sum 1; default equal). {@code threads}: members evaluated concurrently (default 1).
 * {@code device} (also passed by the engine from the run's top-level {@code device}) is handed to members
 * that have accelerator backends and do not name their own.
 */
public final class EnsembleProvider implements ForceFieldProvider {
    private static final Set<String> KEYS = Set.of("members", "weights", "threads", "device");

    @Override public String type() { return "ensemble"; }

    @Override public String description() {
        return "mean energy and forces of several force fields (any models, classical or mixed) and their spread per step";
    }

    /** Accepts the accelerator choices so the run's {@code device} reaches learned members. */
    @Override public Set<String> devices() { return Set.copyOf(md.forcefields.backend.Backends.NAMES); }

    @Override public ForceField create(ForceFieldSpec spec) {
        spec.rejectUnknownKeys(KEYS);
        if (!spec.has("members"))
            throw new ForceFieldConfigException("members", "missing required key 'members' for force field 'ensemble': expected a list of at least 2 "
                    + "model files, glob patterns (run/snapshots/*.zip) or force-field mappings {type: ..., ...}");
        List<?> raw = spec.getList("members");
        int threads = spec.getInt("threads", 1);
        if (threads < 1 || threads > 64) throw new ForceFieldConfigException("threads", "expected 1 to 64 threads, got " + threads);
        String device = spec.has("device") ? spec.getString("device", null) : null;
        Map<String, ForceFieldProvider> providers = ForceFields.providers();
        List<ForceField> created = new ArrayList<>();
        try {
            for (int i = 0; i < raw.size(); i++) {
                Object item = raw.get(i);
                String key = "members[" + i + "]";
                if (item instanceof String s) {
                    if (s.isBlank()) throw new ForceFieldConfigException(key, "expected a model file or glob pattern, got an empty string");
                    if (isGlob(s)) {
                        List<Path> files;
                        try {
                            files = glob(spec.baseDirectory(), s);
                        } catch (UncheckedIOException e) {
                            throw new ForceFieldConfigException(key, "the pattern '" + s + "': " + e.getMessage(), e);
                        }
                        if (files.isEmpty())
                            throw new ForceFieldConfigException(key, "the pattern '" + s + "' matches no file (looked in "
                                    + globRoot(spec.baseDirectory(), s).toAbsolutePath().normalize() + "); expected at least one model file");
                        for (Path f : files) created.add(learned(f.toString(), key, spec, device, "'" + s + "' matched " + f));
                    } else {
                        created.add(learned(s, key, spec, device, s));
                    }
                } else if (item instanceof Map<?, ?> m) {
                    created.add(mapped(m, key, spec, device, providers));
                } else {
                    throw new ForceFieldConfigException(key, "expected a model file, a glob pattern (run/snapshots/*.zip) or a force-field mapping "
                            + "{type: ..., ...}, got " + (item == null ? "nothing (null)" : item.getClass().getSimpleName().toLowerCase() + " '" + item + "'"));
                }
            }
            if (created.size() < 2)
                throw new ForceFieldConfigException("members", "an ensemble needs at least 2 members, got " + created.size()
                        + (raw.size() != created.size() ? " (after expanding patterns)" : "") + "; expected a list of 2 or more model files, glob patterns "
                        + "or force-field mappings");
            double[] weights = null;
            if (spec.has("weights")) {
                List<?> w = spec.getList("weights");
                if (w.size() != created.size())
                    throw new ForceFieldConfigException("weights", "expected " + created.size() + " weights, one per member (after expanding patterns), got " + w.size());
                weights = new double[w.size()];
                double sum = 0;
                for (int k = 0; k < weights.length; k++) {
                    if (!(w.get(k) instanceof Number num) || !(num.doubleValue() >= 0) || !Double.isFinite(num.doubleValue()))
                        throw new ForceFieldConfigException("weights[" + k + "]", "expected a finite number >= 0, got '" + w.get(k) + "'");
                    weights[k] = num.doubleValue();
                    sum += weights[k];
                }
                if (!(sum > 0)) throw new ForceFieldConfigException("weights", "the weights sum to 0; expected at least one positive weight");
            }
            return new EnsembleForceField(created, weights, threads);
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

    /** A model file member: {@code {type: learned, model: FILE}}; the member's errors are reported at {@code key}. */
    private static ForceField learned(String file, String key, ForceFieldSpec spec, String device, String what) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("model", file);
        if (device != null) params.put("device", device);
        try {
            return ForceFields.create(new ForceFieldSpec("learned", params, spec.baseDirectory()));
        } catch (ForceFieldConfigException e) {
            throw new ForceFieldConfigException(key, "member " + what + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ForceFieldConfigException(key, "member " + what + " rejected: " + e.getMessage(), e);
        }
    }

    /** A force-field mapping member; its errors are reported at {@code key.KEY}. */
    private static ForceField mapped(Map<?, ?> m, String key, ForceFieldSpec spec, String device, Map<String, ForceFieldProvider> providers) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) params.put(String.valueOf(e.getKey()), e.getValue());
        Object type = params.remove("type");
        if (!(type instanceof String t))
            throw new ForceFieldConfigException(type == null ? key : key + ".type", "expected a 'type' naming the member's force field, one of "
                    + providers.keySet() + (type == null ? "" : ", got '" + type + "'"));
        ForceFieldProvider p = providers.get(t);
        if (device != null && !params.containsKey("device") && p != null && p.devices().size() > 1) params.put("device", device);
        try {
            return ForceFields.create(new ForceFieldSpec(t, params, spec.baseDirectory()));
        } catch (ForceFieldConfigException e) {
            throw new ForceFieldConfigException(e.key() == null ? key : key + "." + e.key(), e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ForceFieldConfigException(key, "member force field '" + t + "' rejected its parameters: " + e.getMessage(), e);
        }
    }

    static boolean isGlob(String s) {
        for (char c : new char[] {'*', '?', '[', '{'}) if (s.indexOf(c) >= 0) return true;
        return false;
    }

    /** The fixed folder a pattern starts from (its part before the first name with a wildcard). */
    private static Path globRoot(Path base, String pattern) {
        String dir = fixedPrefix(pattern);
        Path b = base == null ? Path.of("") : base;
        return dir.isEmpty() ? b : b.resolve(dir);
    }

    private static String fixedPrefix(String pattern) {
        int first = Integer.MAX_VALUE;
        for (char c : new char[] {'*', '?', '[', '{'}) {
            int k = pattern.indexOf(c);
            if (k >= 0) first = Math.min(first, k);
        }
        int slash = pattern.lastIndexOf('/', first);
        return slash < 0 ? "" : pattern.substring(0, slash + 1);
    }

    /**
     * Regular files matching a glob pattern (relative to {@code base} unless absolute), sorted by path.
     * Wildcards stay within a name except {@code **}.
     */
    static List<Path> glob(Path base, String pattern) {
        String prefix = fixedPrefix(pattern), rest = pattern.substring(prefix.length());
        Path root = globRoot(base, pattern);
        if (!Files.isDirectory(root)) return List.of();
        int depth = rest.contains("**") ? Integer.MAX_VALUE : (int) rest.chars().filter(c -> c == '/').count() + 1;
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        try (Stream<Path> s = Files.walk(root, depth)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> matcher.matches(root.relativize(p)))
                    .sorted((a, b) -> a.toString().compareTo(b.toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }
}
