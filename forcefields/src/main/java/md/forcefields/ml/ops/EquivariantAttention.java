package md.forcefields.ml.ops;

import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The messages of the Equivariant Transformer's attention layer (TorchMD-Net's
 * {@code EquivariantMultiHeadAttention.message} and its sum over the neighbours), fused into one op: for
 * every edge i ← j of pair p, with h channels in H heads of d = h/H channels,
 * <pre>
 *   a_ij      = act(Σ_{t ∈ head} q_it · k_jt · dk_pt)            (· φ(r_p) when the cutoff damps the attention)
 *   σ_m,ij,t  = s_m,jt · dv_m,pt                                 (· φ(r_p) when the cutoff damps the values), m = 0, 1, 2
 *   y_it     += a_ij,head(t) · σ_0,ij,t
 *   w_ict    += v_jct · σ_1,ij,t + σ_2,ij,t · û_ij,c             (c = x, y, z; the first term only with vector features)
 * </pre>
 * Output: atoms × 4h, the scalar messages y then the vector messages w (component-major, column c·h + t).
 *
 * <p>Why fused: as separate ops every line above is a pass over edges × h values that is written,
 * read back and differentiated (about thirty per layer), so memory traffic and the zeroing of gradient
 * buffers dominated the ET's MD step; here each edge is visited once forward and once backward, and
 * the per-edge products are never stored. {@link #tape} is the same function built from the separate
 * ops (differentiable to any order, for training); the MD kernels are checked against it.
 *
 * <p>Inputs, in order: q, k, s_0, s_1, s_2 (atoms × h), φ (pairs × 1), û (edges × 3); then the distance
 * filters as one input (pairs × f·h, f = 1 … 4: dk if {@code filtersKeys}, then dv_0, dv_1, dv_2 if
 * {@code filtersValues}, each h columns) when there are any; v (atoms × 3h) if {@code vectors}. The filters
 * come packed because the model computes them as one linear layer and one activation (a GEMM 32 → 4h
 * instead of four 32 → h, and one pass of SiLU), and the kernels read each part's columns in place.
 */
public record EquivariantAttention(int heads, int headDim, Elementwise.Activation attention,
                                   boolean filtersKeys, boolean filtersValues, boolean cutoffOnValues, boolean vectors) implements md.forcefields.ml.FusedOp {
    private static final int Q = 0, K = 1, S0 = 2, CUT = 5, UNIT = 6;

    public EquivariantAttention {
        if (heads < 1 || headDim < 1) throw new IllegalArgumentException("equivariantAttention needs heads >= 1 and headDim >= 1, got " + heads + ", " + headDim);
    }

    private static final int FILTERS = 7;

    /** How many h-wide parts the packed filters have (dk, dv_0, dv_1, dv_2 as present). */
    public int filterParts() { return (filtersKeys ? 1 : 0) + (filtersValues ? 3 : 0); }
    private boolean filtered() { return filterParts() > 0; }
    /** Column of dv_m in the packed filters. */
    private int dvColumn(int m) { return ((filtersKeys ? 1 : 0) + m) * heads * headDim; }
    private int vIndex() { return vectors ? FILTERS + (filtered() ? 1 : 0) : -1; }
    private int inputCount() { return FILTERS + (filtered() ? 1 : 0) + (vectors ? 1 : 0); }

    @Override public String name() { return "equivariantAttention"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, inputCount());
        int h = heads * headDim;
        Shape[] expected = new Shape[inputCount()];
        for (int i = Q; i <= S0 + 2; i++) expected[i] = Shape.atoms(h);
        expected[CUT] = Shape.pairs(1);
        expected[UNIT] = Shape.edges(3);
        if (filtered()) expected[FILTERS] = Shape.pairs(filterParts() * h);
        if (vectors) expected[vIndex()] = Shape.atoms(3 * h);
        Ops.expect(this, in, expected);
        return Shape.atoms(4 * h);
    }

    // ---- training: the same function from the separate ops ----------------------------------------

    /** The attention weights (edges × heads, as TorchMD-Net's {@code attn}) and the op's output. */
    public record Composed<T>(T attention, T messages) {}

    /**
     * This op's function built from the separate ops on any executor: the definition {@link #tape} runs,
     * and what a stage-by-stage comparison uses to see the attention weights, which the fused kernels never store.
     */
    public <T> Composed<T> separateOps(Ops<T> ops, java.util.List<T> in) {
        int h = heads * headDim;
        T cutEdges = ops.pairsToEdges(in.get(CUT));
        T qk = ops.mul(ops.gatherCentre(in.get(Q)), ops.gatherNeighbour(in.get(K)));
        if (filtersKeys) qk = ops.mul(qk, ops.pairsToEdges(filterPart(ops, in, 0)));
        T attn = ops.activation(ops.apply(new HeadOps.HeadSum(heads, headDim), qk), attention, 1.0);
        java.util.List<T> sigma = new java.util.ArrayList<>();
        for (int m = 0; m < 3; m++) {
            T sj = ops.gatherNeighbour(in.get(S0 + m));
            if (filtersValues) sj = ops.mul(sj, ops.pairsToEdges(filterPart(ops, in, dvColumn(m))));
            if (cutoffOnValues) sj = ops.mul(sj, cutEdges);
            sigma.add(sj);
        }
        if (!cutoffOnValues) attn = ops.mul(attn, cutEdges);
        T messageX = ops.mul(ops.apply(new HeadOps.HeadRepeat(heads, headDim), attn), sigma.get(0));
        java.util.List<T> radial = new java.util.ArrayList<>();
        for (int c = 0; c < 3; c++) radial.add(ops.mul(sigma.get(2), ops.sliceColumns(in.get(UNIT), c, c + 1)));
        ConcatColumns threeParts = new ConcatColumns(new int[] {h, h, h});
        T messageV = ops.applyAll(threeParts, radial);
        if (vectors)
            messageV = ops.add(ops.mul(ops.gatherNeighbour(in.get(vIndex())), ops.apply(threeParts, sigma.get(1), sigma.get(1), sigma.get(1))), messageV);
        T y = ops.scatterToCentre(messageX), w = ops.scatterToCentre(messageV);
        return new Composed<>(attn, ops.apply(new ConcatColumns(new int[] {h, 3 * h}), y, w));
    }

    /** The h columns of the packed filters from {@code column} (all of them when there is one part). */
    private <T> T filterPart(Ops<T> ops, java.util.List<T> in, int column) {
        int h = heads * headDim;
        return filterParts() == 1 ? in.get(FILTERS) : ops.sliceColumns(in.get(FILTERS), column, column + h);
    }

    @Override public <T> T unfused(Ops<T> ops, java.util.List<T> in) { return separateOps(ops, in).messages(); }

    // ---- MD: one pass over the edges ----------------------------------------------------------------

    /** This op's input in the vector kernels' slot {@code slot}, or −1 when the model has none. */
    private int inputOfSlot(int slot) {
        if (slot <= UNIT) return slot;
        if (slot == EquivariantAttentionVectorKernels.DK) return filtersKeys ? FILTERS : -1;
        if (slot == EquivariantAttentionVectorKernels.V) return vIndex();
        return filtersValues ? FILTERS : -1;
    }

    /**
     * The vector kernels' per-pair layout by slot (workspace ints 0): pair strides, then column offsets. Parts
     * of the packed filters stride over all of them; stand-ins (ones, sinks) are h wide.
     */
    private int[] pairLayout(Workspace ws) {
        int h = heads * headDim, width = filterParts() * h, n = EquivariantAttentionVectorKernels.SLOTS;
        int[] layout = ws.ints(0, 2 * n);
        java.util.Arrays.fill(layout, 0, n, h);
        java.util.Arrays.fill(layout, n, 2 * n, 0);
        layout[EquivariantAttentionVectorKernels.DK] = filtersKeys ? width : h;
        for (int m = 0; m < 3; m++) {
            layout[EquivariantAttentionVectorKernels.DV0 + m] = filtersValues ? width : h;
            layout[n + EquivariantAttentionVectorKernels.DV0 + m] = filtersValues ? dvColumn(m) : 0;
        }
        return layout;
    }

    /** Whether the Vector API kernels run this op (heads a whole number of vectors wide). */
    private boolean vectorKernels() { return md.forcefields.e3nn.DenseKernels.VECTORIZED && headDim % VectorLanes.L == 0; }

    /** Loads the vector kernels' class only when the Vector API is present. */
    private static final class VectorLanes { static final int L = EquivariantAttentionVectorKernels.L; }

    /** The vector kernels' uniform inputs: ones for absent filters, zeros for absent vector features (workspace slots 1, 2). */
    private double[][] uniformInputs(Graph g, Workspace ws, double[][] in) {
        int h = heads * headDim, pairs = g.pairs();
        double[][] u = ws.object(0, () -> new double[EquivariantAttentionVectorKernels.SLOTS][]);
        for (int i = Q; i <= UNIT; i++) u[i] = in[i];
        double[] ones = null;
        if (!filtersKeys || !filtersValues) {
            ones = ws.doubles(1, pairs * h);
            java.util.Arrays.fill(ones, 0, pairs * h, 1.0);
        }
        u[EquivariantAttentionVectorKernels.DK] = filtersKeys ? in[FILTERS] : ones;
        for (int m = 0; m < 3; m++) u[EquivariantAttentionVectorKernels.DV0 + m] = filtersValues ? in[FILTERS] : ones;
        u[EquivariantAttentionVectorKernels.V] = vectors ? in[vIndex()] : ws.zeros(2, g.atoms() * 3 * h);
        return u;
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        if (vectorKernels()) {
            java.util.Arrays.fill(out, 0, g.atoms() * 4 * heads * headDim, 0.0);
            EquivariantAttentionVectorKernels.forward(heads, headDim, g.centre(), g.neighbour(), g.pairOf(), g.edges(),
                    uniformInputs(g, ws, in), pairLayout(ws), attention, cutoffOnValues, out, ws.doubles(3 + EquivariantAttentionVectorKernels.SLOTS, EquivariantAttentionVectorKernels.scratchSize(heads, headDim)));
            return;
        }
        int h = heads * headDim, w4 = 4 * h, atoms = g.atoms(), edges = g.edges();
        int[] centre = g.centre(), neighbour = g.neighbour(), pairOf = g.pairOf();
        double[] q = in[Q], k = in[K], s0 = in[S0], s1 = in[S0 + 1], s2 = in[S0 + 2], cut = in[CUT], unit = in[UNIT];
        // the packed filters: pair p's row starts at p·fw; dk at column 0, dv_m at dvColumn(m)
        double[] dk = filtersKeys ? in[FILTERS] : null, v = vectors ? in[vIndex()] : null;
        double[] dv0 = filtersValues ? in[FILTERS] : null, dv1 = dv0, dv2 = dv0;
        int fw = filterParts() * h, c0 = dvColumn(0), c1 = dvColumn(1), c2 = dvColumn(2);
        java.util.Arrays.fill(out, 0, atoms * w4, 0.0);
        for (int e = 0; e < edges; e++) {
            int i = centre[e], j = neighbour[e], p = pairOf[e];
            double phi = cut[p], cv = cutoffOnValues ? phi : 1;
            double ux = unit[3 * e], uy = unit[3 * e + 1], uz = unit[3 * e + 2];
            int qi = i * h, kj = j * h, pp = p * fw, yo = i * w4, vo = j * 3 * h;
            for (int hd = 0; hd < heads; hd++) {
                int o0 = hd * headDim, o1 = o0 + headDim;
                double a = logit(q, qi, k, kj, dk, pp, o0, o1);
                double att = attention.value(a);
                if (!cutoffOnValues) att *= phi;
                for (int o = o0; o < o1; o++) {
                    double sig0 = filtersValues ? s0[kj + o] * dv0[pp + c0 + o] : s0[kj + o];
                    double sig1 = filtersValues ? s1[kj + o] * dv1[pp + c1 + o] : s1[kj + o];
                    double sig2 = filtersValues ? s2[kj + o] * dv2[pp + c2 + o] : s2[kj + o];
                    if (cutoffOnValues) { sig0 *= cv; sig1 *= cv; sig2 *= cv; }
                    out[yo + o] += att * sig0;
                    int wo = yo + h + o;
                    if (vectors) {
                        out[wo] += v[vo + o] * sig1 + sig2 * ux;
                        out[wo + h] += v[vo + h + o] * sig1 + sig2 * uy;
                        out[wo + 2 * h] += v[vo + 2 * h + o] * sig1 + sig2 * uz;
                    } else {
                        out[wo] += sig2 * ux;
                        out[wo + h] += sig2 * uy;
                        out[wo + 2 * h] += sig2 * uz;
                    }
                }
            }
        }
    }

    /** Σ_{o0 ≤ t < o1} q_it·k_jt (·dk_pt when keys are filtered): one head's attention logit. */
    private double logit(double[] q, int qi, double[] k, int kj, double[] dk, int pp, int o0, int o1) {
        double a = 0;
        for (int o = o0; o < o1; o++) {
            double x = q[qi + o] * k[kj + o];
            a += filtersKeys ? x * dk[pp + o] : x;
        }
        return a;
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (vectorKernels()) {
            int h = heads * headDim, atoms = g.atoms(), pairs = g.pairs();
            double[][] u = uniformInputs(g, ws, in), gu = ws.object(1, () -> new double[EquivariantAttentionVectorKernels.SLOTS][]);
            int[] layout = pairLayout(ws);
            for (int slot = 0; slot < EquivariantAttentionVectorKernels.SLOTS; slot++) { // gradients nobody needs go to sinks (workspace slots 3…)
                int input = inputOfSlot(slot);
                double[] gi = input < 0 ? null : gIn[input];
                int size = switch (slot) {
                    case CUT -> pairs;
                    case UNIT -> 3 * g.edges();
                    case EquivariantAttentionVectorKernels.V -> atoms * 3 * h;
                    default -> slot >= EquivariantAttentionVectorKernels.DK ? pairs * layout[slot] : atoms * h;
                };
                gu[slot] = gi != null ? gi : ws.doubles(3 + slot, size);
            }
            EquivariantAttentionVectorKernels.backward(heads, headDim, g.centre(), g.neighbour(), g.pairOf(), g.edges(),
                    u, layout, attention, cutoffOnValues, gOut, gu, ws.doubles(3 + EquivariantAttentionVectorKernels.SLOTS, EquivariantAttentionVectorKernels.scratchSize(heads, headDim)));
            return;
        }
        int h = heads * headDim, w4 = 4 * h, edges = g.edges();
        int[] centre = g.centre(), neighbour = g.neighbour(), pairOf = g.pairOf();
        double[] q = in[Q], k = in[K], cut = in[CUT], unit = in[UNIT];
        double[][] s = {in[S0], in[S0 + 1], in[S0 + 2]};
        double[][] gs = {gIn[S0], gIn[S0 + 1], gIn[S0 + 2]};
        // the packed filters: pair p's row starts at p·fw; dk at column 0, dv_m at dvColumn(m)
        double[] dk = filtersKeys ? in[FILTERS] : null, gdk = filtersKeys ? gIn[FILTERS] : null;
        double[][] dv = new double[3][], gdv = new double[3][];
        if (filtersValues) for (int m = 0; m < 3; m++) { dv[m] = in[FILTERS]; gdv[m] = gIn[FILTERS]; }
        int fw = filterParts() * h;
        int[] dc = {dvColumn(0), dvColumn(1), dvColumn(2)};
        double[] v = vectors ? in[vIndex()] : null, gv = vectors ? gIn[vIndex()] : null;
        double[] gq = gIn[Q], gk = gIn[K], gcut = gIn[CUT], gunit = gIn[UNIT];
        double[] scratch = ws.doubles(0, 9); // sig, base, gsig of the three value parts
        for (int e = 0; e < edges; e++) {
            int i = centre[e], j = neighbour[e], p = pairOf[e];
            double phi = cut[p], cv = cutoffOnValues ? phi : 1;
            double ux = unit[3 * e], uy = unit[3 * e + 1], uz = unit[3 * e + 2];
            int qi = i * h, kj = j * h, pp = p * fw, yo = i * w4, vo = j * 3 * h;
            double gux = 0, guy = 0, guz = 0, gphi = 0;
            for (int hd = 0; hd < heads; hd++) {
                int o0 = hd * headDim, o1 = o0 + headDim;
                double a = logit(q, qi, k, kj, dk, pp, o0, o1);
                double f = attention.value(a), att = cutoffOnValues ? f : f * phi;
                double gatt = 0;
                for (int o = o0; o < o1; o++) {
                    for (int m = 0; m < 3; m++) {
                        double b = filtersValues ? s[m][kj + o] * dv[m][pp + dc[m] + o] : s[m][kj + o];
                        scratch[3 + m] = b;
                        scratch[m] = cutoffOnValues ? b * cv : b;
                    }
                    double gy = gOut[yo + o];
                    int wo = yo + h + o;
                    double gwx = gOut[wo], gwy = gOut[wo + h], gwz = gOut[wo + 2 * h];
                    gatt += gy * scratch[0];
                    scratch[6 + 0] = gy * att;
                    if (vectors) {
                        scratch[6 + 1] = gwx * v[vo + o] + gwy * v[vo + h + o] + gwz * v[vo + 2 * h + o];
                        if (gv != null) {
                            gv[vo + o] += gwx * scratch[1];
                            gv[vo + h + o] += gwy * scratch[1];
                            gv[vo + 2 * h + o] += gwz * scratch[1];
                        }
                    } else scratch[6 + 1] = 0;
                    scratch[6 + 2] = gwx * ux + gwy * uy + gwz * uz;
                    gux += gwx * scratch[2];
                    guy += gwy * scratch[2];
                    guz += gwz * scratch[2];
                    for (int m = 0; m < 3; m++) {
                        double gm = scratch[6 + m] * cv;
                        if (gs[m] != null) gs[m][kj + o] += filtersValues ? gm * dv[m][pp + dc[m] + o] : gm;
                        if (filtersValues && gdv[m] != null) gdv[m][pp + dc[m] + o] += gm * s[m][kj + o];
                        if (cutoffOnValues) gphi += scratch[6 + m] * scratch[3 + m];
                    }
                }
                double ga;
                if (cutoffOnValues) ga = gatt * attention.derivative(a);
                else {
                    gphi += gatt * f;
                    ga = gatt * phi * attention.derivative(a);
                }
                for (int o = o0; o < o1; o++) {
                    double dko = filtersKeys ? dk[pp + o] : 1;
                    if (gq != null) gq[qi + o] += ga * k[kj + o] * dko;
                    if (gk != null) gk[kj + o] += ga * q[qi + o] * dko;
                    if (gdk != null) gdk[pp + o] += ga * q[qi + o] * k[kj + o];
                }
            }
            if (gunit != null) {
                gunit[3 * e] += gux;
                gunit[3 * e + 1] += guy;
                gunit[3 * e + 2] += guz;
            }
            if (gcut != null) gcut[p] += gphi;
        }
    }
}
