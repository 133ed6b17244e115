package md.forcefields.e3nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The channel-wise ('uvu') tensor product of NequIP's convolution, as e3nn 0.5's
 * {@code TensorProduct(irreps_in1, irreps_in2, irreps_out, instructions)} with per-edge weights
 * (shared_weights=False) and one-channel second input (the edge spherical harmonics).
 *
 * <p>Output slots are created in the order: for each block i of in1, each block j of in2, each irrep
 * of the product (l ascending) accepted by {@code allowed}: a slot with mul_i channels. The slots are
 * then stable-sorted (e3nn order) and merged into {@link #irrepsOut()} (sorted, simplified: one block
 * per irrep, slots concatenated in sorted order), but the <em>weights keep creation order</em>: path n
 * uses w[off_n … off_n + mul_i), off_n = Σ_{n'<n} mul_{i(n')}.
 * m[slot,u,c] = pw·w[off+u]·Σ_ab C^{l1,l2,l3}[a,b,c]·x1[u,a]·Y[b] with pw = √(d_out/Σ_{paths into slot} mul2)
 * ('component' irrep and 'element' path normalisation; here √(2l_out+1)).
 *
 * <p>Kernels act per edge on the batched {@link Layout} (x1 and the output over nodes); the second
 * input Y is a plain e3nn vector. They need a scratch array of {@link #scratchSize()} per thread.
 */
public final class TensorProductUvu {

    /**
     * One path: input blocks, output block of {@link #irrepsOut()} and channel offset inside it, weight
     * offset, path weight, and the nonzero Wigner 3j entries (a, b, c, value).
     */
    public record Instruction(int i1, int i2, Irrep irOut, int slot, int outBlock, int outChannelOffset,
                              int weightOffset, double pathWeight, int[] a, int[] b, int[] c, double[] value, Dims dims) {}

    /** Sizes and offsets of a path, precomputed for the kernels. */
    public record Dims(int d1, int mul1, int offset1, int offset2, int d3, int mulOut, int offsetOut) {}

    private final Irreps irrepsIn1, irrepsIn2, irrepsSlots, irrepsOut;
    private final List<Instruction> instructions;
    private final Instruction[] instructionArray;
    private final int weightNumel, scratchSize;

    /** The convolution TP: every product irrep accepted by {@code allowed} gets a slot. */
    public TensorProductUvu(Irreps irrepsIn1, Irreps irrepsIn2, Predicate<Irrep> allowed) {
        for (int j = 0; j < irrepsIn2.size(); j++)
            if (irrepsIn2.mul(j) != 1) throw new IllegalArgumentException("second input must have multiplicity 1 per block, got " + irrepsIn2);
        this.irrepsIn1 = irrepsIn1;
        this.irrepsIn2 = irrepsIn2;
        record Raw(int i1, int i2, Irrep ir, int slot, int weightOffset) {}
        List<Raw> raw = new ArrayList<>();
        List<Irreps.MulIrrep> slots = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < irrepsIn1.size(); i++)
            for (int j = 0; j < irrepsIn2.size(); j++)
                for (Irrep ir : irrepsIn1.ir(i).times(irrepsIn2.ir(j)))
                    if (allowed.test(ir)) {
                        raw.add(new Raw(i, j, ir, slots.size(), off));
                        slots.add(new Irreps.MulIrrep(irrepsIn1.mul(i), ir));
                        off += irrepsIn1.mul(i);
                    }
        weightNumel = off;
        irrepsSlots = new Irreps(slots);
        Irreps.Sorted sorted = irrepsSlots.sort();
        irrepsOut = sorted.irreps().simplify();
        // sorted slot -> (block of irrepsOut, channel offset)
        int[] block = new int[slots.size()], chOff = new int[slots.size()];
        int b = -1, ch = 0;
        Irrep prev = null;
        for (int k = 0; k < slots.size(); k++) {
            Irreps.MulIrrep s = sorted.irreps().get(k);
            if (!s.ir().equals(prev)) { b++; ch = 0; prev = s.ir(); }
            block[k] = b;
            chOff[k] = ch;
            ch += s.mul();
        }
        List<Instruction> ins = new ArrayList<>();
        int maxScratch = 0;
        for (Raw r : raw) {
            int l1 = irrepsIn1.ir(r.i1()).l(), l2 = irrepsIn2.ir(r.i2()).l(), l3 = r.ir().l();
            double[] w3j = Wigner3j.get(l1, l2, l3);
            int n = 0;
            for (double v : w3j) if (v != 0) n++;
            int[] ia = new int[n], ib = new int[n], ic = new int[n];
            double[] val = new double[n];
            int d2 = 2 * l2 + 1, d3 = 2 * l3 + 1, k = 0;
            for (int x = 0; x < w3j.length; x++) {
                if (w3j[x] == 0) continue;
                ia[k] = x / (d2 * d3); ib[k] = (x / d3) % d2; ic[k] = x % d3; val[k] = w3j[x]; k++;
            }
            int sortedPos = sorted.perm()[r.slot()];
            double pw = Math.sqrt((double) r.ir().dim() / irrepsIn2.mul(r.i2())); // one path per slot
            int ob = block[sortedPos];
            Dims dims = new Dims(2 * l1 + 1, irrepsIn1.mul(r.i1()), irrepsIn1.offset(r.i1()), irrepsIn2.offset(r.i2()),
                    d3, irrepsOut.mul(ob), irrepsOut.offset(ob));
            ins.add(new Instruction(r.i1(), r.i2(), r.ir(), r.slot(), ob, chOff[sortedPos], r.weightOffset(), pw, ia, ib, ic, val, dims));
            int mul = irrepsIn1.mul(r.i1());
            maxScratch = Math.max(maxScratch, 2 * (2 * l1 + 1) * d3 + 2 * (2 * l1 + 1) * mul);
        }
        instructions = List.copyOf(ins);
        instructionArray = ins.toArray(new Instruction[0]);
        scratchSize = maxScratch;
    }

    private static final int LANES = DenseKernels.VECTORIZED ? VectorKernels.lanes() : 0;

    /** Whether the fused vector kernels handle {@code mul} channels (whole vectors), else the generic path. */
    private static boolean fused(int mul) {
        return LANES > 0 && mul % LANES == 0;
    }

    private TensorProductUvu(TensorProductUvu full, List<Instruction> kept) {
        irrepsIn1 = full.irrepsIn1;
        irrepsIn2 = full.irrepsIn2;
        irrepsSlots = full.irrepsSlots;
        irrepsOut = full.irrepsOut;
        instructions = List.copyOf(kept);
        instructionArray = kept.toArray(new Instruction[0]);
        weightNumel = full.weightNumel;
        scratchSize = full.scratchSize;
    }

    /** The same product with only the paths whose output irrep is accepted (others contribute zero). */
    public TensorProductUvu restrictedToOutputs(Predicate<Irrep> keep) {
        return new TensorProductUvu(this, instructions.stream().filter(p -> keep.test(p.irOut())).toList());
    }

    /**
     * The same product with the weight offsets renumbered consecutively over the remaining paths, so a
     * restricted product reads a shorter weight vector; {@link #weightColumns()} maps new → old index.
     */
    public TensorProductUvu compacted() {
        List<Instruction> ins = new ArrayList<>();
        int off = 0;
        int[] cols = new int[instructions.stream().mapToInt(p -> irrepsIn1.mul(p.i1())).sum()];
        for (Instruction p : instructions) {
            int mul = irrepsIn1.mul(p.i1());
            for (int u = 0; u < mul; u++) cols[off + u] = p.weightOffset() + u;
            ins.add(new Instruction(p.i1(), p.i2(), p.irOut(), p.slot(), p.outBlock(), p.outChannelOffset(), off,
                    p.pathWeight(), p.a(), p.b(), p.c(), p.value(), p.dims()));
            off += mul;
        }
        TensorProductUvu t = new TensorProductUvu(this, ins);
        t.weightColumns = cols;
        return t;
    }

    private int[] weightColumns;

    /** For a {@link #compacted()} product: original weight index of each weight; else the identity. */
    public int[] weightColumns() {
        if (weightColumns != null) return weightColumns.clone();
        int[] id = new int[weightNumel];
        for (int i = 0; i < id.length; i++) id[i] = i;
        return id;
    }

    /** Length of the weight vector the kernels read (after {@link #compacted()}: the remaining paths only). */
    public int weightsRead() { return weightColumns != null ? weightColumns.length : weightNumel; }

    public Irreps irrepsIn1() { return irrepsIn1; }
    public Irreps irrepsIn2() { return irrepsIn2; }
    /** Output slots in creation order (e3nn's {@code irreps_out} before sorting). */
    public Irreps irrepsSlots() { return irrepsSlots; }
    /** Sorted and simplified output irreps: the layout the kernels write. */
    public Irreps irrepsOut() { return irrepsOut; }
    public List<Instruction> instructions() { return instructions; }
    public int weightNumel() { return weightNumel; }
    public int scratchSize() { return scratchSize; }

    /** Multiply-adds ×2 of {@link #forwardEdge} for one edge. */
    public long flopsPerEdge() {
        long f = 0;
        for (Instruction p : instructionArray) {
            int d1 = irrepsIn1.ir(p.i1()).dim(), d3 = p.irOut().dim(), mul = irrepsIn1.mul(p.i1());
            f += 2L * p.value().length + (long) d1 * mul + 2L * d1 * d3 * mul;
        }
        return f;
    }

    /**
     * out[centre] += scale · TP(x1[neighbor], y; w) for one edge. x1 and out are batched over
     * {@code nodes} rows ({@link Layout}); y at {@code y[yOff…]} in e3nn order; w at {@code w[wOff…]}.
     * Per path: out[c][u] += Σ_a Tᵀ[c][a]·(x1[a][u]·w[u]) with T[a][c] = pw·scale·Σ_b C[a,b,c]·Y[b],
     * one small matrix product over the contiguous channels.
     */
    public void forwardEdge(double[] x1, int neighbor, double[] y, int yOff, double[] w, int wOff,
                            double[] out, int centre, int nodes, double scale, double[] scratch) {
        for (Instruction p : instructionArray) {
            Dims dm = p.dims();
            int d1 = dm.d1(), d3 = dm.d3(), mul = dm.mul1(), mulOut = dm.mulOut();
            double[] t = scratch; // Tᵀ[c][a] at 0; xw[a][u] at d1*d3
            java.util.Arrays.fill(t, 0, d1 * d3, 0.0);
            int y2 = yOff + dm.offset2();
            double s = p.pathWeight() * scale;
            int[] pa = p.a(), pb = p.b(), pc = p.c();
            double[] val = p.value();
            for (int k = 0; k < val.length; k++) t[pc[k] * d1 + pa[k]] += s * val[k] * y[y2 + pb[k]];
            int xw = d1 * d3, xBase = nodes * dm.offset1() + neighbor * d1 * mul;
            int wo = wOff + p.weightOffset();
            int oBase = nodes * dm.offsetOut() + centre * d3 * mulOut + p.outChannelOffset();
            if (fused(mul)) {
                VectorKernels.tpForward(d1, d3, mul, t, x1, xBase, w, wo, out, oBase, mulOut);
                continue;
            }
            for (int a = 0; a < d1; a++) {
                int xa = xBase + a * mul, ta = xw + a * mul;
                for (int u = 0; u < mul; u++) t[ta + u] = x1[xa + u] * w[wo + u];
            }
            DenseKernels.gemm(d3, mul, d1, 1.0, t, 0, d1, t, xw, mul, out, oBase, mulOut, true);
        }
    }

    /**
     * Backward of {@link #forwardEdge} given dOut (batched over nodes): accumulates dx1[neighbor],
     * dy[dyOff…] and dw[dwOff…]. With G = T·dOut (d1 × mul): dw[u] += Σ_a x1[a][u]·G[a][u],
     * dx1[a][u] += w[u]·G[a][u], dY[b] += Σ_{a,c} C[a,b,c]·s·Σ_u x1[a][u]·w[u]·dOut[c][u].
     */
    public void backwardEdge(double[] x1, int neighbor, double[] y, int yOff, double[] w, int wOff,
                             double[] dOut, int centre, int nodes, double scale,
                             double[] dx1, double[] dy, int dyOff, double[] dw, int dwOff, double[] scratch) {
        for (Instruction p : instructionArray) {
            Dims dm = p.dims();
            int d1 = dm.d1(), d3 = dm.d3(), mul = dm.mul1(), mulOut = dm.mulOut();
            double[] t = scratch; // T[a][c] at 0, dT[a][c] at d1*d3, G[a][u] at 2*d1*d3, xw[a][u] after G
            int dtOff = d1 * d3, gOff = 2 * d1 * d3, xwOff = gOff + d1 * mul;
            java.util.Arrays.fill(t, 0, d1 * d3, 0.0);
            int y2 = yOff + dm.offset2();
            double s = p.pathWeight() * scale;
            int[] pa = p.a(), pb = p.b(), pc = p.c();
            double[] val = p.value();
            for (int k = 0; k < val.length; k++) t[pa[k] * d3 + pc[k]] += s * val[k] * y[y2 + pb[k]];
            int xBase = nodes * dm.offset1() + neighbor * d1 * mul;
            int oBase = nodes * dm.offsetOut() + centre * d3 * mulOut + p.outChannelOffset();
            int wo = wOff + p.weightOffset(), dwo = dwOff + p.weightOffset();
            if (fused(mul)) {
                VectorKernels.tpBackward(d1, d3, mul, t, s, x1, xBase, w, wo, dOut, oBase, mulOut, dx1, dw, dwo, t, dtOff);
            } else {
                DenseKernels.gemm(d1, mul, d3, 1.0, t, 0, d3, dOut, oBase, mulOut, t, gOff, mul, false);
                for (int a = 0; a < d1; a++) {
                    int xa = xBase + a * mul, g = gOff + a * mul, xw = xwOff + a * mul;
                    for (int u = 0; u < mul; u++) {
                        double gu = t[g + u], xu = x1[xa + u], wu = w[wo + u];
                        dw[dwo + u] += xu * gu;
                        dx1[xa + u] += wu * gu;
                        t[xw + u] = xu * wu;
                    }
                }
                DenseKernels.gemmTransB(d1, d3, mul, s, t, xwOff, mul, dOut, oBase, mulOut, t, dtOff, d3);
            }
            for (int k = 0; k < val.length; k++) dy[dyOff + dm.offset2() + pb[k]] += val[k] * t[dtOff + pa[k] * d3 + pc[k]];
        }
    }
}
