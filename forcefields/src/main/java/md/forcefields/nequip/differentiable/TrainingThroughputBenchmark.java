package md.forcefields.nequip.differentiable;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.GradMode;
import md.forcefields.autodiff.Tensor;
import md.forcefields.training.Adam;

/**
 * Training throughput of the differentiable NequIP, one thread.
 *
 * <p>Part 1, the two configurations of the NequIP benchmark on one aspirin-sized molecule (21 atoms,
 * 3 species, random compact geometry): per frame, energy, forces with a graph (createGraph), a force +
 * energy loss, and its gradient with respect to every weight (forward + double backward); and energy +
 * forces alone (no graph of the forces) measured in the same run.
 *
 * <p>Part 2 (when {@code -Dmd.shared.data} points at the shared data): an epoch-like loop over rMD17
 * ethanol frames (9 atoms, split 01 training file) with l_max=1, 32 features, 4 layers: per frame the
 * edge list, the same loss (energies and forces converted to eV), and an Adam step every 5 frames.
 *
 * <p>Times are per frame: the wall time and this thread's CPU time. On a shared machine the CPU time is
 * the steadier number (the wall time includes waiting for a core).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -Dmd.shared.data=../shared/data -cp
 * forcefields/target/classes:core/target/classes md.forcefields.nequip.differentiable.TrainingThroughputBenchmark
 * [seconds-per-case]}
 */
public final class TrainingThroughputBenchmark {
    private TrainingThroughputBenchmark() {}

    public static void main(String[] args) throws IOException {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        Random rng = new Random(1);
        int[] types = new int[21];
        for (int i = 0; i < types.length; i++) types[i] = i < 8 ? 0 : i < 17 ? 1 : 2; // aspirin: 8 H, 9 C, 4 O
        double[] pos = molecule(types.length, rng);
        for (int[] cfg : new int[][] {{1, 32, 4}, {3, 32, 5}}) {
            Hyperparameters hp = Hyperparameters.of(3, cfg[0], true, cfg[1], cfg[2], 4.0, 10.5).withRadial(8, 2, 64);
            DifferentiableNequip model = DifferentiableNequip.random(hp, rng, new double[] {1, 1, 1}, new double[] {0, 0, 0}, 1.0);
            EdgeList edges = EdgeList.isolated(pos, hp.rMax());
            Tensor[] theta = model.parameters().values().toArray(new Tensor[0]);
            Tensor reference = Tensor.randn(rng, types.length, 3);
            Runnable energyForces = () -> {
                Tensor r = Tensor.of(pos.clone(), types.length, 3).requireGrad();
                DifferentiableNequip.forces(model.evaluate(r, types, edges), r, false);
            };
            Runnable trainingStep = () -> {
                Tensor r = Tensor.of(pos.clone(), types.length, 3).requireGrad();
                DifferentiableNequip.Output out = model.evaluate(r, types, edges);
                Tensor f = DifferentiableNequip.forces(out, r, true);
                Autograd.grad(loss(out, f, reference, 0.0), theta);
            };
            time(seconds / 3, trainingStep); // warm-up of both paths
            Timing ef = time(seconds / 3, energyForces);
            Timing train = time(seconds, trainingStep);
            int params = model.parameters().values().stream().mapToInt(Tensor::numel).sum();
            System.out.printf("l_max=%d features=%d layers=%d (%d weights, %d edges): energy+forces %.1f ms (cpu %.1f ms), "
                    + "training step (forward + double backward) %.1f ms (cpu %.1f ms) = %.1f frames/s (%.1f per cpu-second)%n",
                    cfg[0], cfg[1], cfg[2], params, edges.size(), ef.wallMs(), ef.cpuMs(), train.wallMs(), train.cpuMs(),
                    1000 / train.wallMs(), 1000 / train.cpuMs());
        }
        String data = System.getProperty("md.shared.data");
        Path ethanol = data == null ? null : Path.of(data, "rmd17", "rmd17_ethanol_train_01.npz");
        if (ethanol == null || !Files.exists(ethanol)) {
            System.out.println("rMD17 ethanol epoch: skipped (set -Dmd.shared.data to the shared data folder)");
            return;
        }
        ethanolEpoch(Npz.read(ethanol), seconds, rng);
    }

