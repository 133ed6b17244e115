package md.engine.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.cli.UserError;
import md.forcefields.NeighborList;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.ml.potential.LearnedForceField;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.nequip.NequipModel;

/**
 * NequIP energy+forces per MD step on rMD17 aspirin (21 atoms, a real test_01 frame), with
 * random-weight models of the two benchmark configurations (l_max=1/32 features/4 layers and
 * l_max=3/32 features/5 layers, r_max 4 Å, nequip's defaults otherwise), or with a model file of any
 * learned family ({@code --model M}, what {@code type: learned} loads), through the force-field
 * interface: the model layer's MD plan (what {@code md run} uses) on 1 and 2 threads, alternating blocks
 * of steps in one process. Reports each candidate's best block (the machine is shared): wall time, CPU
 * time of the calling thread, the wall-time ratio against 1 thread, heap bytes allocated per step, and,
 * as an in-run baseline for the hardware, the rate of the dense kernel on a matrix product of the radial
 * MLP's shape. Ratios are only ever against a candidate measured in the same run (no fixed reference
 * times: those came from another machine and day). (Until it was deleted, the hand-written NequIP
 * evaluator ran here as the baseline; its last numbers are in docs/benchmarks.md.)
 */
public final class NequipBenchmark {
    private NequipBenchmark() {}

    static final String USAGE = """
            usage: md bench nequip [--model FILE] [--data SHARED_DATA_DIR] [--seconds S] [--frame K]
              Energy + forces per MD step on rMD17 aspirin test_01 frame K (default 0) through the force field
              md run uses, on 1 and 2 threads (alternating blocks after S seconds of warm-up; best block each).
              Without --model: random-weight NequIP models l_max=1 (32 features, 4 layers) and l_max=3
              (32 features, 5 layers), r_max 4 A. --model FILE: that learned model file instead (any family
              md run loads with type: learned; it needs species H, C and O).""";

    public static void main(String[] args) throws Exception { System.exit(run(args)); }

