package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;
import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;

/**
 * NequIP's convolution as one fused differentiable op: gather of the neighbour's features, e3nn's
 * channel-wise ('uvu') tensor product with the edge spherical harmonics and per-pair weights, and
 * scatter-add onto the centre atom, scaled by {@code norm} (1/√avg_num_neighbors). For path n from
 * input block i (mul U) and harmonic block j to output slot s:
 * out[ctr(e), s, c, u] += norm·α_n · W[pair(e), off_n + u] · Σ_ab C^{l_i,l_j,l_s}[a,b,c] X[nbr(e), i, a, u] Y[e, j, b].
 *
 * <p>Features are component-major inside a block (index offset + c·mul + u, see the NequIP family);
 * the output slots (sorted, e3nn order) are written into the merged blocks of their simplification, each
 * at its channel offset. Path weights keep creation order (e3nn's layout).
 *
 * <p>The result is linear in each of X, Y and W, so F(X, Y, W, O) = ⟨out(X, Y, W), O⟩ is one 4-linear
 * form; the op computes its gradient with respect to any one argument from the other three. The backward
 * of every mode is again this op in another mode (with the incoming gradient in place of the mode's
 * argument), so double backward and beyond stay fused.
 */
public final class UvuConvolution implements Op {
    /** One path: input blocks, output slot (position in the sorted slots), path weight α, weight offset. */
    public record Instruction(int in1, int in2, int out, double pathWeight, int weightOffset) {}

    static final int X = 0, Y = 1, W = 2, OUT = 3;
    private static final String[] NAMES = {"uvuConvolutionInputGrad", "uvuConvolutionShGrad", "uvuConvolutionWeightGrad", "uvuConvolution"};

    record Path(int xOff, int mul, int oOff, int oMul, int chOff, int wOff, double scale, UvuCoupling cg) {}

    private final Irreps irreps1, irrepsSh, irrepsOut;
    private final int weightCount, fullWeightCount;
    final int tSize, scratchSize, maxPairs;
    /** Per instruction of the full layout: its number of weights and whether its path is kept. */
    private final int[] weightSizes;
    private final boolean[] weightKept;
    final Path[] paths;
    private final UvuCoupling[] couplings;
    private final UvuKernels kernels;
    /** Identifies the layout of the coupling table (layers with the same input irreps share it). */
    private final String couplingsKey;

