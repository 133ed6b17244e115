package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * A constant row (graph × w), e.g. the distance 0 of the self-loops TorchMD-Net adds to its attention graph,
 * fed to the same radial ops as the real distances.
 */
public record GraphConstant(double[] values) implements Op {
    public GraphConstant {
        values = values.clone();
        for (double v : values) if (!Double.isFinite(v)) throw new IllegalArgumentException("graphConstant: non-finite value " + v);
    }

    @Override public double[] values() { return values.clone(); }

    @Override public String name() { return "graphConstant"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 0);
        return Shape.graph(values.length);
    }

    @Override public Tensor tape(Graph g, Tensor... in) { return Tensor.of(values.clone(), 1, values.length); }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { System.arraycopy(values, 0, out, 0, values.length); }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {}

    @Override public boolean equals(Object o) { return o instanceof GraphConstant c && java.util.Arrays.equals(values, c.values); }

    @Override public int hashCode() { return java.util.Arrays.hashCode(values); }

    @Override public String toString() { return "graphConstant" + java.util.Arrays.toString(values); }
}
