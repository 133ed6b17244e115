package md.forcefields.ml.ops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link EquivariantAttention}'s kernels with the Vector API, for heads whose width is a multiple of the
 * vector length; loaded only when the incubator module is present. The caller makes the inputs uniform
 * (ones for absent distance filters, zeros for absent vector features, a sink for gradients nobody needs), so
 * the loops have no branches.
 *
 * <p>Per edge, each pass runs over all h channels at once (the per-head attention weight repeated over its
 * channels in a scratch row), so the loops are long and the per-head work is scalar. Sums of vectors are
 * stored and added in lane order (not {@code reduceLanes}, whose order may differ between the interpreter
 * and the JIT; {@code lane(i)} is slow), so a result does not depend on when the JIT compiled the caller.
 * Vectors stay inside each method, and the backward pass is split into small methods: as one method it
 * exceeded C2's inlining budget, the Vector API calls were no longer inlined and every vector became a heap
 * object.
 */
final class EquivariantAttentionVectorKernels {
    private EquivariantAttentionVectorKernels() {}

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /**
     * Slots of the arrays of one call (inputs, and their gradients in the same slots): {@code dk}, {@code dv*}
     * are ones and {@code v} zeros when the model has none; gradients nobody needs go to sinks.
     */
    static final int Q = 0, K = 1, S0 = 2, S1 = 3, S2 = 4, CUT = 5, UNIT = 6, DK = 7, DV0 = 8, DV1 = 9, DV2 = 10, V = 11, SLOTS = 12;

    /**
     * Scratch doubles a call needs: three rows of h channels (products/gradients, per-channel attention
     * weights, per-channel logit gradients), 3H per-head values, the edge's sums and a row of lanes.
     */
    static int scratchSize(int heads, int d) { return 3 * heads * d + 3 * heads + 8 + 8 * L; }

    /**
     * Where pair p's row of a per-pair slot (dk, dv*) starts: p·layout[slot] + layout[SLOTS + slot] (pair stride,
     * column offset). Filters packed in one array (pairs × 4h: dk | dv_0 | dv_1 | dv_2) share it with their own
     * column offsets; gradients use the same layout as their inputs.
     */
    private static int row(int[] layout, int slot, int p) { return p * layout[slot] + layout[SLOTS + slot]; }

    static void forward(int heads, int d, int[] centre, int[] neighbour, int[] pairOf, int edges, double[][] in, int[] layout,
                        Elementwise.Activation act, boolean cutoffOnValues, double[] out, double[] scratch) {
        int h = heads * d, attC = h, head = 3 * h;
        double[] cut = in[CUT], unit = in[UNIT];
        for (int e = 0; e < edges; e++) {
            int i = centre[e], j = neighbour[e], p = pairOf[e];
            double phi = cut[p];
            activations(in, i * h, j * h, row(layout, DK, p), heads, d, act, scratch, head);
            double ca = cutoffOnValues ? 1 : phi;
            for (int hd = 0; hd < heads; hd++)
                java.util.Arrays.fill(scratch, attC + hd * d, attC + (hd + 1) * d, scratch[head + heads + hd] * ca);
            messages(h, i, j, row(layout, DV0, p), row(layout, DV1, p), row(layout, DV2, p),
                    cutoffOnValues ? phi : 1, unit[3 * e], unit[3 * e + 1], unit[3 * e + 2], in, scratch, attC, out);
        }
    }

