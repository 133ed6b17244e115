package md.engine.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.yaml.snakeyaml.Yaml;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.cli.UserError;
import md.forcefields.NeighborList;
import md.forcefields.backend.DeviceExecutor;
import md.forcefields.backend.DeviceExecutor.Replica;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.backend.BackendUnavailableException;
import md.forcefields.backend.Backends;
import md.forcefields.backend.KernelBackend;
import md.forcefields.nequip.NequipImporter;
import md.forcefields.nequip.NequipModel;

/**
 * {@code md bench backends}: ms per NequIP energy+forces step on each available backend against the
 * {@code java} backend in the same run, for an rMD17 aspirin frame, a periodic water box of 1,000+
 * atoms, and 5 aspirin replicas batched in one launch sequence (against 5 separate calls). The water
 * box is also timed with the resident neighbour list (edges uploaded once, skin pairs masked on the
 * device) against the default edges filtered to r_max on the host every step.
 * The model is the reference NequIP fixture (nequip-reference/aspirin-l2: l_max 2, 16 features,
 * 3 layers, r_max 4 Å; species H, C, O). The host MD executor (PlanExecutor, 1 thread) is shown too.
 *
 * <p>Options: --data DIR (shared data, default ../shared/data), --steps N (20), --warmup N (5),
 * --waters N (molecules per box edge, default 7: 343 waters, 1,029 atoms), --backends a,b (default:
 * every available one).
 */
public final class BackendBenchmark {
    private BackendBenchmark() {}

    public static void main(String[] args) { System.exit(run(args)); }

