package md.forcefields.nequip.differentiable;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;

/**
 * The self-connection: e3nn's {@code FullyConnectedTensorProduct} of node features x with the scalar
 * node attributes A (one-hot species, {@code numAttrs}x0e). Paths 'uvw' for every input block i and
 * output block k of the same irrep (order i, then k), weight block (mul_i, numAttrs, mul_k) row-major;
 * sc_k[w,c] = Σ_paths (1/√fan_k) Σ_uv W[u,v,w] x_i[u,c] A[v], fan_k = Σ_paths mul_i·numAttrs.
 */
final class SelfConnection {
    private record Path(int in, int out) {}

    private final Irreps irrepsIn, irrepsOut;
    private final int numAttrs;
    private final List<Path> paths = new ArrayList<>();
    private final int[] fanIn;
    private final int weightCount;
    private final int[] pathSizes;

    SelfConnection(Irreps irrepsIn, int numAttrs, Irreps irrepsOut) {
        this.irrepsIn = irrepsIn;
        this.irrepsOut = irrepsOut;
        this.numAttrs = numAttrs;
        fanIn = new int[irrepsOut.size()];
        int offset = 0;
        for (int i = 0; i < irrepsIn.size(); i++)
            for (int k = 0; k < irrepsOut.size(); k++)
                if (irrepsIn.ir(i).equals(irrepsOut.ir(k))) {
                    paths.add(new Path(i, k));
                    offset += irrepsIn.mul(i) * numAttrs * irrepsOut.mul(k);
                    fanIn[k] += irrepsIn.mul(i) * numAttrs;
                }
        weightCount = offset;
        pathSizes = paths.stream().mapToInt(p -> irrepsIn.mul(p.in) * numAttrs * irrepsOut.mul(p.out)).toArray();
    }

    int weightCount() { return weightCount; }

    /** x (N, irrepsIn.dim()), attrs (N, numAttrs). */
    Tensor apply(Tensor x, Tensor attrs, Tensor weight) {
        if (weight.numel() != weightCount)
            throw new IllegalArgumentException("self-connection " + irrepsIn + " x " + numAttrs + "x0e -> " + irrepsOut + " needs " + weightCount + " weights, got " + weight.numel());
        int rows = x.size(0);
        Tensor[] out = new Tensor[irrepsOut.size()];
        List<Tensor> blocks = Blocks.split(x, irrepsIn), weights = Blocks.splitWeights(weight, pathSizes);
        for (int n = 0; n < paths.size(); n++) {
            Path p = paths.get(n);
            int mulIn = irrepsIn.mul(p.in), mulOut = irrepsOut.mul(p.out), d = irrepsIn.ir(p.in).dim();
            // z[n, (u,v), c] = x[n,u,c]·A[n,v]: the attributes become extra input channels.
            Tensor z = blocks.get(p.in).reshape(rows, mulIn, 1, d)
                    .mul(attrs.reshape(rows, 1, numAttrs, 1)).reshape(rows, mulIn * numAttrs * d);
            Tensor w = weights.get(n).reshape(mulIn * numAttrs, mulOut);
            Tensor y = Blocks.mixChannels(z, mulIn * numAttrs, d, w);
            out[p.out] = out[p.out] == null ? y : out[p.out].add(y);
        }
        List<Tensor> parts = new ArrayList<>();
        for (int k = 0; k < out.length; k++)
            parts.add(out[k] == null ? Tensor.zeros(rows, irrepsOut.get(k).dim()) : out[k].mul(1.0 / Math.sqrt(fanIn[k])));
        return Tensor.concat(parts, 1);
    }
}
