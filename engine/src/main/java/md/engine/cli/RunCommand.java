package md.engine.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

import md.engine.config.RunConfig;
import md.engine.config.RunConfigLoader;
import md.engine.io.FolderLock;
import md.engine.io.OutputPaths;
import md.engine.run.MdRun;

/** {@code md run [--resume] input.yaml}: molecular dynamics as the input file describes. */
public final class RunCommand implements Command {

    @Override public String name() { return "run"; }

    @Override public String summary() { return "run molecular dynamics from a YAML input (md run input.yaml)"; }

    @Override public String usage() {
        return """
                usage: md run [options] INPUT.yaml

                Runs molecular dynamics as INPUT.yaml describes (keys: README.md). Writes thermo.csv,
                trajectory.extxyz (and HDF5 segments), checkpoint.mdchk to output.directory.

                options:
                  --resume          continue from the output folder's checkpoint; the files end up as
                                    an uninterrupted run would have written them
                  --overwrite       replace an earlier run in the output folder
                  --output DIR      write to DIR instead of output.directory
                  --quiet           no progress output

                exit codes: 0 done, 1 internal error, 2 bad input or usage (also: another md run holds
                            the output folder), 3 out of memory, 4 the dynamics became unstable
                            (non-finite forces, temperature window), 5 input/output failure (disk full,
                            permission denied, read-only file system)""";
    }

    /**
     * Whether output goes to an interactive terminal. From JDK 22 {@code System.console()} may exist
     * with redirected streams, so {@code Console.isTerminal()} is asked where it exists.
     */
    static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) return false;
        try {
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;  // JDK 21: a console exists only for a terminal
        }
    }

    @Override public int run(String[] args) throws Exception {
        boolean resume = false, overwrite = false, quiet = false;
        Path output = null, input = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--resume" -> resume = true;
                case "--overwrite" -> overwrite = true;
                case "--quiet", "-q" -> quiet = true;
                case "--output", "-o" -> output = Path.of(CliOptions.value(args, ++i, a, "the output folder (--output DIR)"));
                default -> {
                    if (a.startsWith("-")) throw CliOptions.unknown(a, java.util.List.of("--resume", "--overwrite", "--output", "--quiet"), "run");
                    if (input != null) throw new UserError("more than one input file given ('" + input + "' and '" + a + "'); expected exactly one");
                    input = Path.of(a);
                }
            }
        }
        if (input == null) throw new UserError("no input file given; expected md run [options] INPUT.yaml");
        if (resume && overwrite) throw new UserError("--resume and --overwrite contradict each other; expected one of them");

        RunConfig config = RunConfigLoader.load(input);
        PrintStream out = quiet ? null : System.out;
        boolean terminal = isTerminal();
        MdRun.Options options = new MdRun.Options(output, resume, overwrite, out, terminal);
        Path dir = MdRun.outputDirectory(config, options);
        OutputPaths.folder(dir, options.outputDirectory() != null ? "output folder (--output)" : "output folder (output.directory of " + input + ")");
        long start = System.nanoTime();
        try (FolderLock lock = FolderLock.acquire(dir, "md run", "wait for it to end or stop it, or choose another output folder");
             MdRun run = MdRun.open(config, options)) {
            long first = run.simulation().state().step;
            if (out != null) out.printf(Locale.ROOT, "md run: %s, %d atoms, %s, %s from step %d to %d, output in %s%n",
                    input, run.simulation().system().size(), run.simulation().forceField().name(), config.dynamics().integrator(),
                    first, config.dynamics().steps(), run.directory());
            if (!run.simulation().conservative()) // always said, even with --quiet: the energy columns mean something else now
                System.err.println("md run: warning: the forces of " + run.simulation().forceField().name() + " are not −∇E_pot (e.g. a direct force "
                        + "head), so the total energy is not a conserved quantity; thermo.csv's " + "nonconservative_work_eV"
                        + " (E_pot − E_pot(0) + ∫F·dx) shows the energy they add");
            run.run(options);
            double seconds = (System.nanoTime() - start) * 1e-9;
            long steps = run.simulation().state().step - first;
            if (out != null) out.printf(Locale.ROOT, "md run: done, %d steps in %.1f s (%.0f steps/s)%n", steps, seconds, steps / Math.max(seconds, 1e-9));
        }
        return 0;
    }
}
