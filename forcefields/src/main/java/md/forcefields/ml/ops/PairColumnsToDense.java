package md.forcefields.ml.ops;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * {@link PairsToDense} of columns {@code start} … {@code end − 1} of a wider per-pair value (pairs × W, 1 × (end − start)
 * diagonal → atomPairs × (end − start)): {@link SliceColumns} and {@link PairsToDense} in one pass, for models that
 * compute many pair functions in one product and use them separately (GeomAtt's overlaps).
 */
public record PairColumnsToDense(int start, int end) implements Op {
    public PairColumnsToDense {
        if (start < 0 || end <= start) throw new IllegalArgumentException("pairColumnsToDense needs 0 <= start < end, got [" + start + ", " + end + ")");
    }

    @Override public String name() { return "pairColumnsToDense"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 2);
        if (in[0].rows() != Shape.Rows.PAIRS || in[0].width() < end)
            throw new IllegalArgumentException(name() + " [" + start + ", " + end + ") needs per-pair values of at least " + end + " columns, got " + in[0]);
        if (!in[1].equals(Shape.fixed(1, end - start)))
            throw new IllegalArgumentException(name() + ": the diagonal must be 1 x " + (end - start) + ", got " + in[1]);
        return Shape.atomPairs(end - start);
    }

    @Override public Tensor tape(Graph g, Tensor... in) { return PairsToDense.INSTANCE.tape(g, in[0].slice(1, start, end), in[1]); }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int n = g.atoms(), wide = ws.width(0), w = end - start;
        int[] index = PairsToDense.denseIndex(g, ws.ints(0, n * n));
        for (int s = 0; s < n * n; s++) {
            int p = index[s];
            if (p < 0) System.arraycopy(in[1], 0, out, s * w, w);
            else System.arraycopy(in[0], p * wide + start, out, s * w, w);
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int n = g.atoms(), wide = ws.width(0), w = end - start;
        int[] index = ws.ints(0, n * n); // written by this call's forward
        for (int s = 0; s < n * n; s++) {
            int p = index[s];
            double[] target = p < 0 ? gIn[1] : gIn[0];
            if (target == null) continue;
            int t = p < 0 ? 0 : p * wide + start;
            for (int c = 0; c < w; c++) target[t + c] += gOut[s * w + c];
        }
    }
}