    /**
     * {@code slots}: the sorted output slots; the op writes their simplification ({@link #irrepsOut()}).
     * Only the paths whose output irrep passes {@code keepOutput} are evaluated (the others' outputs stay
     * zero); they read consecutive weights, which {@link #keptWeights} selects from the full layout.
     */
    public UvuConvolution(Irreps irreps1, Irreps irrepsSh, Irreps slots, List<Instruction> instructions, double norm,
                   Predicate<Irrep> keepOutput, UvuKernels kernels) {
        this.kernels = kernels;
        this.irreps1 = irreps1;
        this.irrepsSh = irrepsSh;
        this.irrepsOut = slots.simplify();
        int[] block = new int[slots.size()], chOff = new int[slots.size()];
        for (int k = 0, b = -1, ch = 0; k < slots.size(); k++) {
            if (k == 0 || !slots.ir(k).equals(slots.ir(k - 1))) { b++; ch = 0; }
            block[k] = b;
            chOff[k] = ch;
            ch += slots.mul(k);
        }
        Map<List<Integer>, UvuCoupling> byKey = new HashMap<>();
        List<UvuCoupling> cgs = new ArrayList<>();
        List<List<Integer>> order = new ArrayList<>();
        List<Path> kept = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Boolean> keep = new ArrayList<>();
        int count = 0, full = 0, t = 0, scratch = 0, pairMax = 0;
        for (Instruction ins : instructions) {
            if (irrepsSh.mul(ins.in2) != 1) throw new IllegalArgumentException("uvu tensor product needs multiplicity 1 in the second input, got " + irrepsSh.get(ins.in2));
            if (slots.mul(ins.out) != irreps1.mul(ins.in1)) throw new IllegalArgumentException("uvu output " + slots.get(ins.out) + " must have the multiplicity of " + irreps1.get(ins.in1));
            if (ins.weightOffset != full) throw new IllegalArgumentException("uvu path weights must be consecutive in path order");
            Irrep ir1 = irreps1.ir(ins.in1), ir2 = irrepsSh.ir(ins.in2), ir3 = slots.ir(ins.out);
            int mul = irreps1.mul(ins.in1), b = block[ins.out];
            full += mul;
            sizes.add(mul);
            keep.add(keepOutput.test(ir3));
            if (!keepOutput.test(ir3)) continue;
            List<Integer> key = List.of(ins.in2, ir1.l(), ir3.l());
            UvuCoupling cg = byKey.get(key);
            if (cg == null) {
                cg = UvuCoupling.of(ir1.l(), ir2.l(), ir3.l(), irrepsSh.offset(ins.in2), t);
                t += cg.pairs();
                byKey.put(key, cg);
                order.add(key);
                cgs.add(cg);
            }
            kept.add(new Path(irreps1.offset(ins.in1), mul, irrepsOut.offset(b), irrepsOut.mul(b), chOff[ins.out],
                    count, norm * ins.pathWeight, cg));
            scratch = Math.max(scratch, ir1.dim() * mul);
            pairMax = Math.max(pairMax, cg.pairs());
            count += mul;
        }
        paths = kept.toArray(new Path[0]);
        weightCount = count;
        fullWeightCount = full;
        weightSizes = sizes.stream().mapToInt(Integer::intValue).toArray();
        weightKept = new boolean[keep.size()];
        for (int n = 0; n < weightKept.length; n++) weightKept[n] = keep.get(n);
        tSize = t;
        scratchSize = scratch;
        maxPairs = pairMax;
        couplings = cgs.toArray(new UvuCoupling[0]);
        couplingsKey = "uvu couplings of " + irrepsSh + " (harmonic block, l_in, l_out): " + order;
        float32 = new UvuConvolutionFloat32(this);
    }

    /** The MD kernels in float32, used when the workspace says so. */
    private final UvuConvolutionFloat32 float32;

    /**
     * One evaluated path for accelerator kernels: out[ctr, oOff + c·oMul + chOff + u] += scale · W[pair, wOff + u] ·
     * Σ_k value_k · X[nbr, xOff + a_k·mul + u] · Y[e, b_k] over the entries with c_k = c (b_k: a column of Y).
     */
    public record KernelPath(int xOff, int mul, int dIn, int oOff, int oMul, int chOff, int wOff, int dOut, double scale,
                             int[] a, int[] b, int[] c, double[] value) {}

    /** The kept paths with their Clebsch–Gordan entries. */
    public List<KernelPath> kernelPaths() {
        List<KernelPath> out = new ArrayList<>();
        for (Path p : paths) {
            UvuCoupling cg = p.cg;
            int n = cg.entryValue().length;
            int[] a = new int[n], b = new int[n], c = new int[n];
            for (int k = 0; k < n; k++) {
                a[k] = cg.pairA()[cg.entryPair()[k]];
                b[k] = cg.yOff() + cg.entryB()[k];
                c[k] = cg.pairC()[cg.entryPair()[k]];
            }
            out.add(new KernelPath(p.xOff, p.mul, cg.aStart().length - 1, p.oOff, p.oMul, p.chOff, p.wOff, cg.cStart().length - 1,
                    p.scale, a, b, c, cg.entryValue().clone()));
        }
        return out;
    }

    public Irreps irreps1() { return irreps1; }
    public Irreps irrepsSh() { return irrepsSh; }

    /** Weights per pair that the kept paths read. */
    public int weightCount() { return weightCount; }

