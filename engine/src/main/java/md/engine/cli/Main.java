package md.engine.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point of the {@code md} command line. */
public final class Main {
    private Main() {}

    /** Subcommands in the order {@code md help} lists them. */
    static List<Command> commands() {
        return List.of(
                new RunCommand(),
                new EvalCommand(),
                new ServeCommand(),
                new ImportCommand(),
                new AnalyzeCommand(),
                new BenchCommand(),
                new TrainCommand(),
                new CheckCommand()
        );
    }

    /**
     * What {@code md --version} prints: md's version (from md.jar's manifest), the Java runtime, and
     * whether the Vector API kernels are enabled (without {@code --add-modules jdk.incubator.vector} the
     * learned models run their scalar kernels, several times slower).
     */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        boolean vector = md.forcefields.e3nn.DenseKernels.VECTORIZED; // what the kernels themselves decide on
        return "md " + (v != null ? v : "(development build, not from md.jar)") + "\n"
                + "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + "), "
                + Runtime.getRuntime().availableProcessors() + " processors\n"
                + "Vector API kernels: " + (vector ? "on" : "off (start the JVM with --add-modules jdk.incubator.vector)");
    }

    /** {@code --option=value} as the two arguments {@code --option value}, as GNU-style parsers accept it. */
    static String[] splitEquals(String[] args) {
        java.util.List<String> out = new java.util.ArrayList<>(args.length + 2);
        for (String a : args) {
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2 && a.substring(0, eq).matches("--[A-Za-z][A-Za-z0-9-]*")) {
                out.add(a.substring(0, eq));
                out.add(a.substring(eq + 1));
            } else {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    /**
     * Whether {@code -v}/{@code --verbose} was given: then native libraries' probing is reported (e.g. why
     * OpenCL was not used) and the launcher passes the JVM's own start-up warnings through. Read by other
     * modules through the system property {@code md.verbose}.
     */
    static boolean verbose() { return Boolean.getBoolean(VERBOSE_PROPERTY); }

    static final String VERBOSE_PROPERTY = "md.verbose";

    /** {@code args} without {@code -v}/{@code --verbose} (accepted anywhere on the line, like --help). */
    static String[] withoutVerbose(String[] args) {
        return Arrays.stream(args).filter(a -> !a.equals("-v") && !a.equals("--verbose")).toArray(String[]::new);
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int run(String[] args, PrintStream err) {
        String[] withoutV = withoutVerbose(args);
        if (withoutV.length != args.length) System.setProperty(VERBOSE_PROPERTY, "true");
        args = withoutV;
        Map<String, Command> byName = new LinkedHashMap<>();
        for (Command c : commands()) byName.put(c.name(), c);
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            PrintStream out = args.length == 0 ? err : System.out;
            out.println("usage: md [-v] COMMAND [options]   (md COMMAND --help for details; md --version)\n\ncommands:");
            for (Command c : byName.values()) out.printf("  %-10s %s%n", c.name(), c.summary());
            out.println("\noptions of every command:\n  -v, --verbose   also report native-library probing (OpenCL, CUDA) and the JVM's start-up warnings\n"
                    + "  -h, --help      the command's usage\n  --opt=value     the same as --opt value");
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version") || args[0].equals("version")) {
            System.out.println(version());
            return 0;
        }
        Command c = byName.get(args[0]);
        if (c == null) {
            String best = md.forcefields.ForceFieldSpec.closest(args[0], byName.keySet());
            err.println("md: unknown command '" + args[0] + "'" + (best != null ? "; did you mean '" + best + "'?" : "")
                    + " Commands: " + String.join(", ", byName.keySet()));
            return 2;
        }
        String[] rest = splitEquals(Arrays.copyOfRange(args, 1, args.length));
        boolean help = c.answersHelp() ? rest.length > 0 && (rest[0].equals("--help") || rest[0].equals("-h"))
                : Arrays.stream(rest).anyMatch(a -> a.equals("--help") || a.equals("-h"));
        if (help) {
            System.out.println(c.usage());
            return 0;
        }
        try {
            return c.run(rest);
        } catch (UserError e) {
            err.println("md " + c.name() + ": " + e.getMessage());
            return e.exitCode();
        } catch (OutOfMemoryError e) {
            err.println("md " + c.name() + ": out of memory; raise the heap with MD_JAVA_OPTS=-Xmx8g (or more)");
            return 3;
        } catch (Exception e) {
            if (IoFailure.ioCause(e) != null) {
                // The environment failed (disk full, permission, read-only file system): the path and the OS reason, no trace.
                IoFailure f = IoFailure.describe(e);
                err.println("md " + c.name() + ": " + f.getMessage());
                return f.exitCode();
            }
            // Not a user mistake: a bug. Keep the trace, it is what a bug report needs.
            err.println("md " + c.name() + ": internal error: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }
}
