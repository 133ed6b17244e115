package md.forcefields.ml.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UvuFloatKernels} with the Vector API. A float vector holds twice the channels of a double one, so
 * NequIP's usual 32 channels are two AVX-512 vectors: channels go in blocks of two vectors (two independent
 * multiply-add chains), then single vectors, then leftovers as plain loops. Loaded only when the incubator
 * module is present.
 */
final class UvuFloatVectorKernels extends UvuFloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static FloatVector load(float[] a, int i) { return FloatVector.fromArray(S, a, i); }

    private static void addInto(FloatVector v, float[] a, int i) { v.add(load(a, i)).intoArray(a, i); }

    @Override void forward(UvuCoupling cg, int mul, float s, float[] t, int tb, float[] x, int xb, float[] w, int wb, float[] res, int ob, int oMul, float[] scratch) {
        int[] by = cg.byC(), start = cg.cStart(), pa = cg.pairA();
        int j = 0;
        for (; j + 2 * L <= mul; j += 2 * L) {
            FloatVector w0 = load(w, wb + j).mul(s), w1 = load(w, wb + j + L).mul(s);
            for (int c = 0; c + 1 < start.length; c++) {
                if (start[c] == start[c + 1]) continue;
                // even and odd pairs in separate sums: two vectors per pair are too few independent chains to
                // hide the FMA latency (the float64 kernel has four)
                FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
                int k = start[c], end = start[c + 1];
                for (; k + 1 < end; k += 2) {
                    int q = by[k], xa = xb + pa[q] * mul + j, r = by[k + 1], xr = xb + pa[r] * mul + j;
                    FloatVector tq = FloatVector.broadcast(S, t[tb + q]), tr = FloatVector.broadcast(S, t[tb + r]);
                    a0 = load(x, xa).fma(tq, a0);
                    a1 = load(x, xa + L).fma(tq, a1);
                    b0 = load(x, xr).fma(tr, b0);
                    b1 = load(x, xr + L).fma(tr, b1);
                }
                if (k < end) {
                    int q = by[k], xa = xb + pa[q] * mul + j;
                    FloatVector tq = FloatVector.broadcast(S, t[tb + q]);
                    a0 = load(x, xa).fma(tq, a0);
                    a1 = load(x, xa + L).fma(tq, a1);
                }
                int oc = ob + c * oMul + j;
                addInto(a0.add(b0).mul(w0), res, oc);
                addInto(a1.add(b1).mul(w1), res, oc + L);
            }
        }
        for (; j + L <= mul; j += L) {
            FloatVector ws = load(w, wb + j).mul(s);
            for (int c = 0; c + 1 < start.length; c++) {
                if (start[c] == start[c + 1]) continue;
                FloatVector acc = FloatVector.zero(S);
                for (int k = start[c]; k < start[c + 1]; k++)
                    acc = load(x, xb + pa[by[k]] * mul + j).fma(FloatVector.broadcast(S, t[tb + by[k]]), acc);
                addInto(acc.mul(ws), res, ob + c * oMul + j);
            }
        }
        if (j < mul) forward(cg, mul, s, t, tb, x, xb, w, wb, res, ob, oMul, scratch, j);
    }

    @Override int dyLanes() { return L; }

    /**
     * Channels in blocks of two vectors, then single vectors, then leftovers (plain, into lane 0), as the float64
     * {@link UvuVectorKernels#pathBackward}: one load of each O row feeds both G[a] and the product X[a]·W·O, which
     * stays a vector added to its entries' partial sums, not reduced across lanes per pair.
     */
    @Override void pathBackward(UvuCoupling cg, float[] ev, int mul, float s, float[] t, int tb, float[] x, int xb, float[] w, int wb,
                                float[] o, int ob, int oMul, float[] dx, float[] dw, float[] dyPart, float[] dq) {
        int j = 0;
        for (; j + 2 * L <= mul; j += 2 * L) {
            pathBackward2(cg, mul, s, t, tb, x, xb + j, w, wb + j, o, ob + j, oMul, dx, dw, dq);
            addProducts(cg, ev, s, dq, dyPart);
        }
        for (; j + L <= mul; j += L) {
            pathBackward1(cg, mul, s, t, tb, x, xb + j, w, wb + j, o, ob + j, oMul, dx, dw, dq);
            addProducts(cg, ev, s, dq, dyPart);
        }
        if (j < mul) pathBackward(cg, ev, mul, s, t, tb, x, xb, w, wb, o, ob, oMul, dx, dw, dyPart, dq, j, L);
    }

    /**
     * Two vectors of channels from the given offsets: dx and dw of them, and D[q] of them, without the factor s, into
     * dq[q·L]. Few vector operations per method: C2 stops inlining the Vector API's calls beyond a node count, and a
     * vector not inlined is a heap object per call.
     */
    private static void pathBackward2(UvuCoupling cg, int mul, float s, float[] t, int tb, float[] x, int xb, float[] w, int wb,
                                      float[] o, int ob, int oMul, float[] dx, float[] dw, float[] dq) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
        FloatVector w0 = load(w, wb), w1 = load(w, wb + L), dw0 = FloatVector.zero(S), dw1 = dw0;
        for (int a = 0; a + 1 < start.length; a++) {
            int xa = xb + a * mul;
            FloatVector x0 = load(x, xa), x1 = load(x, xa + L), xw0 = x0.mul(w0), xw1 = x1.mul(w1);
            FloatVector g0 = FloatVector.zero(S), g1 = g0;
            for (int k = start[a]; k < start[a + 1]; k++) {
                int q = by[k], oc = ob + pc[q] * oMul;
                FloatVector o0 = load(o, oc), o1 = load(o, oc + L), tq = FloatVector.broadcast(S, s * t[tb + q]);
                g0 = tq.fma(o0, g0);
                g1 = tq.fma(o1, g1);
                xw1.fma(o1, xw0.mul(o0)).intoArray(dq, q * L);
            }
            dw0 = x0.fma(g0, dw0);
            dw1 = x1.fma(g1, dw1);
            w0.fma(g0, load(dx, xa)).intoArray(dx, xa);
            w1.fma(g1, load(dx, xa + L)).intoArray(dx, xa + L);
        }
        addInto(dw0, dw, wb);
        addInto(dw1, dw, wb + L);
    }

    /** One vector of channels, as {@link #pathBackward2}. */
    private static void pathBackward1(UvuCoupling cg, int mul, float s, float[] t, int tb, float[] x, int xb, float[] w, int wb,
                                      float[] o, int ob, int oMul, float[] dx, float[] dw, float[] dq) {
        int[] by = cg.byA(), start = cg.aStart(), pc = cg.pairC();
        FloatVector w0 = load(w, wb), dw0 = FloatVector.zero(S);
        for (int a = 0; a + 1 < start.length; a++) {
            int xa = xb + a * mul;
            FloatVector x0 = load(x, xa), xw0 = x0.mul(w0), g0 = FloatVector.zero(S);
            for (int k = start[a]; k < start[a + 1]; k++) {
                int q = by[k];
                FloatVector o0 = load(o, ob + pc[q] * oMul);
                g0 = FloatVector.broadcast(S, s * t[tb + q]).fma(o0, g0);
                xw0.mul(o0).intoArray(dq, q * L);
            }
            dw0 = x0.fma(g0, dw0);
            w0.fma(g0, load(dx, xa)).intoArray(dx, xa);
        }
        addInto(dw0, dw, wb);
    }

    /** dyPart[(yOff + b)·L + lane] += s·Σ_k C_k·D[q_k][lane] over the entries k of each column b: each column's sum in registers. */
    private static void addProducts(UvuCoupling cg, float[] ev, float s, float[] dq, float[] dyPart) {
        int[] bs = cg.bStart(), ep = cg.bEntryPair();
        for (int b = 0, i = cg.yOff() * L; b + 1 < bs.length; b++, i += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int k = bs[b]; k < bs[b + 1]; k++) acc = load(dq, ep[k] * L).fma(FloatVector.broadcast(S, ev[k]), acc);
            acc.fma(FloatVector.broadcast(S, s), load(dyPart, i)).intoArray(dyPart, i);
        }
    }
}