    /** The op that selects, from a (rows, all paths' weights) matrix, the columns the kept paths read. */
    public SelectColumns keptWeights() {
        int[] starts = new int[weightSizes.length];
        for (int n = 1; n < starts.length; n++) starts[n] = starts[n - 1] + weightSizes[n - 1];
        return new SelectColumns(fullWeightCount, starts, weightSizes, weightKept);
    }

    @Override public String name() { return "uvuConvolution"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expect(this, in, Shape.atoms(irreps1.dim()), Shape.edges(irrepsSh.dim()), Shape.pairs(weightCount));
        return Shape.atoms(irrepsOut.dim());
    }

    @Override public Tensor tape(Graph graph, Tensor... in) { return apply(in[0], in[1], in[2], graph); }

    @Override public void forward(Graph graph, Workspace ws, double[][] in, double[] out) {
        if (ws.float32()) {
            float32.forward(graph, ws, in, out, 0, graph.atoms(), 0, graph.edges(), 0);
            return;
        }
        java.util.Arrays.fill(out, 0, graph.atoms() * irrepsOut.dim(), 0.0);
        double[] t = ws.doubles(0, graph.edges() * tSize);
        fillCouplingTable(in[Y], graph, t);
        run(OUT, in[X], in[Y], in[W], null, out, graph, t, ws.doubles(1, scratchSize), ws.doubles(2, maxPairs));
    }

    // ---- parallel kernels: parts own the edges into a range of centre atoms (edges are sorted by centre) ----

    @Override public boolean parallel() { return true; }

    /** The first atom of part {@code part}: edges split evenly, moved to the next atom boundary. */
    private static int firstAtom(Graph graph, int part, int parts) {
        if (part == 0) return 0;
        if (part == parts) return graph.atoms();
        int target = Op.partStart(graph.edges(), part, parts), a = 0;
        int[] start = graph.edgeStart();
        while (a < graph.atoms() && start[a] < target) a++;
        return a;
    }

    @Override public void forwardPart(Graph graph, Workspace ws, double[][] in, double[] out, int part, int parts) {
        if (graph.edgeStart() == null) { // edges not sorted by centre: one part does everything
            if (part == 0) forward(graph, ws, in, out);
            return;
        }
        int a0 = firstAtom(graph, part, parts), a1 = firstAtom(graph, part + 1, parts);
        int e0 = graph.edgeStart()[a0], e1 = graph.edgeStart()[a1], dimOut = irrepsOut.dim();
        if (ws.float32()) {
            float32.forward(graph, ws, in, out, a0, a1, e0, e1, part);
            return;
        }
        java.util.Arrays.fill(out, a0 * dimOut, a1 * dimOut, 0.0);
        double[] t = ws.doubles(0, graph.edges() * tSize);
        fillCouplingTable(in[Y], t, e0, e1);
        run(OUT, in[X], in[Y], in[W], null, out, graph, t, ws.doubles(10 + 3 * part, scratchSize), ws.doubles(11 + 3 * part, maxPairs), e0, e1);
    }

    private boolean fusedCase(Graph graph, double[][] gIn) { return graph.edgeStart() != null && gIn[Y] != null && gIn[W] != null; }

    @Override public void backwardPart(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
        if (!fusedCase(graph, gIn)) {
            if (part == 0) backward(graph, ws, in, out, gOut, gIn);
            return;
        }
        // Parts own ranges of pairs (both edges of a pair, in edge order): the pair rows of dw and the edge rows of
        // dY are then each written by one part, directly and in the same order as on one thread, and each pair's
        // weights are read by one thread only. Neighbour rows of dx are shared: each part adds to its own copy,
        // and the reduction adds the copies up in part order (deterministic).
        int p0 = Op.partStart(graph.pairs(), part, parts), p1 = Op.partStart(graph.pairs(), part + 1, parts);
        if (ws.float32()) {
            float32.backward(graph, ws, gOut, gIn[Y], gIn[W], p0, p1, part);
            return;
        }
        double[] gx = ws.zeros(12 + 3 * part, graph.atoms() * irreps1.dim());
        fusedBackwardOfPairs(in[X], in[W], gOut, gx, gIn[Y], gIn[W], graph, ws.doubles(0, graph.edges() * tSize),
                ws.doubles(10 + 3 * part, dyPartSize()), ws.doubles(11 + 3 * part, maxPairs * kernels.dyLanes()), p0, p1);
    }

