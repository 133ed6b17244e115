package md.engine.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The clusters of {@code md bench model --atoms}: as many atoms as asked, none closer than 1 Å, all inside the sphere of
 * 0.1 atoms/Å³, H/C/O only, the same for the same seed; and the same coordinates as scripts/bench-geomatt-torch.py
 * builds for the PyTorch reference (its own Python implementation; skipped without /usr/bin/python3 and numpy).
 */
class SyntheticClusterTest {
    @Test
    void clustersHaveTheAskedSizeSpacingAndSpecies() {
        for (int n : new int[] {1, 21, 120}) {
            SyntheticCluster c = SyntheticCluster.of(n, SyntheticCluster.DEFAULT_SEED);
            double[] x = c.positions();
            assertEquals(n, c.atomicNumbers().length);
            assertEquals(3 * n, x.length);
            double radius = Math.cbrt(3.0 * n / (4 * Math.PI * SyntheticCluster.ATOMS_PER_CUBIC_ANGSTROM)), closest = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                assertTrue(Set.of(1, 6, 8).contains(c.atomicNumbers()[i]));
                assertTrue(Math.sqrt(x[3 * i] * x[3 * i] + x[3 * i + 1] * x[3 * i + 1] + x[3 * i + 2] * x[3 * i + 2]) <= radius + 1e-12);
                for (int j = 0; j < i; j++) {
                    double dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
                    closest = Math.min(closest, Math.sqrt(dx * dx + dy * dy + dz * dz));
                }
            }
            if (n > 1) assertTrue(closest >= SyntheticCluster.MIN_DISTANCE_ANGSTROM, "closest pair " + closest);
            assertArrayEquals(x, SyntheticCluster.of(n, SyntheticCluster.DEFAULT_SEED).positions(), 0.0, "same seed, same cluster");
        }
        assertTrue(SyntheticCluster.of(21, 1).positions()[0] != SyntheticCluster.of(21, 2).positions()[0], "the seed matters");
    }

    @Test
    void thePyTorchBenchmarkScriptBuildsTheSameClusters() throws Exception {
        Path py = Path.of("/usr/bin/python3"), script = Path.of("../scripts/bench-geomatt-torch.py").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isExecutable(py) && Files.isRegularFile(script), "no /usr/bin/python3 or script");
        String code = "import importlib.util, sys\n"
                + "spec = importlib.util.spec_from_file_location('b', sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
                + "z, x = m.synthetic_cluster(int(sys.argv[2]))\n"
                + "print(' '.join(str(int(v)) for v in z)); print(' '.join(repr(float(v)) for v in x.flatten()))\n";
        Process p = new ProcessBuilder(py.toString(), "-c", code, script.toString(), "60").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() == 0 || !out.contains("No module named 'numpy'"), "/usr/bin/python3 has no numpy");
        assertEquals(0, p.waitFor(), out);
        String[] lines = out.strip().split("\n");
        SyntheticCluster c = SyntheticCluster.of(60, SyntheticCluster.DEFAULT_SEED);
        String[] z = lines[0].split(" "), x = lines[1].split(" ");
        for (int i = 0; i < 60; i++) assertEquals(c.atomicNumbers()[i], Integer.parseInt(z[i]), "species of atom " + i);
        for (int i = 0; i < 180; i++) assertEquals(c.positions()[i], Double.parseDouble(x[i]), 1e-12, "coordinate " + i);
    }
}
