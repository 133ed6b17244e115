package md.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import md.core.Cell;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.cli.UserError;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.ml.model.ModelFile;

/**
 * {@code md bench model}: energy + forces per call of any learned model, through the force-field SPI
 * ({@code type: learned}, what {@code md run} uses) on rMD17 aspirin, on 1 and 2 threads (and on devices
 * when asked), plus where the time goes per op (the host plan's profile). The model is a model file, or
 * a family with {@code md train} options and random weights (the speed does not depend on the weights).
 */
public final class ModelBenchmark {
    private ModelBenchmark() {}

    static final String USAGE = """
            usage: md bench model (--model FILE | --family NAME [KEY=VALUE ...]) [--data DIR] [--steps N] [--warmup N]
                                  [--threads 1,2] [--devices opencl,...] [--precision float64|float32] [--atoms 50,100,...]
              Energy + forces per call (median and minimum ms over --steps calls after --warmup, and on one host
              thread the median CPU ms of the calling thread, which other jobs on the machine disturb less) of a
              learned model on rMD17 aspirin (21 atoms; --data: the shared data folder, default ../shared/data),
              through the force field md run uses, on each thread count and device; then the host plan's time per
              op (1 thread). --precision applies to the host rows too (float32: the host executor's float32
              kernels, precision: float32 with device: java) and to the per-op profile.
              --atoms N,...: the same on random H/C/O clusters of N atoms each (fixed seed, 0.1 atoms/A^3, atoms at
              least 1 A apart; scripts/bench-geomatt-torch.py builds the same ones), after aspirin.
              --family builds a model of that family with md train's options (KEY=VALUE, e.g. num_layers=6) and
              random weights; species H, C, O. A model with a direct force head (SE(3)-Transformer) also gets a
              row with forces: direct (1 thread).""";

    public static void main(String[] args) { System.exit(run(args)); }