    @Override public void backwardReduce(Graph graph, Workspace ws, double[][] gIn, int parts) { backwardReducePart(graph, ws, gIn, 0, 1, parts); }

    @Override public boolean parallelReduce() { return true; }

    @Override public void backwardReducePart(Graph graph, Workspace ws, double[][] gIn, int part, int parts) { backwardReducePart(graph, ws, gIn, part, parts, parts); }

    /**
     * Reduction part {@code part} of {@code parts} after a backward pass in {@code copies} parts: atom rows of dx,
     * each the parts' copies added in part order, so every element gets the same sums in the same order however
     * the reduction is split (dw and dY need none: their rows have one writer).
     */
    private void backwardReducePart(Graph graph, Workspace ws, double[][] gIn, int part, int parts, int copies) {
        if (!fusedCase(graph, gIn) || gIn[X] == null) return;
        if (ws.float32()) {
            float32.reduce(graph, ws, gIn[X], part, parts, copies);
            return;
        }
        int dim = irreps1.dim(), i0 = Op.partStart(graph.atoms(), part, parts) * dim, i1 = Op.partStart(graph.atoms(), part + 1, parts) * dim;
        for (int c = 0; c < copies; c++) {
            double[] gx = ws.doubles(12 + 3 * c, 0), g = gIn[X];
            for (int i = i0; i < i1; i++) g[i] += gx[i];
        }
    }

    @Override public void backward(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        double[] t = ws.doubles(0, graph.edges() * tSize), scratch = ws.doubles(1, scratchSize), m = ws.doubles(2, maxPairs);
        if (gIn[Y] != null && gIn[W] != null && ws.float32()) { // one part of all pairs, its dX copy added
            float32.backward(graph, ws, gOut, gIn[Y], gIn[W], 0, graph.pairs(), 0);
            if (gIn[X] != null) float32.reduce(graph, ws, gIn[X], 0, 1, 1);
            return;
        }
        if (gIn[Y] != null && gIn[W] != null) {
            // the MD case: every gradient in one pass per edge and path (a layer whose input does not depend on
            // the positions still gets its dx computed, into scratch)
            double[] gx = gIn[X] != null ? gIn[X] : ws.zeros(3, graph.atoms() * irreps1.dim());
            fusedBackward(in[X], in[W], gOut, gx, gIn[Y], gIn[W], graph, t, ws.doubles(4, dyPartSize()), ws.doubles(5, maxPairs * kernels.dyLanes()));
            return;
        }
        if (gIn[X] != null) run(X, null, in[Y], in[W], gOut, gIn[X], graph, t, scratch, m);
        if (gIn[W] != null) run(W, in[X], in[Y], null, gOut, gIn[W], graph, t, scratch, m);
        if (gIn[Y] != null) run(Y, in[X], null, in[W], gOut, gIn[Y], graph, t, scratch, m);
    }

    /** The partial sums of dY per edge that the fused backward keeps. */
    private int dyPartSize() { return irrepsSh.dim() * kernels.dyLanes(); }

    /** All three gradients in one pass per edge and path. */
    private void fusedBackward(double[] x, double[] w, double[] o, double[] gx, double[] gy, double[] gw, Graph graph, double[] t, double[] dyPart,
                               double[] pairScratch) {
        fusedBackward(x, w, o, gx, gy, gw, graph, t, dyPart, pairScratch, 0, graph.edges());
    }

