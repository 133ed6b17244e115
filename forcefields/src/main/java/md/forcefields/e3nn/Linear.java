package md.forcefields.e3nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * e3nn 0.5's equivariant {@code o3.Linear} without biases, as NequIP uses it.
 *
 * <p>Paths: one for every (input block i, output block j) with the same irrep, ordered i, then j.
 * Weights: the concatenation in path order of one (mul_i × mul_j) matrix per path, row-major (input
 * channel slow). out_j[w,c] = Σ_{paths i→j} (1/√fan_j) Σ_u W_ij[u,w] x_i[u,c], fan_j = Σ mul_i over
 * the paths into j. Output blocks without a path are zero. Features are in the batched
 * {@link Layout}.
 */
public final class Linear {

    /** One path; {@code weightOffset} into the flat weight, {@code pathWeight} = 1/√fan of its output. */
    public record Instruction(int iIn, int iOut, int weightOffset, double pathWeight) {}

    private final Irreps irrepsIn, irrepsOut;
    private final List<Instruction> instructions;
    private final Instruction[] paths; // the same, iterated in the hot loops without an iterator
    private final int weightNumel;

    public Linear(Irreps irrepsIn, Irreps irrepsOut) {
        this.irrepsIn = irrepsIn;
        this.irrepsOut = irrepsOut;
        int[] fan = new int[irrepsOut.size()];
        for (int i = 0; i < irrepsIn.size(); i++)
            for (int j = 0; j < irrepsOut.size(); j++)
                if (irrepsIn.ir(i).equals(irrepsOut.ir(j))) fan[j] += irrepsIn.mul(i);
        List<Instruction> ins = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < irrepsIn.size(); i++)
            for (int j = 0; j < irrepsOut.size(); j++)
                if (irrepsIn.ir(i).equals(irrepsOut.ir(j))) {
                    ins.add(new Instruction(i, j, off, 1 / Math.sqrt(fan[j])));
                    off += irrepsIn.mul(i) * irrepsOut.mul(j);
                }
        this.instructions = List.copyOf(ins);
        this.paths = ins.toArray(new Instruction[0]);
        this.weightNumel = off;
    }

    private Linear(Linear full, List<Instruction> kept) {
        this.irrepsIn = full.irrepsIn;
        this.irrepsOut = full.irrepsOut;
        this.instructions = List.copyOf(kept);
        this.paths = kept.toArray(new Instruction[0]);
        this.weightNumel = full.weightNumel;
    }

    /** The same map with only the paths into output blocks accepted by {@code keep} (others stay zero). */
    public Linear restrictedToOutputs(IntPredicate keep) {
        return new Linear(this, instructions.stream().filter(p -> keep.test(p.iOut())).toList());
    }

    public Irreps irrepsIn() { return irrepsIn; }
    public Irreps irrepsOut() { return irrepsOut; }
    public List<Instruction> instructions() { return instructions; }
    public int weightNumel() { return weightNumel; }

    /** Number of multiply-adds ×2 for {@code rows} rows. */
    public long flops(int rows) {
        long f = 0;
        for (Instruction p : paths)
            f += 2L * rows * irrepsIn.ir(p.iIn()).dim() * irrepsIn.mul(p.iIn()) * irrepsOut.mul(p.iOut());
        return f;
    }

    /** y = Linear(x) for {@code rows} rows (y overwritten). */
    public void forward(double[] w, double[] x, double[] y, int rows) { forward(w, x, y, rows, 0, rows); }

    /**
     * y = Linear(x) for rows [r0, r1) of a batch of {@code rows} rows (only those rows of y are written),
     * so that threads can share one batch by row ranges.
     */
    public void forward(double[] w, double[] x, double[] y, int rows, int r0, int r1) {
        for (int b = 0; b < irrepsOut.size(); b++)
            java.util.Arrays.fill(y, Layout.index(irrepsOut, rows, b, r0, 0), Layout.index(irrepsOut, rows, b, r1, 0), 0.0);
        for (Instruction p : paths) {
            int d = irrepsIn.ir(p.iIn()).dim(), mi = irrepsIn.mul(p.iIn()), mo = irrepsOut.mul(p.iOut());
            DenseKernels.gemm((r1 - r0) * d, mo, mi, p.pathWeight(), x, Layout.index(irrepsIn, rows, p.iIn(), r0, 0), mi,
                    w, p.weightOffset(), mo, y, Layout.index(irrepsOut, rows, p.iOut(), r0, 0), mo, true);
        }
    }

    /** The weights with every path matrix transposed (mul_j × mul_i), at the same offsets; for {@link #backward}. */
    public double[] transposeWeights(double[] w) {
        double[] t = new double[weightNumel];
        for (Instruction p : instructions) {
            int mi = irrepsIn.mul(p.iIn()), mo = irrepsOut.mul(p.iOut());
            for (int u = 0; u < mi; u++)
                for (int v = 0; v < mo; v++) t[p.weightOffset() + v * mi + u] = w[p.weightOffset() + u * mo + v];
        }
        return t;
    }

    /** dx = ∂(dy·y)/∂x (overwritten unless {@code accumulate}); {@code wT} from {@link #transposeWeights}. */
    public void backward(double[] wT, double[] dy, double[] dx, int rows, boolean accumulate) {
        backward(wT, dy, dx, rows, accumulate, 0, rows);
    }

    /** {@link #backward(double[], double[], double[], int, boolean)} for rows [r0, r1) only. */
    public void backward(double[] wT, double[] dy, double[] dx, int rows, boolean accumulate, int r0, int r1) {
        if (!accumulate)
            for (int b = 0; b < irrepsIn.size(); b++)
                java.util.Arrays.fill(dx, Layout.index(irrepsIn, rows, b, r0, 0), Layout.index(irrepsIn, rows, b, r1, 0), 0.0);
        for (Instruction p : paths) {
            int d = irrepsIn.ir(p.iIn()).dim(), mi = irrepsIn.mul(p.iIn()), mo = irrepsOut.mul(p.iOut());
            DenseKernels.gemm((r1 - r0) * d, mi, mo, p.pathWeight(), dy, Layout.index(irrepsOut, rows, p.iOut(), r0, 0), mo,
                    wT, p.weightOffset(), mi, dx, Layout.index(irrepsIn, rows, p.iIn(), r0, 0), mi, true);
        }
    }
}