    public static int run(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("md.shared.data", "../shared/data"));
        Path modelFile = null;
        double seconds = 3;
        int frame = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(USAGE);
                return 0;
            }
            if (!List.of("--data", "--seconds", "--frame", "--model").contains(a))
                throw new UserError("md bench nequip: unknown option '" + a + "'; expected --model, --data, --seconds or --frame\n" + USAGE);
            if (i + 1 >= args.length) throw new UserError("md bench nequip: option " + a + " needs a value\n" + USAGE);
            String v = args[++i];
            switch (a) {
                case "--data" -> data = Path.of(v);
                case "--model" -> modelFile = Path.of(v);
                case "--seconds" -> seconds = number(a, v, false);
                default -> frame = (int) number(a, v, true);
            }
        }
        Path file = data.resolve("rmd17/rmd17_aspirin_test_01.npz");
        if (!Files.isRegularFile(file)) throw new UserError("md bench nequip: " + file + " not found (give --data DIR of the shared data)");
        Map<String, NpyArray> npz = Npz.read(file);
        int[] z = npz.get("nuclear_charges").asInts();
        int frames = npz.get("coords").shape()[0];
        if (frame >= frames) throw new UserError("md bench nequip: --frame " + frame + " is beyond the " + frames + " frames of " + file + "; expected 0 to " + (frames - 1));
        double[] x = npz.get("coords").slice(frame);
        int n = z.length;

        record Case(String name, LearnedModel model, int block) {}
        List<Case> cases = new ArrayList<>();
        if (modelFile != null) {
            LearnedModel m;
            try {
                m = ModelFile.read(modelFile);
            } catch (IOException e) {
                throw new UserError("md bench nequip: cannot read the model " + modelFile + ": " + e.getMessage());
            }
            for (int zi : z)
                if (m.architecture().typeOf(zi) < 0)
                    throw new UserError("md bench nequip: the model " + modelFile + " has no species Z=" + zi + " (aspirin has H, C, O); expected a model for H, C and O");
            cases.add(new Case(modelFile.getFileName() + " (" + m.architecture().family() + ", " + String.format(Locale.ROOT, "%,d", m.parameterCount()) + " parameters)", m, 0));
        } else {
            int[] species = {1, 6, 8};
            for (int[] c : new int[][] {{1, 4, 20}, {3, 5, 4}}) {
                NequipConfig cfg = NequipConfig.simple(species, 4.0, c[0], true, 32, c[1], 8, 2, 64, 10.48,
                        new double[] {1, 1, 1}, new double[] {-1, -2, -3}, 1.0);
                cases.add(new Case("l_max=" + c[0] + ", 32 features, " + c[1] + " layers", NequipConversion.toLearned(NequipModel.withRandomWeights(cfg, 1)), c[2]));
            }
        }
        System.out.printf(Locale.ROOT, "NequIP benchmark: rMD17 aspirin test_01 frame %d (%d atoms), float64, vector API: %s, %d CPUs%n",
                frame, n, DenseKernels.VECTORIZED ? "on" : "off (scalar fallback)", Runtime.getRuntime().availableProcessors());

        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Atoms atoms = new Atoms(z, x, md.core.Cell.NONE);
        for (Case c : cases) {
            double cutoff = c.model().architecture().cutoff();
            NeighborList nl = NeighborList.allPairs(n, cutoff); // every pair listed; the model applies its cutoff (infinite: none)
            // the candidates, through the force-field interface: the model layer's MD plan (what md run uses) on 1 and 2 threads
            List<String> names = List.of("plan (model layer), 1 thread", "plan (model layer), 2 threads");
            List<ForceField> ffs = List.of(new LearnedForceField(c.model(), 1), new LearnedForceField(c.model(), 2));
            double[] f = new double[3 * n];
            for (ForceField ff : ffs) { // warm-up: the JIT must compile the vector kernels (on a busy machine this takes a while)
                long t0 = System.nanoTime();
                for (int w = 0; System.nanoTime() - t0 < seconds * 1e9 || w < 200; w++) ff.compute(atoms, nl, f, null);
            }
            // a model file: blocks of about 20 ms of the 1-thread evaluation (the built-in cases keep their fixed blocks)
            int block = c.block();
            if (block == 0) {
                long t0 = System.nanoTime();
                for (int s = 0; s < 10; s++) ffs.get(0).compute(atoms, nl, f, null);
                block = (int) Math.max(1, Math.min(1000, 20e6 * 10 / Math.max(1, System.nanoTime() - t0)));
            }
            int k = ffs.size();
            double[] bestWall = new double[k], bestCpu = new double[k], bytes = new double[k];
            java.util.Arrays.fill(bestWall, Double.MAX_VALUE);
            java.util.Arrays.fill(bestCpu, Double.MAX_VALUE);
            long[] steps = new long[k];
            double sink = 0;
            long t0 = System.nanoTime();
            // alternate blocks of the candidates; keep each one's best block (the least disturbed on a shared machine)
            while (System.nanoTime() - t0 < 2 * seconds * 1e9 || steps[0] < 5L * block) {
                for (int i = 0; i < k; i++) {
                    long[] ids = allThreadIds();
                    long cpu0 = mx.getCurrentThreadCpuTime(), b0 = sum(mx.getThreadAllocatedBytes(ids)), wall0 = System.nanoTime();
                    for (int s = 0; s < block; s++) sink += ffs.get(i).compute(atoms, nl, f, null);
                    long wall1 = System.nanoTime();
                    bestWall[i] = Math.min(bestWall[i], (wall1 - wall0) / 1e6 / block);
                    bestCpu[i] = Math.min(bestCpu[i], (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / block);
                    bytes[i] += sum(mx.getThreadAllocatedBytes(ids)) - b0;
                    steps[i] += block;
                }
            }
            for (int i = 0; i < k; i++) {
                String line = String.format(Locale.ROOT,
                        "%-32s | %-30s | best of %4d blocks of %2d steps: %7.3f ms wall, %7.3f ms CPU (calling thread) | vs 1 thread: wall ratio %5.3f | %.0f bytes allocated/step (all threads, incl. JVM)",
                        c.name(), names.get(i), steps[i] / block, block, bestWall[i], bestCpu[i], bestWall[0] / bestWall[i], bytes[i] / steps[i]);
                System.out.println(line);
            }
            for (ForceField ff : ffs) ff.close();
            if (!Double.isFinite(sink)) throw new IllegalStateException("non-finite energy");
        }
        System.out.printf(Locale.ROOT, "dense kernel in the same run (108x64 * 64x2000, the last radial-MLP layer of l_max=3, 1 thread): %.1f GFLOP/s%n",
                gemmRate(seconds));
        return 0;
    }

    private static double number(String option, String v, boolean integer) {
        try {
            double d = integer ? Integer.parseInt(v) : Double.parseDouble(v);
            if (integer ? d >= 0 : d > 0 && Double.isFinite(d)) return d;
        } catch (NumberFormatException e) {
            // below
        }
        throw new UserError("md bench nequip: option " + option + " expects " + (integer ? "a frame index (0 or more)" : "a positive number of seconds") + ", got '" + v + "'");
    }

    private static long[] allThreadIds() { return java.lang.management.ManagementFactory.getThreadMXBean().getAllThreadIds(); }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) s += x;
        return s;
    }

    /** GFLOP/s of the dense kernel on the shape of the last radial-MLP layer (one call per pair batch). */
    private static double gemmRate(double seconds) {
        int m = 108, k = 64, nn = 2000;
        double[] a = new double[m * k], b = new double[k * nn], c = new double[m * nn];
        for (int i = 0; i < a.length; i++) a[i] = Math.sin(i);
        for (int i = 0; i < b.length; i++) b[i] = Math.cos(i);
        long t0 = System.nanoTime();
        for (int w = 0; System.nanoTime() - t0 < seconds * 0.5e9 || w < 200; w++) DenseKernels.gemm(m, nn, k, 1, a, 0, k, b, 0, nn, c, 0, nn, false);
        int reps = 0;
        t0 = System.nanoTime();
        while (System.nanoTime() - t0 < seconds * 1e9) {
            DenseKernels.gemm(m, nn, k, 1, a, 0, k, b, 0, nn, c, 0, nn, false);
            reps++;
        }
        return 2.0 * m * k * nn * reps / (System.nanoTime() - t0);
    }
}
