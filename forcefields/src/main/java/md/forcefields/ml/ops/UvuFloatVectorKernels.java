package md.forcefields.ml.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
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

    /** Rotations of the lanes by L/2, L/4, …, 1. */
    private static final VectorShuffle<Float>[] HALVES = halves();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] halves() {
        int n = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] h = new VectorShuffle[n];
        for (int k = 0; k < n; k++) h[k] = VectorShuffle.iota(S, L >> (k + 1), 1, true);
        return h;
    }

    /**
     * The sum of the lanes as a fixed tree of lane-wise additions. Not reduceLanes(ADD): its order is unspecified
     * and differs between the JIT's intrinsic and the interpreter, and MD results must repeat exactly.
     */
    private static float sum(FloatVector v) {
        for (VectorShuffle<Float> h : HALVES) v = v.add(v.rearrange(h));
        return v.lane(0);
    }

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

    @Override void denseBackward(int d1, int d3, int mul, float[] t, float s, float[] x, int xOff, float[] w, int wOff,
                                 float[] o, int oOff, int ldo, float[] dx, float[] dw, int dwOff, float[] dT, int dtOff) {
        if (mul % L != 0) {
            super.denseBackward(d1, d3, mul, t, s, x, xOff, w, wOff, o, oOff, ldo, dx, dw, dwOff, dT, dtOff);
            return;
        }
        java.util.Arrays.fill(dT, dtOff, dtOff + d1 * d3, 0f);
        int j = 0;
        for (; j + 2 * L <= mul; j += 2 * L) backward2(d1, d3, mul, t, s, x, xOff + j, w, wOff + j, o, oOff + j, ldo, dx, dw, dwOff + j, dT, dtOff);
        for (; j < mul; j += L) backward1(d1, d3, mul, t, s, x, xOff + j, w, wOff + j, o, oOff + j, ldo, dx, dw, dwOff + j, dT, dtOff);
    }

    /** 2·L channels of {@link #denseBackward}; dT accumulated (the caller zeroes it). With G[a] = Σ_c T[a][c]·O[c]. */
    private static void backward2(int d1, int d3, int mul, float[] t, float s, float[] x, int xOff, float[] w, int wOff,
                                  float[] o, int oOff, int ldo, float[] dx, float[] dw, int dwOff, float[] dT, int dtOff) {
        FloatVector w0 = load(w, wOff), w1 = load(w, wOff + L), dw0 = FloatVector.zero(S), dw1 = dw0;
        for (int a = 0; a < d1; a++) {
            int xa = xOff + a * mul;
            FloatVector x0 = load(x, xa), x1 = load(x, xa + L), xw0 = x0.mul(w0), xw1 = x1.mul(w1);
            FloatVector g0 = FloatVector.zero(S), g1 = g0;
            for (int c = 0; c < d3; c++) {
                int oc = oOff + c * ldo;
                FloatVector tb = FloatVector.broadcast(S, t[a * d3 + c]), o0 = load(o, oc), o1 = load(o, oc + L);
                g0 = tb.fma(o0, g0);
                g1 = tb.fma(o1, g1);
                dT[dtOff + a * d3 + c] += s * sum(xw1.fma(o1, xw0.mul(o0)));
            }
            dw0 = x0.fma(g0, dw0);
            dw1 = x1.fma(g1, dw1);
            w0.fma(g0, load(dx, xa)).intoArray(dx, xa);
            w1.fma(g1, load(dx, xa + L)).intoArray(dx, xa + L);
        }
        addInto(dw0, dw, dwOff);
        addInto(dw1, dw, dwOff + L);
    }

    /** L channels of {@link #denseBackward}; dT accumulated. */
    private static void backward1(int d1, int d3, int mul, float[] t, float s, float[] x, int xOff, float[] w, int wOff,
                                  float[] o, int oOff, int ldo, float[] dx, float[] dw, int dwOff, float[] dT, int dtOff) {
        FloatVector w0 = load(w, wOff), dw0 = FloatVector.zero(S);
        for (int a = 0; a < d1; a++) {
            int xa = xOff + a * mul;
            FloatVector x0 = load(x, xa), xw0 = x0.mul(w0), g0 = FloatVector.zero(S);
            for (int c = 0; c < d3; c++) {
                FloatVector o0 = load(o, oOff + c * ldo);
                g0 = FloatVector.broadcast(S, t[a * d3 + c]).fma(o0, g0);
                dT[dtOff + a * d3 + c] += s * sum(xw0.mul(o0));
            }
            dw0 = x0.fma(g0, dw0);
            w0.fma(g0, load(dx, xa)).intoArray(dx, xa);
        }
        addInto(dw0, dw, dwOff);
    }
}
