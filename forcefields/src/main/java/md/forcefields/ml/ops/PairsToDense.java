package md.forcefields.ml.ops;

import java.util.Arrays;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * A symmetric dense pair value from per-pair rows and one diagonal row: out[n·N + m] = out[m·N + n] = the row
 * of the pair {n, m}, out[n·N + n] = the diagonal row (pairs × w, 1 × w → atomPairs × w). For models whose
 * pair functions depend on |r| only and whose sums run over every atom, the diagonal (r = 0) included
 * (GeomAtt). The graph must hold every unordered pair of its atoms exactly once with no periodic shift:
 * what a complete graph of an isolated molecule (cutoff +∞) gives; anything else is refused, since a missing
 * pair would silently change a model that has no cutoff.
 */
public final class PairsToDense implements Op {
    public static final PairsToDense INSTANCE = new PairsToDense();

    private PairsToDense() {}

    @Override public String name() { return "pairsToDense"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 2);
        if (in[0].rows() != Shape.Rows.PAIRS) throw new IllegalArgumentException(name() + " needs per-pair values, got " + in[0]);
        if (!in[1].equals(Shape.fixed(1, in[0].width())))
            throw new IllegalArgumentException(name() + ": the diagonal must be 1 x " + in[0].width() + ", got " + in[1]);
        return Shape.atomPairs(in[0].width());
    }

    /**
     * index[n·N + m] = the pair of atoms n ≠ m, −1 on the diagonal, written into {@code index} (N² long at least);
     * IllegalArgumentException unless the graph is complete (see the class comment).
     */
    static int[] denseIndex(Graph g, int[] index) {
        int n = g.atoms(), pairs = g.pairs();
        if (pairs != n * (n - 1) / 2)
            throw new IllegalArgumentException("a dense pair model needs all " + n * (n - 1) / 2 + " pairs of the " + n + " atoms (no cutoff), but the graph has "
                    + pairs + " pairs; build the graph with cutoff +infinity (all pairs of an isolated molecule)");
        Arrays.fill(index, 0, n * n, -2);
        for (int a = 0; a < n; a++) index[a * n + a] = -1;
        int[] rep = g.pairEdge(), ctr = g.centre(), nbr = g.neighbour();
        double[] shifts = g.shifts();
        for (int p = 0; p < pairs; p++) {
            int e = rep[p], i = ctr[e], j = nbr[e];
            if (shifts[3 * e] != 0 || shifts[3 * e + 1] != 0 || shifts[3 * e + 2] != 0)
                throw new IllegalArgumentException("a dense pair model is for isolated molecules: pair " + i + "-" + j + " joins a periodic image");
            if (index[i * n + j] != -2)
                throw new IllegalArgumentException("a dense pair model needs each pair of atoms once, but atoms " + i + " and " + j + " are joined twice");
            index[i * n + j] = p;
            index[j * n + i] = p;
        }
        return index;
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        int n = g.atoms(), pairs = g.pairs();
        int[] index = denseIndex(g, new int[n * n]);
        for (int s = 0; s < index.length; s++) if (index[s] < 0) index[s] = pairs; // the diagonal row follows the pairs
        return Tensor.concat(List.of(in[0], in[1].reshape(1, -1)), 0).indexSelect(index);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int n = g.atoms(), w = ws.width(0);
        int[] index = denseIndex(g, ws.ints(0, n * n));
        for (int s = 0; s < n * n; s++) {
            int p = index[s];
            if (p < 0) System.arraycopy(in[1], 0, out, s * w, w);
            else System.arraycopy(in[0], p * w, out, s * w, w);
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int n = g.atoms(), w = ws.width(0);
        int[] index = ws.ints(0, n * n); // written by this call's forward
        for (int s = 0; s < n * n; s++) {
            int p = index[s];
            double[] target = p < 0 ? gIn[1] : gIn[0];
            if (target == null) continue;
            int t = p < 0 ? 0 : p * w;
            for (int c = 0; c < w; c++) target[t + c] += gOut[s * w + c];
        }
    }
}
