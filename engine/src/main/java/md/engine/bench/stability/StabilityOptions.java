package md.engine.bench.stability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import md.engine.cli.UserError;
import md.forcefields.backend.Backends;

/**
 * The command line of {@code md bench stability}, checked: every mistake is a {@link UserError} naming
 * the option and what was expected. Defaults are the protocol of Fu et al. (TMLR 2023) for MD17.
 *
 * @param model            NequIP model file (exclusive with {@code forceField})
 * @param forceField       force-field YAML (file or inline {@code {type: ...}}), instead of a model
 * @param reference        test data: initial frames, force errors, reference bond lengths and h(r)
 * @param molecule         label of the molecule (optional; a known MD17 name is checked against the reference)
 * @param runs             independent runs (benchmark: 5)
 * @param steps            steps per run (benchmark: 600,000 = 300 ps)
 * @param seed             run k (0-based) uses seed + k for its initial frame and velocities (benchmark config: 123)
 * @param threads          threads of each force-field instance (NequIP)
 * @param parallel         runs executed at the same time, each with its own force field
 * @param output           benchmark folder
 * @param resume           continue an interrupted benchmark in {@code output}
 * @param overwrite        replace an earlier benchmark in {@code output}
 * @param temperatureK     initial Maxwell–Boltzmann and thermostat temperature (500 K)
 * @param timestepFs       time step (0.5 fs)
 * @param ttime            Nosé–Hoover thermostat time in steps (20)
 * @param saveEvery        steps between saved frames (100)
 * @param bondThresholdA   bond-length collapse threshold (0.5 Å)
 * @param minTemperatureK  early stop below (0.1 K)
 * @param maxTemperatureK  early stop above (100,000 K)
 * @param stopAtCollapse   end a run at its collapse frame (nothing after it enters the benchmark's numbers)
 * @param checkpointEvery  steps between checkpoints
 * @param maxTestFrames    reference frames used for the force error (benchmark: 10,000)
 * @param progressEveryS   seconds between progress lines per run
 * @param device           NequIP device (java, opencl, cuda, auto) set in every run's force field; null keeps the potential's own
 * @param batched          run every run at once, their NequIP evaluations batched into one per step
 */
