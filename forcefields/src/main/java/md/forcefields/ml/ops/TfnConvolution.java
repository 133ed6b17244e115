package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The Tensor-Field-Network convolution of the SE(3)-Transformer (reference {@code GConvSE3Partial}): the
 * per-edge message from the sender's features, not summed over edges,
 * <pre>
 *   v_e^{l_out}[c_out, m_out] = Σ_{l_in} Σ_{c_in, m_in, f} φ_e^{l_in l_out}[c_out, c_in, f] · W_f^{l_out l_in}(u_e)[m_out, m_in] · x_{nbr(e)}^{l_in}[c_in, m_in]
 * </pre>
 * Inputs: x (atoms × in.dim, {@link Fiber} layout), the basis kernels ({@link TfnBasis}; edges × its
 * width, which must contain every pair used here), and one radial weight block φ per pair, ordered
 * l_out ascending, then l_in ascending, each (edges or pairs × c_out·c_in·nJ, flat (c_out·c_in + c_in)·nJ + f
 * as the reference's radial MLP output); per-pair rows (the two edges of a pair have the same length)
 * are read through {@code pairOf}. Output: edges × out.dim.
 *
 * <p>Kernels: per edge and pair, t[c_in, m_out, f] = Σ_{m_in} W[m_out, m_in, f] x[c_in, m_in] (the cheap
 * angular contraction), then v[c_out, m_out] += Σ_{c_in, f} φ[c_out, c_in, f] t[c_in, m_out, f]; the
 * backward recomputes t. The tape is the same contraction with batched matrix products.
 */
public final class TfnConvolution implements Op {
    private record Pair(int lIn, int lOut, int xOff, int cIn, int oOff, int cOut, int bOff, int nJ, int phiWidth) {}

    private final Fiber in, out;
    private final TfnBasis basis;
    private final Pair[] pairs;
    private final Shape.Rows radialRows;

    /**
     * A convolution from fiber {@code in} to {@code out} whose kernels come from {@code basis} (built over
     * {@code basisPairs}, {l_in, l_out} each); radial weights per unordered pair when {@code radialPerPair},
     * else per edge.
     */
    public TfnConvolution(Fiber in, Fiber out, TfnBasis basis, List<int[]> basisPairs, boolean radialPerPair) {
        this.radialRows = radialPerPair ? Shape.Rows.PAIRS : Shape.Rows.EDGES;
        this.in = in;
        this.out = out;
        this.basis = basis;
        List<Pair> list = new ArrayList<>();
        for (int o = 0; o < out.size(); o++)
            for (int i = 0; i < in.size(); i++) {
                int li = in.degree(i), lo = out.degree(o), nJ = 2 * Math.min(li, lo) + 1;
                int p = indexOf(basisPairs, li, lo);
                if (p < 0) throw new IllegalArgumentException("tfnConvolution: the basis has no kernel for l_in " + li + " -> l_out " + lo);
                list.add(new Pair(li, lo, in.offset(i), in.channels(i), out.offset(o), out.channels(o), basis.offset(p), nJ, out.channels(o) * in.channels(i) * nJ));
            }
        pairs = list.toArray(new Pair[0]);
    }

    private static int indexOf(List<int[]> pairs, int li, int lo) {
        for (int p = 0; p < pairs.size(); p++) if (pairs.get(p)[0] == li && pairs.get(p)[1] == lo) return p;
        return -1;
    }

    /** Number of radial inputs (= degree pairs), in input order. */
    public int pairCount() { return pairs.length; }
    /** {l_in, l_out} of radial input k. */
    public int[] pair(int k) { return new int[] {pairs[k].lIn, pairs[k].lOut}; }
    /** Width of radial input k: c_out·c_in·nJ. */
    public int radialWidth(int k) { return pairs[k].phiWidth; }

    @Override public String name() { return "tfnConvolution"; }

    @Override public Shape outputShape(Shape... s) {
        Ops.expectCount(this, s, 2 + pairs.length);
        if (!s[0].equals(Shape.atoms(in.dim()))) throw new IllegalArgumentException("tfnConvolution: features " + s[0] + " must be " + Shape.atoms(in.dim()) + " (fiber " + in + ")");
        if (!s[1].equals(Shape.edges(basis.width()))) throw new IllegalArgumentException("tfnConvolution: basis " + s[1] + " must be " + Shape.edges(basis.width()));
        for (int k = 0; k < pairs.length; k++) {
            Shape r = s[2 + k];
            if (r.rows() != radialRows || r.width() != pairs[k].phiWidth)
                throw new IllegalArgumentException("tfnConvolution: radial weights of l_in " + pairs[k].lIn + " -> l_out " + pairs[k].lOut + " must be "
                        + radialRows.name().toLowerCase() + " x " + pairs[k].phiWidth + ", got " + r);
        }
        return Shape.edges(out.dim());
    }

    private static int[] head(int[] a, int n) { return a.length == n ? a : Arrays.copyOf(a, n); }

    @Override public Tensor tape(Graph g, Tensor... t) {
        int edges = g.edges();
        int[] nbr = head(g.neighbour(), edges), pairOf = head(g.pairOf(), edges);
        Tensor xs = t[0].indexSelect(nbr);
        Tensor[] blocks = new Tensor[out.size()];
        for (int k = 0; k < pairs.length; k++) {
            Pair p = pairs[k];
            int dIn = 2 * p.lIn + 1, dOut = 2 * p.lOut + 1;
            Tensor x = xs.slice(1, p.xOff, p.xOff + p.cIn * dIn).reshape(edges, p.cIn, dIn);
            Tensor w = t[1].slice(1, p.bOff, p.bOff + dOut * dIn * p.nJ).reshape(edges, dOut, dIn, p.nJ).permute(0, 2, 1, 3).reshape(edges, dIn, dOut * p.nJ);
            Tensor ang = x.matmul(w).reshape(edges, p.cIn, dOut, p.nJ).permute(0, 1, 3, 2).reshape(edges, p.cIn * p.nJ, dOut);
            Tensor phi = radialRows == Shape.Rows.PAIRS ? t[2 + k].indexSelect(pairOf) : t[2 + k];
            Tensor v = phi.reshape(edges, p.cOut, p.cIn * p.nJ).matmul(ang).reshape(edges, p.cOut * dOut);
            int o = out.indexOf(p.lOut);
            blocks[o] = blocks[o] == null ? v : blocks[o].add(v);
        }
        return Tensor.concat(Arrays.asList(blocks), 1);
    }


    @Override public void forward(Graph g, Workspace ws, double[][] x, double[] o) {
        int edges = g.edges(), inDim = in.dim(), outDim = out.dim(), bw = basis.width();
        int[] nbr = g.neighbour(), pairOf = g.pairOf();
        Arrays.fill(o, 0, edges * outDim, 0.0);
        double[] t = ws.doubles(0, scratch());
        for (int k = 0; k < pairs.length; k++) {
            Pair p = pairs[k];
            boolean perPair = radialRows == Shape.Rows.PAIRS;
            double[] phi = x[2 + k];
            int dIn = 2 * p.lIn + 1, dOut = 2 * p.lOut + 1, nJ = p.nJ;
            for (int e = 0; e < edges; e++) {
                int xo = nbr[e] * inDim + p.xOff, bo = e * bw + p.bOff, po = (perPair ? pairOf[e] : e) * p.phiWidth, oo = e * outDim + p.oOff;
                angular(x[0], xo, x[1], bo, p.cIn, dIn, dOut, nJ, t);
                for (int co = 0; co < p.cOut; co++)
                    for (int mo = 0; mo < dOut; mo++) {
                        double s = 0;
                        for (int ci = 0; ci < p.cIn; ci++) {
                            int fo = po + (co * p.cIn + ci) * nJ, to = (ci * dOut + mo) * nJ;
                            for (int f = 0; f < nJ; f++) s += phi[fo + f] * t[to + f];
                        }
                        o[oo + co * dOut + mo] += s;
                    }
            }
        }
    }

    private int scratch() {
        int n = 1;
        for (Pair p : pairs) n = Math.max(n, p.cIn * (2 * p.lOut + 1) * p.nJ);
        return n;
    }

    /** t[(c_in·dOut + m_out)·nJ + f] = Σ_{m_in} W[m_out, m_in, f] x[c_in, m_in]. */
    private static void angular(double[] x, int xo, double[] w, int bo, int cIn, int dIn, int dOut, int nJ, double[] t) {
        for (int ci = 0; ci < cIn; ci++)
            for (int mo = 0; mo < dOut; mo++)
                for (int f = 0; f < nJ; f++) {
                    double s = 0;
                    for (int mi = 0; mi < dIn; mi++) s += w[bo + (mo * dIn + mi) * nJ + f] * x[xo + ci * dIn + mi];
                    t[(ci * dOut + mo) * nJ + f] = s;
                }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] x, double[] o, double[] gOut, double[][] gIn) {
        int edges = g.edges(), inDim = in.dim(), outDim = out.dim(), bw = basis.width();
        int[] nbr = g.neighbour(), pairOf = g.pairOf();
        int n = scratch();
        double[] t = ws.doubles(0, n), gt = ws.doubles(1, n);
        double[] gx = gIn[0], gw = gIn[1];
        for (int k = 0; k < pairs.length; k++) {
            Pair p = pairs[k];
            boolean perPair = radialRows == Shape.Rows.PAIRS;
            double[] phi = x[2 + k], gphi = gIn[2 + k];
            int dIn = 2 * p.lIn + 1, dOut = 2 * p.lOut + 1, nJ = p.nJ;
            for (int e = 0; e < edges; e++) {
                int xo = nbr[e] * inDim + p.xOff, bo = e * bw + p.bOff, po = (perPair ? pairOf[e] : e) * p.phiWidth, oo = e * outDim + p.oOff;
                if (gphi != null || gx != null || gw != null) angular(x[0], xo, x[1], bo, p.cIn, dIn, dOut, nJ, t);
                if (gphi != null)
                    for (int co = 0; co < p.cOut; co++)
                        for (int ci = 0; ci < p.cIn; ci++)
                            for (int f = 0; f < nJ; f++) {
                                double s = 0;
                                for (int mo = 0; mo < dOut; mo++) s += gOut[oo + co * dOut + mo] * t[(ci * dOut + mo) * nJ + f];
                                gphi[po + (co * p.cIn + ci) * nJ + f] += s;
                            }
                if (gx == null && gw == null) continue;
                for (int ci = 0; ci < p.cIn; ci++)
                    for (int mo = 0; mo < dOut; mo++)
                        for (int f = 0; f < nJ; f++) {
                            double s = 0;
                            for (int co = 0; co < p.cOut; co++) s += gOut[oo + co * dOut + mo] * phi[po + (co * p.cIn + ci) * nJ + f];
                            gt[(ci * dOut + mo) * nJ + f] = s;
                        }
                if (gx != null)
                    for (int ci = 0; ci < p.cIn; ci++)
                        for (int mi = 0; mi < dIn; mi++) {
                            double s = 0;
                            for (int mo = 0; mo < dOut; mo++)
                                for (int f = 0; f < nJ; f++) s += x[1][bo + (mo * dIn + mi) * nJ + f] * gt[(ci * dOut + mo) * nJ + f];
                            gx[xo + ci * dIn + mi] += s;
                        }
                if (gw != null)
                    for (int mo = 0; mo < dOut; mo++)
                        for (int mi = 0; mi < dIn; mi++)
                            for (int f = 0; f < nJ; f++) {
                                double s = 0;
                                for (int ci = 0; ci < p.cIn; ci++) s += gt[(ci * dOut + mo) * nJ + f] * x[0][xo + ci * dIn + mi];
                                gw[bo + (mo * dIn + mi) * nJ + f] += s;
                            }
            }
        }
    }

    @Override public String toString() { return name() + in + "->" + out; }
}
