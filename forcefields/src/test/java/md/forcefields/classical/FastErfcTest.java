package md.forcefields.classical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@link FastErfc} against the series/continued fraction of {@link Erfc} on a dense grid, and against Python's
 * math.erfc (C's libm, an independent implementation) on sample points.
 */
class FastErfcTest {
    /** The accuracy asked of it: 1e-14 relative; it achieves a few units in the last place. */
    static final double TOLERANCE = 1e-14;

    /**
     * Erfc's series computes 1 − erf(x), so its own error is absolute, about 1e-16 (1e-11 relative near x = 3,
     * where erfc = 2e-5): the comparison allows that plus 1e-14 relative. The relative accuracy is checked
     * against libm below.
     */
    @Test
    void agreesWithTheSeriesOnADenseGridOfTheTablesRange() {
        double worst = 0, worstAt = 0, worstRel = 0;
        int n = 400_000;
        for (int k = 0; k <= n; k++) {
            double x = FastErfc.X_MAX * k / n * (1 - 1e-12); // ends of every interval included (k multiple of 12500)
            double exact = Erfc.erfc(x), diff = Math.abs(FastErfc.erfc(x) - exact);
            double excess = diff / (TOLERANCE * exact + 2e-15);
            if (excess > worst) { worst = excess; worstAt = x; }
            worstRel = Math.max(worstRel, diff / exact);
        }
        System.out.printf("FastErfc vs Erfc: largest difference / (1e-14 erfc + 2e-15) = %.3g at x = %.6f; largest relative %.3g%n", worst, worstAt, worstRel);
        assertTrue(worst < 1, "difference beyond 1e-14 relative + 2e-15 at x = " + worstAt);
    }

    @Test
    void theGaussianFactorIsExactToAnUlpOrTwo() {
        for (double x = 0; x < 4; x += 0.001) {
            // e^{−x²} = (e^{−x/2·x})²... compared with a product that avoids rounding x²: e^{−x·hi}·e^{−x·lo}
            double hi = (float) x, lo = x - hi;
            double reference = Math.exp(-hi * hi) * Math.exp(-2 * hi * lo) * Math.exp(-lo * lo);
            assertEquals(reference, FastErfc.expMinusSquare(x), 4 * Math.ulp(reference), "e^{-x^2} at " + x);
        }
    }

    @Test
    void outsideTheTableFallsBackToTheSeries() {
        for (double x : new double[] {-2.5, -0.3, 4.0, 4.5, 7.25, 26.0}) assertEquals(Erfc.erfc(x), FastErfc.erfc(x), 0.0, "x = " + x);
        assertTrue(Double.isNaN(FastErfc.erfc(Double.NaN)));
    }

    @Test
    void agreesWithPythonsMathErfc() throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        // math.erfc (C's libm, within an ulp or two) on 40,001 points of the table's range, plus the ends of the
        // intervals and α r_c of SPC/Fw's DSF, 0.2 Å⁻¹ × 10 Å = 2
        List<Double> xs = new ArrayList<>();
        for (int k = 0; k <= 40_000; k++) xs.add(FastErfc.X_MAX * (k + 0.37) / 40_001);
        for (int k = 0; k < 32; k++) { xs.add(k / 8.0); xs.add(Math.nextDown((k + 1) / 8.0)); }
        xs.add(2.0);
        Path points = Files.createTempFile("fasterfc", ".txt");
        StringBuilder text = new StringBuilder();
        for (double x : xs) text.append(Double.toHexString(x)).append('\n');
        Files.writeString(points, text);
        String script = "import math,sys\nfor line in open(sys.argv[1]): print(math.erfc(float.fromhex(line.strip())).hex())\n";
        Process p = new ProcessBuilder(python.toString(), "-c", script, points.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        Files.deleteIfExists(points);
        assertTrue(done && p.exitValue() == 0, "python failed: " + out);
        String[] lines = out.trim().split("\\s+");
        assertEquals(xs.size(), lines.length, out);
        double worst = 0;
        for (int k = 0; k < xs.size(); k++) {
            double ref = Double.parseDouble(lines[k]); // Python's float.hex, exact
            worst = Math.max(worst, Math.abs(FastErfc.erfc(xs.get(k)) - ref) / ref);
        }
        System.out.printf("FastErfc vs Python math.erfc: largest relative difference %.3g over %d points%n", worst, xs.size());
        assertTrue(worst < TOLERANCE, "largest relative difference from math.erfc: " + worst);
    }
}
