package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.e3nn.Irreps;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * e3nn's {@code Linear} without biases, optionally with a separate weight per species (then it is the
 * self-connection, e3nn's {@code FullyConnectedTensorProduct} with one-hot species attributes), as one
 * fused differentiable op.
 *
 * <p>One path for every (input block i, output block j) of the same irrep, ordered i then j; path
 * weights (mul_i, species, mul_j) row-major, concatenated; each output block scaled by 1/√fan_j,
 * fan_j = Σ_paths mul_i·species. Features are laid out component-major inside a block (see
 * the NequIP family): out[n, c, v] = Σ_paths s_j Σ_u x[n, c, u]·W[u, t_n, v] with t_n the
 * species of row n. The map is bilinear in (x, W): F(x, W, o) = ⟨out(x, W), o⟩ is one trilinear form,
 * and the op computes its gradient with respect to one argument from the other two. The backward of
 * each mode is another mode of the same op, so derivatives of any order stay fused.
 */
public final class BlockLinear implements Op {
    private record Path(int xOff, int d, int mulIn, int oOff, int mulOut, int wOff, double scale) {}

    private static final int X = 0, W = 1, OUT = 2;

    private final Irreps irrepsIn, irrepsOut;
    private final int species, weightCount;
    private final List<Path> paths = new ArrayList<>();

    /** {@code species} = 1 for a plain linear layer. */
    public BlockLinear(Irreps irrepsIn, Irreps irrepsOut, int species) {
        this.irrepsIn = irrepsIn;
        this.irrepsOut = irrepsOut;
        this.species = species;
        int[] fan = new int[irrepsOut.size()];
        for (int i = 0; i < irrepsIn.size(); i++)
            for (int j = 0; j < irrepsOut.size(); j++)
                if (irrepsIn.ir(i).equals(irrepsOut.ir(j))) fan[j] += irrepsIn.mul(i) * species;
        int offset = 0;
        for (int i = 0; i < irrepsIn.size(); i++)
            for (int j = 0; j < irrepsOut.size(); j++)
                if (irrepsIn.ir(i).equals(irrepsOut.ir(j))) {
                    paths.add(new Path(irrepsIn.offset(i), irrepsIn.ir(i).dim(), irrepsIn.mul(i), irrepsOut.offset(j), irrepsOut.mul(j),
                            offset, 1.0 / Math.sqrt(fan[j])));
                    offset += irrepsIn.mul(i) * species * irrepsOut.mul(j);
                }
        weightCount = offset;
        pathArray = paths.toArray(new Path[0]);
    }

    /** The paths as an array for the MD kernels (iterating the list allocates an iterator per call). */
    private final Path[] pathArray;

    public int weightCount() { return weightCount; }

    /** Species the weights are indexed by (1: a plain linear layer). */
    public int species() { return species; }

    /**
     * The paths for accelerator kernels: per path {x offset, irrep dimension, mul in, output offset, mul out,
     * weight offset}; weights of a path are W[wOff + (u·species + t)·mulOut + v].
     */
    public int[][] kernelPaths() {
        int[][] t = new int[pathArray.length][];
        for (int k = 0; k < t.length; k++) {
            Path p = pathArray[k];
            t[k] = new int[] {p.xOff, p.d, p.mulIn, p.oOff, p.mulOut, p.wOff};
        }
        return t;
    }

    /** The scale of each path of {@link #kernelPaths()} (1/√fan-in). */
    public double[] kernelPathScales() {
        double[] s = new double[pathArray.length];
        for (int k = 0; k < s.length; k++) s[k] = pathArray[k].scale;
        return s;
    }

