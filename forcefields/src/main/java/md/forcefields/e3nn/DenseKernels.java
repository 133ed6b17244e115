package md.forcefields.e3nn;

/**
 * Small dense float64 kernels for the hot loops: C (+)= α·A·B with row-major operands given by
 * offset and leading dimension. Uses the Vector API ({@code jdk.incubator.vector}) when the JVM was
 * started with {@code --add-modules jdk.incubator.vector}; otherwise plain loops that give identical
 * results up to rounding (the vector kernel fuses multiply-adds).
 */
public final class DenseKernels {
    private DenseKernels() {}

    /** Whether the Vector API kernels are in use. */
    public static final boolean VECTORIZED = detectVectorApi();

    private static boolean detectVectorApi() {
        if (Boolean.getBoolean("md.novector")) return false;
        try {
            Class.forName("jdk.incubator.vector.DoubleVector");
            return VectorKernels.lanes() >= 2;
        } catch (Throwable t) {
            return false;
        }
    }

    /**
     * C[i][j] = (accumulate ? C[i][j] : 0) + α Σ_k A[i][k]·B[k][j] for i < m, j < n, k < kk.
     * A at {@code a[aOff + i*lda + k]}, B at {@code b[bOff + k*ldb + j]}, C at {@code c[cOff + i*ldc + j]}.
     */
    public static void gemm(int m, int n, int kk, double alpha,
                            double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                            double[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (VECTORIZED) {
            int l = VectorKernels.lanes();
            if (m <= 8 && alpha == 1 && n % l == 0) {
                VectorKernels.fewRows(m, n, kk, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                return;
            }
            VectorKernels.gemm(m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0.0);
            int ai = aOff + i * lda;
            for (int k = 0; k < kk; k++) {
                double s = alpha * a[ai + k];
                if (s == 0) continue;
                int bk = bOff + k * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += s * b[bk + j];
            }
        }
    }

    /**
     * C (+)= α·Aᵀ·B for A stored (kk × m) row-major at stride lda (element (i, k) of Aᵀ at a[aOff + k·lda + i]): a product
     * with a transposed left operand without a transposed copy. With the Vector API the same values as {@link #gemm} on a
     * transposed copy of A (when that one does not take its few-rows path, which skips zeros of A); plain loops otherwise.
     */
    public static void gemmTransA(int m, int n, int kk, double alpha,
                                  double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                                  double[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (VECTORIZED) {
            VectorKernels.gemmTransA(m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0.0);
            for (int k = 0; k < kk; k++) {
                double s = alpha * a[aOff + k * lda + i];
                if (s == 0) continue;
                int bk = bOff + k * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += s * b[bk + j];
            }
        }
    }

    /**
     * C = A·B + (the row {@code bias} if given, else C itself with {@code accumulate}) for exactly 8 rows of A, row i
     * of C at {@code c[rows[r0 + i]]} or, with {@code rows} null, at {@code c[cOff + i·ldc]}: with the Vector API each
     * vector of B is loaded once for the 8 rows (the blocks of {@link #gemm} hold 4). Every element is the chain of FMAs
     * over k from zero that {@link #gemm} computes with the Vector API, then added to the bias or to C.
     */
    public static void gemm8(int n, int kk, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] bias, boolean accumulate,
                             double[] c, int cOff, int ldc, int[] rows, int r0) {
        if (VECTORIZED) {
            VectorKernels.gemm8(n, kk, a, aOff, lda, b, bOff, ldb, bias, accumulate, c, cOff, ldc, rows, r0);
            return;
        }
        for (int i = 0; i < 8; i++) {
            int ci = rows == null ? cOff + i * ldc : rows[r0 + i];
            if (bias != null) System.arraycopy(bias, 0, c, ci, n);
            else if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0.0);
            gemm(1, n, kk, 1.0, a, aOff + i * lda, lda, b, bOff, ldb, c, ci, n, true);
        }
    }

    /**
     * C (+)= A·B for m rows (α = 1) in register blocks of 8 and 7 rows ({@link #gemm8}, {@link VectorKernels#gemm7})
     * when m is a sum of those (every m ≥ 42, and e.g. 15, 21, 22, 23: 21 atoms as 7 + 7 + 7 instead of 8 + 8 + 4 + 1,
     * whose one-row block loads every vector of B for a single row); otherwise blocks of 8 and the rest by {@link #gemm}.
     * The same values as {@link #gemm} with the Vector API.
     */
    public static void gemmRows8(int m, int n, int kk, double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff, int ldc, boolean accumulate) {
        if (!VECTORIZED) {
            gemm(m, n, kk, 1.0, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int sevens = 0; // the fewest 7-row blocks that leave a multiple of 8 rows (none: 8-row blocks and a remainder)
        while (sevens < 8 && (7 * sevens > m || (m - 7 * sevens) % 8 != 0)) sevens++;
        int i = 0;
        if (sevens < 8) {
            for (; i + 7 * sevens < m; i += 8) VectorKernels.gemm8(n, kk, a, aOff + i * lda, lda, b, bOff, ldb, null, accumulate, c, cOff + i * ldc, ldc, null, 0);
            for (; i < m; i += 7) VectorKernels.gemm7(n, kk, a, aOff + i * lda, lda, b, bOff, ldb, accumulate, c, cOff + i * ldc, ldc);
            return;
        }
        for (; i + 8 <= m; i += 8) VectorKernels.gemm8(n, kk, a, aOff + i * lda, lda, b, bOff, ldb, null, accumulate, c, cOff + i * ldc, ldc, null, 0);
        if (i < m) VectorKernels.gemm(m - i, n, kk, 1.0, a, aOff + i * lda, lda, b, bOff, ldb, c, cOff + i * ldc, ldc, accumulate);
    }

    /** Σ_k a[ai + k]·b[bj + k] (with the Vector API in four vector sums, then the lanes in order). */
    public static double dot(int n, double[] a, int ai, double[] b, int bj) {
        if (VECTORIZED) return VectorKernels.dot4(n, a, ai, b, bj);
        double r = 0;
        for (int k = 0; k < n; k++) r = Math.fma(a[ai + k], b[bj + k], r);
        return r;
    }

    /**
     * C[i][j] = α Σ_k A[i][k]·B[j][k] (B transposed; overwrites C) — dot products of the rows of A with
     * the rows of B, for short row counts and long k.
     */
    public static void gemmTransB(int m, int n, int kk, double alpha,
                                  double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                                  double[] c, int cOff, int ldc) {
        if (VECTORIZED && kk >= 8) {
            VectorKernels.gemmTransB(m, n, kk, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < kk; k++) s += a[aOff + i * lda + k] * b[bOff + j * ldb + k];
                c[cOff + i * ldc + j] = alpha * s;
            }
    }

    /**
     * out[o + c − c0] = exp(−γ(d − μ_c)²) for the centres c0 … c1 − 1 (Gaussians of one length on a grid). With the
     * Vector API the exponential is the vector one (within an ulp or so of {@link Math#exp}).
     */
    public static void gaussians(double d, double[] mu, int c0, int c1, double gamma, double[] out, int o) {
        if (VECTORIZED) {
            VectorKernels.gaussians(d, mu, c0, c1, gamma, out, o);
            return;
        }
        for (int c = c0; c < c1; c++) {
            double t = d - mu[c];
            out[o + c - c0] = Math.exp(-gamma * (t * t));
        }
    }

    /**
     * The shifted softplus and its derivative for n values: out = c·(max(x, 0) + log1p(e^−|x|) − ln 2), d = c·σ(x),
     * arrays at offsets. With the Vector API the exponential and logarithm are vector ones of our own (within a few
     * ulps of {@link Math#exp} and {@link Math#log1p}, not bit-identical to them).
     */
    public static void shiftedSoftplus(double[] x, int xOff, double[] out, int outOff, double[] d, int dOff, double c, int n) {
        if (VECTORIZED) {
            VectorKernels.shiftedSoftplus(x, xOff, out, outOff, d, dOff, c, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            out[outOff + i] = c * (Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))) - 0.6931471805599453);
            d[dOff + i] = c * (1 / (1 + Math.exp(-v)));
        }
    }

    /**
     * σ(x) = 1/(1 + e^−x) for n values at offsets. With the Vector API the exponential is {@link #silu}'s vector one
     * (the same σ bit for bit; within an ulp or so of {@link Math#exp}), otherwise {@link Math#exp}.
     */
    public static void sigmoid(double[] x, int xOff, double[] out, int outOff, int n) {
        if (VECTORIZED) {
            VectorKernels.sigmoid(x, xOff, out, outOff, n);
            return;
        }
        for (int i = 0; i < n; i++) out[outOff + i] = 1 / (1 + Math.exp(-x[xOff + i]));
    }

    /**
     * SiLU and its derivative for n values: out = c·x·σ(x), d = c·σ(x)·(1 + x·(1 − σ(x))), σ(x) = 1/(1 + e^−x),
     * arrays at offsets. With the Vector API the exponential is the vector one (within an ulp or so of
     * {@link Math#exp}, not bit-identical to it).
     */
    public static void silu(double[] x, int xOff, double[] out, int outOff, double[] d, int dOff, double c, int n) {
        if (VECTORIZED) {
            VectorKernels.silu(x, xOff, out, outOff, d, dOff, c, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i], s = 1 / (1 + Math.exp(-v));
            out[outOff + i] = c * (v * s);
            d[dOff + i] = c * (s * (1 + v * (1 - s)));
        }
    }
}
