package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * A per-molecule constant shared evenly by the atoms: total/N on every atom (atoms × 1), a constant of the
 * graph. For models whose energy offset is one number per structure (GeomAtt's de-standardisation
 * E = σ·Ê + μ adds μ once, not per atom), so that the per-atom energies still add up to the total.
 */
public record PerAtomShare(double total) implements Op {
    @Override public String name() { return "perAtomShare"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 0);
        return Shape.atoms(1);
    }

    @Override public Tensor tape(Graph g, Tensor... in) { return Tensor.full(total / g.atoms(), g.atoms(), 1); }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { Arrays.fill(out, 0, g.atoms(), total / g.atoms()); }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {}
}
