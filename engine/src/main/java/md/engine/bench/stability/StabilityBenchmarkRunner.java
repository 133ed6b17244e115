package md.engine.bench.stability;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import md.core.Elements;
import md.engine.cli.UserError;
import md.forcefields.ForceField;
import md.forcefields.backend.BackendUnavailableException;
import md.forcefields.backend.Backends;
import md.forcefields.backend.BatchedForceFields;
import md.forcefields.backend.KernelBackend;
import md.forcefields.ml.model.ModelFile;

/**
 * Runs the stability benchmark: checks the options and the output folder, measures the force error,
 * runs (or continues) every run — up to {@code --parallel} at once, each with its own force field, or
 * with {@code --batched} all at once through one batched NequIP evaluation — and writes the table.
 * What each step does is described in docs/stability.md.
 */
public final class StabilityBenchmarkRunner {
    private StabilityBenchmarkRunner() {}

    static final String SETTINGS = "benchmark.properties";
    /** Held (an OS file lock, {@link md.engine.io.FolderLock}) while a benchmark works in the folder, so two processes never write the same runs. */
    static final String LOCK = md.engine.io.FolderLock.FILE;

    public static int run(String[] args, PrintStream out) throws Exception {
        for (String a : args)
            if (a.equals("--help") || a.equals("-h")) {
                out.println(StabilityOptions.USAGE);
                return 0;
            }
        StabilityOptions o = StabilityOptions.parse(args);
        ReferenceData reference = ReferenceData.read(o.reference(), o.molecule());
        Potential potential = Potential.of(o);
        md.engine.io.OutputPaths.folder(o.output(), "output folder (-o)");
        try (md.engine.io.FolderLock lock = md.engine.io.FolderLock.acquire(o.output(), "md bench stability",
                "wait for it to end, or stop it and continue with --resume")) {
            return run(o, reference, potential, out);
        }
    }

    private static int run(StabilityOptions o, ReferenceData reference, Potential potential, PrintStream out) throws Exception {
        ForceError forceError;
        try (ForceField ff = potential.config(o).create()) {
            requireElements(ff, reference, o); // before the folder records the settings: a refused start leaves nothing to resume
            prepareFolder(o, potential);
            forceError = ForceError.of(ff, reference, o.maxTestFrames());
        }
        out.println("md bench stability: " + new BenchmarkSummary(o, potential, reference, forceError, List.of()).heading());
        out.printf(Locale.ROOT, "md bench stability: force MAE %.3f meV/Å over %d test frames of %s%n", forceError.maeMevPerAngstrom(),
                forceError.frames(), o.reference());

        List<StabilityRun.Outcome> outcomes = runAll(o, potential, reference, out);
        BenchmarkSummary summary = new BenchmarkSummary(o, potential, reference, forceError, outcomes);
        summary.write(o.output());
        out.println();
        out.println("md bench stability: " + summary.heading());
        out.print(summary.runTable());
        out.println();
        out.print(summary.table());
        out.println("report: " + o.output().resolve("report.html") + ", numbers: " + o.output().resolve("metrics.json"));
        return 0;
    }

    private static List<StabilityRun.Outcome> runAll(StabilityOptions o, Potential potential, ReferenceData reference, PrintStream out)
            throws Exception {
        if (!o.batched()) return runAll(o, potential, reference, out, Math.min(o.parallel(), o.runs()), null);
        Potential.Learned learned = potential.learned();
        md.forcefields.ml.model.LearnedModel model;
        try {
            model = ModelFile.read(learned.model());
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("--batched: cannot read the model " + learned.model() + ": " + e.getMessage());
        }
        if ("java".equals(learned.device())) {
            // On the host every run has its own MD plan of the model layer: the runs are evaluated side by side,
            // each on its own thread, with exactly the code of a run one by one.
            List<ForceField> replicas = new ArrayList<>();
            for (int k = 0; k < o.runs(); k++) replicas.add(new md.forcefields.ml.potential.LearnedForceField(model));
            out.println("md bench stability: --batched on java: " + o.runs() + " runs side by side, one MD plan each");
            return runAll(o, potential, reference, out, o.runs(), replicas::get);
        }
        KernelBackend backend;
        try {
            backend = Backends.open(learned.device());
        } catch (BackendUnavailableException | LinkageError e) {
            throw new UserError((o.device() != null ? "--device " : "device ") + learned.device() + ": " + e.getMessage());
        }
        try (backend; BatchedForceFields batch = new BatchedForceFields(model, backend, o.runs())) {
            out.println("md bench stability: --batched: " + o.runs() + " runs evaluated together on " + backend.name() + " (" + backend.deviceName() + ")");
            return runAll(o, potential, reference, out, o.runs(), batch::replica);
        }
    }

