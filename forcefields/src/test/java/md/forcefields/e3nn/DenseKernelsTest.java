package md.forcefields.e3nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The 8-row GEMM blocks (GeomAtt's Gaussian grid and affine layers) give {@link DenseKernels#gemm}'s bits, with and
 * without accumulation, scattered rows and a bias row, for shapes with every kind of tail; gemmTransA (Aᵀ read in
 * place) gives gemm's bits on a transposed copy; gemm, gemmTransA and gemmTransB agree with plain loops to round-off.
 */
class DenseKernelsTest {
    private static final int[] ROWS = {1, 3, 7, 8, 9, 15, 16, 21, 22, 50}, COLS = {1, 3, 4, 5, 8, 13, 64}, DEPTH = {1, 5, 32};

    private static double[] random(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    /** Plain triple loop, C = A·B (row-major, leading dimensions = widths). */
    private static double[] naive(int m, int n, int kk, double[] a, double[] b) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < kk; k++) s += a[i * kk + k] * b[k * n + j];
                c[i * n + j] = s;
            }
        return c;
    }

    @Test
    void rowsOfEightGiveGemmsBits() {
        Random rng = new Random(1);
        for (int m : ROWS) for (int n : COLS) for (int kk : DEPTH) {
            double[] a = random(rng, m * kk), b = random(rng, kk * n), start = random(rng, m * n);
            for (boolean accumulate : new boolean[] {false, true}) {
                double[] expected = start.clone(), got = start.clone();
                DenseKernels.gemm(m, n, kk, 1.0, a, 0, kk, b, 0, n, expected, 0, n, accumulate);
                DenseKernels.gemmRows8(m, n, kk, a, 0, kk, b, 0, n, got, 0, n, accumulate);
                assertArrayEquals(expected, got, 0.0, m + "×" + kk + " · " + kk + "×" + n + (accumulate ? " accumulated" : ""));
            }
            double[] reference = naive(m, n, kk, a, b), c = new double[m * n];
            DenseKernels.gemm(m, n, kk, 1.0, a, 0, kk, b, 0, n, c, 0, n, false);
            for (int i = 0; i < c.length; i++) assertEquals(reference[i], c[i], 1e-13 * (1 + Math.abs(reference[i])) * kk);
        }
    }

    @Test
    void eightScatteredRowsWithABiasGiveGemmPlusTheBias() {
        Random rng = new Random(2);
        for (int n : COLS) for (int kk : DEPTH) {
            double[] a = random(rng, 8 * kk), b = random(rng, kk * n), bias = random(rng, n);
            double[] expected = new double[8 * n];
            DenseKernels.gemm(8, n, kk, 1.0, a, 0, kk, b, 0, n, expected, 0, n, false);
            // row i of the product goes to the start rows[2 + i] of C: a shuffled order, after two unused entries
            java.util.List<Integer> order = new java.util.ArrayList<>(java.util.List.of(0, 1, 2, 3, 4, 5, 6, 7));
            java.util.Collections.shuffle(order, rng);
            int[] rows = new int[10];
            rows[0] = rows[1] = -1;
            for (int i = 0; i < 8; i++) rows[2 + i] = order.get(i) * n;
            double[] c = new double[8 * n];
            DenseKernels.gemm8(n, kk, a, 0, kk, b, 0, n, bias, false, c, 0, n, rows, 2);
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < n; j++)
                    assertEquals(expected[i * n + j] + bias[j], c[rows[2 + i] + j], 0.0, "row " + i + " column " + j + ", n " + n + ", k " + kk);
        }
    }

    /**
     * Aᵀ·B read in place (training's matmul backward and the linear layers' weight gradients) gives the bits of
     * {@link DenseKernels#gemm} on a transposed copy of A, for α = 1 and α ≠ 1, with and without accumulation, for
     * operands inside larger strided arrays at offsets; and agrees with plain loops.
     */
    @Test
    void transposedAInPlaceGivesGemmsBitsOnACopy() {
        Random rng = new Random(4);
        for (int m : ROWS) for (int n : COLS) for (int kk : new int[] {1, 5, 21, 64}) {
            int lda = m + 3, ldb = n + 2, ldc = n + 1, aOff = 2, bOff = 5, cOff = 3;
            double[] a = random(rng, aOff + kk * lda), b = random(rng, bOff + kk * ldb), start = random(rng, cOff + m * ldc);
            double[] at = new double[m * kk]; // Aᵀ (m × kk), packed
            for (int k = 0; k < kk; k++) for (int i = 0; i < m; i++) at[i * kk + k] = a[aOff + k * lda + i];
            for (double alpha : new double[] {1.0, 0.37})
                for (boolean accumulate : new boolean[] {false, true}) {
                    double[] expected = start.clone(), got = start.clone();
                    DenseKernels.gemm(m, n, kk, alpha, at, 0, kk, b, bOff, ldb, expected, cOff, ldc, accumulate);
                    DenseKernels.gemmTransA(m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, got, cOff, ldc, accumulate);
                    assertArrayEquals(expected, got, 0.0, m + "×" + kk + "ᵀ · " + kk + "×" + n + ", α " + alpha + (accumulate ? " accumulated" : ""));
                }
            double[] packedB = new double[kk * n];
            for (int k = 0; k < kk; k++) System.arraycopy(b, bOff + k * ldb, packedB, k * n, n);
            double[] reference = naive(m, n, kk, at, packedB), c = new double[m * n];
            DenseKernels.gemmTransA(m, n, kk, 1.0, a, aOff, lda, b, bOff, ldb, c, 0, n, false);
            for (int i = 0; i < c.length; i++) assertEquals(reference[i], c[i], 1e-13 * (1 + Math.abs(reference[i])) * kk);
        }
    }

    @Test
    void transposedBAgreesWithPlainLoops() {
        Random rng = new Random(3);
        for (int m : ROWS) for (int n : COLS) for (int kk : new int[] {1, 7, 8, 21, 64}) {
            double[] a = random(rng, m * kk), bt = random(rng, n * kk), b = new double[kk * n];
            for (int j = 0; j < n; j++) for (int k = 0; k < kk; k++) b[k * n + j] = bt[j * kk + k];
            double[] reference = naive(m, n, kk, a, b), c = new double[m * n];
            DenseKernels.gemmTransB(m, n, kk, 1.0, a, 0, kk, bt, 0, kk, c, 0, n);
            for (int i = 0; i < c.length; i++) assertEquals(reference[i], c[i], 1e-13 * (1 + Math.abs(reference[i])) * kk, m + " " + n + " " + kk);
        }
    }
}
