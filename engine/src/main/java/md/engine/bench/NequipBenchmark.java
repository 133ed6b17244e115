package md.engine.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipEvaluator;
import md.forcefields.nequip.NequipModel;

/**
 * NequIP energy+forces per MD step on rMD17 aspirin (21 atoms, a real test_01 frame), with
 * random-weight models of the two benchmark configurations (l_max=1/32 features/4 layers and
 * l_max=3/32 features/5 layers, r_max 4 Å, nequip's defaults otherwise), on 1 and 2 threads.
 * Reports ms/step, the floating-point operations counted from the architecture, the rate achieved,
 * and, as an in-run baseline for the hardware, the rate of the dense kernel on a matrix product of
 * the radial MLP's shape. Usage: {@code md bench nequip [--data DIR] [--seconds S] [--frame K]}.
 */
public final class NequipBenchmark {
    private NequipBenchmark() {}

    public static void main(String[] args) throws Exception { System.exit(run(args)); }

    public static int run(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("md.shared.data", "../shared/data"));
        double seconds = 3;
        int frame = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--frame" -> frame = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: md bench nequip [--data SHARED_DATA_DIR] [--seconds S per measurement] [--frame K]");
                    return 0;
                }
                default -> {
                    System.err.println("md bench nequip: unknown option " + args[i]);
                    return 2;
                }
            }
        }
        Path file = data.resolve("rmd17/rmd17_aspirin_test_01.npz");
        if (!Files.isRegularFile(file)) {
            System.err.println("md bench nequip: " + file + " not found (give --data DIR of the shared data)");
            return 2;
        }
        Map<String, NpyArray> npz = Npz.read(file);
        int[] z = npz.get("nuclear_charges").asInts();
        double[] x = npz.get("coords").slice(frame);
        int n = z.length;
        int[] species = {1, 6, 8};
        System.out.printf(Locale.ROOT, "NequIP benchmark: rMD17 aspirin test_01 frame %d (%d atoms), float64, vector API: %s, %d CPUs%n",
                frame, n, DenseKernels.VECTORIZED ? "on" : "off (scalar fallback)", Runtime.getRuntime().availableProcessors());

        record Case(String name, int lmax, int layers, double referenceMs) {}
        List<Case> cases = List.of(new Case("l_max=1, 32 features, 4 layers", 1, 4, 45), new Case("l_max=3, 32 features, 5 layers", 3, 5, 800));
        for (Case c : cases) {
            NequipConfig cfg = NequipConfig.simple(species, 4.0, c.lmax(), true, 32, c.layers(), 8, 2, 64, 10.48,
                    new double[] {1, 1, 1}, new double[] {-1, -2, -3}, 1.0);
            NequipModel model = NequipModel.withRandomWeights(cfg, 1);
            int[] types = new int[n];
            for (int i = 0; i < n; i++) types[i] = cfg.typeOf(z[i]);
            NeighborList nl = NeighborList.allPairs(n, 4.0);
            for (int threads : new int[] {1, 2}) {
                try (var closer = new Closer(new NequipEvaluator(model, threads))) {
                    NequipEvaluator ev = closer.ev;
                    double[] f = new double[3 * n];
                    // warm-up: the JIT must compile the vector kernels (on a busy machine this takes a while)
                    long t0 = System.nanoTime();
                    for (int w = 0; System.nanoTime() - t0 < seconds * 1e9 || w < 200; w++) ev.compute(x, types, nl, f, null, null);
                    int steps = 0;
                    var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                    long cpu0 = mx.getCurrentThreadCpuTime(), bytes0 = mx.getCurrentThreadAllocatedBytes();
                    t0 = System.nanoTime();
                    double sink = 0;
                    while (System.nanoTime() - t0 < seconds * 1e9 || steps < 5) {
                        sink += ev.compute(x, types, nl, f, null, null);
                        steps++;
                    }
                    double ms = (System.nanoTime() - t0) / 1e6 / steps;
                    // CPU time of the calling thread: with 1 thread, the step's cost even when the machine is shared
                    double cpuMs = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / steps;
                    double bytesPerStep = (double) (mx.getCurrentThreadAllocatedBytes() - bytes0) / steps;
                    long flops = ev.flopsForward() + ev.flopsBackward();
                    String line = String.format(Locale.ROOT,
                            "%-32s | %7d params | %3d edges | %d thread%s | %8.2f ms/step wall | %8.2f ms/step CPU (calling thread) | %6.1f MFLOP (fwd %5.1f) | %5.1f GFLOP/s (wall) | %5.1fx faster than reference %.0f ms (wall) | %.0f bytes allocated/step",
                            c.name(), model.parameterCount(), ev.edgeCount(), threads, threads == 1 ? " " : "s", ms, cpuMs, flops / 1e6,
                            ev.flopsForward() / 1e6, flops / ms / 1e6, c.referenceMs() / ms, c.referenceMs(), bytesPerStep);
                    System.out.println(line);
                    if (!Double.isFinite(sink)) throw new IllegalStateException("non-finite energy");
                }
            }
        }
        System.out.printf(Locale.ROOT, "dense kernel in the same run (108x64 * 64x2000, the last radial-MLP layer of l_max=3, 1 thread): %.1f GFLOP/s%n",
                gemmRate(seconds));
        return 0;
    }

    private record Closer(NequipEvaluator ev) implements AutoCloseable {
        @Override public void close() { ev.close(); }
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