    /** The edges of pairs [p0, p1), in edge order; weight gradients at the pair's row. */
    private void fusedBackwardOfPairs(double[] x, double[] w, double[] o, double[] gx, double[] gy, double[] gw, Graph graph, double[] t,
                                      double[] dyPart, double[] pairScratch, int p0, int p1) {
        int[] pairOf = graph.pairOf();
        for (int e = 0, n = graph.edges(); e < n; e++) {
            int p = pairOf[e];
            if (p >= p0 && p < p1) fusedBackward(x, w, o, gx, gy, gw, graph, t, dyPart, pairScratch, e, e + 1);
        }
    }

    /**
     * Edges [e0, e1), weight gradients at the pair's row. Each path visits only its coupling's nonzero (a, c) pairs;
     * the dY products stay vectors of partial sums per harmonic column ({@code dyPart}, {@link UvuKernels#dyLanes()}
     * lanes each) over all paths of the edge, and are added up once per edge in lane order.
     */
    private void fusedBackward(double[] x, double[] w, double[] o, double[] gx, double[] gy, double[] gw, Graph graph, double[] t, double[] dyPart,
                               double[] pairScratch, int e0, int e1) {
        int dim1 = irreps1.dim(), dimSh = irrepsSh.dim(), dimOut = irrepsOut.dim(), lanes = kernels.dyLanes();
        for (int e = e0; e < e1; e++) {
            int xr = graph.neighbour()[e] * dim1, wr = graph.pairOf()[e] * weightCount, or = graph.centre()[e] * dimOut;
            java.util.Arrays.fill(dyPart, 0, dimSh * lanes, 0.0);
            for (Path p : paths)
                kernels.pathBackward(p.cg, p.mul, p.scale, t, e * tSize + p.cg.tOff(), x, xr + p.xOff, w, wr + p.wOff,
                        o, or + p.oOff + p.chOff, p.oMul, gx, gw, dyPart, pairScratch);
            for (int b = 0, yb = e * dimSh; b < dimSh; b++) {
                double sum = 0;
                for (int i = b * lanes; i < (b + 1) * lanes; i++) sum += dyPart[i];
                gy[yb + b] += sum;
            }
        }
    }

    /** The layout of the result: the simplified output slots. */
    public Irreps irrepsOut() { return irrepsOut; }

    /** x (nodes, irreps1.dim()), y (edges, irrepsSh.dim()), w (pairs, weightCount) to (nodes, irrepsOut.dim()). */
    public Tensor apply(Tensor x, Tensor y, Tensor w, Graph graph) {
        check(x, graph.atoms(), irreps1.dim(), "node features");
        check(y, graph.edges(), irrepsSh.dim(), "edge spherical harmonics");
        check(w, graph.pairs(), weightCount, "pair weights");
        return op(OUT, new Tensor[] {x, y, w, null}, graph);
    }

    private static void check(Tensor t, int rows, int cols, String what) {
        if (t.dim() != 2 || t.size(0) != rows || t.size(1) != cols)
            throw new IllegalArgumentException(what + " must have shape (" + rows + ", " + cols + "), got " + Arrays.toString(t.shape()));
    }

    private int[] shape(int mode, Graph g) {
        return switch (mode) {
            case X -> new int[] {g.atoms(), irreps1.dim()};
            case Y -> new int[] {g.edges(), irrepsSh.dim()};
            case W -> new int[] {g.pairs(), weightCount};
            default -> new int[] {g.atoms(), irrepsOut.dim()};
        };
    }

