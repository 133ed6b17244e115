package md.forcefields.nequip.differentiable;

import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;

/** Helpers for feature tensors laid out as e3nn irreps blocks (channel-major inside a block). */
final class Blocks {
    private Blocks() {}

    /** The blocks of (rows, irreps.dim()) features, each (rows, mul·(2l+1)), as one split op. */
    static List<Tensor> split(Tensor x, Irreps irreps) {
        if (x.size(1) != irreps.dim()) throw new IllegalArgumentException("features of width " + x.size(1) + " for irreps " + irreps + " of dimension " + irreps.dim());
        int[] dims = new int[irreps.size()];
        for (int i = 0; i < dims.length; i++) dims[i] = irreps.get(i).dim();
        return x.split(1, dims);
    }

    /** Consecutive pieces of a flat weight vector with the given sizes (which must add up to its length). */
    static List<Tensor> splitWeights(Tensor w, int[] sizes) { return w.split(w.dim() - 1, sizes); }

    /**
     * out[n, w, c] = Σ_u W[u, w]·x[n, u, c] for a block x of shape (rows, U·D) and W of shape (U, W'):
     * the same channel mixing for every component of an irrep.
     */
    static Tensor mixChannels(Tensor x, int channels, int components, Tensor w) {
        if (components == 1) return x.matmul(w);
        int rows = x.size(0);
        Tensor perComponent = x.reshape(rows, channels, components).permute(0, 2, 1).matmul(w);
        return perComponent.permute(0, 2, 1).reshape(rows, -1);
    }
}
