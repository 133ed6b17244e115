package md.forcefields.e3nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The shifted-softplus kernel (vector exponential and logarithm of our own when the Vector API is on) against
 * Math.exp and Math.log1p, and position independence.
 */
class ShiftedSoftplusKernelTest {
    private static final double LN2 = Math.log(2);

    @Test
    void matchesTheScalarFormulaToRoundOffAndDoesNotDependOnPosition() {
        Random rnd = new Random(4);
        int n = 1003;
        double[] x = new double[n + 5];
        for (int i = 0; i < x.length; i++) x[i] = (rnd.nextDouble() - 0.5) * (i % 7 == 0 ? 1500 : i % 5 == 0 ? 1e-6 : 40);
        x[0] = 0;
        x[1] = -0.0;
        x[2] = 37.5; // e^−|x| below half an ulp of 1: 1 + u rounds to 1
        double[] out = new double[n], d = new double[n];
        DenseKernels.shiftedSoftplus(x, 0, out, 0, d, 0, 1.25, n);
        double worstValue = 0, worstDerivative = 0;
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double eOut = 1.25 * (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))) - LN2), eD = 1.25 * (1 / (1 + Math.exp(-v)));
            // the value is a sum of terms up to max(x, 0) + ln 2: round-off relative to them
            double valueScale = 1.25 * (Math.max(v, 0) + LN2);
            worstValue = Math.max(worstValue, Math.abs(out[i] - eOut) / valueScale);
            if (eD > 1e-300) worstDerivative = Math.max(worstDerivative, Math.abs(d[i] - eD) / eD);
            assertEquals(eOut, out[i], 4e-16 * valueScale, "ssp(" + v + ")");
            assertEquals(eD, d[i], 4e-15 * eD + 1e-300, "ssp'(" + v + ")");
        }
        double[] out2 = new double[n], d2 = new double[n];
        for (int shift = 1; shift < 5; shift++) {
            double[] y = new double[n + shift];
            System.arraycopy(x, 0, y, shift, n);
            DenseKernels.shiftedSoftplus(y, shift, out2, 0, d2, 0, 1.25, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(out[i]), Double.doubleToRawLongBits(out2[i]), "offset " + shift + " element " + i);
                assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(d2[i]), "offset " + shift + " element " + i);
            }
        }
        System.out.printf("shifted softplus kernel (vector API: %s): worst difference to Math's %.1e of max(x, 0) + ln 2 (values), %.1e relative (derivatives)%n",
                DenseKernels.VECTORIZED, worstValue, worstDerivative);
        assertTrue(worstValue < 4e-16 && worstDerivative < 4e-15);
    }
}
