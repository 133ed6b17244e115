package md.engine.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code md bench NAME args...}: runs the benchmark class {@code md.engine.bench.<Name>Benchmark}
 * through its {@code public static int run(String[] args)}. Benchmarks live in other parts of the code
 * base and may be absent from a build, so they are found by name at run time.
 */
public final class BenchCommand implements Command {

    /** {@code md bench NAME --help} is the benchmark's own usage. */
    @Override public boolean answersHelp() { return true; }


    /** Short names users type, mapped to the class name below md.engine.bench. */
    static final Map<String, String> KNOWN = new LinkedHashMap<>();
    static {
        KNOWN.put("lj", "LennardJonesBenchmark");
        KNOWN.put("lennard-jones", "LennardJonesBenchmark");
        KNOWN.put("nequip", "NequipBenchmark");
        KNOWN.put("backends", "BackendBenchmark");
        KNOWN.put("stability", "StabilityBenchmark");
        KNOWN.put("training", "TrainingBenchmark");
        KNOWN.put("model", "ModelBenchmark");
        KNOWN.put("trajectory-writers", "TrajectoryWritersBenchmark");
    }

    @Override public String name() { return "bench"; }

    @Override public String summary() { return "run a benchmark (md bench NAME --help)"; }

    @Override public String usage() {
        return """
                usage: md bench NAME [benchmark options]

                Runs the benchmark class md.engine.bench.<Name>Benchmark. Known names:
                  lj (or lennard-jones)   Lennard-Jones throughput in atom-steps/s
                  nequip                  NequIP force-field throughput, 1 and 2 threads (--model FILE: any learned model)
                  backends                NequIP on each kernel backend (java, opencl, cuda) vs java
                  stability               MD17 stability benchmark of Fu et al. (docs/stability.md)
                  training                NequIP training throughput (forward + double backward)
                  model                   any learned model (file, or family + options): ms per call, per op
                  trajectory-writers      writing a trajectory: extended XYZ vs H5MD (seconds, ratio)
                Any other NAME is tried as md.engine.bench.<CamelCaseName>Benchmark.
                Results and their commands are recorded in docs/benchmarks.md.""";
    }

    @Override public int run(String[] args) throws Exception {
        if (args.length == 0) throw new UserError("md bench needs a benchmark name; expected one of " + String.join(", ", KNOWN.keySet()) + ".");
        String simple = KNOWN.getOrDefault(args[0].toLowerCase(Locale.ROOT), camelCase(args[0]) + "Benchmark");
        String className = "md.engine.bench." + simple;
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new UserError("benchmark '" + args[0] + "' is not part of this build (no class " + className
                    + "); expected one of " + String.join(", ", KNOWN.keySet()) + " where built.");
        }
        Method m;
        try {
            m = c.getMethod("run", String[].class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(className + " has no public static int run(String[] args)");
        }
        if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != int.class)
            throw new IllegalStateException(className + ".run must be public static int run(String[] args)");
        try {
            return (int) m.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            // Rethrow what the benchmark threw, so a UserError stays a UserError.
            if (e.getCause() instanceof Exception ex) throw ex;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** "lennard-jones" -> "LennardJones". */
    static String camelCase(String name) {
        StringBuilder sb = new StringBuilder();
        for (String part : name.split("[-_ ]+")) {
            if (part.isEmpty()) continue;
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }
}
