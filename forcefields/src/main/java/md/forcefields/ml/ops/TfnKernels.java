package md.forcefields.ml.ops;

import md.forcefields.e3nn.DenseKernels;

/**
 * The radial contractions of {@link TfnConvolution} (the bulk of its arithmetic) for one batch of one or
 * two edges that share their radial weights φ (the two directions of a pair), so that φ is read once for
 * both. Each edge e of the batch has its angular part T at {@code t_e + tOff_p} (layout [m_out][k] with
 * k = c_in·nJ + f, the order of a φ row) and its output row at {@code o_e}; {@code t1 < 0} (and
 * {@code o1 < 0}) means a batch of one edge. φ of degree pair p for radial row g starts at g·width_p, row
 * c_out of it at + c_out·K_p.
 *
 * <p>Two implementations with the same loop structure: plain Java, and the Vector API when the JVM has it
 * ({@link DenseKernels#VECTORIZED}); they agree to round-off (the vector kernels sum in another order and
 * fuse multiply-adds).
 */
interface TfnKernels {

    /** The Vector API kernels when available, else the plain ones. */
    static TfnKernels best() { return DenseKernels.VECTORIZED ? new TfnVectorKernels() : new Plain(); }

    /**
     * out[o_e + oOff + c_out·dOut + m_out] += Σ_{p in run r} Σ_k φ_p[g·w_p + c_out·K_p + k]·T[t_e + tOff_p + m_out·K_p + k]
     * (a run: the consecutive degree pairs with the same l_out).
     */
    void forward(TfnConvolution.Blocks b, int r, double[][] in, int g, double[] t, int t0, int t1, double[] out, int o0, int o1);

    /** gφ_p[g·w_p + c_out·K + k] += Σ_e Σ_{m_out} gOut[o_e + oOff_p + c_out·dOut + m_out]·T[t_e + tOff_p + m_out·K + k]. */
    void phiGrad(TfnConvolution.Blocks b, int p, double[] gOut, int o0, int o1, double[] t, int t0, int t1, double[] gphi, int g);

    /** gT[t_e + tOff_p + m_out·K + k] = Σ_{c_out} gOut[o_e + oOff_p + c_out·dOut + m_out]·φ_p[g·w_p + c_out·K + k] (overwritten). */
    void tGrad(TfnConvolution.Blocks b, int p, double[] gOut, int o0, int o1, double[] phi, int g, double[] gt, int t0, int t1);

    /** Plain Java: both edges of a batch in the same loop (independent sums, φ loaded once). */
    final class Plain implements TfnKernels {
        @Override public void forward(TfnConvolution.Blocks b, int r, double[][] in, int g, double[] t, int t0, int t1, double[] out, int o0, int o1) {
            int pa = b.runStart[r], pb = b.runStart[r + 1], cOut = b.cOut[pa], dOut = b.dOut[pa], oOff = b.oOff[pa];
            boolean two = t1 >= 0;
            if (!two) t1 = t0;
            for (int co = 0; co < cOut; co++)
                for (int mo = 0; mo < dOut; mo++) {
                    double s0 = 0, s1 = 0;
                    for (int p = pa; p < pb; p++) {
                        double[] phi = in[2 + p];
                        int kk = b.k[p], f = g * b.width[p] + co * kk, ta = t0 + b.tOff[p] + mo * kk, tb = t1 + b.tOff[p] + mo * kk;
                        for (int k = 0; k < kk; k++) {
                            double w = phi[f + k];
                            s0 += w * t[ta + k];
                            s1 += w * t[tb + k];
                        }
                    }
                    out[o0 + oOff + co * dOut + mo] += s0;
                    if (two) out[o1 + oOff + co * dOut + mo] += s1;
                }
        }

        @Override public void phiGrad(TfnConvolution.Blocks b, int p, double[] gOut, int o0, int o1, double[] t, int t0, int t1, double[] gphi, int g) {
            int kk = b.k[p], cOut = b.cOut[p], dOut = b.dOut[p], oOff = b.oOff[p], base = g * b.width[p];
            for (int co = 0; co < cOut; co++) {
                int f = base + co * kk, ga = o0 + oOff + co * dOut;
                for (int mo = 0; mo < dOut; mo++) {
                    double a = gOut[ga + mo];
                    int ta = t0 + b.tOff[p] + mo * kk;
                    for (int k = 0; k < kk; k++) gphi[f + k] += a * t[ta + k];
                }
                if (t1 < 0) continue;
                int gb = o1 + oOff + co * dOut;
                for (int mo = 0; mo < dOut; mo++) {
                    double a = gOut[gb + mo];
                    int tb = t1 + b.tOff[p] + mo * kk;
                    for (int k = 0; k < kk; k++) gphi[f + k] += a * t[tb + k];
                }
            }
        }

        @Override public void tGrad(TfnConvolution.Blocks b, int p, double[] gOut, int o0, int o1, double[] phi, int g, double[] gt, int t0, int t1) {
            int kk = b.k[p], cOut = b.cOut[p], dOut = b.dOut[p], oOff = b.oOff[p], base = g * b.width[p];
            boolean two = t1 >= 0;
            for (int mo = 0; mo < dOut; mo++) {
                int ta = t0 + b.tOff[p] + mo * kk, tb = t1 + b.tOff[p] + mo * kk;
                java.util.Arrays.fill(gt, ta, ta + kk, 0.0);
                if (two) java.util.Arrays.fill(gt, tb, tb + kk, 0.0);
                for (int co = 0; co < cOut; co++) {
                    int f = base + co * kk;
                    double a = gOut[o0 + oOff + co * dOut + mo];
                    for (int k = 0; k < kk; k++) gt[ta + k] += a * phi[f + k];
                    if (!two) continue;
                    double c = gOut[o1 + oOff + co * dOut + mo];
                    for (int k = 0; k < kk; k++) gt[tb + k] += c * phi[f + k];
                }
            }
        }
    }
}
