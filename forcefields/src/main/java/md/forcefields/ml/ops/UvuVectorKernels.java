package md.forcefields.ml.ops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UvuKernels} with the Vector API: channels in blocks of four vectors (four independent
 * multiply-add chains, so the sum over the pairs of one output row does not wait on the latency of the
 * previous one), then single vectors, then leftover channels as plain loops. Each output row is kept in
 * registers and loaded, added and stored once per block. Loaded only when the incubator module is present.
 */
final class UvuVectorKernels implements UvuKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private final UvuKernels.Plain tail = new UvuKernels.Plain();

    private static DoubleVector load(double[] a, int i) { return DoubleVector.fromArray(S, a, i); }

    private static void addInto(DoubleVector v, double[] a, int i) { v.add(load(a, i)).intoArray(a, i); }

    @Override public void forward(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb, double[] res, int ob, int oMul, double[] scratch) {
        int[] by = cg.byC(), start = cg.cStart(), pa = cg.pairA();
        int tOff = tb, j = 0;
        for (; j + 4 * L <= mul; j += 4 * L) {
            DoubleVector w0 = load(w, wb + j).mul(s), w1 = load(w, wb + j + L).mul(s), w2 = load(w, wb + j + 2 * L).mul(s), w3 = load(w, wb + j + 3 * L).mul(s);
            for (int c = 0; c + 1 < start.length; c++) {
                if (start[c] == start[c + 1]) continue;
                DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int k = start[c]; k < start[c + 1]; k++) {
                    int q = by[k], xa = xb + pa[q] * mul + j;
                    DoubleVector tq = DoubleVector.broadcast(S, t[tOff + q]);
                    a0 = load(x, xa).fma(tq, a0);
                    a1 = load(x, xa + L).fma(tq, a1);
                    a2 = load(x, xa + 2 * L).fma(tq, a2);
                    a3 = load(x, xa + 3 * L).fma(tq, a3);
                }
                int oc = ob + c * oMul + j;
                addInto(a0.mul(w0), res, oc);
                addInto(a1.mul(w1), res, oc + L);
                addInto(a2.mul(w2), res, oc + 2 * L);
                addInto(a3.mul(w3), res, oc + 3 * L);
            }
        }
        for (; j + L <= mul; j += L) {
            DoubleVector ws = load(w, wb + j).mul(s);
            for (int c = 0; c + 1 < start.length; c++) {
                if (start[c] == start[c + 1]) continue;
                DoubleVector acc = DoubleVector.zero(S);
                for (int k = start[c]; k < start[c + 1]; k++) {
                    int q = by[k];
                    acc = load(x, xb + pa[q] * mul + j).fma(DoubleVector.broadcast(S, t[tOff + q]), acc);
                }
                addInto(acc.mul(ws), res, ob + c * oMul + j);
            }
        }
        if (j < mul) tail.forward(cg, mul, s, t, tb, x, xb, w, wb, res, ob, oMul, scratch, j);
    }

    @Override public void inputGrad(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] o, int ob, int oMul, double[] w, int wb, double[] res, int xb, double[] scratch) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
        int tOff = tb, j = 0;
        for (; j + 4 * L <= mul; j += 4 * L) {
            DoubleVector w0 = load(w, wb + j).mul(s), w1 = load(w, wb + j + L).mul(s), w2 = load(w, wb + j + 2 * L).mul(s), w3 = load(w, wb + j + 3 * L).mul(s);
            for (int a = 0; a + 1 < start.length; a++) {
                if (start[a] == start[a + 1]) continue;
                DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k], oc = ob + pc[q] * oMul + j;
                    DoubleVector tq = DoubleVector.broadcast(S, t[tOff + q]);
                    a0 = load(o, oc).fma(tq, a0);
                    a1 = load(o, oc + L).fma(tq, a1);
                    a2 = load(o, oc + 2 * L).fma(tq, a2);
                    a3 = load(o, oc + 3 * L).fma(tq, a3);
                }
                int xa = xb + a * mul + j;
                addInto(a0.mul(w0), res, xa);
                addInto(a1.mul(w1), res, xa + L);
                addInto(a2.mul(w2), res, xa + 2 * L);
                addInto(a3.mul(w3), res, xa + 3 * L);
            }
        }
        for (; j + L <= mul; j += L) {
            DoubleVector ws = load(w, wb + j).mul(s);
            for (int a = 0; a + 1 < start.length; a++) {
                if (start[a] == start[a + 1]) continue;
                DoubleVector acc = DoubleVector.zero(S);
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k];
                    acc = load(o, ob + pc[q] * oMul + j).fma(DoubleVector.broadcast(S, t[tOff + q]), acc);
                }
                addInto(acc.mul(ws), res, xb + a * mul + j);
            }
        }
        if (j < mul) tail.inputGrad(cg, mul, s, t, tb, o, ob, oMul, w, wb, res, xb, scratch, j);
    }

    @Override public void weightGrad(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] o, int ob, int oMul, double[] res, int wb, double[] scratch) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
        int tOff = tb, j = 0;
        for (; j + 4 * L <= mul; j += 4 * L) {
            DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int a = 0; a + 1 < start.length; a++) {
                if (start[a] == start[a + 1]) continue;
                DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k], oc = ob + pc[q] * oMul + j;
                    DoubleVector tq = DoubleVector.broadcast(S, t[tOff + q]);
                    a0 = load(o, oc).fma(tq, a0);
                    a1 = load(o, oc + L).fma(tq, a1);
                    a2 = load(o, oc + 2 * L).fma(tq, a2);
                    a3 = load(o, oc + 3 * L).fma(tq, a3);
                }
                int xa = xb + a * mul + j;
                s0 = load(x, xa).fma(a0, s0);
                s1 = load(x, xa + L).fma(a1, s1);
                s2 = load(x, xa + 2 * L).fma(a2, s2);
                s3 = load(x, xa + 3 * L).fma(a3, s3);
            }
            addInto(s0.mul(s), res, wb + j);
            addInto(s1.mul(s), res, wb + j + L);
            addInto(s2.mul(s), res, wb + j + 2 * L);
            addInto(s3.mul(s), res, wb + j + 3 * L);
        }
        for (; j + L <= mul; j += L) {
            DoubleVector total = DoubleVector.zero(S);
            for (int a = 0; a + 1 < start.length; a++) {
                if (start[a] == start[a + 1]) continue;
                DoubleVector acc = DoubleVector.zero(S);
                for (int k = start[a]; k < start[a + 1]; k++) {
                    int q = by[k];
                    acc = load(o, ob + pc[q] * oMul + j).fma(DoubleVector.broadcast(S, t[tOff + q]), acc);
                }
                total = load(x, xb + a * mul + j).fma(acc, total);
            }
            addInto(total.mul(s), res, wb + j);
        }
        if (j < mul) tail.weightGrad(cg, mul, s, t, tb, x, xb, o, ob, oMul, res, wb, scratch, j);
    }

    @Override public int dyLanes() { return L; }

    /**
     * Channels in blocks of four vectors, then single vectors, then leftovers (plain, into lane 0). Per pair: one load of
     * the O row feeds both G[a] (s·T[q]·O) and the product X[a]·W·O, which is added as a vector to its entries' partial
     * sums, not reduced across lanes (a horizontal sum per pair cost more than all the pair's multiply-adds).
     */
    @Override public void pathBackward(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb,
                                       double[] o, int ob, int oMul, double[] dx, double[] dw, double[] dyPart, double[] dq) {
        int j = 0;
        for (; j + 4 * L <= mul; j += 4 * L) {
            pathBackward4(cg, mul, s, t, tb, x, xb + j, w, wb + j, o, ob + j, oMul, dx, dw, dq);
            addProducts(cg, s, dq, dyPart);
        }
        for (; j + L <= mul; j += L) {
            pathBackward1(cg, mul, s, t, tb, x, xb + j, w, wb + j, o, ob + j, oMul, dx, dw, dq);
            addProducts(cg, s, dq, dyPart);
        }
        if (j < mul) tail.pathBackward(cg, mul, s, t, tb, x, xb, w, wb, o, ob, oMul, dx, dw, dyPart, dq, j, L);
    }

    /**
     * Four vectors of channels from the given offsets: dx and dw of them, and D[q] of them, without the factor s, into
     * dq[q·L]. A method of its own and no more vector operations than needed: C2 stops inlining the Vector API's calls
     * beyond a node count, and a vector not inlined is a heap object per call.
     */
    private static void pathBackward4(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb,
                                      double[] o, int ob, int oMul, double[] dx, double[] dw, double[] dq) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
        DoubleVector w0 = load(w, wb), w1 = load(w, wb + L), w2 = load(w, wb + 2 * L), w3 = load(w, wb + 3 * L);
        for (int a = 0; a + 1 < start.length; a++) {
            int xa = xb + a * mul;
            DoubleVector x0 = load(x, xa), x1 = load(x, xa + L), x2 = load(x, xa + 2 * L), x3 = load(x, xa + 3 * L);
            DoubleVector xw0 = x0.mul(w0), xw1 = x1.mul(w1), xw2 = x2.mul(w2), xw3 = x3.mul(w3);
            DoubleVector g0 = DoubleVector.zero(S), g1 = g0, g2 = g0, g3 = g0;
            for (int k = start[a]; k < start[a + 1]; k++) {
                int q = by[k], oc = ob + pc[q] * oMul;
                DoubleVector o0 = load(o, oc), o1 = load(o, oc + L), o2 = load(o, oc + 2 * L), o3 = load(o, oc + 3 * L);
                DoubleVector tq = DoubleVector.broadcast(S, s * t[tb + q]);
                g0 = tq.fma(o0, g0); g1 = tq.fma(o1, g1); g2 = tq.fma(o2, g2); g3 = tq.fma(o3, g3);
                xw3.fma(o3, xw2.fma(o2, xw1.fma(o1, xw0.mul(o0)))).intoArray(dq, q * L);
            }
            x0.fma(g0, load(dw, wb)).intoArray(dw, wb);
            x1.fma(g1, load(dw, wb + L)).intoArray(dw, wb + L);
            x2.fma(g2, load(dw, wb + 2 * L)).intoArray(dw, wb + 2 * L);
            x3.fma(g3, load(dw, wb + 3 * L)).intoArray(dw, wb + 3 * L);
            w0.fma(g0, load(dx, xa)).intoArray(dx, xa);
            w1.fma(g1, load(dx, xa + L)).intoArray(dx, xa + L);
            w2.fma(g2, load(dx, xa + 2 * L)).intoArray(dx, xa + 2 * L);
            w3.fma(g3, load(dx, xa + 3 * L)).intoArray(dx, xa + 3 * L);
        }
    }

    /** One vector of channels, as {@link #pathBackward4}. */
    private static void pathBackward1(UvuCoupling cg, int mul, double s, double[] t, int tb, double[] x, int xb, double[] w, int wb,
                                      double[] o, int ob, int oMul, double[] dx, double[] dw, double[] dq) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
        DoubleVector w0 = load(w, wb), dw0 = DoubleVector.zero(S);
        for (int a = 0; a + 1 < start.length; a++) {
            int xa = xb + a * mul;
            DoubleVector x0 = load(x, xa), xw0 = x0.mul(w0), g0 = DoubleVector.zero(S);
            for (int k = start[a]; k < start[a + 1]; k++) {
                int q = by[k];
                DoubleVector o0 = load(o, ob + pc[q] * oMul);
                g0 = DoubleVector.broadcast(S, s * t[tb + q]).fma(o0, g0);
                xw0.mul(o0).intoArray(dq, q * L);
            }
            dw0 = x0.fma(g0, dw0);
            w0.fma(g0, load(dx, xa)).intoArray(dx, xa);
        }
        dw0.add(load(dw, wb)).intoArray(dw, wb);
    }

    /**
     * dyPart[(yOff + b)·L + lane] += s·Σ_k C_k·D[q_k][lane] over the entries k of each column b (D: X·W·O without s):
     * each column's sum in registers, one load and store of its partial sums.
     */
    private static void addProducts(UvuCoupling cg, double s, double[] dq, double[] dyPart) {
        int[] bs = cg.bStart(), ep = cg.bEntryPair();
        double[] ev = cg.bEntryValue();
        for (int b = 0, i = cg.yOff() * L; b + 1 < bs.length; b++, i += L) {
            DoubleVector acc = DoubleVector.zero(S);
            for (int k = bs[b]; k < bs[b + 1]; k++) acc = load(dq, ep[k] * L).fma(DoubleVector.broadcast(S, ev[k]), acc);
            acc.fma(DoubleVector.broadcast(S, s), load(dyPart, i)).intoArray(dyPart, i);
        }
    }

    @Override public void pairProducts(UvuCoupling cg, int mul, double s, double[] x, int xb, double[] w, int wb, double[] o, int ob, int oMul, double[] m, double[] xw) {
        int d1 = cg.aStart().length - 1, full = mul - mul % L, four = mul - mul % (4 * L);
        for (int a = 0; a < d1; a++)
            for (int j = 0; j < full; j += L) load(x, xb + a * mul + j).mul(load(w, wb + j)).intoArray(xw, a * mul + j);
        int[] pa = cg.pairA(), pc = cg.pairC();
        for (int q = 0; q < pa.length; q++) {
            int xa = pa[q] * mul, oc = ob + pc[q] * oMul, j = 0;
            DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (; j < four; j += 4 * L) {
                a0 = load(xw, xa + j).fma(load(o, oc + j), a0);
                a1 = load(xw, xa + j + L).fma(load(o, oc + j + L), a1);
                a2 = load(xw, xa + j + 2 * L).fma(load(o, oc + j + 2 * L), a2);
                a3 = load(xw, xa + j + 3 * L).fma(load(o, oc + j + 3 * L), a3);
            }
            for (; j < full; j += L) a0 = load(xw, xa + j).fma(load(o, oc + j), a0);
            double dot = md.forcefields.e3nn.VectorKernels.sumLanes(a0.add(a1).add(a2.add(a3)));
            for (int u = full; u < mul; u++) dot += x[xb + pa[q] * mul + u] * w[wb + u] * o[oc + u];
            m[q] = s * dot;
        }
    }
}
