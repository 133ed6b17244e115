package md.engine.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.training.Adam;
import md.forcefields.training.BatchLoss;
import md.forcefields.training.LossWeights;
import md.forcefields.training.Objective;
import md.forcefields.training.Trainer;
import md.forcefields.training.TrainingFrame;

/**
 * Training throughput of NequIP on real rMD17 frames: per frame, energy, forces with a graph, the
 * per-atom energy + force loss and its gradient for every weight (forward + double backward), in
 * frames/s; single-threaded (wall and process CPU time, which shows the cost when the machine is
 * shared) and as whole training epochs (with Adam, EMA and validation) on 1 and 2 threads. Baseline in
 * the same run: energy + forces of the same model on the MD executor (PlanExecutor). Configurations:
 * the l_max=1/32 features/4 layers and l_max=3/32/5 (r_max 4 Å, radial MLP 2×64) on aspirin,
 * and the shipped ethanol model (l_max=1/32/4 on rMD17 ethanol).
 * Usage: {@code md bench training [--data DIR] [--seconds S] [--only aspirin|ethanol]}.
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {}

    public static void main(String[] args) throws Exception { System.exit(run(args)); }

    record Case(String name, String molecule, int lMax, int features, int layers, int invariantNeurons) {}

    public static int run(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("md.shared.data", "../shared/data"));
        double seconds = 10;
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--only" -> only = args[++i];
                case "--help", "-h" -> {
                    System.out.println("usage: md bench training [--data SHARED_DATA_DIR] [--seconds S per measurement] [--only aspirin|ethanol]\n"
                            + "  each measurement first warms up until the JIT has settled (10-20 s for a training step, at most 60 s)");
                    return 0;
                }
                default -> {
                    System.err.println("md bench training: unknown option " + args[i]);
                    return 2;
                }
            }
        }
        List<Case> cases = List.of(new Case("l_max=1, 32 features, 4 layers", "aspirin", 1, 32, 4, 64),
                new Case("l_max=3, 32 features, 5 layers", "aspirin", 3, 32, 5, 64),
                new Case("l_max=1, 32 features, 4 layers", "ethanol", 1, 32, 4, 64));
        System.out.printf(Locale.ROOT, "training benchmark: float64, %d CPUs, load average %.1f%n", Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (Case c : cases) {
            if (only != null && !only.equals(c.molecule())) continue;
            Path file = data.resolve("rmd17/rmd17_" + c.molecule() + "_train_01.npz");
            if (!Files.isRegularFile(file)) {
                System.err.println("md bench training: " + file + " not found (give --data DIR of the shared data)");
                return 2;
            }
            List<TrainingFrame> frames = frames(file, 6);
            run(c, frames, seconds);
        }
        return 0;
    }

    private static List<TrainingFrame> frames(Path file, int count) throws Exception {
        Map<String, NpyArray> npz = Npz.read(file);
        int[] z = npz.get("nuclear_charges").asInts();
        List<TrainingFrame> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            double[] f = npz.get("forces").slice(k);
            for (int i = 0; i < f.length; i++) f[i] *= Units.KCAL_PER_MOL_TO_EV;
            out.add(new TrainingFrame(z, npz.get("coords").slice(k), npz.get("energies").data()[k] * Units.KCAL_PER_MOL_TO_EV, f,
                    Objective.ENERGY_AND_FORCES, "bench"));
        }
        return out;
    }

    private static void run(Case c, List<TrainingFrame> frames, double seconds) {
        int[] species = {1, 6, 8};
        NequipHyperparameters hp = NequipHyperparameters.of(3, c.lMax(), true, c.features(), c.layers(), 4.0, 10.5).withRadial(8, 2, c.invariantNeurons());
        LearnedModel initial = Nequip.initial(hp, species, new double[] {-10, -1000, -2000}, 1.0, 1);
        TapeExecutor model = new TapeExecutor(initial);
        TrainingFrame f0 = frames.get(0);
        int n = f0.size();
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = java.util.Arrays.binarySearch(species, f0.atomicNumbers()[i]);
        EdgeList edges = EdgeList.isolated(f0.positions(), 4.0);
        Graph graph = Graph.of(types, edges);
        Tensor[] params = model.trainableParameters().values().toArray(new Tensor[0]);
        BatchLoss.Counts counts = BatchLoss.Counts.of(List.of(f0));
        LossWeights w = LossWeights.defaults();

        PlanExecutor ev = new PlanExecutor(initial);
        double[] forces = new double[3 * n];
        NeighborList nl = NeighborList.allPairs(n, 4.0);
        double[] efMs = time(seconds / 3, () -> ev.compute(f0.positions(), types, nl, forces, null, null), true);
        double[] stepMs = time(seconds, () -> BatchLoss.frame(model, params, f0, types, graph, counts, w, 1.0, new Random(1)), true);
        System.out.printf(Locale.ROOT, "%-40s %s %7d weights %4d edges | E+F MD plan %8.2f ms (CPU %8.2f) | training step %8.1f ms (CPU %8.1f) = %6.2f frames/s (on CPU time %6.2f) | step/(E+F) %5.1f (CPU time)%n",
                c.name(), c.molecule(), java.util.Arrays.stream(params).mapToInt(Tensor::numel).sum(), edges.size(), efMs[0], efMs[1], stepMs[0], stepMs[1],
                1000 / stepMs[0], 1000 / stepMs[1], stepMs[1] / efMs[1]);
        for (int threads : new int[] {1, 2}) {
            Trainer.Options o = new Trainer.Options(Integer.MAX_VALUE, 5, 1, threads, w, Adam.Options.adam(0.01).withAmsgrad(true), 0, 0.99,
                    Double.POSITIVE_INFINITY, 0.5, 50, 1e-4, 0, Integer.MAX_VALUE, Double.POSITIVE_INFINITY);
            List<TrainingFrame> train = frames.subList(0, 5), val = frames.subList(5, 6);
            try (Trainer t = new Trainer(initial, 1.0, train, val, o)) {
                double[] epochMs = time(seconds, t::runEpoch, false);
                System.out.printf(Locale.ROOT, "%-40s %s epoch of %d frames (batches of 5, Adam, EMA, validation) on %d thread%s: %8.1f ms = %6.2f frames/s (process CPU time: %6.2f frames/s)%n",
                        "", c.molecule(), train.size(), threads, threads == 1 ? " " : "s", epochMs[0], train.size() * 1000 / epochMs[0],
                        train.size() * 1000 / epochMs[1]);
            }
        }
    }

    /** Longest warm-up before timing anyway (the tape's JIT settles in 10-20 s on the 2-core machine). */
    private static final double MAX_WARMUP_SECONDS = 60;

    /**
     * Mean wall and CPU milliseconds per call once the JIT compilers are done with the work, then over
     * {@code seconds}. The warm-up runs blocks of half a second (at least 2 calls) for at least a third of the
     * budget and until four blocks in a row took the same time per call within 5 % while the compilers worked
     * less than 10 ms in all (at most {@link #MAX_WARMUP_SECONDS}): a training step's tape keeps C2 busy for
     * 10-20 s, with plateaus and deoptimisation storms in between (2 s blocks of one ethanol step: 68, 18, 36, 12,
     * 62, 7, 8, then 5.8 ms from 16 s on), so a fixed third of a 10 s budget measured it 2-3x too slow, and
     * differently from run to run. CPU time is the calling thread's ({@code thisThread}: single-threaded work,
     * unaffected by JIT and GC threads and by other processes on a shared machine) or the whole process's (pool
     * threads).
     */
    private static double[] time(double seconds, Runnable r, boolean thisThread) {
        long t0 = System.nanoTime(), minWarm = t0 + (long) (seconds / 3 * 1e9), maxWarm = t0 + (long) (MAX_WARMUP_SECONDS * 1e9);
        var jit = ManagementFactory.getCompilationMXBean();
        boolean monitored = jit != null && jit.isCompilationTimeMonitoringSupported();
        int stable = 4;
        double[] perCall = new double[stable];
        long[] compiling = new long[stable];
        for (int block = 0; ; block++) {
            long compiled = monitored ? jit.getTotalCompilationTime() : 0, b0 = System.nanoTime(), bEnd = b0 + 500_000_000L;
            int calls = 0;
            while (calls < 2 || System.nanoTime() < bEnd) { r.run(); calls++; }
            long now = System.nanoTime();
            perCall[block % stable] = (now - b0) / (double) calls;
            compiling[block % stable] = monitored ? jit.getTotalCompilationTime() - compiled : 0;
            boolean settled = block >= stable - 1 && java.util.Arrays.stream(compiling).sum() < 10
                    && java.util.Arrays.stream(perCall).max().orElseThrow() <= 1.05 * java.util.Arrays.stream(perCall).min().orElseThrow();
            if ((settled && now >= minWarm) || now >= maxWarm) break;
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        java.util.function.LongSupplier cpu = thisThread ? threads::getCurrentThreadCpuTime : os::getProcessCpuTime;
        long cpu0 = cpu.getAsLong(), start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        int n = 0;
        while (n < 2 || System.nanoTime() < end) { r.run(); n++; }
        return new double[] {(System.nanoTime() - start) / 1e6 / n, (cpu.getAsLong() - cpu0) / 1e6 / n};
    }
}
