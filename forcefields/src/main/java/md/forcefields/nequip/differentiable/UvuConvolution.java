package md.forcefields.nequip.differentiable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Wigner3j;

/**
 * NequIP's convolution as one fused differentiable op: gather of the neighbour's features, e3nn's
 * channel-wise ('uvu') tensor product with the edge spherical harmonics and per-pair weights, and
 * scatter-add onto the centre atom, scaled by {@code norm} (1/√avg_num_neighbors). For path n from
 * input block i (mul U) and harmonic block j to output slot s:
 * out[ctr(e), s, c, u] += norm·α_n · W[pair(e), off_n + u] · Σ_ab C^{l_i,l_j,l_s}[a,b,c] X[nbr(e), i, a, u] Y[e, j, b].
 *
 * <p>Features are component-major inside a block (index offset + c·mul + u, see {@link DifferentiableNequip});
 * the output slots (sorted, e3nn order) are written into the merged blocks of their simplification, each
 * at its channel offset. Path weights keep creation order (e3nn's layout).
 *
 * <p>The result is linear in each of X, Y and W, so F(X, Y, W, O) = ⟨out(X, Y, W), O⟩ is one 4-linear
 * form; the op computes its gradient with respect to any one argument from the other three. The backward
 * of every mode is again this op in another mode (with the incoming gradient in place of the mode's
 * argument), so double backward and beyond stay fused.
 */
final class UvuConvolution {
    /** One path: input blocks, output slot (position in the sorted slots), path weight α, weight offset. */
    record Instruction(int in1, int in2, int out, double pathWeight, int weightOffset) {}

    static final int X = 0, Y = 1, W = 2, OUT = 3;
    private static final String[] NAMES = {"uvuConvolutionInputGrad", "uvuConvolutionShGrad", "uvuConvolutionWeightGrad", "uvuConvolution"};

    /**
     * Σ_b C[a,b,c] Y[b] for one (l_i, harmonic block j, l_s): the distinct (a, c) pairs with a nonzero
     * coefficient, and for every nonzero C[a,b,c] the pair it belongs to.
     */
    private record Coupling(int yOff, int[] pairA, int[] pairC, int[] entryPair, int[] entryB, double[] entryValue, int tOff) {}

    private record Path(int xOff, int d1, int mul, int dc, int oOff, int oMul, int chOff, int wOff, double scale, Coupling cg) {}

    private final Irreps irreps1, irrepsSh, irrepsOut;
    private final int weightCount, tSize, scratchSize;
    private final Path[] paths;
    private final Coupling[] couplings;

    /** {@code slots}: the sorted output slots; the op writes their simplification ({@link #irrepsOut()}). */
    UvuConvolution(Irreps irreps1, Irreps irrepsSh, Irreps slots, List<Instruction> instructions, double norm) {
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
        Map<List<Integer>, Coupling> byKey = new HashMap<>();
        List<Coupling> cgs = new ArrayList<>();
        paths = new Path[instructions.size()];
        int count = 0, t = 0, scratch = 0;
        for (int n = 0; n < instructions.size(); n++) {
            Instruction ins = instructions.get(n);
            if (irrepsSh.mul(ins.in2) != 1) throw new IllegalArgumentException("uvu tensor product needs multiplicity 1 in the second input, got " + irrepsSh.get(ins.in2));
            if (slots.mul(ins.out) != irreps1.mul(ins.in1)) throw new IllegalArgumentException("uvu output " + slots.get(ins.out) + " must have the multiplicity of " + irreps1.get(ins.in1));
            if (ins.weightOffset != count) throw new IllegalArgumentException("uvu path weights must be consecutive in path order");
            Irrep ir1 = irreps1.ir(ins.in1), ir2 = irrepsSh.ir(ins.in2), ir3 = slots.ir(ins.out);
            List<Integer> key = List.of(ins.in2, ir1.l(), ir3.l());
            Coupling cg = byKey.get(key);
            if (cg == null) {
                cg = coupling(ir1.l(), ir2.l(), ir3.l(), irrepsSh.offset(ins.in2), t);
                t += cg.pairA.length;
                byKey.put(key, cg);
                cgs.add(cg);
            }
            int mul = irreps1.mul(ins.in1), b = block[ins.out];
            paths[n] = new Path(irreps1.offset(ins.in1), ir1.dim(), mul, ir3.dim(), irrepsOut.offset(b), irrepsOut.mul(b), chOff[ins.out],
                    count, norm * ins.pathWeight, cg);
            scratch = Math.max(scratch, Math.max(ir1.dim(), ir3.dim()) * mul + cg.pairA.length);
            count += mul;
        }
        weightCount = count;
        tSize = t;
        scratchSize = scratch;
        couplings = cgs.toArray(new Coupling[0]);
    }

    private static Coupling coupling(int l1, int l2, int l3, int yOff, int tOff) {
        double[] w3j = Wigner3j.get(l1, l2, l3);
        int d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
        List<Integer> pa = new ArrayList<>(), pc = new ArrayList<>();
        int[] pairIndex = new int[(2 * l1 + 1) * d3];
        Arrays.fill(pairIndex, -1);
        int nnz = 0;
        for (double v : w3j) if (v != 0) nnz++;
        int[] ep = new int[nnz], eb = new int[nnz];
        double[] ev = new double[nnz];
        int k = 0;
        for (int x = 0; x < w3j.length; x++) {
            if (w3j[x] == 0) continue;
            int a = x / (d2 * d3), b = (x / d3) % d2, c = x % d3;
            if (pairIndex[a * d3 + c] < 0) {
                pairIndex[a * d3 + c] = pa.size();
                pa.add(a);
                pc.add(c);
            }
            ep[k] = pairIndex[a * d3 + c];
            eb[k] = b;
            ev[k++] = w3j[x];
        }
        return new Coupling(yOff, pa.stream().mapToInt(Integer::intValue).toArray(), pc.stream().mapToInt(Integer::intValue).toArray(), ep, eb, ev, tOff);
    }

