package md.forcefields.ml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The float32 SiLU of AffineActivation's float32 kernel against float64 Math.exp (the independent reference): values
 * and derivatives within a few float32 roundings over the whole range, clamped ends included; the vector kernel gives
 * the scalar loop's bits (same operations lane by lane), so a value does not depend on which one ran.
 */
class SiluFloat32Test {

    @Test
    void expIsWithinFloat32RoundingOfMathExp() {
        double worst = 0;
        for (float x = -86f; x <= 86f; x += 0.01f) {
            double ref = Math.exp(x);
            worst = Math.max(worst, Math.abs(SiluFloat32.exp(x) - ref) / ref);
        }
        System.out.printf("float32 exp over [-86, 86]: max relative error %.1e%n", worst);
        assertTrue(worst <= 3e-7, "float32 exp relative error " + worst);
    }

    @Test
    void biasSiluMatchesFloat64AndTheScalarLoop() {
        int rows = 7, n = 4 * FloatGemm.LANES;
        Random rnd = new Random(5);
        float[] y = new float[rows * n], b = new float[n];
        for (int i = 0; i < y.length; i++) y[i] = (float) (rnd.nextGaussian() * (i % 5 == 0 ? 40 : 3));
        y[0] = 120f; y[1] = -120f; y[2] = 0f; // beyond the clamp, and zero
        for (int j = 0; j < n; j++) b[j] = (float) rnd.nextGaussian();
        float[] yv = y.clone(), dv = new float[y.length], ys = y.clone(), ds = new float[y.length];
        SiluFloat32.biasSilu(yv, b, dv, 0, rows, n);
        new SiluFloat32().rows(ys, b, ds, 0, rows, n);
        assertArrayEquals(ys, yv, 0f, "vector kernel and scalar loop");
        assertArrayEquals(ds, dv, 0f, "vector kernel and scalar loop, derivative");
        double worstValue = 0, worstDerivative = 0;
        for (int i = 0; i < y.length; i++) {
            double v = (double) y[i] + b[i % n], s = 1 / (1 + Math.exp(-v));
            double value = v * s, derivative = s * (1 + v * (1 - s));
            worstValue = Math.max(worstValue, Math.abs(yv[i] - value) / Math.max(1, Math.abs(value)));
            worstDerivative = Math.max(worstDerivative, Math.abs(dv[i] - derivative));
        }
        System.out.printf("float32 SiLU vs float64: max error %.1e (relative beyond 1), derivative %.1e%n", worstValue, worstDerivative);
        assertTrue(worstValue <= 5e-7, "SiLU error " + worstValue);
        assertTrue(worstDerivative <= 5e-7, "SiLU derivative error " + worstDerivative);
    }
}