    /** y_i += a·σ_0, w_ic += v_jc·σ_1 + σ_2·û_c over all channels; per-channel attention weights at scratch[attC…]. */
    private static void messages(int h, int i, int j, int p0, int p1, int p2, double cv, double ux, double uy, double uz,
                                 double[][] in, double[] scratch, int attC, double[] out) {
        double[] s0 = in[S0], s1 = in[S1], s2 = in[S2];
        double[] dv0 = in[DV0], dv1 = in[DV1], dv2 = in[DV2], v = in[V];
        int kj = j * h, yo = i * 4 * h, vo = j * 3 * h, wo = yo + h;
        DoubleVector cvV = DoubleVector.broadcast(S, cv);
        DoubleVector uxV = DoubleVector.broadcast(S, ux), uyV = DoubleVector.broadcast(S, uy), uzV = DoubleVector.broadcast(S, uz);
        for (int o = 0; o < h; o += L) {
            DoubleVector sig0 = DoubleVector.fromArray(S, s0, kj + o).mul(DoubleVector.fromArray(S, dv0, p0 + o)).mul(cvV);
            DoubleVector sig1 = DoubleVector.fromArray(S, s1, kj + o).mul(DoubleVector.fromArray(S, dv1, p1 + o)).mul(cvV);
            DoubleVector sig2 = DoubleVector.fromArray(S, s2, kj + o).mul(DoubleVector.fromArray(S, dv2, p2 + o)).mul(cvV);
            sig0.fma(DoubleVector.fromArray(S, scratch, attC + o), DoubleVector.fromArray(S, out, yo + o)).intoArray(out, yo + o);
            DoubleVector.fromArray(S, v, vo + o).fma(sig1, sig2.fma(uxV, DoubleVector.fromArray(S, out, wo + o))).intoArray(out, wo + o);
            DoubleVector.fromArray(S, v, vo + h + o).fma(sig1, sig2.fma(uyV, DoubleVector.fromArray(S, out, wo + h + o))).intoArray(out, wo + h + o);
            DoubleVector.fromArray(S, v, vo + 2 * h + o).fma(sig1, sig2.fma(uzV, DoubleVector.fromArray(S, out, wo + 2 * h + o))).intoArray(out, wo + 2 * h + o);
        }
    }

    /**
     * The edge's attention logits Σ_{t ∈ head} q_it·k_jt·dk_pt of every head into scratch[at, at + H), the
     * activation f of them into scratch[at + H, at + 2H) and f' into scratch[at + 2H, at + 3H). The products
     * go through scratch[0, h).
     */
    private static void activations(double[][] in, int qi, int kj, int pp, int heads, int d, Elementwise.Activation act, double[] scratch, int at) {
        products(in[Q], qi, in[K], kj, in[DK], pp, heads * d, scratch);
        for (int hd = 0; hd < heads; hd++) {
            double a = 0;
            for (int t = hd * d, end = t + d; t < end; t++) a += scratch[t];
            scratch[at + hd] = a;
        }
        // scalar: a handful of heads per edge, and no vector code here that C2 might fail to inline
        for (int hd = 0; hd < heads; hd++) {
            scratch[at + heads + hd] = act.value(scratch[at + hd]);
            scratch[at + 2 * heads + hd] = act.derivative(scratch[at + hd]);
        }
    }

    /** scratch[0, h) = q_i · k_j · dk_p per channel. */
    private static void products(double[] q, int qi, double[] k, int kj, double[] dk, int pp, int h, double[] scratch) {
        for (int o = 0; o < h; o += L) DoubleVector.fromArray(S, q, qi + o).mul(DoubleVector.fromArray(S, k, kj + o)).mul(DoubleVector.fromArray(S, dk, pp + o)).intoArray(scratch, o);
    }

    static void backward(int heads, int d, int[] centre, int[] neighbour, int[] pairOf, int edges, double[][] in, int[] layout,
                         Elementwise.Activation act, boolean cutoffOnValues, double[] gOut, double[][] g, double[] scratch) {
        int h = heads * d, gattC = 0, attC = h, gaC = 2 * h, head = 3 * h, sums = head + 3 * heads, lanes = sums + 8;
        double[] unit = in[UNIT], cut = in[CUT], gunit = g[UNIT], gcut = g[CUT];
        for (int e = 0; e < edges; e++) {
            int i = centre[e], j = neighbour[e], p = pairOf[e];
            double phi = cut[p], cv = cutoffOnValues ? phi : 1;
            int pk = row(layout, DK, p);
            activations(in, i * h, j * h, pk, heads, d, act, scratch, head);
            for (int hd = 0; hd < heads; hd++) {
                double f = scratch[head + heads + hd];
                java.util.Arrays.fill(scratch, attC + hd * d, attC + (hd + 1) * d, cutoffOnValues ? f : f * phi);
            }
            java.util.Arrays.fill(scratch, sums, sums + 8, 0.0);
            int yo = i * 4 * h;
            // sums: [0, 3) ∂/∂û, [3] ∂/∂φ through the values
            scalarMessages(in[S0], in[DV0], g[S0], g[DV0], gOut, yo, j * h, row(layout, DV0, p), h, cv, scratch, attC, gattC, sums, lanes);
            vectorMessages(in[S1], in[DV1], g[S1], g[DV1], in[V], g[V], gOut, yo + h, j * 3 * h, h, j * h, row(layout, DV1, p), cv, scratch, sums, lanes);
            radialMessages(in[S2], in[DV2], g[S2], g[DV2], gOut, yo + h, h, j * h, row(layout, DV2, p), cv, unit[3 * e], unit[3 * e + 1], unit[3 * e + 2],
                    scratch, sums, lanes);
            double gphi = cutoffOnValues ? scratch[sums + 3] : 0;
            for (int hd = 0; hd < heads; hd++) {
                double gatt = 0;
                for (int t = gattC + hd * d, end = t + d; t < end; t++) gatt += scratch[t];
                double f = scratch[head + heads + hd], fp = scratch[head + 2 * heads + hd], ga;
                if (cutoffOnValues) ga = gatt * fp;
                else {
                    gphi += gatt * f;
                    ga = gatt * phi * fp;
                }
                java.util.Arrays.fill(scratch, gaC + hd * d, gaC + (hd + 1) * d, ga);
            }
            queryKeyGradients(in[Q], in[K], in[DK], g[Q], g[K], g[DK], i * h, j * h, pk, h, scratch, gaC);
            gunit[3 * e] += scratch[sums];
            gunit[3 * e + 1] += scratch[sums + 1];
            gunit[3 * e + 2] += scratch[sums + 2];
            gcut[p] += gphi;
        }
    }

