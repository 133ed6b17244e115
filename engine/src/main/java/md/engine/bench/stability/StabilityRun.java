package md.engine.bench.stability;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;

import md.analysis.Bonds;
import md.analysis.Frames;
import md.analysis.Thermo;
import md.analysis.TrajectoryAnalysis;
import md.core.Cell;
import md.core.Elements;
import md.engine.cli.UserError;
import md.engine.config.ConfigNode;
import md.engine.config.RunConfig;
import md.engine.config.RunConfigLoader;
import md.engine.io.ExtxyzWriter;
import md.engine.io.StructureReader;
import md.engine.report.HtmlReport;
import md.engine.report.Metrics;
import md.engine.report.ThermoCsv;
import md.engine.report.TrajectoryFiles;
import md.engine.run.MdRun;
import md.engine.run.UnstableRunException;
import md.engine.system.Frame;
import md.forcefields.ForceField;
import md.thermostats.KineticEnergy;
import md.thermostats.MaxwellBoltzmann;

/**
 * One run of the benchmark in its own folder ({@code run-K/}), as an ordinary {@code md run}:
 * {@code initial.extxyz} (the drawn test frame with its Maxwell–Boltzmann velocities), {@code input.yaml}
 * (which {@code md run --resume run-K/input.yaml} also accepts), the run loop's {@code thermo.csv},
 * {@code trajectory.extxyz} and {@code checkpoint.mdchk}, {@code timing.properties} (MD wall time so far),
 * {@code status.properties} once the dynamics has ended, and {@code analysis/} (report.html,
 * metrics.json).
 *
 * <p>Everything random comes from the run's seed alone — the initial frame ({@link SplittableRandom})
 * and the velocities ({@link MaxwellBoltzmann#sample}: every component normal with variance kT/m, no
 * momentum removal and no rescaling, like ASE's {@code MaxwellBoltzmannDistribution} the benchmark
 * calls) — so a run is the same whichever thread runs it and however many run beside it.
 */
final class StabilityRun {
    static final String STATUS = "status.properties";
    static final String TIMING = "timing.properties";

    /** The outcome of one run. */
    record Outcome(int index, long seed, int initialFrame, long stepsRun, String stopKind, String stopMessage,
                   long timedSteps, double timedSeconds, TrajectoryAnalysis.Result analysis, Path directory) {
        double simulatedPs(double timestepFs) { return stepsRun * timestepFs / 1000.0; }

        double stepsPerSecond() { return timedSeconds > 0 ? timedSteps / timedSeconds : Double.NaN; }
    }

    private final StabilityOptions o;
    private final Potential potential;
    private final ReferenceData reference;
    private final int index;
    private final long seed;
    private final Path dir;

    StabilityRun(StabilityOptions o, Potential potential, ReferenceData reference, int index) {
        this.o = o;
        this.potential = potential;
        this.reference = reference;
        this.index = index;
        this.seed = o.runSeed(index);
        this.dir = o.output().resolve("run-" + (index + 1)).toAbsolutePath().normalize();
    }

    Path directory() { return dir; }

    /** The frame of the reference data run {@code seed} starts from. */
    static int initialFrame(long seed, int frames) { return new SplittableRandom(seed).nextInt(frames); }

    /**
     * Runs the dynamics — fresh, from the checkpoint of an interrupted run, or on from the end of a
     * finished one when more steps are asked for — unless it has already ended; then analyses it.
     * {@code forceField}, when not null, is used (and closed) instead of one made from the input file's
     * section; the caller closes it as well (for the paths that never reach the dynamics).
     */
    Outcome execute(PrintStream progress, ForceField forceField) throws IOException {
        int frame = initialFrame(seed, reference.frames().size());
        Properties status = read(dir.resolve(STATUS));
        boolean endedEarly = status != null && !status.getProperty("stop_kind").isEmpty();
        long done = status == null ? 0 : Long.parseLong(status.getProperty("steps_run"));
        if (status != null && !endedEarly && done > o.steps())
            throw new UserError(dir + " already holds " + done + " steps, more than --steps " + o.steps()
                    + "; expected --steps of at least that many, or another --output folder");
        if (status == null || (!endedEarly && done < o.steps())) status = simulate(frame, progress, forceField);
        return new Outcome(index, seed, frame, Long.parseLong(status.getProperty("steps_run")), status.getProperty("stop_kind"),
                status.getProperty("stop_message"), Long.parseLong(status.getProperty("timed_steps")),
                Double.parseDouble(status.getProperty("timed_seconds")), analyse(), dir);
    }

