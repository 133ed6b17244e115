package md.forcefields.nequip.differentiable;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irrep;

/**
 * e3nn's Gate on a gate-input vector laid out as sort(S + Γ + V): output [act(S)…, V_k·act(Γ_k)…],
 * where each of the 2l+1 components of gated channel u is multiplied by act(gate u) (blocks component-major).
 */
final class Gate {
    /** A block of the unsimplified sorted gate input: its position there, channels, irrep, activation (or null). */
    record Piece(int index, int mul, Irrep ir, String activation) {}

    private final int[] sortedDims;
    private final List<Piece> scalars, gates, gated;

    /** {@code sortedDims}: the dimensions of the blocks of sort(S + Γ + V) before simplification. */
    Gate(int[] sortedDims, List<Piece> scalars, List<Piece> gates, List<Piece> gated) {
        this.sortedDims = sortedDims.clone();
        if (gates.size() != gated.size()) throw new IllegalArgumentException("one gate block per gated block");
        this.scalars = List.copyOf(scalars);
        this.gates = List.copyOf(gates);
        this.gated = List.copyOf(gated);
    }

    Tensor apply(Tensor y) {
        int rows = y.size(0);
        List<Tensor> out = new ArrayList<>(), in = y.split(1, sortedDims);
        for (Piece s : scalars) out.add(Activations.apply(s.activation(), in.get(s.index())));
        for (int k = 0; k < gated.size(); k++) {
            Piece v = gated.get(k), g = gates.get(k);
            Tensor gate = Activations.apply(g.activation(), in.get(g.index())).unsqueeze(1);
            out.add(in.get(v.index()).reshape(rows, v.ir().dim(), v.mul()).mul(gate).reshape(rows, v.mul() * v.ir().dim()));
        }
        return Tensor.concat(out, 1);
    }
}
