package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Attention-weighted aggregation of per-edge values onto the receiving atoms, heads concatenated
 * (reference SE(3)-Transformer {@code GMABSE3} with reduce sum or mean):
 * <pre>
 *   o_(i,c) = w_i · Σ_(e: centre(e) = i) α_(e, head(c)) · v_(e,c),   w_i = 1 (sum) or 1/in-degree(i) (mean)
 * </pre>
 * with head(c) from {@link Fiber#headOfColumn} (head h's output lands in its own channels, so the
 * result is the concatenation of the heads). An atom without incoming edges gets 0. Inputs: weights α
 * (edges × heads, e.g. {@link SegmentSoftmax} of {@link AttentionLogits}), values (edges × dim); output
 * atoms × dim.
 */
public final class AttentionAggregate implements Op {
    private final Fiber fiber;
    private final int heads;
    private final boolean mean;
    private final int[] headOf;
    private final Tensor expand;

    public AttentionAggregate(Fiber fiber, int heads, boolean mean) {
        this.fiber = fiber;
        this.heads = heads;
        this.mean = mean;
        headOf = fiber.headOfColumn(heads);
        double[] s = new double[heads * headOf.length];
        for (int c = 0; c < headOf.length; c++) s[headOf[c] * headOf.length + c] = 1;
        expand = Tensor.of(s, heads, headOf.length);
    }

    @Override public String name() { return mean ? "attentionMean" : "attentionSum"; }

    @Override public Shape outputShape(Shape... s) {
        Ops.expect(this, s, Shape.edges(heads), Shape.edges(fiber.dim()));
        return Shape.atoms(fiber.dim());
    }

    /** 1/in-degree per atom (0 for an atom without edges) into w[0 … atoms). */
    private static void inverseDegrees(Graph g, double[] w) {
        int atoms = g.atoms();
        int[] centre = g.centre();
        Arrays.fill(w, 0, atoms, 0.0);
        for (int e = 0; e < g.edges(); e++) w[centre[e]] += 1;
        for (int a = 0; a < atoms; a++) w[a] = w[a] > 0 ? 1 / w[a] : 0;
    }

    @Override public Tensor tape(Graph g, Tensor... t) {
        int edges = g.edges(), atoms = g.atoms();
        int[] centre = g.centre().length == edges ? g.centre() : Arrays.copyOf(g.centre(), edges);
        Tensor sum = t[1].mul(t[0].matmul(expand)).indexAdd(centre, atoms);
        if (!mean) return sum;
        double[] w = new double[atoms];
        inverseDegrees(g, w);
        return sum.mul(Tensor.of(w, atoms, 1));
    }

    @Override public void forward(Graph g, Workspace ws, double[][] x, double[] o) {
        int edges = g.edges(), atoms = g.atoms(), w = headOf.length;
        int[] centre = g.centre();
        double[] a = x[0], v = x[1];
        Arrays.fill(o, 0, atoms * w, 0.0);
        for (int e = 0; e < edges; e++) {
            int vo = e * w, oo = centre[e] * w, ao = e * heads;
            for (int c = 0; c < w; c++) o[oo + c] += a[ao + headOf[c]] * v[vo + c];
        }
        if (!mean) return;
        double[] inv = ws.doubles(0, atoms);
        inverseDegrees(g, inv);
        for (int i = 0; i < atoms; i++) for (int c = 0; c < w; c++) o[i * w + c] *= inv[i];
    }

    @Override public void backward(Graph g, Workspace ws, double[][] x, double[] o, double[] gOut, double[][] gIn) {
        int edges = g.edges(), w = headOf.length;
        int[] centre = g.centre();
        double[] a = x[0], v = x[1], ga = gIn[0], gv = gIn[1], inv = mean ? ws.doubles(0, g.atoms()) : null;
        for (int e = 0; e < edges; e++) {
            int vo = e * w, oo = centre[e] * w, ao = e * heads;
            double s = mean ? inv[centre[e]] : 1;
            for (int c = 0; c < w; c++) {
                double go = s * gOut[oo + c];
                if (ga != null) ga[ao + headOf[c]] += go * v[vo + c];
                if (gv != null) gv[vo + c] += go * a[ao + headOf[c]];
            }
        }
    }

    @Override public String toString() { return name() + fiber + "x" + heads; }
}