    /** Σ of the lanes of the vectors stored at scratch[lanes + r·L …] for r < count, in lane order, added to scratch[sums + r]. */
    private static void addLaneSums(double[] scratch, int lanes, int count, int sums, int first) {
        for (int r = 0; r < count; r++) {
            double s = 0;
            for (int l = 0; l < L; l++) s += scratch[lanes + r * L + l];
            scratch[sums + first + r] += s;
        }
    }

    /** y_i += a·s_0j·dv_0p·c: gradients of s_0, dv_0; ∂/∂a per channel into scratch[gattC…]; ∂/∂c into sums[3]. */
    private static void scalarMessages(double[] s0, double[] dv0, double[] gs0, double[] gdv0, double[] gOut, int yo, int kj, int pp,
                                       int h, double cv, double[] scratch, int attC, int gattC, int sums, int lanes) {
        DoubleVector cvV = DoubleVector.broadcast(S, cv), gphi = DoubleVector.zero(S);
        for (int o = 0; o < h; o += L) {
            DoubleVector b0 = DoubleVector.fromArray(S, s0, kj + o).mul(DoubleVector.fromArray(S, dv0, pp + o)), gy = DoubleVector.fromArray(S, gOut, yo + o);
            gy.mul(b0.mul(cvV)).intoArray(scratch, gattC + o);
            DoubleVector gsig0 = gy.mul(DoubleVector.fromArray(S, scratch, attC + o));
            gphi = gsig0.fma(b0, gphi);
            DoubleVector g0 = gsig0.mul(cvV);
            g0.fma(DoubleVector.fromArray(S, dv0, pp + o), DoubleVector.fromArray(S, gs0, kj + o)).intoArray(gs0, kj + o);
            g0.fma(DoubleVector.fromArray(S, s0, kj + o), DoubleVector.fromArray(S, gdv0, pp + o)).intoArray(gdv0, pp + o);
        }
        gphi.intoArray(scratch, lanes);
        addLaneSums(scratch, lanes, 1, sums, 3);
    }

    /** w_ic += v_jc·s_1j·dv_1p·c: gradients of v, s_1, dv_1; ∂/∂c into sums[3]. */
    private static void vectorMessages(double[] s1, double[] dv1, double[] gs1, double[] gdv1, double[] v, double[] gv, double[] gOut,
                                       int wo, int vo, int h, int kj, int pp, double cv, double[] scratch, int sums, int lanes) {
        DoubleVector cvV = DoubleVector.broadcast(S, cv), gphi = DoubleVector.zero(S);
        for (int o = 0; o < h; o += L) {
            DoubleVector b1 = DoubleVector.fromArray(S, s1, kj + o).mul(DoubleVector.fromArray(S, dv1, pp + o)), sig1 = b1.mul(cvV);
            DoubleVector gwx = DoubleVector.fromArray(S, gOut, wo + o), gwy = DoubleVector.fromArray(S, gOut, wo + h + o), gwz = DoubleVector.fromArray(S, gOut, wo + 2 * h + o);
            DoubleVector gsig1 = gwx.mul(DoubleVector.fromArray(S, v, vo + o)).add(gwy.mul(DoubleVector.fromArray(S, v, vo + h + o))).add(gwz.mul(DoubleVector.fromArray(S, v, vo + 2 * h + o)));
            gwx.fma(sig1, DoubleVector.fromArray(S, gv, vo + o)).intoArray(gv, vo + o);
            gwy.fma(sig1, DoubleVector.fromArray(S, gv, vo + h + o)).intoArray(gv, vo + h + o);
            gwz.fma(sig1, DoubleVector.fromArray(S, gv, vo + 2 * h + o)).intoArray(gv, vo + 2 * h + o);
            gphi = gsig1.fma(b1, gphi);
            DoubleVector g1 = gsig1.mul(cvV);
            g1.fma(DoubleVector.fromArray(S, dv1, pp + o), DoubleVector.fromArray(S, gs1, kj + o)).intoArray(gs1, kj + o);
            g1.fma(DoubleVector.fromArray(S, s1, kj + o), DoubleVector.fromArray(S, gdv1, pp + o)).intoArray(gdv1, pp + o);
        }
        gphi.intoArray(scratch, lanes);
        addLaneSums(scratch, lanes, 1, sums, 3);
    }

