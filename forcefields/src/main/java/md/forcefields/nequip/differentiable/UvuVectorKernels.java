package md.forcefields.nequip.differentiable;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UvuKernels} with the Vector API: channels in chunks of one vector, the sum over the pairs of one
 * output row kept in a register, one load-add-store per row and chunk; leftover channels as plain loops.
 * Loaded only when the incubator module is present.
 */
final class UvuVectorKernels implements UvuKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private final UvuKernels.Plain tail = new UvuKernels.Plain();

    @Override public void forward(UvuCoupling cg, int mul, double s, double[] t, double[] x, int xb, double[] w, int wb, double[] res, int ob, int oMul, double[] scratch) {
        int[] by = cg.byC(), start = cg.cStart(), pa = cg.pairA();
        int tOff = cg.tOff(), j = 0;
        for (; j + L <= mul; j += L) {
            DoubleVector ws = DoubleVector.fromArray(S, w, wb + j).mul(s);
            for (int c = 0; c + 1 < start.length; c++) {
                if (start[c] == start[c + 1]) continue;
                DoubleVector acc = DoubleVector.zero(S);
                for (int k = start[c]; k < start[c + 1]; k++) {
                    int q = by[k];
                    acc = DoubleVector.fromArray(S, x, xb + pa[q] * mul + j).fma(DoubleVector.broadcast(S, t[tOff + q]), acc);
                }
                int oc = ob + c * oMul + j;
                acc.fma(ws, DoubleVector.fromArray(S, res, oc)).intoArray(res, oc);
            }
        }
        if (j < mul) tail.forward(cg, mul, s, t, x, xb, w, wb, res, ob, oMul, scratch, j);
    }

    @Override public void inputGrad(UvuCoupling cg, int mul, double s, double[] t, double[] o, int ob, int oMul, double[] w, int wb, double[] res, int xb, double[] scratch) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
        int tOff = cg.tOff(), j = 0;
        for (; j + L <= mul; j += L) {
            DoubleVector ws = DoubleVector.fromArray(S, w, wb + j).mul(s);
            for (int a = 0; a + 1 < start.length; a++) {
                if (start[a] == start[a + 1]) continue;
                DoubleVector acc = DoubleVector.zero(S);
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k];
                    acc = DoubleVector.fromArray(S, o, ob + pc[q] * oMul + j).fma(DoubleVector.broadcast(S, t[tOff + q]), acc);
                }
                int xa = xb + a * mul + j;
                acc.fma(ws, DoubleVector.fromArray(S, res, xa)).intoArray(res, xa);
            }
        }
        if (j < mul) tail.inputGrad(cg, mul, s, t, o, ob, oMul, w, wb, res, xb, scratch, j);
    }

    @Override public void weightGrad(UvuCoupling cg, int mul, double s, double[] t, double[] x, int xb, double[] o, int ob, int oMul, double[] res, int wb, double[] scratch) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
        int tOff = cg.tOff(), j = 0;
        for (; j + L <= mul; j += L) {
            DoubleVector total = DoubleVector.zero(S);
            for (int a = 0; a + 1 < start.length; a++) {
                if (start[a] == start[a + 1]) continue;
                DoubleVector acc = DoubleVector.zero(S);
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k];
                    acc = DoubleVector.fromArray(S, o, ob + pc[q] * oMul + j).fma(DoubleVector.broadcast(S, t[tOff + q]), acc);
                }
                total = DoubleVector.fromArray(S, x, xb + a * mul + j).fma(acc, total);
            }
            total.fma(DoubleVector.broadcast(S, s), DoubleVector.fromArray(S, res, wb + j)).intoArray(res, wb + j);
        }
        if (j < mul) tail.weightGrad(cg, mul, s, t, x, xb, o, ob, oMul, res, wb, scratch, j);
    }

    @Override public void pairProducts(UvuCoupling cg, int mul, double s, double[] x, int xb, double[] w, int wb, double[] o, int ob, int oMul, double[] m, double[] xw) {
        int d1 = cg.aStart().length - 1, full = mul - mul % L;
        for (int a = 0; a < d1; a++)
            for (int j = 0; j < full; j += L)
                DoubleVector.fromArray(S, x, xb + a * mul + j).mul(DoubleVector.fromArray(S, w, wb + j)).intoArray(xw, a * mul + j);
        int[] pa = cg.pairA(), pc = cg.pairC();
        for (int q = 0; q < pa.length; q++) {
            int xa = pa[q] * mul, oc = ob + pc[q] * oMul;
            DoubleVector acc = DoubleVector.zero(S);
            for (int j = 0; j < full; j += L)
                acc = DoubleVector.fromArray(S, xw, xa + j).fma(DoubleVector.fromArray(S, o, oc + j), acc);
            double dot = acc.reduceLanes(VectorOperators.ADD);
            for (int u = full; u < mul; u++) dot += x[xb + pa[q] * mul + u] * w[wb + u] * o[oc + u];
            m[q] = s * dot;
        }
    }
}
