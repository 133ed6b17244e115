package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/** Ops that move values between the atoms, edges and pairs of the {@link Graph}, or read its species. */
public final class GraphOps {
    private GraphOps() {}

    public static final Op PAIR_LENGTHS = new Lengths(true), EDGE_LENGTHS = new Lengths(false);
    public static final Op GATHER_NEIGHBOUR = new Gather(true), GATHER_CENTRE = new Gather(false);
    public static final Op PAIRS_TO_EDGES = new PairsToEdges(), SCATTER_TO_CENTRE = new ScatterToCentre();
    public static final Op SPECIES_AFFINE = new SpeciesAffine();

    /** One-hot species (atoms × numTypes); a constant of the graph. */
    public record SpeciesOneHot(int numTypes) implements Op {
        @Override public String name() { return "speciesOneHot"; }
        @Override public Shape outputShape(Shape... in) { Ops.expectCount(this, in, 0); return Shape.atoms(numTypes); }
        @Override public Tensor tape(Graph g, Tensor... in) {
            double[] d = new double[g.atoms() * numTypes];
            forward(g, null, new double[0][], d);
            return Tensor.of(d, g.atoms(), numTypes);
        }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int[] t = g.species();
            Arrays.fill(out, 0, g.atoms() * numTypes, 0.0);
            for (int a = 0; a < g.atoms(); a++) {
                if (t[a] < 0 || t[a] >= numTypes) throw new IllegalArgumentException("atom " + a + " has type " + t[a] + ", model has " + numTypes);
                out[a * numTypes + t[a]] = 1;
            }
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {}
    }

    /** |r| per pair (of the pair's representative edge) or per edge, from edge vectors (edges × 3). */
    private record Lengths(boolean perPair) implements Op {
        @Override public String name() { return perPair ? "pairLengths" : "edgeLengths"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expect(this, in, Shape.edges(3));
            return perPair ? Shape.pairs(1) : Shape.edges(1);
        }
        @Override public Tensor tape(Graph g, Tensor... in) {
            Tensor v = perPair ? in[0].indexSelect(g.pairEdge()) : in[0];
            return v.square().sum(1).sqrt().reshape(v.size(0), 1);
        }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            double[] v = in[0];
            int n = perPair ? g.pairs() : g.edges();
            int[] pe = g.pairEdge();
            for (int k = 0; k < n; k++) {
                int e = perPair ? pe[k] : k;
                double x = v[3 * e], y = v[3 * e + 1], z = v[3 * e + 2];
                out[k] = Math.sqrt(x * x + y * y + z * z);
            }
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            double[] v = in[0], gv = gIn[0];
            int n = perPair ? g.pairs() : g.edges();
            int[] pe = g.pairEdge();
            for (int k = 0; k < n; k++) {
                int e = perPair ? pe[k] : k;
                double s = gOut[k] / out[k];
                gv[3 * e] += s * v[3 * e];
                gv[3 * e + 1] += s * v[3 * e + 1];
                gv[3 * e + 2] += s * v[3 * e + 2];
            }
        }
    }

    /** Atom rows at each edge's neighbour or centre (atoms × w → edges × w). */
    private record Gather(boolean neighbour) implements Op {
        @Override public String name() { return neighbour ? "gatherNeighbour" : "gatherCentre"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 1);
            if (in[0].rows() != Shape.Rows.ATOMS) throw new IllegalArgumentException(name() + " needs per-atom values, got " + in[0]);
            return Shape.edges(in[0].width());
        }
        private int[] index(Graph g) { return neighbour ? g.neighbour() : g.centre(); }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].indexSelect(index(g)); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int w = ws.width(0);
            int[] idx = index(g);
            for (int e = 0; e < g.edges(); e++) System.arraycopy(in[0], idx[e] * w, out, e * w, w);
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int w = ws.width(0);
            int[] idx = index(g);
            for (int e = 0; e < g.edges(); e++) {
                int a = idx[e] * w, b = e * w;
                for (int c = 0; c < w; c++) gIn[0][a + c] += gOut[b + c];
            }
        }
    }

    /** Pair rows copied to both directed edges (pairs × w → edges × w). */
    private static final class PairsToEdges implements Op {
        @Override public String name() { return "pairsToEdges"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 1);
            if (in[0].rows() != Shape.Rows.PAIRS) throw new IllegalArgumentException(name() + " needs per-pair values, got " + in[0]);
            return Shape.edges(in[0].width());
        }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].indexSelect(g.pairOf()); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int w = ws.width(0);
            int[] po = g.pairOf();
            for (int e = 0; e < g.edges(); e++) System.arraycopy(in[0], po[e] * w, out, e * w, w);
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int w = ws.width(0);
            int[] po = g.pairOf();
            for (int e = 0; e < g.edges(); e++) for (int c = 0; c < w; c++) gIn[0][po[e] * w + c] += gOut[e * w + c];
        }
    }

    /** Σ of edge rows into their centre atoms (edges × w → atoms × w). */
    private static final class ScatterToCentre implements Op {
        @Override public String name() { return "scatterToCentre"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 1);
            if (in[0].rows() != Shape.Rows.EDGES) throw new IllegalArgumentException(name() + " needs per-edge values, got " + in[0]);
            return Shape.atoms(in[0].width());
        }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].indexAdd(g.centre(), g.atoms()); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int w = ws.width(0);
            Arrays.fill(out, 0, g.atoms() * w, 0.0);
            int[] c = g.centre();
            for (int e = 0; e < g.edges(); e++) for (int k = 0; k < w; k++) out[c[e] * w + k] += in[0][e * w + k];
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int w = ws.width(0);
            int[] c = g.centre();
            for (int e = 0; e < g.edges(); e++) for (int k = 0; k < w; k++) gIn[0][e * w + k] += gOut[c[e] * w + k];
        }
    }

    /** x·scales[type] + shifts[type] for per-atom x (atoms × 1), scales and shifts (1 × numTypes). */
    private static final class SpeciesAffine implements Op {
        @Override public String name() { return "speciesAffine"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 3);
            if (!in[0].equals(Shape.atoms(1)) || in[1].rows() != Shape.Rows.FIXED || !in[1].equals(in[2]))
                throw new IllegalArgumentException("speciesAffine needs atoms x 1 values and equal-shaped fixed scales and shifts, got " + Arrays.toString(in));
            return in[0];
        }
        @Override public Tensor tape(Graph g, Tensor... in) {
            int n = g.atoms();
            Tensor s = in[1].reshape(-1).indexSelect(g.species()).reshape(n, 1), b = in[2].reshape(-1).indexSelect(g.species()).reshape(n, 1);
            return in[0].mul(s).add(b);
        }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int[] t = g.species();
            for (int a = 0; a < g.atoms(); a++) out[a] = in[0][a] * in[1][t[a]] + in[2][t[a]];
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            int[] t = g.species();
            for (int a = 0; a < g.atoms(); a++) {
                if (gIn[0] != null) gIn[0][a] += gOut[a] * in[1][t[a]];
                if (gIn[1] != null) gIn[1][t[a]] += gOut[a] * in[0][a];
                if (gIn[2] != null) gIn[2][t[a]] += gOut[a];
            }
        }
    }
}
