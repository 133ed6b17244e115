package md.forcefields.ml.ops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TfnKernels} with the Vector API, vectorized along k = c_in·nJ + f (the contiguous index of a φ
 * row and of T): 4 lanes (rows of K = 4·nJ for 4 input channels need no tail), leftover k as plain loops.
 * φ is loaded once for both edges of a batch. Loaded only when the incubator module is present.
 */
final class TfnVectorKernels implements TfnKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED.length() >= 4 ? DoubleVector.SPECIES_256 : DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static DoubleVector load(double[] a, int i) { return DoubleVector.fromArray(S, a, i); }

    private static final jdk.incubator.vector.VectorShuffle<Double> SWAP_ADJACENT = L == 4 ? jdk.incubator.vector.VectorShuffle.fromValues(S, 1, 0, 3, 2) : null;
    private static final jdk.incubator.vector.VectorShuffle<Double> SWAP_HALVES = L == 4 ? jdk.incubator.vector.VectorShuffle.fromValues(S, 2, 3, 0, 1) : null;
    private static final jdk.incubator.vector.VectorMask<Double> ODD = L == 4 ? jdk.incubator.vector.VectorMask.fromValues(S, false, true, false, true) : null;
    private static final jdk.incubator.vector.VectorMask<Double> HIGH = L == 4 ? jdk.incubator.vector.VectorMask.fromValues(S, false, false, true, true) : null;

    /** Σ of the lanes in lane order (see the comment at its use). */
    private static double sumLanes(DoubleVector v) {
        double s = 0;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    /** [Σ a, Σ b, Σ c, Σ d] (sums over the 4 lanes of each) by swaps and blends. */
    private static DoubleVector sum4(DoubleVector a, DoubleVector b, DoubleVector c, DoubleVector d) {
        DoubleVector ab = a.add(a.rearrange(SWAP_ADJACENT)).blend(b.add(b.rearrange(SWAP_ADJACENT)), ODD); // [a01, b01, a23, b23]
        DoubleVector cd = c.add(c.rearrange(SWAP_ADJACENT)).blend(d.add(d.rearrange(SWAP_ADJACENT)), ODD); // [c01, d01, c23, d23]
        return ab.blend(cd.rearrange(SWAP_HALVES), HIGH).add(ab.rearrange(SWAP_HALVES).blend(cd, HIGH));
    }

    @Override public void forward(TfnConvolution.Blocks b, int r, double[][] in, int g, double[] t, int t0, int t1, double[] out, int o0, int o1) {
        int pa = b.runStart[r], pb = b.runStart[r + 1], cOut = b.cOut[pa], dOut = b.dOut[pa], oOff = b.oOff[pa];
        boolean two = t1 >= 0;
        if (!two) t1 = t0;
        int co = 0;
        boolean whole = L == 4;
        for (int p = pa; p < pb; p++) whole &= b.k[p] % L == 0;
        if (whole)
            // four output channels at a time: T loaded once for four φ rows, and one transposed sum for the four
            for (; co + 4 <= cOut; co += 4)
                for (int mo = 0; mo < dOut; mo++) {
                    DoubleVector a0 = DoubleVector.zero(S), a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
                    for (int p = pa; p < pb; p++) {
                        double[] phi = in[2 + p];
                        int kk = b.k[p], f = g * b.width[p] + co * kk, ta = t0 + b.tOff[p] + mo * kk, tb = t1 + b.tOff[p] + mo * kk;
                        for (int k = 0; k < kk; k += L) {
                            DoubleVector x0 = load(t, ta + k), x1 = load(t, tb + k), w;
                            w = load(phi, f + k);          a0 = w.fma(x0, a0); c0 = w.fma(x1, c0);
                            w = load(phi, f + kk + k);     a1 = w.fma(x0, a1); c1 = w.fma(x1, c1);
                            w = load(phi, f + 2 * kk + k); a2 = w.fma(x0, a2); c2 = w.fma(x1, c2);
                            w = load(phi, f + 3 * kk + k); a3 = w.fma(x0, a3); c3 = w.fma(x1, c3);
                        }
                    }
                    DoubleVector s = sum4(a0, a1, a2, a3);
                    int oa = o0 + oOff + co * dOut + mo;
                    out[oa] += s.lane(0); out[oa + dOut] += s.lane(1); out[oa + 2 * dOut] += s.lane(2); out[oa + 3 * dOut] += s.lane(3);
                    if (two) {
                        s = sum4(c0, c1, c2, c3);
                        int ob = o1 + oOff + co * dOut + mo;
                        out[ob] += s.lane(0); out[ob + dOut] += s.lane(1); out[ob + 2 * dOut] += s.lane(2); out[ob + 3 * dOut] += s.lane(3);
                    }
                }
        for (; co < cOut; co++)
            for (int mo = 0; mo < dOut; mo++) {
                DoubleVector a0 = DoubleVector.zero(S), a1 = a0;
                double s0 = 0, s1 = 0;
                for (int p = pa; p < pb; p++) {
                    double[] phi = in[2 + p];
                    int kk = b.k[p], f = g * b.width[p] + co * kk, ta = t0 + b.tOff[p] + mo * kk, tb = t1 + b.tOff[p] + mo * kk, k = 0;
                    for (; k + L <= kk; k += L) {
                        DoubleVector w = load(phi, f + k);
                        a0 = w.fma(load(t, ta + k), a0);
                        a1 = w.fma(load(t, tb + k), a1);
                    }
                    for (; k < kk; k++) {
                        double w = phi[f + k];
                        s0 += w * t[ta + k];
                        s1 += w * t[tb + k];
                    }
                }
                // lanes summed in lane order, not reduceLanes: its order may differ between the interpreter and
                // JIT-compiled code, and MD must not depend on when the JIT compiled this (issue 14, repeatability)
                out[o0 + oOff + co * dOut + mo] += sumLanes(a0) + s0;
                if (two) out[o1 + oOff + co * dOut + mo] += sumLanes(a1) + s1;
            }
    }

    @Override public void phiGrad(TfnConvolution.Blocks b, int p, double[] gOut, int o0, int o1, double[] t, int t0, int t1, double[] gphi, int g) {
        int kk = b.k[p], cOut = b.cOut[p], dOut = b.dOut[p], oOff = b.oOff[p], base = g * b.width[p], tOff = b.tOff[p];
        boolean two = t1 >= 0;
        for (int co = 0; co < cOut; co++) {
            int f = base + co * kk, ga = o0 + oOff + co * dOut, gb = o1 + oOff + co * dOut, k = 0;
            for (; k + L <= kk; k += L) {
                DoubleVector a0 = load(gphi, f + k), a1 = DoubleVector.zero(S);
                int ta = t0 + tOff + k, tb = t1 + tOff + k;
                for (int mo = 0; mo < dOut; mo++, ta += kk, tb += kk) {
                    a0 = load(t, ta).fma(DoubleVector.broadcast(S, gOut[ga + mo]), a0);
                    if (two) a1 = load(t, tb).fma(DoubleVector.broadcast(S, gOut[gb + mo]), a1);
                }
                a0.add(a1).intoArray(gphi, f + k);
            }
            for (; k < kk; k++) {
                double s = 0;
                for (int mo = 0; mo < dOut; mo++) s += gOut[ga + mo] * t[t0 + tOff + mo * kk + k];
                if (two) for (int mo = 0; mo < dOut; mo++) s += gOut[gb + mo] * t[t1 + tOff + mo * kk + k];
                gphi[f + k] += s;
            }
        }
    }

    @Override public void tGrad(TfnConvolution.Blocks b, int p, double[] gOut, int o0, int o1, double[] phi, int g, double[] gt, int t0, int t1) {
        int kk = b.k[p], cOut = b.cOut[p], dOut = b.dOut[p], oOff = b.oOff[p], base = g * b.width[p], tOff = b.tOff[p];
        boolean two = t1 >= 0;
        if (!two) { t1 = t0; o1 = o0; }
        for (int mo = 0; mo < dOut; mo++) {
            int ta = t0 + tOff + mo * kk, tb = t1 + tOff + mo * kk, k = 0;
            for (; k + L <= kk; k += L) {
                DoubleVector a0 = DoubleVector.zero(S), a1 = a0;
                for (int co = 0; co < cOut; co++) {
                    DoubleVector w = load(phi, base + co * kk + k);
                    a0 = w.fma(DoubleVector.broadcast(S, gOut[o0 + oOff + co * dOut + mo]), a0);
                    a1 = w.fma(DoubleVector.broadcast(S, gOut[o1 + oOff + co * dOut + mo]), a1);
                }
                a0.intoArray(gt, ta + k);
                if (two) a1.intoArray(gt, tb + k);
            }
            for (; k < kk; k++) {
                double s0 = 0, s1 = 0;
                for (int co = 0; co < cOut; co++) {
                    double w = phi[base + co * kk + k];
                    s0 += w * gOut[o0 + oOff + co * dOut + mo];
                    s1 += w * gOut[o1 + oOff + co * dOut + mo];
                }
                gt[ta + k] = s0;
                if (two) gt[tb + k] = s1;
            }
        }
    }
}
