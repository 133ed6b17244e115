package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Softmax of per-edge values over the edges of each centre atom, column by column (edges × w → edges × w):
 * <pre>
 *   y_(e,c) = exp(x_(e,c) − m_(i,c)) / Σ_(e': centre(e') = i) exp(x_(e',c) − m_(i,c)),   i = centre(e)
 * </pre>
 * with m_(i,c) the largest x_(e',c) over the edges of atom i (softmax is shift-invariant, so m only keeps
 * exp from overflowing; the tape uses it as a constant). The weights of each atom's edges add up to 1 per
 * column; an atom without edges has no weights (nothing to normalise). Attention over neighbours, as
 * torch_geometric's {@code softmax(src, index)} grouped by the receiving atom.
 */
public final class SegmentSoftmax implements Op {
    /** The one instance (the op has no parameters). */
    public static final SegmentSoftmax INSTANCE = new SegmentSoftmax();

    private SegmentSoftmax() {}

    @Override public String name() { return "segmentSoftmax"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].rows() != Shape.Rows.EDGES)
            throw new IllegalArgumentException("segmentSoftmax needs per-edge values (edges x w), got " + in[0]);
        return in[0];
    }

    /** max[i·w + c] = the largest x[e·w + c] over the edges e of atom i; −∞ for an atom without edges. */
    private static void segmentMax(int edges, int atoms, int w, int[] centre, double[] x, double[] max) {
        Arrays.fill(max, 0, atoms * w, Double.NEGATIVE_INFINITY);
        for (int e = 0; e < edges; e++) {
            int a = centre[e] * w, b = e * w;
            for (int c = 0; c < w; c++) if (x[b + c] > max[a + c]) max[a + c] = x[b + c];
        }
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        Tensor x = in[0];
        int edges = g.edges(), atoms = g.atoms(), w = x.size(1);
        int[] centre = g.centre().length == edges ? g.centre() : Arrays.copyOf(g.centre(), edges);
        double[] max = new double[atoms * w];
        segmentMax(edges, atoms, w, centre, x.data(), max);
        Tensor shift = Tensor.of(max, atoms, w).indexSelect(centre); // constant (detached): no gradient
        Tensor ex = x.sub(shift).exp();
        return ex.div(ex.indexAdd(centre, atoms).indexSelect(centre));
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int edges = g.edges(), atoms = g.atoms(), w = ws.width(0);
        int[] centre = g.centre();
        double[] x = in[0], max = ws.doubles(0, atoms * w), sum = ws.zeros(1, atoms * w);
        segmentMax(edges, atoms, w, centre, x, max);
        for (int e = 0; e < edges; e++) {
            int a = centre[e] * w, b = e * w;
            for (int c = 0; c < w; c++) {
                double v = Math.exp(x[b + c] - max[a + c]);
                out[b + c] = v;
                sum[a + c] += v;
            }
        }
        for (int e = 0; e < edges; e++) {
            int a = centre[e] * w, b = e * w;
            for (int c = 0; c < w; c++) out[b + c] = out[b + c] / sum[a + c];
        }
    }

    /** dx_e = y_e·(g_e − Σ_(e' of the same centre) g_e'·y_e'), per column. */
    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int edges = g.edges(), atoms = g.atoms(), w = ws.width(0);
        int[] centre = g.centre();
        double[] dot = ws.zeros(2, atoms * w), gx = gIn[0];
        for (int e = 0; e < edges; e++) {
            int a = centre[e] * w, b = e * w;
            for (int c = 0; c < w; c++) dot[a + c] += gOut[b + c] * out[b + c];
        }
        for (int e = 0; e < edges; e++) {
            int a = centre[e] * w, b = e * w;
            for (int c = 0; c < w; c++) gx[b + c] += out[b + c] * (gOut[b + c] - dot[a + c]);
        }
    }

    @Override public String toString() { return name(); }
}