    /** w_ic += s_2j·dv_2p·c·û_c: gradients of s_2, dv_2; ∂/∂û into sums[0…2], ∂/∂c into sums[3]. */
    private static void radialMessages(double[] s2, double[] dv2, double[] gs2, double[] gdv2, double[] gOut, int wo, int h, int kj, int pp,
                                       double cv, double ux, double uy, double uz, double[] scratch, int sums, int lanes) {
        DoubleVector cvV = DoubleVector.broadcast(S, cv);
        DoubleVector uxV = DoubleVector.broadcast(S, ux), uyV = DoubleVector.broadcast(S, uy), uzV = DoubleVector.broadcast(S, uz);
        DoubleVector gux = DoubleVector.zero(S), guy = gux, guz = gux, gphi = gux;
        for (int o = 0; o < h; o += L) {
            DoubleVector b2 = DoubleVector.fromArray(S, s2, kj + o).mul(DoubleVector.fromArray(S, dv2, pp + o)), sig2 = b2.mul(cvV);
            DoubleVector gwx = DoubleVector.fromArray(S, gOut, wo + o), gwy = DoubleVector.fromArray(S, gOut, wo + h + o), gwz = DoubleVector.fromArray(S, gOut, wo + 2 * h + o);
            DoubleVector gsig2 = gwx.mul(uxV).add(gwy.mul(uyV)).add(gwz.mul(uzV));
            gux = gwx.fma(sig2, gux);
            guy = gwy.fma(sig2, guy);
            guz = gwz.fma(sig2, guz);
            gphi = gsig2.fma(b2, gphi);
            DoubleVector g2 = gsig2.mul(cvV);
            g2.fma(DoubleVector.fromArray(S, dv2, pp + o), DoubleVector.fromArray(S, gs2, kj + o)).intoArray(gs2, kj + o);
            g2.fma(DoubleVector.fromArray(S, s2, kj + o), DoubleVector.fromArray(S, gdv2, pp + o)).intoArray(gdv2, pp + o);
        }
        gux.intoArray(scratch, lanes);
        guy.intoArray(scratch, lanes + L);
        guz.intoArray(scratch, lanes + 2 * L);
        gphi.intoArray(scratch, lanes + 3 * L);
        addLaneSums(scratch, lanes, 4, sums, 0);
    }

    /** The logits' gradients (per channel at scratch[gaC…]) to q_i, k_j and dk_p. */
    private static void queryKeyGradients(double[] q, double[] k, double[] dk, double[] gq, double[] gk, double[] gdk,
                                          int qi, int kj, int pp, int h, double[] scratch, int gaC) {
        for (int o = 0; o < h; o += L) {
            DoubleVector gaV = DoubleVector.fromArray(S, scratch, gaC + o);
            DoubleVector qv = DoubleVector.fromArray(S, q, qi + o), kv = DoubleVector.fromArray(S, k, kj + o), dkv = DoubleVector.fromArray(S, dk, pp + o);
            kv.mul(dkv).fma(gaV, DoubleVector.fromArray(S, gq, qi + o)).intoArray(gq, qi + o);
            qv.mul(dkv).fma(gaV, DoubleVector.fromArray(S, gk, kj + o)).intoArray(gk, kj + o);
            qv.mul(kv).fma(gaV, DoubleVector.fromArray(S, gdk, pp + o)).intoArray(gdk, pp + o);
        }
    }
}