    int weightCount() { return weightCount; }

    /** The layout of the result: the simplified output slots. */
    Irreps irrepsOut() { return irrepsOut; }

    /** x (nodes, irreps1.dim()), y (edges, irrepsSh.dim()), w (pairs, weightCount) to (nodes, irrepsOut.dim()). */
    Tensor apply(Tensor x, Tensor y, Tensor w, EdgeGraph graph) {
        check(x, graph.nodes(), irreps1.dim(), "node features");
        check(y, graph.edges(), irrepsSh.dim(), "edge spherical harmonics");
        check(w, graph.pairs(), weightCount, "pair weights");
        return op(OUT, new Tensor[] {x, y, w, null}, graph);
    }

    private static void check(Tensor t, int rows, int cols, String what) {
        if (t.dim() != 2 || t.size(0) != rows || t.size(1) != cols)
            throw new IllegalArgumentException(what + " must have shape (" + rows + ", " + cols + "), got " + Arrays.toString(t.shape()));
    }

    private int[] shape(int mode, EdgeGraph g) {
        return switch (mode) {
            case X -> new int[] {g.nodes(), irreps1.dim()};
            case Y -> new int[] {g.edges(), irrepsSh.dim()};
            case W -> new int[] {g.pairs(), weightCount};
            default -> new int[] {g.nodes(), irrepsOut.dim()};
        };
    }

    private Tensor op(int mode, Tensor[] args, EdgeGraph graph) {
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

    /** Accumulates the mode's result into {@code res}; the mode's own argument is null. */
    private void run(int mode, double[] x, double[] y, double[] w, double[] o, double[] res, EdgeGraph graph) {
        int dim1 = irreps1.dim(), dimSh = irrepsSh.dim(), dimOut = irrepsOut.dim();
        double[] t = new double[tSize], tmp = new double[scratchSize];
        for (int e = 0; e < graph.edges(); e++) {
            int xr = graph.neighbour()[e] * dim1, yr = e * dimSh, wr = graph.pairOf()[e] * weightCount, or = graph.centre()[e] * dimOut;
            if (mode != Y) {
                // T[pair(a,c)] = Σ_b C[a,b,c] Y[b] for every coupling of this edge.
                Arrays.fill(t, 0.0);
                for (Coupling cg : couplings)
                    for (int k = 0; k < cg.entryValue.length; k++) t[cg.tOff + cg.entryPair[k]] += cg.entryValue[k] * y[yr + cg.yOff + cg.entryB[k]];
            }
            for (Path p : paths) {
                Coupling cg = p.cg;
                int mul = p.mul, xb = xr + p.xOff, ob = or + p.oOff + p.chOff, wb = wr + p.wOff, pairs = cg.pairA.length;
                switch (mode) {
                    case OUT -> {
                        // out[c][u] += s·Σ_a T[a][c]·X[a][u]·W[u]
                        for (int a = 0; a < p.d1; a++)
                            for (int u = 0; u < mul; u++) tmp[a * mul + u] = x[xb + a * mul + u] * w[wb + u];
                        for (int q = 0; q < pairs; q++) {
                            double s = p.scale * t[cg.tOff + q];
                            int src = cg.pairA[q] * mul, dst = ob + cg.pairC[q] * p.oMul;
                            for (int u = 0; u < mul; u++) res[dst + u] += s * tmp[src + u];
                        }
                    }
                    case X -> {
                        // dX[a][u] += s·W[u]·Σ_c T[a][c]·O[c][u]
                        for (int c = 0; c < p.dc; c++)
                            for (int u = 0; u < mul; u++) tmp[c * mul + u] = o[ob + c * p.oMul + u] * w[wb + u];
                        for (int q = 0; q < pairs; q++) {
                            double s = p.scale * t[cg.tOff + q];
                            int src = cg.pairC[q] * mul, dst = xb + cg.pairA[q] * mul;
                            for (int u = 0; u < mul; u++) res[dst + u] += s * tmp[src + u];
                        }
                    }
                    case W -> {
                        // dW[u] += s·Σ_(a,c) T[a][c]·X[a][u]·O[c][u]
                        int dst = wb;
                        for (int q = 0; q < pairs; q++) {
                            double s = p.scale * t[cg.tOff + q];
                            int xa = xb + cg.pairA[q] * mul, oc = ob + cg.pairC[q] * p.oMul;
                            for (int u = 0; u < mul; u++) res[dst + u] += s * x[xa + u] * o[oc + u];
                        }
                    }
                    default -> {
                        // dY[b] += s·Σ C[a,b,c]·M[a][c], M[a][c] = Σ_u X[a][u]·W[u]·O[c][u]
                        int m = p.d1 * mul;
                        for (int a = 0; a < p.d1; a++)
                            for (int u = 0; u < mul; u++) tmp[a * mul + u] = x[xb + a * mul + u] * w[wb + u];
                        for (int q = 0; q < pairs; q++) {
                            int xa = cg.pairA[q] * mul, oc = ob + cg.pairC[q] * p.oMul;
                            double dot = 0;
                            for (int u = 0; u < mul; u++) dot += tmp[xa + u] * o[oc + u];
                            tmp[m + q] = p.scale * dot;
                        }
                        for (int k = 0; k < cg.entryValue.length; k++) res[yr + cg.yOff + cg.entryB[k]] += cg.entryValue[k] * tmp[m + cg.entryPair[k]];
                    }
                }
            }
        }
    }
}