    public static int run(String[] args) {
        Path data = Path.of("../shared/data"), modelFile = null;
        String family = null, precision = "float64";
        Map<String, Object> options = new LinkedHashMap<>();
        int steps = 40, warmup = 20;
        List<Integer> threads = List.of(1, 2);
        List<String> devices = List.of();
        List<Integer> clusters = List.of();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) { System.out.println(USAGE); return 0; }
            if (!a.startsWith("--")) {
                int eq = a.indexOf('=');
                if (family == null || eq <= 0) throw new UserError("md bench model: unexpected argument '" + a + "' (KEY=VALUE options follow --family NAME)");
                options.put(a.substring(0, eq), plain(a.substring(eq + 1)));
                continue;
            }
            if (i + 1 >= args.length) throw new UserError("md bench model: option " + a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--model" -> modelFile = Path.of(v);
                case "--family" -> family = v;
                case "--data" -> data = Path.of(v);
                case "--steps" -> steps = positive(a, v);
                case "--warmup" -> warmup = positive(a, v);
                case "--threads" -> threads = ints(a, v);
                case "--devices" -> devices = List.of(v.split(","));
                case "--precision" -> precision = v;
                case "--atoms" -> clusters = ints(a, v);
                default -> throw new UserError("md bench model: unknown option " + a + "\n" + USAGE);
            }
        }
        if (!precision.equals("float64") && !precision.equals("float32"))
            throw new UserError("md bench model: --precision must be float64 or float32, got '" + precision + "'");
        if ((modelFile == null) == (family == null)) throw new UserError("md bench model needs --model FILE or --family NAME (one of them)\n" + USAGE);
        try {
            LearnedModel model = modelFile != null ? ModelFile.read(modelFile) : familyModel(family, options);
            return bench(model, modelFile != null ? modelFile.getFileName().toString() : family + " " + options, data, steps, warmup, threads, devices, precision,
                    clusters);
        } catch (IOException e) {
            throw new UserError("md bench model: " + e.getMessage());
        }
    }

    private static Object plain(String v) {
        if (v.equals("true") || v.equals("false")) return Boolean.parseBoolean(v);
        try { return Integer.parseInt(v); } catch (NumberFormatException e) { /* not an integer */ }
        try { return Double.parseDouble(v); } catch (NumberFormatException e) { return v; }
    }

    private static int positive(String key, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new UserError("md bench model: option " + key + " expects a positive integer, got '" + v + "'");
    }

    private static List<Integer> ints(String key, String v) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) out.add(positive(key, s.strip()));
        return out;
    }

    /** A model of {@code family} with md train's options and random weights, for species H, C, O. */
    static LearnedModel familyModel(String family, Map<String, Object> options) {
        ModelFamily f = ModelFamilies.find(family);
        if (f == null || f.training() == null) {
            List<String> names = ModelFamilies.trainable().stream().map(ModelFamily::name).toList();
            throw new UserError("md bench model: no family '" + family + "' that md train can create; expected one of " + names);
        }
        try {
            return f.training().initial(new ForceFieldSpec(f.name(), options, null),
                    new DatasetStatistics(new int[] {1, 6, 8}, 10.0, new double[] {-13.6, -1029.0, -2041.0}, 1.0), 1);
        } catch (ForceFieldConfigException e) {
            throw new UserError("md bench model: option " + e.key() + ": " + e.getMessage());
        }
    }

    private static int bench(LearnedModel model, String label, Path data, int steps, int warmup, List<Integer> threads, List<String> devices,
                             String precision, List<Integer> clusters) throws IOException {
        Path rmd17 = data.resolve("rmd17/rmd17_aspirin_test_01.npz");
        if (!Files.isRegularFile(rmd17)) throw new UserError("benchmark data missing: " + rmd17 + " (give --data DIR)");
        Map<String, NpyArray> frames = Npz.read(rmd17);
        Path file = Files.createTempFile("md-bench-model", ".model");
        try {
            ModelFile.write(file, model, "md bench model");
            double cutoff = model.architecture().cutoff();
            System.out.printf(Locale.ROOT, "model: %s (family %s, %,d parameters, cutoff %s A)%n", label, model.architecture().family(),
                    model.parameterCount(), Double.isFinite(cutoff) ? String.valueOf(cutoff) : "none (all pairs)");
            benchSystem(model, file, "rMD17 aspirin frame 0", frames.get("nuclear_charges").asInts(), frames.get("coords").slice(0), steps, warmup, threads,
                    devices, precision);
            for (int n : clusters) {
                SyntheticCluster c = SyntheticCluster.of(n, SyntheticCluster.DEFAULT_SEED);
                System.out.println();
                benchSystem(model, file, "random H/C/O cluster (seed " + SyntheticCluster.DEFAULT_SEED + ")", c.atomicNumbers(), c.positions(), steps, warmup,
                        threads, devices, precision);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return 0;
    }

    /**
     * CPU time of the calling thread (ns): what a one-thread call costs, whoever else runs on the machine (the
     * process's CPU time is counted in scheduler ticks, too coarse for one call).
     */
    private static long threadCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void benchSystem(LearnedModel model, Path file, String name, int[] z, double[] x, int steps, int warmup, List<Integer> threads,
                                    List<String> devices, String precision) {
        Atoms atoms = new Atoms(z, x, Cell.NONE);
        double cutoff = model.architecture().cutoff();
        int[] types = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            types[i] = model.architecture().typeOf(z[i]);
            if (types[i] < 0) throw new UserError("md bench model: the model has no species Z=" + z[i] + " (of " + name + ")");
        }
        NeighborList list = NeighborList.within(x, Cell.NONE, Double.isFinite(cutoff) ? cutoff + 1.0 : Double.POSITIVE_INFINITY);
        System.out.printf(Locale.ROOT, "system: %s, %d atoms, %d pairs listed; median (min) of %d calls after %d warm-up, %d CPUs%n",
                name, z.length, list.pairCount(), steps, warmup, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-24s %10s %10s %10s %14s%n", "force field", "ms/call", "min ms", "cpu ms", "atom-steps/s");
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int t : threads) runs.add(Map.of("model", file.toString(), "threads", t, "precision", precision));
        // a model with a direct force head: also its forces: direct (one forward pass, no backward)
        if (model.architecture().hasDirectForces()) runs.add(Map.of("model", file.toString(), "threads", 1, "forces", "direct"));
        for (String d : devices) runs.add(Map.of("model", file.toString(), "device", d, "precision", precision));
        for (Map<String, Object> params : runs) {
            String run = params.containsKey("device") ? params.get("device") + " " + precision
                    : "host, " + params.get("threads") + " thread(s)" + (params.containsKey("forces") ? ", direct" : "")
                    + (precision.equals("float64") ? "" : ", " + precision);
            try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", params, null))) {
                double[] f = new double[3 * z.length], w = new double[9];
                for (int i = 0; i < warmup; i++) ff.compute(atoms, list, f, w);
                double[] ms = new double[steps], cpu = new double[steps];
                for (int i = 0; i < steps; i++) {
                    long c0 = threadCpuNanos(), t0 = System.nanoTime();
                    ff.compute(atoms, list, f, w);
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                    cpu[i] = (threadCpuNanos() - c0) / 1e6;
                }
                java.util.Arrays.sort(ms);
                java.util.Arrays.sort(cpu);
                // CPU time of the calling thread is the call's own only when it does all the work (one host thread)
                String cpuMs = Integer.valueOf(1).equals(params.get("threads")) ? String.format(Locale.ROOT, "%10.2f", cpu[steps / 2]) : String.format("%10s", "-");
                System.out.printf(Locale.ROOT, "%-24s %10.2f %10.2f %s %14.0f%n", run, ms[steps / 2], ms[0], cpuMs, z.length * 1000 / ms[steps / 2]);
            } catch (ForceFieldConfigException e) {
                System.out.printf(Locale.ROOT, "%-24s not available: %s%n", run, e.getMessage());
            }
        }
        try (PlanExecutor plan = new PlanExecutor(model, 1, false, precision.equals("float32"))) {
            double[] f = new double[3 * z.length];
            for (int i = 0; i < warmup; i++) plan.compute(x, types, list, f, null, null);
            plan.profile();
            for (int i = 0; i < steps; i++) plan.compute(x, types, list, f, null, null);
            double total = 0;
            for (double[] v : plan.profileByOp().values()) total += v[0] + v[1];
            System.out.printf(Locale.ROOT, "%nwhere the time goes (host plan, 1 thread, %s; ms per call, kernels only):%n%-24s %9s %9s %7s%n", precision,
                    "op", "forward", "backward", "share");
            for (Map.Entry<String, double[]> e : plan.profileByOp().entrySet()) {
                double[] v = e.getValue();
                if ((v[0] + v[1]) / total < 0.005) continue;
                System.out.printf(Locale.ROOT, "%-24s %9.3f %9.3f %6.1f%%%n", e.getKey(), v[0] / steps, v[1] / steps, 100 * (v[0] + v[1]) / total);
            }
        }
    }
}