    private Tensor op(int mode, Tensor[] args, Graph graph) {
        int[] shape = shape(mode, graph);
        double[] out = new double[shape[0] * shape[1]];
        run(mode, args[X] == null ? null : args[X].data(), args[Y] == null ? null : args[Y].data(),
                args[W] == null ? null : args[W].data(), args[OUT] == null ? null : args[OUT].data(), out, graph);
        Tensor[] inputs = new Tensor[3];
        int[] roles = new int[3];
        for (int k = 0, at = 0; k < 4; k++) if (k != mode) { roles[at] = k; inputs[at++] = args[k]; }
        return Tensor.custom(NAMES[mode], out, shape, (g, need) -> {
            Tensor[] grads = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                if (!need[i]) continue;
                Tensor[] a = args.clone();
                a[mode] = g;
                a[roles[i]] = null;
                grads[i] = op(roles[i], a, graph);
            }
            return grads;
        }, inputs);
    }

    /**
     * T[e, q] = Σ_b C[a_q,b,c_q]·Y[e, b] for every edge and coupling, at e·tSize + tOff + q. Shared by all
     * evaluations with the same Y in one graph (forward, backward and double backward use the same
     * harmonics), and by layers with the same couplings.
     */
    private double[] couplingTable(double[] y, Graph graph) {
        return graph.table(couplingsKey, y, () -> {
            double[] t = new double[graph.edges() * tSize];
            fillCouplingTable(y, graph, t);
            return t;
        });
    }

    private void fillCouplingTable(double[] y, Graph graph, double[] t) { fillCouplingTable(y, t, 0, graph.edges()); }

    void fillCouplingTable(double[] y, double[] t, int e0, int e1) {
        int dimSh = irrepsSh.dim();
        java.util.Arrays.fill(t, e0 * tSize, e1 * tSize, 0.0);
        for (int e = e0; e < e1; e++)
            for (UvuCoupling cg : couplings) {
                int[] ep = cg.entryPair(), eb = cg.entryB();
                double[] ev = cg.entryValue();
                int tb = e * tSize + cg.tOff(), yb = e * dimSh + cg.yOff();
                for (int k = 0; k < ev.length; k++) t[tb + ep[k]] += ev[k] * y[yb + eb[k]];
            }
    }

    /** Accumulates the mode's result into {@code res}; the mode's own argument is null. */
    private void run(int mode, double[] x, double[] y, double[] w, double[] o, double[] res, Graph graph) {
        run(mode, x, y, w, o, res, graph, mode == Y ? null : couplingTable(y, graph), new double[scratchSize], new double[maxPairs]);
    }

    private void run(int mode, double[] x, double[] y, double[] w, double[] o, double[] res, Graph graph, double[] t, double[] scratch, double[] m) {
        run(mode, x, y, w, o, res, graph, t, scratch, m, 0, graph.edges());
    }

    private void run(int mode, double[] x, double[] y, double[] w, double[] o, double[] res, Graph graph, double[] t, double[] scratch, double[] m,
                     int e0, int e1) {
        int dim1 = irreps1.dim(), dimSh = irrepsSh.dim(), dimOut = irrepsOut.dim();
        for (int e = e0; e < e1; e++) {
            int xr = graph.neighbour()[e] * dim1, yr = e * dimSh, wr = graph.pairOf()[e] * weightCount, or = graph.centre()[e] * dimOut;
            for (Path p : paths) {
                int xb = xr + p.xOff, ob = or + p.oOff + p.chOff, wb = wr + p.wOff, tb = e * tSize + p.cg.tOff();
                switch (mode) {
                    case OUT -> kernels.forward(p.cg, p.mul, p.scale, t, tb, x, xb, w, wb, res, ob, p.oMul, scratch);
                    case X -> kernels.inputGrad(p.cg, p.mul, p.scale, t, tb, o, ob, p.oMul, w, wb, res, xb, scratch);
                    case W -> kernels.weightGrad(p.cg, p.mul, p.scale, t, tb, x, xb, o, ob, p.oMul, res, wb, scratch);
                    default -> {
                        // dY[b] += Σ C[a,b,c]·M[a][c] with M[a][c] = s·Σ_u X[a][u]·W[u]·O[c][u]
                        kernels.pairProducts(p.cg, p.mul, p.scale, x, xb, w, wb, o, ob, p.oMul, m, scratch);
                        int[] ep = p.cg.entryPair(), eb = p.cg.entryB();
                        double[] ev = p.cg.entryValue();
                        int yb = yr + p.cg.yOff();
                        for (int k = 0; k < ev.length; k++) res[yb + eb[k]] += ev[k] * m[ep[k]];
                    }
                }
            }
        }
    }
}