    public static int run(String[] args) {
        Path data = Path.of("../shared/data");
        int steps = 20, warmup = 5, waters = 7;
        List<String> names = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("""
                        usage: md bench backends [--data DIR] [--steps N] [--warmup N] [--waters N] [--backends java,opencl,cuda]
                          NequIP (aspirin-l2 fixture model) energy+forces in ms/step on every available backend (device
                          backends in float64 and float32) next to
                          the java backend in the same run: aspirin, a periodic water box of N^3 waters (default 7),
                          and 5 batched aspirin replicas. --data is the shared data folder (default ../shared/data).""");
                return 0;
            }
            if (i + 1 >= args.length) throw new UserError("option " + a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--data" -> data = Path.of(v);
                case "--steps" -> steps = positive(a, v);
                case "--warmup" -> warmup = positive(a, v);
                case "--waters" -> waters = positive(a, v);
                case "--backends" -> names = List.of(v.split(","));
                default -> throw new UserError("unknown option " + a + " (expected --data, --steps, --warmup, --waters, --backends)");
            }
        }
        try {
            return bench(data, steps, warmup, waters, names);
        } catch (IOException e) {
            throw new UserError("cannot read the benchmark data under " + data + ": " + e.getMessage());
        }
    }

    private static int positive(String key, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UserError("option " + key + " expects a positive integer, got '" + v + "'");
    }

    /** A system to time: positions, type indices, neighbour list. */
    private record System3(String label, double[] x, int[] types, NeighborList list) {
        int atoms() { return types.length; }
    }

    private static int bench(Path data, int steps, int warmup, int waters, List<String> names) throws IOException {
        Path fixture = data.resolve("nequip-reference/aspirin-l2");
        Path rmd17 = data.resolve("rmd17/rmd17_aspirin_test_01.npz");
        for (Path p : List.of(fixture.resolve("config.yaml"), fixture.resolve("weights.npz"), rmd17))
            if (!Files.isRegularFile(p)) throw new UserError("benchmark data missing: " + p + " (give --data DIR)");
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(fixture.resolve("config.yaml"))) {
            config = new Yaml().load(r);
        }
        NequipModel model = NequipImporter.fromReference(config, Npz.read(fixture.resolve("weights.npz")));
        double rMax = model.config().rMax();
        Map<String, NpyArray> frames = Npz.read(rmd17);
        int[] z = frames.get("nuclear_charges").asInts();
        List<System3> aspirin = new ArrayList<>();
        for (int f = 0; f < 5; f++) {
            double[] x = frames.get("coords").slice(100 * f);
            aspirin.add(new System3("aspirin frame " + 100 * f, x, types(model, z), NeighborList.allPairs(z.length, rMax + 1)));
        }
        System3 water = waterBox(model, waters, rMax + 1);

        if (names == null) names = Backends.available();
        System.out.printf(Locale.ROOT, "NequIP energy+forces, model aspirin-l2 (l_max 2, 16 features, 3 layers, r_max %.1f A), float64%n", rMax);
        System.out.printf(Locale.ROOT, "steps %d after %d warm-up; neighbour lists built once with a 1 A skin%n", steps, warmup);
        System.out.printf(Locale.ROOT, "water box: %d atoms, edge %.2f A, periodic%n%n", water.atoms(), waters * 3.104);

        LearnedModel learned = NequipConversion.toLearned(model);
        PlanExecutor host = new PlanExecutor(learned);
        double hostAsp = time(warmup, steps, () -> host.compute(aspirin.get(0).x(), aspirin.get(0).types(), aspirin.get(0).list(),
                new double[3 * 21], null, null));
        double hostWater = time(warmup, Math.max(1, steps / 4), () -> host.compute(water.x(), water.types(), water.list(),
                new double[3 * water.atoms()], null, null));
        // reference energies and forces for the agreement check of every backend
        double[] fAsp = new double[63], fWater = new double[3 * water.atoms()];
        double eAsp = host.compute(aspirin.get(0).x(), aspirin.get(0).types(), aspirin.get(0).list(), fAsp, null, null);
        double eWater = host.compute(water.x(), water.types(), water.list(), fWater, null, null);
        host.close();
        System.out.printf(Locale.ROOT, "%-8s %-30s %10s %14s %9s%n", "backend", "system", "ms/step", "atom-steps/s", "vs java");
        row("host", "aspirin (21 atoms)", hostAsp, 21, Double.NaN);
        row("host", "water (" + water.atoms() + " atoms)", hostWater, water.atoms(), Double.NaN);

        double[] javaRef = null;
        List<String[]> runs = new ArrayList<>();
        for (String name : names) {
            runs.add(new String[] {name, "float64"});
            if (!name.equals("java") && !name.equals("auto")) runs.add(new String[] {name, "float32"});
        }
        for (String[] run : runs) {
            String name = run[0].equals("java") || run[1].equals("float64") ? run[0] : run[0] + "/f32";
            KernelBackend backend;
            try {
                backend = Backends.open(run[0], md.forcefields.backend.Precision.parse(run[1]));
            } catch (BackendUnavailableException e) {
                System.out.println(name + ": not available: " + e.getMessage());
                continue;
            }
            try (backend; DeviceExecutor ev = new DeviceExecutor(learned, backend)) {
                System3 a = aspirin.get(0);
                double asp = time(warmup, steps, () -> ev.compute(a.x(), a.types(), a.list(), new double[63], null, null));
                double wat = time(warmup, Math.max(1, steps / 4), () -> ev.compute(water.x(), water.types(), water.list(),
                        new double[3 * water.atoms()], null, null));
                List<Replica> reps = new ArrayList<>();
                for (System3 s : aspirin) reps.add(new Replica(s.x(), s.types(), s.list(), new double[63], null, null));
                double batch = time(warmup, steps, () -> ev.computeBatch(reps));
                double separate = time(warmup, steps, () -> {
                    for (System3 s : aspirin) ev.compute(s.x(), s.types(), s.list(), new double[63], null, null);
                });
                double[] mine = {asp, wat, batch, separate};
                double[] f = new double[63], fw = new double[3 * water.atoms()];
                double dE = Math.abs(ev.compute(a.x(), a.types(), a.list(), f, null, null) - eAsp);
                double dEw = Math.abs(ev.compute(water.x(), water.types(), water.list(), fw, null, null) - eWater);
                if (name.equals("java")) javaRef = mine;
                double[] ref = javaRef == null ? new double[4] : javaRef;
                System.out.println("# " + name + ": " + backend.deviceName());
                System.out.printf(Locale.ROOT, "#   agreement with the host plan: aspirin |dE| %.1e eV, max|dF| %.1e eV/A; "
                        + "water |dE| %.1e eV, max|dF| %.1e eV/A%n", dE, maxDiff(f, fAsp), dEw, maxDiff(fw, fWater));
                row(name, "aspirin (21 atoms)", asp, 21, ref[0]);
                row(name, "water (" + water.atoms() + " atoms)", wat, water.atoms(), ref[1]);
                row(name, "5 aspirin replicas, batched", batch, 5 * 21, ref[2]);
                row(name, "5 aspirin replicas, separate", separate, 5 * 21, ref[3]);
            }
        }
        System.out.println("\n'vs java' = java-backend ms/step / this ms/step (> 1: faster than java); 'host' = the host plan executor, 1 thread;"
                + "\n'/f32' = the same kernels in float32 (precision: float32), agreement then at float32 rounding");
        return 0;
    }

    private static void row(String backend, String system, double ms, int atoms, double refMs) {
        System.out.printf(Locale.ROOT, "%-8s %-30s %10.2f %14.0f %9s%n", backend, system, ms, atoms * 1000 / ms,
                refMs > 0 ? String.format(Locale.ROOT, "%.2fx", refMs / ms) : "");
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    /** Median ms of {@code steps} calls after {@code warmup} calls. */
    private static double time(int warmup, int steps, Runnable r) {
        for (int i = 0; i < warmup; i++) r.run();
        double[] t = new double[steps];
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[steps / 2];
    }

    private static int[] types(NequipModel model, int[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            t[i] = model.config().typeOf(z[i]);
            if (t[i] < 0) throw new UserError("element Z=" + z[i] + " is not a species of the benchmark model");
        }
        return t;
    }

    /**
     * n³ water molecules (O–H 0.9572 Å, H–O–H 104.52°), randomly oriented on a cubic lattice of
     * 3.104 Å (1 g/cm³), periodic; half list within {@code listCutoff} by minimum image.
     */
    private static System3 waterBox(NequipModel model, int n, double listCutoff) {
        double a = 3.104, box = n * a, roh = 0.9572, half = Math.toRadians(104.52) / 2;
        if (box < 2 * listCutoff) throw new UserError("--waters " + n + " gives a box smaller than twice the list cutoff");
        int atoms = 3 * n * n * n;
        double[] x = new double[3 * atoms];
        int[] z = new int[atoms];
        Random rnd = new Random(42);
        int k = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int l = 0; l < n; l++) {
            double[] o = {(i + 0.5) * a, (j + 0.5) * a, (l + 0.5) * a};
            double[][] rot = randomRotation(rnd);
            double[][] local = {{0, 0, 0}, {roh * Math.sin(half), roh * Math.cos(half), 0}, {-roh * Math.sin(half), roh * Math.cos(half), 0}};
            for (int m = 0; m < 3; m++) {
                for (int d = 0; d < 3; d++) {
                    double s = 0;
                    for (int e = 0; e < 3; e++) s += rot[d][e] * local[m][e];
                    x[3 * k + d] = o[d] + s;
                }
                z[k++] = m == 0 ? 8 : 1;
            }
        }
        List<int[]> pairs = new ArrayList<>();
        List<double[]> shifts = new ArrayList<>();
        double c2 = listCutoff * listCutoff;
        for (int i = 0; i < atoms; i++)
            for (int j = i + 1; j < atoms; j++) {
                double[] s = new double[3];
                double r2 = 0;
                for (int d = 0; d < 3; d++) {
                    double dx = x[3 * j + d] - x[3 * i + d];
                    s[d] = -box * Math.round(dx / box);
                    r2 += (dx + s[d]) * (dx + s[d]);
                }
                if (r2 < c2) { pairs.add(new int[] {i, j}); shifts.add(s); }
            }
        int p = pairs.size();
        int[] f = new int[p], g = new int[p];
        double[] sh = new double[3 * p];
        for (int q = 0; q < p; q++) { f[q] = pairs.get(q)[0]; g[q] = pairs.get(q)[1]; System.arraycopy(shifts.get(q), 0, sh, 3 * q, 3); }
        NeighborList nl = new NeighborList();
        nl.set(f, g, sh, p, listCutoff);
        return new System3("water", x, types(model, z), nl);
    }

    private static double[][] randomRotation(Random rnd) {
        double q0 = rnd.nextGaussian(), q1 = rnd.nextGaussian(), q2 = rnd.nextGaussian(), q3 = rnd.nextGaussian();
        double nq = Math.sqrt(q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3);
        q0 /= nq; q1 /= nq; q2 /= nq; q3 /= nq;
        return new double[][] {
                {1 - 2 * (q2 * q2 + q3 * q3), 2 * (q1 * q2 - q0 * q3), 2 * (q1 * q3 + q0 * q2)},
                {2 * (q1 * q2 + q0 * q3), 1 - 2 * (q1 * q1 + q3 * q3), 2 * (q2 * q3 - q0 * q1)},
                {2 * (q1 * q3 - q0 * q2), 2 * (q2 * q3 + q0 * q1), 1 - 2 * (q1 * q1 + q2 * q2)}};
    }
}
