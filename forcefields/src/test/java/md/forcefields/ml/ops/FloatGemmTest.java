package md.forcefields.ml.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The float32 kernels' rounding from float64: values below the smallest normal float become zero (a subnormal
 * operand costs an x86 FMA a microcode assist), every other value is Java's own rounding; and a product whose
 * input had such values gives exactly what the same product with zeros there gives, against a float64 loop.
 */
class FloatGemmTest {

    @Test
    void roundingFlushesSubnormalsOnly() {
        assertEquals(0f, FloatGemm.toFloat(1e-40), 0f);
        assertEquals(0f, FloatGemm.toFloat(-1e-44), 0f);
        assertEquals(0f, FloatGemm.toFloat(1e-300), 0f);
        assertEquals((float) 1.2e-38, FloatGemm.toFloat(1.2e-38), 0f, "the smallest normals stay");
        assertEquals(Float.MIN_NORMAL, FloatGemm.toFloat(Float.MIN_NORMAL), 0f);
        assertEquals((float) -3.7e-20, FloatGemm.toFloat(-3.7e-20), 0f);
        assertEquals((float) 0.1, FloatGemm.toFloat(0.1), 0f);
        assertEquals(Float.POSITIVE_INFINITY, FloatGemm.toFloat(1e300), 0f);
    }

    @Test
    void productOfFlushedRowsMatchesFloat64() {
        int m = 13, k = 32, n = 2 * FloatGemm.LANES;
        Random rnd = new Random(3);
        double[] x = new double[m * k];
        for (int i = 0; i < x.length; i++) x[i] = i % 3 == 0 ? 1e-41 * rnd.nextDouble() : rnd.nextGaussian(); // radial-basis-like tails
        float[] w = new float[k * n], xf = new float[m * k], xz = new float[m * k], c = new float[m * n], cz = new float[m * n];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
        FloatGemm.round(x, xf, 0, x.length);
        for (int i = 0; i < x.length; i++) xz[i] = i % 3 == 0 ? 0f : (float) x[i];
        assertArrayEquals(xz, xf, 0f);
        FloatGemm.gemm(m, n, k, xf, 0, k, w, 0, n, c, 0, n);
        FloatGemm.gemm(m, n, k, xz, 0, k, w, 0, n, cz, 0, n);
        assertArrayEquals(cz, c, 0f);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int a = 0; a < k; a++) s += x[i * k + a] * w[a * n + j];
                assertEquals(s, c[i * n + j], 2e-6 * (1 + Math.abs(s)), "row " + i + ", column " + j);
            }
    }
}
