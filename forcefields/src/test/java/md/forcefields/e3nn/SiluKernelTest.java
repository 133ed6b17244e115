package md.forcefields.e3nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The SiLU kernel (vector exponential of our own when the Vector API is on) against Math.exp, and position independence. */
class SiluKernelTest {
    @Test
    void matchesTheScalarFormulaToRoundOffAndDoesNotDependOnPosition() {
        Random rnd = new Random(3);
        int n = 1003;
        double[] x = new double[n + 5];
        for (int i = 0; i < x.length; i++) x[i] = (rnd.nextDouble() - 0.5) * (i % 7 == 0 ? 1500 : 40);
        double[] out = new double[n], d = new double[n];
        DenseKernels.silu(x, 0, out, 0, d, 0, 1.25, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double v = x[i], s = 1 / (1 + Math.exp(-v));
            double eOut = 1.25 * v * s, eD = 1.25 * s * (1 + v * (1 - s));
            if (Math.abs(v) < 600) worst = Math.max(worst, Math.abs(out[i] - eOut) / Math.max(1e-300, Math.abs(eOut) + 1e-300));
            assertEquals(eOut, out[i], 4e-15 * Math.abs(eOut) + 1e-300, "silu(" + v + ")");
            assertEquals(eD, d[i], 4e-15 * Math.abs(eD) + 1e-300, "silu'(" + v + ")");
        }
        // the same values at another offset (other lanes, other tail) give the same bits
        double[] out2 = new double[n], d2 = new double[n];
        for (int shift = 1; shift < 5; shift++) {
            double[] y = new double[n + shift];
            System.arraycopy(x, 0, y, shift, n);
            DenseKernels.silu(y, shift, out2, 0, d2, 0, 1.25, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(out[i]), Double.doubleToRawLongBits(out2[i]), "offset " + shift + " element " + i);
                assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(d2[i]), "offset " + shift + " element " + i);
            }
        }
        System.out.printf("silu kernel (vector API: %s): worst relative difference to Math.exp's %.1e%n", DenseKernels.VECTORIZED, worst);
        assertTrue(worst < 4e-15);
    }
}
