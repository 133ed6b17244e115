package md.forcefields.nequip.differentiable;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Wigner3j;

/**
 * e3nn's 'uvu' tensor product with per-edge weights (the NequIP convolution): for path n from block i of
 * x (mul U) and block j of y (mul 1) to output slot s,
 * out_s[e,u,c] = α_n · w[e, off_n + u] · Σ_ab C^{l_i,l_j,l_s}[a,b,c] x_i[e,u,a] y_j[e,b].
 * Slots receiving several paths sum them; slots with none are zero.
 */
final class ChannelwiseTensorProduct {
    /** One path: input blocks, output slot (position in {@code irrepsOut}), path weight α, weight offset. */
    record Instruction(int in1, int in2, int out, double pathWeight, int weightOffset) {}

    private final Irreps irreps1, irreps2, irrepsOut;
    private final List<Instruction> instructions;
    private final Tensor[] coupling; // per instruction: C permuted to (B, A·Cd)
    private final int weightCount;
    private final int[] weightSizes;

    ChannelwiseTensorProduct(Irreps irreps1, Irreps irreps2, Irreps irrepsOut, List<Instruction> instructions) {
        this.irreps1 = irreps1;
        this.irreps2 = irreps2;
        this.irrepsOut = irrepsOut;
        this.instructions = List.copyOf(instructions);
        coupling = new Tensor[instructions.size()];
        int count = 0;
        for (int n = 0; n < instructions.size(); n++) {
            Instruction ins = instructions.get(n);
            if (irreps2.mul(ins.in2) != 1) throw new IllegalArgumentException("uvu tensor product needs multiplicity 1 in the second input, got " + irreps2.get(ins.in2));
            if (irrepsOut.mul(ins.out) != irreps1.mul(ins.in1)) throw new IllegalArgumentException("uvu output " + irrepsOut.get(ins.out) + " must have the multiplicity of " + irreps1.get(ins.in1));
            int la = irreps1.ir(ins.in1).l(), lb = irreps2.ir(ins.in2).l(), lc = irrepsOut.ir(ins.out).l();
            int a = 2 * la + 1, b = 2 * lb + 1, c = 2 * lc + 1;
            double[] w3j = Wigner3j.get(la, lb, lc);
            double[] perm = new double[w3j.length];
            for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) for (int k = 0; k < c; k++) perm[(j * a + i) * c + k] = w3j[(i * b + j) * c + k];
            coupling[n] = Tensor.of(perm, b, a * c);
            if (ins.weightOffset != count) throw new IllegalArgumentException("uvu path weights must be consecutive in path order");
            count += irreps1.mul(ins.in1);
        }
        weightCount = count;
        weightSizes = instructions.stream().mapToInt(ins -> irreps1.mul(ins.in1)).toArray();
    }

    int weightCount() { return weightCount; }

    /**
     * x and y as blocks (each (E, mul·(2l+1)), see {@link Blocks#split}), w (E, weightCount);
     * returns (E, irrepsOut.dim()).
     */
    Tensor apply(List<Tensor> xBlocks, List<Tensor> yBlocks, Tensor w) {
        int edges = w.size(0);
        Tensor[] out = new Tensor[irrepsOut.size()];
        List<Tensor> weights = Blocks.splitWeights(w, weightSizes);
        for (int n = 0; n < instructions.size(); n++) {
            Instruction ins = instructions.get(n);
            int mul = irreps1.mul(ins.in1), a = irreps1.ir(ins.in1).dim(), c = irrepsOut.ir(ins.out).dim();
            // M[e,a,c] = Σ_b C[a,b,c] y[e,b]; then Σ_a x[e,u,a] M[e,a,c] as one small matrix product per edge.
            Tensor m = yBlocks.get(ins.in2).matmul(coupling[n]).reshape(edges, a, c);
            Tensor t = xBlocks.get(ins.in1).reshape(edges, mul, a).matmul(m);
            Tensor r = t.mul(weights.get(n).mul(ins.pathWeight).unsqueeze(2)).reshape(edges, mul * c);
            out[ins.out] = out[ins.out] == null ? r : out[ins.out].add(r);
        }
        List<Tensor> parts = new ArrayList<>();
        for (int s = 0; s < out.length; s++) parts.add(out[s] == null ? Tensor.zeros(edges, irrepsOut.get(s).dim()) : out[s]);
        return Tensor.concat(parts, 1);
    }
}
