package md.forcefields.nequip.differentiable;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;

/** Helpers for feature tensors laid out as e3nn irreps blocks (channel-major inside a block). */
final class Blocks {
    private Blocks() {}

    /** Block {@code i} of (rows, irreps.dim()) features, as (rows, mul·(2l+1)). */
    static Tensor block(Tensor x, Irreps irreps, int i) {
        return x.slice(1, irreps.offset(i), irreps.offset(i + 1));
    }

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
