package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Multi-head attention logits of the SE(3)-Transformer (reference {@code GMABSE3}): for every edge e and
 * head h, the dot product of the edge's key with the receiving atom's query over the head's features,
 * times a constant scale,
 * <pre>
 *   s_(e,h) = scale · Σ_(columns c of head h) k_(e,c) · q_(centre(e),c)
 * </pre>
 * where the columns of head h are its channels in every degree block ({@link Fiber#headOfColumn}); the
 * reference scale is 1/√(number of key features of all heads). The logit is invariant because each
 * degree block's dot product over m is. Inputs: keys (edges × dim), queries (atoms × dim); output
 * edges × heads. Bilinear; its backward is itself with the roles exchanged.
 */
public final class AttentionLogits implements Op {
    private final Fiber fiber;
    private final int heads;
    private final double scale;
    private final int[] headOf;
    private final Tensor sum;

    public AttentionLogits(Fiber fiber, int heads, double scale) {
        this.fiber = fiber;
        this.heads = heads;
        this.scale = scale;
        headOf = fiber.headOfColumn(heads);
        double[] s = new double[headOf.length * heads];
        for (int c = 0; c < headOf.length; c++) s[c * heads + headOf[c]] = scale;
        sum = Tensor.of(s, headOf.length, heads);
    }

    @Override public String name() { return "attentionLogits"; }

    @Override public Shape outputShape(Shape... s) {
        Ops.expect(this, s, Shape.edges(fiber.dim()), Shape.atoms(fiber.dim()));
        return Shape.edges(heads);
    }

    @Override public Tensor tape(Graph g, Tensor... t) {
        int[] centre = g.centre().length == g.edges() ? g.centre() : Arrays.copyOf(g.centre(), g.edges());
        return t[0].mul(t[1].indexSelect(centre)).matmul(sum);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] x, double[] o) {
        int edges = g.edges(), w = headOf.length;
        int[] centre = g.centre();
        double[] k = x[0], q = x[1];
        Arrays.fill(o, 0, edges * heads, 0.0);
        for (int e = 0; e < edges; e++) {
            int ko = e * w, qo = centre[e] * w, oo = e * heads;
            for (int c = 0; c < w; c++) o[oo + headOf[c]] += k[ko + c] * q[qo + c];
            for (int h = 0; h < heads; h++) o[oo + h] *= scale;
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] x, double[] o, double[] gOut, double[][] gIn) {
        int edges = g.edges(), w = headOf.length;
        int[] centre = g.centre();
        double[] k = x[0], q = x[1], gk = gIn[0], gq = gIn[1];
        for (int e = 0; e < edges; e++) {
            int ko = e * w, qo = centre[e] * w, go = e * heads;
            for (int c = 0; c < w; c++) {
                double gs = scale * gOut[go + headOf[c]];
                if (gk != null) gk[ko + c] += gs * q[qo + c];
                if (gq != null) gq[qo + c] += gs * k[ko + c];
            }
        }
    }

    @Override public String toString() { return name() + fiber + "x" + heads; }
}