    /** Runs every run on {@code threads} threads; with a batch, run k uses its replica k (then every run needs its own thread). */
    private static List<StabilityRun.Outcome> runAll(StabilityOptions o, Potential potential, ReferenceData reference, PrintStream out,
                                                     int threads, java.util.function.IntFunction<ForceField> batch) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "stability-run");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<StabilityRun.Outcome>> futures = new ArrayList<>();
            for (int k = 0; k < o.runs(); k++) {
                StabilityRun run = new StabilityRun(o, potential, reference, k);
                PrintStream progress = PrefixedLines.of(out, "[run " + (k + 1) + "] ");
                ForceField replica = batch == null ? null : batch.apply(k);
                futures.add(pool.submit(() -> {
                    StabilityRun.Outcome r;
                    try {
                        r = run.execute(progress, replica);
                    } finally {
                        // a run that ends (or fails) leaves the batch, so the others go on without it
                        if (replica != null) replica.close();
                    }
                    progress.printf(Locale.ROOT, "%s after %.2f ps: stability %.2f ps, h(r) MAE %.4f, %.1f steps/s%n",
                            BenchmarkSummary.ended(r), r.simulatedPs(o.timestepFs()), r.analysis().stabilityPs(),
                            r.analysis().hrMae().orElse(Double.NaN), r.stepsPerSecond());
                    return r;
                }));
            }
            List<StabilityRun.Outcome> outcomes = new ArrayList<>();
            Exception failure = null;
            for (Future<StabilityRun.Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    // Let the other runs finish (their checkpoints stay usable); report the first failure.
                    if (failure == null) failure = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                }
            }
            if (failure != null) throw failure;
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A fresh benchmark needs a folder without an earlier one (or --overwrite, which removes the
     * benchmark's own files); --resume needs the earlier one's settings to match, so that continued runs
     * are the runs that were started.
     */
    static void prepareFolder(StabilityOptions o, Potential potential) throws IOException {
        Path dir = o.output();
        Path settingsFile = dir.resolve(SETTINGS);
        Properties settings = settings(o, potential);
        if (o.resume()) {
            Properties earlier = StabilityRun.read(settingsFile);
            if (earlier == null)
                throw new UserError("cannot resume: " + dir + " holds no stability benchmark (" + SETTINGS + " is missing); run without --resume to start one "
                        + "(with --overwrite if the folder holds run-N folders of an interrupted start)");
            TreeSet<String> changed = new TreeSet<>();
            for (String k : settings.stringPropertyNames()) if (!settings.getProperty(k).equals(earlier.getProperty(k))) changed.add(k);
            for (String k : earlier.stringPropertyNames()) if (!settings.containsKey(k)) changed.add(k);
            if (!changed.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                for (String k : changed) sb.append("; ").append(k).append(": ").append(earlier.getProperty(k)).append(" -> ").append(settings.getProperty(k));
                throw new UserError("cannot resume the benchmark in " + dir + " with other settings (" + sb.substring(2) + "). Only --runs, --steps, "
                        + "--parallel, --batched, --checkpoint-every, --max-test-frames and --progress-every may change; use another --output folder for a new benchmark.");
            }
            return;
        }
        {
            boolean earlier = Files.exists(settingsFile);
            try (Stream<Path> s = Files.list(dir)) {
                earlier |= s.anyMatch(p -> p.getFileName().toString().matches("run-\\d+"));
            }
            if (earlier && !o.overwrite())
                throw new UserError("the folder " + dir + " already holds a stability benchmark; use --resume to continue it, --overwrite to replace it, "
                        + "or another --output folder");
            if (earlier) clear(dir);
        }
        Files.createDirectories(dir);
        StabilityRun.write(settingsFile, settings, "md bench stability: settings that shape the runs (checked by --resume)");
    }

    /** Removes what a benchmark writes (run folders, table, settings), nothing else. */
    private static void clear(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("run-\\d+")) deleteTree(p);
                else if (name.equals("metrics.json") || name.equals("report.html") || name.equals(SETTINGS)) Files.delete(p);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** The settings that decide what a run computes. */
    static Properties settings(StabilityOptions o, Potential potential) throws IOException {
        Properties p = new Properties();
        p.setProperty("potential", potential.flowYaml());
        if (o.model() != null) p.setProperty("model_sha256", sha256(o.model()));
        p.setProperty("reference", o.reference().toAbsolutePath().normalize().toString());
        p.setProperty("seed", Long.toString(o.seed()));
        p.setProperty("temperature_K", Double.toString(o.temperatureK()));
        p.setProperty("timestep_fs", Double.toString(o.timestepFs()));
        p.setProperty("ttime", Double.toString(o.ttime()));
        p.setProperty("save_every", Integer.toString(o.saveEvery()));
        p.setProperty("bond_threshold_A", Double.toString(o.bondThresholdA()));
        p.setProperty("temperature_window_K", o.minTemperatureK() + "," + o.maxTemperatureK());
        p.setProperty("stop_at_collapse", Boolean.toString(o.stopAtCollapse()));
        return p;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void requireElements(ForceField ff, ReferenceData reference, StabilityOptions o) {
        TreeSet<String> missing = new TreeSet<>();
        for (int z : reference.atomicNumbers()) if (!ff.supportsElement(z)) missing.add(Elements.symbol(z));
        if (!missing.isEmpty())
            throw new UserError((o.model() != null ? "--model " + o.model() : "--forcefield") + ": the potential '" + ff.name() + "' has no parameters for "
                    + String.join(", ", missing) + ", found in --reference " + o.reference() + "; expected a potential for every element of the molecule");
    }
}
