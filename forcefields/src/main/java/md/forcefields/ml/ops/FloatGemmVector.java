package md.forcefields.ml.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link FloatGemm} with the Vector API: register blocks of 4 rows × 2 vectors, then 4 × 1, then single rows. */
final class FloatGemmVector extends FloatGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static int lanes() { return L; }

    @Override void product(int m, int n, int kk, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        int nv = n - n % L, i = 0;
        for (; i + 4 <= m; i += 4) {
            int ai = aOff + i * lda, ci = cOff + i * ldc, j = 0;
            for (; j + 2 * L <= nv; j += 2 * L) block4x2(kk, a, ai, lda, b, bOff + j, ldb, c, ci + j, ldc);
            for (; j < nv; j += L)
                for (int r = 0; r < 4; r++) block1x1(kk, a, ai + r * lda, b, bOff + j, ldb, c, ci + r * ldc + j);
        }
        for (; i < m; i++)
            for (int j = 0; j < nv; j += L) block1x1(kk, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
        if (nv < n) columns(m, nv, n, kk, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    private static void block4x2(int kk, float[] a, int ai, int lda, float[] b, int bj, int ldb, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int k = 0; k < kk; k++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bj + k * ldb), b1 = FloatVector.fromArray(S, b, bj + k * ldb + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + k]), a1 = FloatVector.broadcast(S, a[ai + lda + k]);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2 * lda + k]), a3 = FloatVector.broadcast(S, a[ai + 3 * lda + k]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
    }

    private static void block1x1(int kk, float[] a, int ai, float[] b, int bj, int ldb, float[] c, int ci) {
        FloatVector s = FloatVector.zero(S);
        for (int k = 0; k < kk; k++) s = FloatVector.broadcast(S, a[ai + k]).fma(FloatVector.fromArray(S, b, bj + k * ldb), s);
        s.intoArray(c, ci);
    }
}