    @Override public String name() { return species > 1 ? "speciesLinear" : "linear"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 2);
        if (in[0].width() != irrepsIn.dim() || (species > 1 && in[0].rows() != Shape.Rows.ATOMS))
            throw new IllegalArgumentException(name() + " " + irrepsIn + " -> " + irrepsOut + ": input " + in[0] + (species > 1 ? " (per-atom values needed)" : ""));
        if (in[1].rows() != Shape.Rows.FIXED || in[1].fixedRows() * in[1].width() != weightCount)
            throw new IllegalArgumentException(name() + " " + irrepsIn + " -> " + irrepsOut + " needs " + weightCount + " weights, got " + in[1]);
        return in[0].withWidth(irrepsOut.dim());
    }

    @Override public Tensor tape(Graph graph, Tensor... in) {
        return apply(in[0], in[1], species > 1 ? graph.species() : null);
    }

    @Override public void forward(Graph graph, Workspace ws, double[][] in, double[] out) { forwardPart(graph, ws, in, out, 0, 1); }

    @Override public void backward(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        backwardPart(graph, ws, in, out, gOut, gIn, 0, 1);
    }

    @Override public boolean parallel() { return true; }
    @Override public boolean rowLocal() { return true; }

    // Rows [r0, r1) of part `part`: strided products over those rows only (rows are independent).
    @Override public void forwardPart(Graph graph, Workspace ws, double[][] in, double[] out, int part, int parts) {
        int all = ws.inputShape(0).rowCount(graph), dimIn = irrepsIn.dim(), dimOut = irrepsOut.dim();
        int r0 = Op.partStart(all, part, parts), rows = Op.partStart(all, part + 1, parts) - r0;
        double[] x = in[0], w = in[1];
        int[] types = graph.species();
        Arrays.fill(out, r0 * dimOut, (r0 + rows) * dimOut, 0.0);
        for (Path p : pathArray) {
            if (species == 1) {
                for (int c = 0; c < p.d; c++)
                    DenseKernels.gemm(rows, p.mulOut, p.mulIn, p.scale, x, r0 * dimIn + p.xOff + c * p.mulIn, dimIn, w, p.wOff, p.mulOut,
                            out, r0 * dimOut + p.oOff + c * p.mulOut, dimOut, true);
                continue;
            }
            for (int r = r0; r < r0 + rows; r++) // the (d × mulIn) block of row r times W of its species
                DenseKernels.gemm(p.d, p.mulOut, p.mulIn, p.scale, x, r * dimIn + p.xOff, p.mulIn, w, p.wOff + types[r] * p.mulOut,
                        species * p.mulOut, out, r * dimOut + p.oOff, p.mulOut, true);
        }
    }

    @Override public void backwardPart(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
        int all = ws.inputShape(0).rowCount(graph), dimIn = irrepsIn.dim(), dimOut = irrepsOut.dim();
        int r0 = Op.partStart(all, part, parts), rows = Op.partStart(all, part + 1, parts) - r0;
        double[] w = in[1];
        int[] types = graph.species();
        if (gIn[0] != null) {
            // all W_sᵀ packed into one table (once, when the weights are constant), path by path and species by species
            double[] wt = ws.doubles(0, weightCount);
            synchronized (ws) { // parts share the table: the first fills it, the others wait
                if (ws.needsTable(0, 1))
                    for (Path p : pathArray)
                        for (int s = 0; s < species; s++)
                            for (int u = 0; u < p.mulIn; u++)
                                for (int v = 0; v < p.mulOut; v++) wt[p.wOff + s * p.mulOut * p.mulIn + v * p.mulIn + u] = w[p.wOff + (u * species + s) * p.mulOut + v];
            }
            for (Path p : pathArray)
                for (int s = 0; s < species; s++) {
                    int wtOff = p.wOff + s * p.mulOut * p.mulIn;
                    if (species == 1) {
                        for (int c = 0; c < p.d; c++)
                            DenseKernels.gemm(rows, p.mulIn, p.mulOut, p.scale, gOut, r0 * dimOut + p.oOff + c * p.mulOut, dimOut, wt, wtOff, p.mulIn,
                                    gIn[0], r0 * dimIn + p.xOff + c * p.mulIn, dimIn, true);
                        continue;
                    }
                    for (int r = r0; r < r0 + rows; r++)
                        if (types[r] == s)
                            DenseKernels.gemm(p.d, p.mulIn, p.mulOut, p.scale, gOut, r * dimOut + p.oOff, p.mulOut, wt, wtOff, p.mulIn,
                                    gIn[0], r * dimIn + p.xOff, p.mulIn, true);
                }
        }
        if (gIn[1] != null && part == 0) { // weights are shared by all rows: one part does them (not needed in MD)
            int[] t = species > 1 ? Arrays.copyOf(types, all) : new int[all];
            double[] gw = weightGradient(Arrays.copyOf(in[0], all * dimIn), Arrays.copyOf(gOut, all * dimOut), rowsBySpecies(t));
            for (int i = 0; i < weightCount; i++) gIn[1][i] += gw[i];
        }
    }

    /** x (rows, irrepsIn.dim()) to (rows, irrepsOut.dim()); {@code types} (species of each row) may be null for one species. */
    public Tensor apply(Tensor x, Tensor weight, int[] types) {
        if (weight.numel() != weightCount)
            throw new IllegalArgumentException("Linear " + irrepsIn + " -> " + irrepsOut + (species > 1 ? " with " + species + " species" : "")
                    + " needs " + weightCount + " weights, got " + weight.numel());
        if (x.dim() != 2 || x.size(1) != irrepsIn.dim())
            throw new IllegalArgumentException("Linear " + irrepsIn + " -> " + irrepsOut + ": input of shape " + Arrays.toString(x.shape()));
        int rows = x.size(0);
        int[] t = types != null ? types : new int[rows];
        if (t.length != rows) throw new IllegalArgumentException(t.length + " species for " + rows + " rows");
        for (int v : t) if (v < 0 || v >= species) throw new IllegalArgumentException("species " + v + " outside [0, " + species + ")");
        return op(OUT, new Tensor[] {x, weight.reshape(weightCount), null}, rowsBySpecies(t), rows);
    }

    private int[][] rowsBySpecies(int[] types) {
        int[] count = new int[species];
        for (int v : types) count[v]++;
        int[][] rows = new int[species][];
        for (int s = 0; s < species; s++) rows[s] = new int[count[s]];
        int[] at = new int[species];
        for (int r = 0; r < types.length; r++) rows[types[r]][at[types[r]]++] = r;
        return rows;
    }

    private Tensor op(int mode, Tensor[] args, int[][] bySpecies, int rows) {
        double[] data = switch (mode) {
            case OUT -> forward(args[X].data(), args[W].data(), bySpecies, rows);
            case X -> inputGradient(args[W].data(), args[OUT].data(), bySpecies, rows);
            default -> weightGradient(args[X].data(), args[OUT].data(), bySpecies);
        };
        int[] shape = switch (mode) {
            case OUT -> new int[] {rows, irrepsOut.dim()};
            case X -> new int[] {rows, irrepsIn.dim()};
            default -> new int[] {weightCount};
        };
        Tensor[] inputs = new Tensor[2];
        int[] roles = new int[2];
        for (int k = 0, at = 0; k < 3; k++) if (k != mode) { roles[at] = k; inputs[at++] = args[k]; }
        String name = mode == OUT ? "blockLinear" : mode == X ? "blockLinearInputGrad" : "blockLinearWeightGrad";
        return Tensor.custom(name, data, shape, (g, need) -> {
            Tensor[] grads = new Tensor[2];
            for (int i = 0; i < 2; i++) {
                if (!need[i]) continue;
                Tensor[] a = args.clone();
                a[mode] = g;
                a[roles[i]] = null;
                grads[i] = op(roles[i], a, bySpecies, rows);
            }
            return grads;
        }, inputs);
    }

    /** Rows (r, c) of the block at {@code off} (width mul) for the given rows, packed as a (rows·d × mul) matrix. */
    private static double[] pack(double[] x, int dim, int off, int d, int mul, int[] rows) {
        double[] p = new double[rows.length * d * mul];
        for (int k = 0; k < rows.length; k++) System.arraycopy(x, rows[k] * dim + off, p, k * d * mul, d * mul);
        return p;
    }

    private static void unpackAdd(double[] p, double[] x, int dim, int off, int d, int mul, int[] rows) {
        for (int k = 0; k < rows.length; k++) {
            int src = k * d * mul, dst = rows[k] * dim + off;
            for (int q = 0; q < d * mul; q++) x[dst + q] += p[src + q];
        }
    }

    private double[] forward(double[] x, double[] w, int[][] bySpecies, int rows) {
        int dimIn = irrepsIn.dim(), dimOut = irrepsOut.dim();
        double[] out = new double[rows * dimOut];
        for (Path p : paths) {
            if (species == 1) {
                // Component c of every row is a row of a strided matrix: one product per component, no copies.
                for (int c = 0; c < p.d; c++)
                    DenseKernels.gemm(rows, p.mulOut, p.mulIn, p.scale, x, p.xOff + c * p.mulIn, dimIn, w, p.wOff, p.mulOut,
                            out, p.oOff + c * p.mulOut, dimOut, true);
                continue;
            }
            for (int s = 0; s < species; s++) {
                int[] r = bySpecies[s];
                if (r.length == 0) continue;
                int m = r.length * p.d;
                double[] a = pack(x, dimIn, p.xOff, p.d, p.mulIn, r), c = new double[m * p.mulOut];
                DenseKernels.gemm(m, p.mulOut, p.mulIn, p.scale, a, 0, p.mulIn, w, p.wOff + s * p.mulOut, species * p.mulOut, c, 0, p.mulOut, false);
                unpackAdd(c, out, dimOut, p.oOff, p.d, p.mulOut, r);
            }
        }
        return out;
    }

    private double[] inputGradient(double[] w, double[] o, int[][] bySpecies, int rows) {
        int dimIn = irrepsIn.dim(), dimOut = irrepsOut.dim();
        double[] out = new double[rows * dimIn];
        for (Path p : paths)
            for (int s = 0; s < species; s++) {
                int[] r = bySpecies[s];
                if (r.length == 0) continue;
                double[] wt = new double[p.mulOut * p.mulIn]; // W_sᵀ
                for (int u = 0; u < p.mulIn; u++)
                    for (int v = 0; v < p.mulOut; v++) wt[v * p.mulIn + u] = w[p.wOff + (u * species + s) * p.mulOut + v];
                if (species == 1) {
                    for (int c = 0; c < p.d; c++)
                        DenseKernels.gemm(rows, p.mulIn, p.mulOut, p.scale, o, p.oOff + c * p.mulOut, dimOut, wt, 0, p.mulIn,
                                out, p.xOff + c * p.mulIn, dimIn, true);
                    continue;
                }
                int m = r.length * p.d;
                double[] b = pack(o, dimOut, p.oOff, p.d, p.mulOut, r), c = new double[m * p.mulIn];
                DenseKernels.gemm(m, p.mulIn, p.mulOut, p.scale, b, 0, p.mulOut, wt, 0, p.mulIn, c, 0, p.mulIn, false);
                unpackAdd(c, out, dimIn, p.xOff, p.d, p.mulIn, r);
            }
        return out;
    }

    private double[] weightGradient(double[] x, double[] o, int[][] bySpecies) {
        double[] out = new double[weightCount];
        int dimIn = irrepsIn.dim(), dimOut = irrepsOut.dim();
        for (Path p : paths) {
            if (species == 1 && p.d == 1) { // one component: the rows of x and o are the rows of strided matrices, no copies
                DenseKernels.gemmTransA(p.mulIn, p.mulOut, bySpecies[0].length, p.scale, x, p.xOff, dimIn, o, p.oOff, dimOut, out, p.wOff, p.mulOut, true);
                continue;
            }
            for (int s = 0; s < species; s++) {
                int[] r = bySpecies[s];
                if (r.length == 0) continue;
                int m = r.length * p.d;
                // ΔW_s = Σ over the (row, component) pairs of x ⊗ o: one sum over all of them, Aᵀ read in place
                double[] a = pack(x, dimIn, p.xOff, p.d, p.mulIn, r), b = pack(o, dimOut, p.oOff, p.d, p.mulOut, r);
                DenseKernels.gemmTransA(p.mulIn, p.mulOut, m, p.scale, a, 0, p.mulIn, b, 0, p.mulOut, out, p.wOff + s * p.mulOut, species * p.mulOut, true);
            }
        }
        return out;
    }
}