    /** 1000·mean((F − F_ref)²) + (E − E_ref)²/N: NequIP-like weights of a force and a per-atom energy term. */
    private static Tensor loss(DifferentiableNequip.Output out, Tensor forces, Tensor forceRef, double energyRef) {
        int n = forces.size(0);
        return forces.sub(forceRef).square().mean().mul(1000).add(out.energy().add(-energyRef).square().mul(1.0 / n));
    }

    /** Frames of the rMD17 file in order (energies relative to their mean), one Adam step per 5 frames, until the time budget is used. */
    private static void ethanolEpoch(Map<String, NpyArray> npz, double seconds, Random rng) {
        int[] z = npz.get("nuclear_charges").asInts();
        int n = z.length;
        int[] species = Arrays.stream(z).distinct().sorted().toArray();
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = Arrays.binarySearch(species, z[i]);
        NpyArray coords = npz.get("coords"), energies = npz.get("energies"), forces = npz.get("forces");
        int frames = coords.dim(0);
        double meanEnergy = Arrays.stream(energies.data()).average().orElse(0) * Units.KCAL_PER_MOL_TO_EV;
        Hyperparameters hp = Hyperparameters.of(species.length, 1, true, 32, 4, 4.0, n - 1).withRadial(8, 2, 64);
        DifferentiableNequip model = DifferentiableNequip.random(hp, rng, new double[] {1, 1, 1}, new double[] {0, 0, 0}, 1.0);
        Tensor[] theta = model.parameters().values().toArray(new Tensor[0]);
        Adam adam = new Adam(List.of(theta), Adam.Options.adam(1e-3));
        int[] next = {0};
        Tensor[][] sum = {null};
        Runnable frame = () -> {
            int k = next[0]++ % frames;
            double[] pos = coords.slice(k);
            double[] f = forces.slice(k);
            for (int i = 0; i < f.length; i++) f[i] *= Units.KCAL_PER_MOL_TO_EV;
            Tensor r = Tensor.of(pos, n, 3).requireGrad();
            DifferentiableNequip.Output out = model.evaluate(r, types, EdgeList.isolated(pos, hp.rMax()));
            Tensor pred = DifferentiableNequip.forces(out, r, true);
            Tensor[] g = Autograd.grad(loss(out, pred, Tensor.of(f, n, 3), energies.data()[k] * Units.KCAL_PER_MOL_TO_EV - meanEnergy), theta);
            try (GradMode.Scope s = GradMode.disabled()) {
                if (sum[0] == null) sum[0] = g;
                else for (int i = 0; i < g.length; i++) sum[0][i] = sum[0][i].add(g[i]);
                if (next[0] % 5 == 0) {
                    adam.step(sum[0]);
                    sum[0] = null;
                }
            }
        };
        time(seconds / 3, frame);
        Timing t = time(seconds, frame);
        System.out.printf("rMD17 ethanol epoch-like loop (l_max=1 features=32 layers=4, %d atoms, Adam step per 5 frames): %.1f ms/frame "
                + "(cpu %.1f ms) = %.1f frames/s (%.1f per cpu-second)%n", n, t.wallMs(), t.cpuMs(), 1000 / t.wallMs(), 1000 / t.cpuMs());
    }

    /** Mean wall and CPU time of one call in ms. */
    private record Timing(double wallMs, double cpuMs) {}

    /** Mean wall time and this thread's CPU time per call over at least {@code seconds} and 3 calls. */
    private static Timing time(double seconds, Runnable r) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime(), cpu = mx.getCurrentThreadCpuTime(), end = start + (long) (seconds * 1e9);
        int n = 0;
        while (System.nanoTime() < end || n < 3) { r.run(); n++; }
        return new Timing((System.nanoTime() - start) / 1e6 / n, (mx.getCurrentThreadCpuTime() - cpu) / 1e6 / n);
    }

    /** A compact random molecule: n atoms in a box sized for a typical organic density, no pair under 1 Å. */
    private static double[] molecule(int n, Random rng) {
        double[] r = new double[3 * n];
        double box = 5.0;
        for (int i = 0; i < n; i++) {
            boolean ok;
            do {
                for (int c = 0; c < 3; c++) r[3 * i + c] = box * rng.nextDouble();
                ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double d2 = 0;
                    for (int c = 0; c < 3; c++) d2 += Math.pow(r[3 * i + c] - r[3 * j + c], 2);
                    ok = d2 > 1.0;
                }
            } while (!ok);
        }
        return r;
    }
}
