package md.forcefields.nequip.differentiable;

import java.util.Arrays;
import java.util.Random;

import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;

/**
 * Training throughput of the differentiable NequIP on one aspirin-sized molecule (21 atoms, 3 species):
 * per frame, energy, forces with a graph (createGraph), a force + energy loss, and its gradient with
 * respect to every weight (forward + double backward). Also times energy + forces alone (no graph of
 * the forces) as the baseline measured in the same run.
 *
 * <p>Run: {@code java -cp forcefields/target/classes:core/target/classes
 * md.forcefields.nequip.differentiable.TrainingThroughputBenchmark [seconds-per-case]}
 */
public final class TrainingThroughputBenchmark {
    private TrainingThroughputBenchmark() {}

    public static void main(String[] args) {
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
            double msEf = time(seconds / 3, () -> {
                Tensor r = Tensor.of(pos.clone(), types.length, 3).requireGrad();
                DifferentiableNequip.forces(model.evaluate(r, types, edges), r, false);
            });
            double msTrain = time(seconds, () -> {
                Tensor r = Tensor.of(pos.clone(), types.length, 3).requireGrad();
                DifferentiableNequip.Output out = model.evaluate(r, types, edges);
                Tensor f = DifferentiableNequip.forces(out, r, true);
                Tensor loss = f.sub(reference).square().mean().mul(1000).add(out.energy().square().mul(1.0 / types.length));
                Autograd.grad(loss, theta);
            });
            int params = model.parameters().values().stream().mapToInt(Tensor::numel).sum();
            System.out.printf("l_max=%d features=%d layers=%d (%d weights, %d edges): energy+forces %.1f ms, "
                    + "training step (forward + double backward) %.1f ms = %.1f frames/s, ratio %.2f%n",
                    cfg[0], cfg[1], cfg[2], params, edges.size(), msEf, msTrain, 1000 / msTrain, msTrain / msEf);
        }
    }

    /** Mean wall time in ms over repetitions after a warm-up of a third of the budget. */
    private static double time(double seconds, Runnable r) {
        long warm = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warm) r.run();
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        int n = 0;
        while (System.nanoTime() < end || n < 3) { r.run(); n++; }
        return (System.nanoTime() - start) / 1e6 / n;
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
        return Arrays.copyOf(r, r.length);
    }
}