    /**
     * Names every bond of the starting frame that the reference frames themselves move further from its mean length
     * than the collapse threshold: by Fu et al.'s criterion (bonds from the starting frame, ASE's natural cutoffs,
     * kept for comparability with their table) such a bond, typically an intramolecular hydrogen bond, can end the
     * run while the molecule is intact.
     */
    private void warnAboutLooseBonds(PrintStream progress, double[] firstFrame, List<Bonds.Bond> bonds, double[] meanLengths) {
        double[] strays = Bonds.maxDeviations(reference.positions(), bonds, meanLengths);
        double[] start = Bonds.lengths(firstFrame, bonds, Cell.NONE);
        int[] z = reference.atomicNumbers();
        for (int b = 0; b < strays.length; b++) {
            if (strays[b] <= o.bondThresholdA()) continue;
            progress.printf(java.util.Locale.ROOT, "md bench stability: note: bond %s (%.3f Å in the starting frame, reference mean %.3f Å) "
                            + "strays up to %.3f Å from its mean in the reference frames themselves, more than the %.2f Å criterion: "
                            + "it can end this run with the molecule intact (Fu et al.'s criterion, kept for comparability)%n",
                    Bonds.label(bonds.get(b), z), start[b], meanLengths[b], strays[b], o.bondThresholdA());
        }
    }

    private Properties simulate(int frame, PrintStream progress, ForceField forceField) throws IOException {
        boolean resume = Files.isRegularFile(dir.resolve(MdRun.CHECKPOINT));
        if (!resume) {
            Files.createDirectories(dir);
            Frame start = reference.frames().get(frame);
            double[] masses = new double[start.size()];
            for (int i = 0; i < masses.length; i++) masses[i] = Elements.massAmu(start.atomicNumbers()[i]);
            double[] v = MaxwellBoltzmann.sample(masses, o.temperatureK(), seed);
            Frame initial = new Frame(start.atomicNumbers(), start.positions(), Cell.NONE, null, null, v,
                    Map.of("source_index", (long) frame, "seed", seed));
            // Å/fs, not ASE's momenta: this file is the run's starting structure, and velocities must come back bit
            // for bit (momenta / mass can differ from the drawn velocity in the last bit)
            ExtxyzWriter.writeAll(dir.resolve("initial.extxyz"), List.of(initial), ExtxyzWriter.VelocityFormat.VELOCITIES_ANGSTROM_PER_FS);
            Files.deleteIfExists(dir.resolve(TIMING));
        }
        // Written only once the run has opened: a refused resume leaves the earlier input.yaml as it was.
        Path input = dir.resolve("input.yaml");
        String inputText = inputYaml(frame);
        RunConfig config = RunConfigLoader.load(ConfigNode.parse(input, inputText));

        Properties timing = resume ? read(dir.resolve(TIMING)) : null;
        long[] timedSteps = {timing == null ? 0 : Long.parseLong(timing.getProperty("timed_steps"))};
        double[] timedSeconds = {timing == null ? 0 : Double.parseDouble(timing.getProperty("timed_seconds"))};

        double[] firstFrame = StructureReader.read(dir.resolve("initial.extxyz"), 0).positions();
        List<Bonds.Bond> bonds = Bonds.naturalCutoffs(firstFrame, reference.atomicNumbers(), Cell.NONE);
        double[] meanLengths = Bonds.meanLengths(reference.positions(), bonds);
        CollapseWatch watch = o.stopAtCollapse()
                ? new CollapseWatch(o.saveEvery(), bonds, meanLengths, o.bondThresholdA(), reference.atomicNumbers())
                : null;
        if (watch != null) warnAboutLooseBonds(progress, firstFrame, bonds, meanLengths);

        String kind = "", message = "";
        long stepsRun;
        MdRun.Options options = new MdRun.Options(dir, resume, !resume, progress, false);
        try (MdRun run = MdRun.open(config, options, forceField)) {
            Files.writeString(input, inputText, StandardCharsets.UTF_8);
            long first = run.simulation().state().step;
            long[] segmentStart = {first, System.nanoTime()};
            // Saved with every checkpoint, so an interrupted run keeps the speed of what it had done.
            run.stopWhen(sim -> {
                String why = watch == null ? null : watch.stopReason(sim);
                long step = sim.state().step;
                if (step % o.checkpointEvery() == 0) {
                    long now = System.nanoTime();
                    timedSteps[0] += step - segmentStart[0];
                    timedSeconds[0] += (now - segmentStart[1]) * 1e-9;
                    segmentStart[0] = step;
                    segmentStart[1] = now;
                    writeTiming(timedSteps[0], timedSeconds[0]);
                }
                return why;
            });
            try {
                run.run(options);
                if (run.stopReason() != null) {
                    kind = "collapse";
                    message = run.stopReason();
                }
            } catch (UnstableRunException e) {
                // The run stopped at the failing step: the temperature left the window, or energy/forces are not finite.
                double t = KineticEnergy.temperatureK(run.simulation().kineticEnergyEv(), 3 * reference.atomicNumbers().length);
                kind = t >= o.minTemperatureK() && t <= o.maxTemperatureK() ? "unstable" : "temperature";
                message = e.getMessage().replaceAll("\\s+", " ");
            }
            stepsRun = run.simulation().state().step;
            timedSteps[0] += stepsRun - segmentStart[0];
            timedSeconds[0] += (System.nanoTime() - segmentStart[1]) * 1e-9;
        }
        writeTiming(timedSteps[0], timedSeconds[0]);
        Properties status = new Properties();
        status.setProperty("seed", Long.toString(seed));
        status.setProperty("initial_frame", Integer.toString(frame));
        status.setProperty("steps_run", Long.toString(stepsRun));
        status.setProperty("stop_kind", kind);
        status.setProperty("stop_message", message);
        status.setProperty("timed_steps", Long.toString(timedSteps[0]));
        status.setProperty("timed_seconds", Double.toString(timedSeconds[0]));
        write(dir.resolve(STATUS), status, "md bench stability: the dynamics of this run has ended");
        return status;
    }

