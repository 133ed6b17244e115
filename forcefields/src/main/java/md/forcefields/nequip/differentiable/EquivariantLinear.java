package md.forcefields.nequip.differentiable;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;

/**
 * e3nn's {@code Linear} without biases: one path for every (input block i, output block j) of the same
 * irrep, ordered i then j; the flat weight concatenates one (mul_i × mul_j) matrix per path, and each
 * output block is scaled by 1/√(Σ mul_i over its paths).
 */
final class EquivariantLinear {
    private record Path(int in, int out) {}

    private final Irreps irrepsIn, irrepsOut;
    private final List<Path> paths = new ArrayList<>();
    private final int[] fanIn;
    private final int weightCount;
    private final int[] pathSizes;

    EquivariantLinear(Irreps irrepsIn, Irreps irrepsOut) {
        this.irrepsIn = irrepsIn;
        this.irrepsOut = irrepsOut;
        fanIn = new int[irrepsOut.size()];
        int offset = 0;
        for (int i = 0; i < irrepsIn.size(); i++)
            for (int j = 0; j < irrepsOut.size(); j++)
                if (irrepsIn.ir(i).equals(irrepsOut.ir(j))) {
                    paths.add(new Path(i, j));
                    offset += irrepsIn.mul(i) * irrepsOut.mul(j);
                    fanIn[j] += irrepsIn.mul(i);
                }
        weightCount = offset;
        pathSizes = paths.stream().mapToInt(p -> irrepsIn.mul(p.in) * irrepsOut.mul(p.out)).toArray();
    }

    int weightCount() { return weightCount; }

    Tensor apply(Tensor x, Tensor weight) {
        if (weight.numel() != weightCount)
            throw new IllegalArgumentException("Linear " + irrepsIn + " -> " + irrepsOut + " needs " + weightCount + " weights, got " + weight.numel());
        int rows = x.size(0);
        Tensor[] out = new Tensor[irrepsOut.size()];
        List<Tensor> blocks = Blocks.split(x, irrepsIn), weights = Blocks.splitWeights(weight, pathSizes);
        for (int n = 0; n < paths.size(); n++) {
            Path p = paths.get(n);
            int mulIn = irrepsIn.mul(p.in), mulOut = irrepsOut.mul(p.out);
            Tensor w = weights.get(n).reshape(mulIn, mulOut);
            Tensor y = Blocks.mixChannels(blocks.get(p.in), mulIn, irrepsIn.ir(p.in).dim(), w);
            out[p.out] = out[p.out] == null ? y : out[p.out].add(y);
        }
        List<Tensor> parts = new ArrayList<>();
        for (int j = 0; j < out.length; j++)
            parts.add(out[j] == null ? Tensor.zeros(rows, irrepsOut.get(j).dim()) : out[j].mul(1.0 / Math.sqrt(fanIn[j])));
        return Tensor.concat(parts, 1);
    }
}
