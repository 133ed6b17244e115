package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.engine.cli.Main;
import md.engine.neighbors.VerletNeighborList;
import md.forcefields.Atoms;
import md.forcefields.NeighborList;

/**
 * {@code md train} on periodic frames: the training pairs (brute force over images, {@link NeighborList#within})
 * are the engine's cell-list pairs, and a model trained on a periodic Morse liquid-like box learns it.
 */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class PeriodicTrainingTest {
    @TempDir Path dir;

    static final Cell CELL = new Cell(new double[] {4.6, 0, 0, 0.7, 4.4, 0, -0.4, 0.3, 4.8}, new boolean[] {true, true, true});

    /** Canonical form of a half-list pair: i < j, or i == j with the shift's first non-zero component positive. */
    static List<String> canonical(NeighborList nl) {
        List<String> out = new ArrayList<>();
        for (int p = 0; p < nl.pairCount(); p++) {
            int i = nl.first(p), j = nl.second(p);
            double[] s = {nl.shift(p, 0), nl.shift(p, 1), nl.shift(p, 2)};
            boolean flip = i > j;
            if (i == j) for (double v : s) if (Math.abs(v) > 1e-9) { flip = v < 0; break; }
            if (flip) { int t = i; i = j; j = t; for (int k = 0; k < 3; k++) s[k] = -s[k]; }
            out.add(i + " " + j + " " + Math.round(s[0] * 1e6) + " " + Math.round(s[1] * 1e6) + " " + Math.round(s[2] * 1e6));
        }
        out.sort(null);
        return out;
    }

    @Test void trainingPairsAreTheEnginesPairs() {
        Random r = new Random(2);
        for (double rc : new double[] {2.5, 4.0, 5.5}) { // 5.5 Å: wider than the cell, atoms meet several own images
            for (boolean[] pbc : new boolean[][] {{true, true, true}, {true, false, true}}) {
                Cell cell = new Cell(CELL.vectors(), pbc);
                double[] x = new double[3 * 9];
                for (int i = 0; i < x.length; i++) x[i] = -1 + 6 * r.nextDouble();
                int[] z = new int[9];
                java.util.Arrays.fill(z, 1);
                List<String> engine = canonical(VerletNeighborList.pairsWithin(new Atoms(z, x, cell), rc));
                // the engine lists pairs within its list radius; keep those strictly within rc, as training does
                List<String> within = canonical(NeighborList.within(x, cell, rc));
                List<String> engineWithin = new ArrayList<>();
                for (String e : engine) {
                    String[] t = e.split(" ");
                    int i = Integer.parseInt(t[0]), j = Integer.parseInt(t[1]);
                    double d2 = 0;
                    for (int k = 0; k < 3; k++) d2 += Math.pow(x[3 * j + k] + Long.parseLong(t[2 + k]) * 1e-6 - x[3 * i + k], 2);
                    if (d2 < rc * rc) engineWithin.add(e);
                }
                assertTrue(within.size() > 9, "pairs found: " + within.size());
                assertEquals(engineWithin, within, "rc " + rc + ", pbc " + java.util.Arrays.toString(pbc));
            }
        }
    }

    /** Morse pair energy summed over all images within 4 Å (labels computed here, independently of md). */
    static String periodicFrames(int count, long seed) {
        Random r = new Random(seed);
        String[] sym = {"H", "C", "O"};
        double[] v = CELL.vectors();
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < count; k++) {
            int n = 6;
            double[] x = new double[3 * n];
            for (int i = 0; i < n; i++) {
                boolean ok;
                do {
                    double a = r.nextDouble(), b = r.nextDouble(), c = r.nextDouble();
                    for (int q = 0; q < 3; q++) x[3 * i + q] = a * v[q] + b * v[3 + q] + c * v[6 + q];
                    ok = true;
                    for (int j = 0; j < i && ok; j++) ok = minDistance(x, i, j, v) > 1.1;
                } while (!ok);
            }
            double e = -5.0 * n;
            double[] f = new double[3 * n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    for (int na = -2; na <= 2; na++) for (int nb = -2; nb <= 2; nb++) for (int nc = -2; nc <= 2; nc++) {
                        if (i == j && na == 0 && nb == 0 && nc == 0) continue;
                        double[] d = new double[3];
                        for (int q = 0; q < 3; q++) d[q] = x[3 * j + q] + na * v[q] + nb * v[3 + q] + nc * v[6 + q] - x[3 * i + q];
                        double rr = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                        if (rr >= 4.0) continue;
                        double ex = Math.exp(-1.5 * (rr - 1.6)), sw = Math.pow(1 - rr / 4.0, 2); // smooth at 4 Å
                        double u = 2.0 * (1 - ex) * (1 - ex), du = 2.0 * 2 * (1 - ex) * 1.5 * ex;
                        double dsw = -2 * (1 - rr / 4.0) / 4.0;
                        e += 0.5 * u * sw; // each ordered pair once: half
                        double g = du * sw + u * dsw; // dE_pair/dr
                        for (int q = 0; q < 3; q++) f[3 * i + q] += g * d[q] / rr; // −∂/∂x_i of E(|x_j − x_i|), both orders summed
                    }
            sb.append(n).append('\n');
            sb.append(String.format(Locale.ROOT, "Lattice=\"%s\" pbc=\"T T T\" energy=%.17g Properties=species:S:1:pos:R:3:forces:R:3%n",
                    String.join(" ", java.util.Arrays.stream(v).mapToObj(t -> String.format(Locale.ROOT, "%.17g", t)).toList()), e));
            for (int i = 0; i < n; i++)
                sb.append(String.format(Locale.ROOT, "%s %.17g %.17g %.17g %.17g %.17g %.17g%n", sym[i % 3], x[3 * i], x[3 * i + 1], x[3 * i + 2],
                        f[3 * i], f[3 * i + 1], f[3 * i + 2]));
        }
        return sb.toString();
    }

    static double minDistance(double[] x, int i, int j, double[] v) {
        double best = Double.MAX_VALUE;
        for (int na = -1; na <= 1; na++) for (int nb = -1; nb <= 1; nb++) for (int nc = -1; nc <= 1; nc++) {
            double d2 = 0;
            for (int q = 0; q < 3; q++) d2 += Math.pow(x[3 * j + q] + na * v[q] + nb * v[3 + q] + nc * v[6 + q] - x[3 * i + q], 2);
            best = Math.min(best, Math.sqrt(d2));
        }
        return best;
    }

    @Test void mdTrainLearnsAPeriodicSystem() throws Exception {
        Files.writeString(dir.resolve("box.extxyz"), periodicFrames(20, 7));
        Files.writeString(dir.resolve("train.yaml"), """
                seed: 1
                data:
                  train: [{file: box.extxyz}]
                  split: {n_train: 14, n_val: 3, n_test: 3}
                model: {family: nequip, l_max: 1, num_features: 4, num_layers: 1, r_max: 4.0, num_basis: 6, invariant_layers: 1, invariant_neurons: 8}
                training: {max_epochs: 15, batch_size: 2, learning_rate: 0.01, ema_decay: 0}
                output: {directory: out}
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream(), out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out));
        try {
            assertEquals(0, Main.run(new String[] {"train", dir.resolve("train.yaml").toString()}, new PrintStream(err)), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
        String log = out.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("avg_num_neighbors"), log);
        List<String> rows = Files.readAllLines(dir.resolve("out/metrics.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int col = header.indexOf("val_force_mae_meV_per_A");
        assertTrue(col >= 0, "metrics columns: " + header);
        double first = Double.parseDouble(rows.get(1).split(",")[col]), last = Double.parseDouble(rows.get(rows.size() - 1).split(",")[col]);
        System.out.printf(Locale.ROOT, "periodic md train: validation force MAE %.1f -> %.1f meV/A over %d epochs%n", first, last, rows.size() - 1);
        assertTrue(last < 0.8 * first, "validation force error did not fall: " + first + " -> " + last);
        assertTrue(Files.isRegularFile(dir.resolve("out/test-report.json")));
    }
}