public record StabilityOptions(Path model, String forceField, Path reference, String molecule, int runs, long steps, long seed,
                               int threads, int parallel, Path output, boolean resume, boolean overwrite, double temperatureK,
                               double timestepFs, double ttime, int saveEvery, double bondThresholdA, double minTemperatureK,
                               double maxTemperatureK, boolean stopAtCollapse, long checkpointEvery, int maxTestFrames,
                               int progressEveryS, String device, boolean batched) {

    public static final String USAGE = """
            usage: md bench stability (--model M.nqp | --forcefield FF) --reference TEST.npz [options]

            The MD17 stability benchmark of Fu et al., "Forces are not Enough" (TMLR 2023): independent
            runs from test frames drawn with a seed, Maxwell-Boltzmann velocities at 500 K, their
            Nose-Hoover integrator (0.5 fs, ttime 20), a frame every 100 steps, early stop when the
            temperature leaves [0.1, 100000] K; then force MAE on the test frames, stability (bond-length
            criterion, ps), h(r) MAE and simulation speed, with an HTML report per run (docs/stability.md).

            required:
              --model FILE          learned model file (md import or md train makes one)
                or --forcefield FF  force-field YAML file or inline YAML '{type: morse, ...}'
              --reference FILE      test data with forces (.npz MD17/rMD17, .extxyz): initial frames,
                                    force error, reference bond lengths and h(r)
            options:
              --molecule NAME       label; aspirin, ethanol, naphthalene, salicylic_acid are checked
                                    against the reference's atoms and shown with published numbers
              --runs N              independent runs (default 5)
              --steps N             steps per run (default 600000 = 300 ps)
              --seed S              run k uses seed S+k for its initial frame and velocities (default 123)
              --threads K           threads per force-field instance (default 1)
              --parallel N          runs at the same time, each with its own force field (default 1)
              --batched             run all runs at once, one thread each, with one learned-model evaluation
                                    per step for all of them (one launch sequence on a GPU)
              --device D            learned-model device of every run: java, opencl, cuda or auto (default:
                                    the potential's device key, else java); also the batch's device
              -o, --output DIR      benchmark folder (default stability-NAME)
              --resume              continue an interrupted benchmark from its checkpoints
              --overwrite           replace an earlier benchmark in the folder
              --temperature K       initial and thermostat temperature (default 500)
              --timestep FS         time step (default 0.5)
              --ttime N             thermostat time in steps (default 20)
              --save-every N        steps between saved frames (default 100)
              --bond-threshold A    bond-length collapse threshold, Å (default 0.5)
              --temperature-window LO,HI   early-stop window, K (default 0.1,100000)
              --run-past-collapse   keep simulating after the collapse frame (as the original code does;
                                    the benchmark's numbers are the same, it only costs time)
              --checkpoint-every N  steps between checkpoints (default 10000)
              --max-test-frames N   reference frames for the force error (default 10000)
              --progress-every S    seconds between progress lines (default 60)""";

    public static StabilityOptions parse(String[] args) {
        Path model = null, reference = null, output = null;
        String forceField = null, molecule = null;
        int runs = 5, threads = 1, parallel = 1, saveEvery = 100, maxTestFrames = 10_000, progressEvery = 60;
        long steps = 600_000, seed = 123, checkpointEvery = 10_000;
        boolean resume = false, overwrite = false, stopAtCollapse = true, batched = false, parallelGiven = false;
        String device = null;
        double temperature = 500, timestep = 0.5, ttime = 20, bondThreshold = 0.5, minT = 0.1, maxT = 100_000;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model" -> model = Path.of(value(args, ++i, a, "a learned model file"));
                case "--forcefield" -> forceField = value(args, ++i, a, "a force-field YAML file or inline YAML");
                case "--reference" -> reference = Path.of(value(args, ++i, a, "a test data file (.npz or .extxyz)"));
                case "--molecule" -> molecule = value(args, ++i, a, "a molecule name, e.g. ethanol");
                case "--runs" -> runs = (int) whole(args, ++i, a, 1, 1000);
                case "--steps" -> steps = whole(args, ++i, a, 1, Long.MAX_VALUE / 2);
                case "--seed" -> seed = whole(args, ++i, a, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--threads" -> threads = (int) whole(args, ++i, a, 1, 256);
                case "--parallel" -> {
                    parallel = (int) whole(args, ++i, a, 1, 256);
                    parallelGiven = true;
                }
                case "--batched" -> batched = true;
                case "--device" -> {
                    device = value(args, ++i, a, "a device: " + String.join(", ", Backends.NAMES));
                    if (!Backends.NAMES.contains(device))
                        throw new UserError("--device expects one of " + String.join(", ", Backends.NAMES) + ", got '" + device + "'");
                }
                case "-o", "--output" -> output = Path.of(value(args, ++i, a, "a folder"));
                case "--resume" -> resume = true;
                case "--overwrite" -> overwrite = true;
                case "--temperature" -> temperature = positive(args, ++i, a, "K");
                case "--timestep" -> timestep = positive(args, ++i, a, "fs");
                case "--ttime" -> ttime = positive(args, ++i, a, "time steps");
                case "--save-every" -> saveEvery = (int) whole(args, ++i, a, 1, Integer.MAX_VALUE);
                case "--bond-threshold" -> bondThreshold = positive(args, ++i, a, "Å");
                case "--temperature-window" -> {
                    String v = value(args, ++i, a, "LO,HI in K, e.g. 0.1,100000");
                    String[] p = v.split(",");
                    if (p.length != 2) throw new UserError("--temperature-window expects LO,HI in K (e.g. 0.1,100000), got '" + v + "'");
                    minT = number(p[0].strip(), a);
                    maxT = number(p[1].strip(), a);
                    if (!(minT >= 0 && maxT > minT)) throw new UserError("--temperature-window expects 0 <= LO < HI (K), got '" + v + "'");
                }
                case "--run-past-collapse" -> stopAtCollapse = false;
                case "--checkpoint-every" -> checkpointEvery = whole(args, ++i, a, 1, Long.MAX_VALUE / 2);
                case "--max-test-frames" -> maxTestFrames = (int) whole(args, ++i, a, 0, Integer.MAX_VALUE);
                case "--progress-every" -> progressEvery = (int) whole(args, ++i, a, 1, 86_400);
                default -> throw new UserError("md bench stability: unknown option '" + a + "'; expected one of --model, --forcefield, --reference, "
                        + "--molecule, --runs, --steps, --seed, --threads, --parallel, --batched, --device, --output, --resume, --overwrite, --temperature, --timestep, "
                        + "--ttime, --save-every, --bond-threshold, --temperature-window, --run-past-collapse, --checkpoint-every, "
                        + "--max-test-frames, --progress-every (md bench stability --help)");
            }
        }
        if (model == null && forceField == null)
            throw new UserError("md bench stability needs the potential: --model FILE (a learned model file) or --forcefield FF (force-field YAML)");
        if (model != null && forceField != null)
            throw new UserError("give either --model or --forcefield, not both");
        if (model != null && !Files.isRegularFile(model))
            throw new UserError("--model " + model + ": " + md.engine.config.InputFiles.problem(model) + "; expected a model file, e.g. from md import or md train");
        if (reference == null)
            throw new UserError("md bench stability needs --reference FILE: the test data (e.g. ../shared/data/rmd17/rmd17_ethanol_test_01.npz) "
                    + "the initial frames, force error, reference bond lengths and h(r) come from");
        if (!Files.isRegularFile(reference))
            throw new UserError("--reference " + reference + ": " + md.engine.config.InputFiles.problem(reference) + "; expected test data with forces (.npz MD17/rMD17 or .extxyz)");
        if (batched && parallelGiven)
            throw new UserError("--batched runs every run at the same time (one thread each, one evaluation per step for all); expected it without --parallel");
        if (resume && overwrite) throw new UserError("--resume and --overwrite contradict each other; expected one of them");
        if (saveEvery > steps) throw new UserError("--save-every " + saveEvery + " is more than --steps " + steps + "; expected at most the run length");
        if (output == null) {
            String name = molecule != null ? molecule : reference.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            output = Path.of("stability-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "_"));
        }
        return new StabilityOptions(model, forceField, reference, molecule, runs, steps, seed, threads, parallel, output, resume, overwrite,
                temperature, timestep, ttime, saveEvery, bondThreshold, minT, maxT, stopAtCollapse, checkpointEvery, maxTestFrames, progressEvery,
                device, batched);
    }

    /** Simulated time of one run, ps. */
    public double runLengthPs() { return steps * timestepFs / 1000.0; }

    /** Seed of run {@code k} (0-based). */
    public long runSeed(int k) { return seed + k; }

    private static String value(String[] args, int i, String option, String expected) {
        if (i >= args.length || args[i].startsWith("--")) throw new UserError(option + " needs a value; expected " + expected);
        return args[i];
    }

    private static double number(String v, String option) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserError(option + " expects a number, got '" + v + "'");
    }

    private static double positive(String[] args, int i, String option, String unit) {
        double d = number(value(args, i, option, "a positive number (" + unit + ")"), option);
        if (!(d > 0)) throw new UserError(option + " expects a positive number (" + unit + "), got " + args[i]);
        return d;
    }

    private static long whole(String[] args, int i, String option, long min, long max) {
        String v = value(args, i, option, "a whole number");
        long n;
        try {
            n = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new UserError(option + " expects a whole number, got '" + v + "'");
        }
        if (n < min || n > max) throw new UserError(option + " expects a whole number from " + min + " to " + max + ", got " + n);
        return n;
    }
}