    /** The run's input file: the benchmark protocol as ordinary {@code md run} keys. */
    String inputYaml(int frame) {
        return "# md bench stability, run " + (index + 1) + ": seed " + seed + ", initial frame " + frame + " of " + reference.file() + "\n"
                + "description: stability benchmark run " + (index + 1) + "\n"
                + "structure: {file: initial.extxyz}\n"
                + "forcefield: " + potential.flowYaml() + "\n"
                + "dynamics: {integrator: nose-hoover-fu, timestep_fs: " + o.timestepFs() + ", steps: " + o.steps()
                + ", temperature_K: " + o.temperatureK() + ", ttime: " + o.ttime() + "}\n"
                + "output:\n"
                + "  directory: .\n"
                + "  trajectory: {every: " + o.saveEvery() + ", formats: [extxyz]}\n"
                + "  thermo: {every: " + o.saveEvery() + "}\n"
                + "  checkpoint: {every: " + o.checkpointEvery() + "}\n"
                + "  progress: {every_s: " + o.progressEveryS() + "}\n"
                + "safety: {temperature_window_K: [" + o.minTemperatureK() + ", " + o.maxTemperatureK() + "]}\n";
    }

    /** The analysis module on this run's trajectory, against the reference; writes analysis/report.html and metrics.json. */
    private TrajectoryAnalysis.Result analyse() throws IOException {
        Path traj = dir.resolve("trajectory.extxyz"), thermoFile = dir.resolve("thermo.csv");
        Frames frames = TrajectoryFiles.read(traj, Optional.empty());
        Thermo thermo = ThermoCsv.read(thermoFile);
        TrajectoryAnalysis.Options b = TrajectoryAnalysis.Options.benchmark();
        TrajectoryAnalysis.Options opts = new TrajectoryAnalysis.Options(b.hrMin(), b.hrMax(), b.hrBins(), o.bondThresholdA(), b.rdfBins(),
                b.rdfWindowPs(), b.rdfThreshold(), b.rdfTotalOnly(), b.burnInPs(), b.msdMaxLagPs(), b.msdFitStartPs(), b.msdFitEndPs(),
                Optional.of(TrajectoryAnalysis.Criterion.BONDS));
        TrajectoryAnalysis.Result r = TrajectoryAnalysis.analyse(frames, Optional.of(reference.positions()), Optional.of(thermo), opts);
        HtmlReport.write(r, new Metrics.Inputs(traj, Optional.of(reference.file()), Optional.of(thermoFile)), dir.resolve("analysis"));
        return r;
    }

    private void writeTiming(long steps, double seconds) {
        Properties p = new Properties();
        p.setProperty("timed_steps", Long.toString(steps));
        p.setProperty("timed_seconds", Double.toString(seconds));
        try {
            write(dir.resolve(TIMING), p, "md bench stability: MD steps and wall seconds timed so far");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Properties read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return null;
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /** Written to a temporary file and renamed, so a crash leaves the old or the new file. */
    static void write(Path file, Properties p, String comment) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, comment);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
