package md.forcefields.e3nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * e3nn 0.5's {@code FullyConnectedTensorProduct(irreps_in1, irreps_in2, irreps_out)} for the case
 * NequIP uses as self-connection: the second input is scalars only ({@code Vx0e}, e.g. the one-hot
 * species), so every path is x_i ⊗ 0e → irrep_i.
 *
 * <p>Paths 'uvw', ordered by input block i, then output block k with irrep_k = irrep_i. Weight block
 * per path of shape (mul_i, V, mul_k), row-major, concatenated in path order.
 * y_k[w,c] = Σ_{paths i→k} (1/√fan_k) Σ_{u,v} W[u,v,w]·x_i[u,c]·a[v], fan_k = Σ_{paths into k} mul_i·V.
 * (In e3nn terms: path weight √((2l+1)/fan_k) times C^{l,0,l} = δ/√(2l+1).) Features in the batched
 * {@link Layout}; attributes per row, row-major (rows × V).
 */
public final class FullyConnectedTensorProduct {

    public record Instruction(int iIn, int iOut, int weightOffset, double pathWeight) {}

    private final Irreps irrepsIn, irrepsOut;
    private final int numAttrs;
    private final List<Instruction> instructions;
    private final Instruction[] paths; // the same, iterated in the hot loops without an iterator
    private final int weightNumel;

    public FullyConnectedTensorProduct(Irreps irrepsIn, Irreps irrepsAttrs, Irreps irrepsOut) {
        if (irrepsAttrs.size() != 1 || !irrepsAttrs.ir(0).equals(Irrep.SCALAR))
            throw new IllegalArgumentException("self-connection attributes must be one block of even scalars (Nx0e), got " + irrepsAttrs);
        this.irrepsIn = irrepsIn;
        this.irrepsOut = irrepsOut;
        this.numAttrs = irrepsAttrs.mul(0);
        int[] fan = new int[irrepsOut.size()];
        for (int i = 0; i < irrepsIn.size(); i++)
            for (int k = 0; k < irrepsOut.size(); k++)
                if (irrepsIn.ir(i).equals(irrepsOut.ir(k))) fan[k] += irrepsIn.mul(i) * numAttrs;
        List<Instruction> ins = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < irrepsIn.size(); i++)
            for (int k = 0; k < irrepsOut.size(); k++)
                if (irrepsIn.ir(i).equals(irrepsOut.ir(k))) {
                    ins.add(new Instruction(i, k, off, 1 / Math.sqrt(fan[k])));
                    off += irrepsIn.mul(i) * numAttrs * irrepsOut.mul(k);
                }
        instructions = List.copyOf(ins);
        paths = ins.toArray(new Instruction[0]);
        weightNumel = off;
    }

    private FullyConnectedTensorProduct(FullyConnectedTensorProduct full, List<Instruction> kept) {
        irrepsIn = full.irrepsIn;
        irrepsOut = full.irrepsOut;
        numAttrs = full.numAttrs;
        instructions = List.copyOf(kept);
        paths = kept.toArray(new Instruction[0]);
        weightNumel = full.weightNumel;
    }

    /** The same map with only the paths into output blocks accepted by {@code keep}. */
    public FullyConnectedTensorProduct restrictedToOutputs(IntPredicate keep) {
        return new FullyConnectedTensorProduct(this, instructions.stream().filter(p -> keep.test(p.iOut())).toList());
    }

    public Irreps irrepsIn() { return irrepsIn; }
    public Irreps irrepsOut() { return irrepsOut; }
    public int numAttrs() { return numAttrs; }
    public List<Instruction> instructions() { return instructions; }
    public int weightNumel() { return weightNumel; }

    /** y (+)= FCTP(x, attrs) for {@code rows} rows; zero attributes are skipped (one-hot: one term per row). */
    public void forward(double[] w, double[] x, double[] attrs, double[] y, int rows, boolean accumulate) {
        if (!accumulate) java.util.Arrays.fill(y, 0, rows * irrepsOut.dim(), 0.0);
        forward(w, x, attrs, y, rows, 0, rows);
    }

    /** y += FCTP(x, attrs) for rows [r0, r1) of a batch of {@code rows} rows. */
    public void forward(double[] w, double[] x, double[] attrs, double[] y, int rows, int r0, int r1) {
        for (Instruction p : paths) {
            int d = irrepsIn.ir(p.iIn()).dim(), mi = irrepsIn.mul(p.iIn()), mo = irrepsOut.mul(p.iOut());
            for (int r = r0; r < r1; r++)
                for (int v = 0; v < numAttrs; v++) {
                    double a = attrs[r * numAttrs + v];
                    if (a == 0) continue;
                    DenseKernels.gemm(d, mo, mi, p.pathWeight() * a,
                            x, Layout.index(irrepsIn, rows, p.iIn(), r, 0), mi,
                            w, p.weightOffset() + v * mo, numAttrs * mo,
                            y, Layout.index(irrepsOut, rows, p.iOut(), r, 0), mo, true);
                }
        }
    }

    /** Weights rearranged as (V, mul_k, mul_i) per path, at the same offsets; for {@link #backward}. */
    public double[] transposeWeights(double[] w) {
        double[] t = new double[weightNumel];
        for (Instruction p : instructions) {
            int mi = irrepsIn.mul(p.iIn()), mo = irrepsOut.mul(p.iOut());
            for (int u = 0; u < mi; u++)
                for (int v = 0; v < numAttrs; v++)
                    for (int k = 0; k < mo; k++)
                        t[p.weightOffset() + (v * mo + k) * mi + u] = w[p.weightOffset() + (u * numAttrs + v) * mo + k];
        }
        return t;
    }

    /** dx += ∂(dy·y)/∂x; {@code wT} from {@link #transposeWeights}. */
    public void backward(double[] wT, double[] attrs, double[] dy, double[] dx, int rows) { backward(wT, attrs, dy, dx, rows, 0, rows); }

    /** dx += ∂(dy·y)/∂x for rows [r0, r1) of a batch of {@code rows} rows. */
    public void backward(double[] wT, double[] attrs, double[] dy, double[] dx, int rows, int r0, int r1) {
        for (Instruction p : paths) {
            int d = irrepsIn.ir(p.iIn()).dim(), mi = irrepsIn.mul(p.iIn()), mo = irrepsOut.mul(p.iOut());
            for (int r = r0; r < r1; r++)
                for (int v = 0; v < numAttrs; v++) {
                    double a = attrs[r * numAttrs + v];
                    if (a == 0) continue;
                    DenseKernels.gemm(d, mi, mo, p.pathWeight() * a,
                            dy, Layout.index(irrepsOut, rows, p.iOut(), r, 0), mo,
                            wT, p.weightOffset() + v * mo * mi, mi,
                            dx, Layout.index(irrepsIn, rows, p.iIn(), r, 0), mi, true);
                }
        }
    }
}
