package md.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Small training inputs written by the tests: extended-XYZ files of 4- and 5-atom molecules (H, C, O)
 * labelled with an analytic Morse pair potential (eV, eV/Å), and YAML configurations around them.
 */
final class TrainFixtures {
    private TrainFixtures() {}

    static final String[] SYMBOLS = {"H", "C", "O"};

    /**
     * Runs the md command line in-process and asserts exit code 0, showing stderr otherwise. Standard output (epoch
     * lines) goes where the test's goes (a file per class: surefire's redirectTestOutputToFile); it is not swapped
     * out, so that these classes can run beside others (System.out is one stream for the whole JVM).
     */
    static int run(String... args) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = md.engine.cli.Main.run(args, new java.io.PrintStream(err));
        org.junit.jupiter.api.Assertions.assertEquals(0, rc, err.toString(java.nio.charset.StandardCharsets.UTF_8));
        return rc;
    }

    /** {@code count} frames alternating 4 and 5 atoms, grouped by config_type "molA"/"molB"/... per frame index. */
    static Path extxyz(Path file, int count, long seed, int groups) throws IOException {
        Random rng = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < count; k++) {
            int n = 4 + k % 2;
            double[] x = new double[3 * n];
            for (int i = 0; i < n; i++) {
                boolean ok;
                do {
                    for (int c = 0; c < 3; c++) x[3 * i + c] = 2.6 * rng.nextDouble();
                    ok = true;
                    for (int j = 0; j < i && ok; j++) ok = dist(x, i, j) > 1.0;
                } while (!ok);
            }
            double[] f = new double[3 * n];
            double e = -10.0 * n;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) {
                    double r = dist(x, i, j), ex = Math.exp(-1.5 * (r - 1.4));
                    e += 0.5 * (1 - ex) * (1 - ex);
                    double dEdr = 2 * 0.5 * (1 - ex) * 1.5 * ex;
                    for (int c = 0; c < 3; c++) {
                        double u = (x[3 * j + c] - x[3 * i + c]) / r;
                        f[3 * i + c] += dEdr * u;
                        f[3 * j + c] -= dEdr * u;
                    }
                }
            sb.append(n).append('\n');
            sb.append(String.format(Locale.ROOT, "energy=%.17g config_type=mol%c Properties=species:S:1:pos:R:3:forces:R:3%n", e, (char) ('A' + k % groups)));
            for (int i = 0; i < n; i++)
                sb.append(String.format(Locale.ROOT, "%s %.17g %.17g %.17g %.17g %.17g %.17g%n", SYMBOLS[i % 3], x[3 * i], x[3 * i + 1], x[3 * i + 2],
                        f[3 * i], f[3 * i + 1], f[3 * i + 2]));
        }
        Files.writeString(file, sb);
        return file;
    }

    private static double dist(double[] x, int i, int j) {
        double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** A small configuration training on {@code data} (random split 8/3/3) for {@code epochs}. */
    static Path config(Path dir, Path data, int epochs, String extra) throws IOException {
        String yaml = """
                seed: 4
                threads: 2
                data:
                  train: [{file: %s}]
                  split: {n_train: 8, n_val: 3, n_test: 3}
                model: {l_max: 1, num_features: 4, num_layers: 2, r_max: 4.0, num_basis: 6, invariant_layers: 1, invariant_neurons: 8}
                training:
                  max_epochs: %d
                  batch_size: 3
                  learning_rate: 0.01
                  amsgrad: true
                  ema_decay: 0.9
                output: {directory: out}
                %s""".formatted(data.getFileName(), epochs, extra);
        Path p = dir.resolve("train.yaml");
        Files.writeString(p, yaml);
        return p;
    }
}
