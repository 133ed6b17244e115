package md.engine.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import md.engine.cli.UserError;
import md.engine.config.ConfigNode;
import md.engine.config.RunConfig;

/**
 * The input settings a resumed run must share with the run that wrote the checkpoint, flattened to
 * "dotted.key" → value text. Everything that shapes the trajectory or the files counts; the length
 * of the run, checkpoint and progress intervals, the safety window and the device may change.
 */
final class RunSettings {
    private RunSettings() {}

    static final List<String> SECTIONS = List.of("structure", "forcefield", "neighbors", "dynamics", "velocities", "output.trajectory", "output.thermo");
    static final String MAY_CHANGE = "dynamics.steps, output.checkpoint, output.progress, output.directory, safety, device, description";

    static Map<String, String> of(RunConfig config) {
        Map<String, String> out = new TreeMap<>();
        for (String section : SECTIONS) {
            ConfigNode node = config.root();
            for (String part : section.split("\\.")) node = node == null ? null : node.get(part);
            if (node != null) flatten(section, node.toPlain(new HashMap<>()), out);
        }
        out.remove("dynamics.steps");
        return out;
    }

    private static void flatten(String prefix, Object value, Map<String, String> out) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) flatten(prefix + "." + e.getKey(), e.getValue(), out);
        } else {
            out.put(prefix, String.valueOf(value));
        }
    }

    /** Fails with the list of changed keys when {@code now} differs from what the checkpoint saw. */
    static void requireSame(Map<String, String> saved, Map<String, String> now, java.nio.file.Path checkpoint, java.nio.file.Path input) {
        List<String> changes = new ArrayList<>();
        for (String k : new TreeSet<>(union(saved, now))) {
            String a = saved.get(k), b = now.get(k);
            if (a == null) changes.add(k + " was not set, now '" + b + "'");
            else if (b == null) changes.add(k + " was '" + a + "', now not set");
            else if (!a.equals(b)) changes.add(k + " was '" + a + "', now '" + b + "'");
        }
        if (!changes.isEmpty())
            throw new UserError("cannot resume from " + checkpoint + ": " + input + " changed since the checkpoint was written ("
                    + String.join("; ", changes) + "). A resumed run must use the same settings so that it continues the same trajectory; "
                    + "only " + MAY_CHANGE + " may change. Undo the change, or start a new run without --resume.");
    }

    private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.Set<String> s = new java.util.HashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }
}
