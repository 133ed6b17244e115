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
 * <p>Kernels: per edge and degree pair, the angular part T[m_out][c_in·nJ + f] = Σ_{m_in} W[m_out, m_in, f]
 * x[c_in, m_in] (scalar, the f sums written out for nJ = 1, 3, 5), then the radial contraction
 * v[c_out, m_out] += Σ_k φ[c_out][k] T[m_out][k] over k = c_in·nJ + f, the contiguous index of a φ row
 * ({@link TfnKernels}: plain Java, or the Vector API along k). The edges are taken by radial row, so the
 * two directions of a pair read their shared φ once. The forward pass keeps every edge's T in the
 * workspace for the backward pass (gφ from T, gT from φ, then gx and gW from gT in one pass). The tape is
 * the same contraction with batched matrix products.
 */
public final class TfnConvolution implements Op {
    private record Pair(int lIn, int lOut, int xOff, int cIn, int oOff, int cOut, int bOff, int nJ, int phiWidth) {}

    private final Fiber in, out;
    private final TfnBasis basis;
    private final Pair[] pairs;
    private final Shape.Rows radialRows;
    private final Blocks blocks;
    private final TfnKernels kernels;

    /**
     * A convolution from fiber {@code in} to {@code out} whose kernels come from {@code basis} (built over
     * {@code basisPairs}, {l_in, l_out} each); radial weights per unordered pair when {@code radialPerPair},
     * else per edge.
     */
    public TfnConvolution(Fiber in, Fiber out, TfnBasis basis, List<int[]> basisPairs, boolean radialPerPair) {
        this(in, out, basis, basisPairs, radialPerPair, TfnKernels.best());
    }

    /** As above with the given kernels (tests: the plain and the Vector API ones). */
    TfnConvolution(Fiber in, Fiber out, TfnBasis basis, List<int[]> basisPairs, boolean radialPerPair, TfnKernels kernels) {
        this.kernels = kernels;
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
        blocks = new Blocks(pairs);
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


    /**
     * The degree pairs as the kernels see them (index p = radial input p, runs of equal l_out): K = c_in·nJ
     * (a φ row), the offset of the pair's angular part T ([m_out][k], k = c_in·nJ + f) in an edge's T, and
     * where its output block starts.
     */
    static final class Blocks {
        final int[] k, tOff, cOut, dOut, oOff, width, runStart;
        final int tSize;

        Blocks(Pair[] pairs) {
            int n = pairs.length;
            k = new int[n]; tOff = new int[n]; cOut = new int[n]; dOut = new int[n]; oOff = new int[n]; width = new int[n];
            int[] runs = new int[n + 1];
            int t = 0, r = 0;
            for (int p = 0; p < n; p++) {
                Pair q = pairs[p];
                k[p] = q.cIn * q.nJ;
                dOut[p] = 2 * q.lOut + 1;
                cOut[p] = q.cOut;
                oOff[p] = q.oOff;
                width[p] = q.phiWidth;
                tOff[p] = t;
                t += dOut[p] * k[p];
                if (p == 0 || q.lOut != pairs[p - 1].lOut) runs[r++] = p;
            }
            runs[r] = n;
            runStart = Arrays.copyOf(runs, r + 1);
            tSize = Math.max(t, 1);
        }

        int runs() { return runStart.length - 1; }
    }

    /**
     * The edges grouped by radial row (pair, or edge for per-edge radials), ascending within a group:
     * group g has edges ws.ints(1)[start[g] … start[g+1]−1]. Returns start (ws.ints(0)).
     */
    private int[] groups(Graph g, Workspace ws) {
        int edges = g.edges();
        boolean perPair = radialRows == Shape.Rows.PAIRS;
        int rows = perPair ? g.pairs() : edges;
        int[] start = ws.ints(0, rows + 1), byGroup = ws.ints(1, Math.max(edges, 1)), pairOf = g.pairOf();
        Arrays.fill(start, 0, rows + 1, 0);
        for (int e = 0; e < edges; e++) start[(perPair ? pairOf[e] : e) + 1]++;
        for (int q = 0; q < rows; q++) start[q + 1] += start[q];
        int[] cursor = ws.ints(2, Math.max(rows, 1));
        System.arraycopy(start, 0, cursor, 0, rows);
        for (int e = 0; e < edges; e++) byGroup[cursor[perPair ? pairOf[e] : e]++] = e;
        return start;
    }

    @Override public void forward(Graph g, Workspace ws, double[][] x, double[] o) {
        int edges = g.edges(), outDim = out.dim(), rows = radialRows == Shape.Rows.PAIRS ? g.pairs() : edges;
        Arrays.fill(o, 0, edges * outDim, 0.0);
        int[] start = groups(g, ws), byGroup = ws.ints(1, 1);
        int ts = blocks.tSize;
        // every edge's angular part, kept for the backward pass
        double[] t = ws.doubles(0, Math.max(edges, 1) * ts);
        for (int q = 0; q < rows; q++)
            for (int i = start[q]; i < start[q + 1]; i += 2) {
                int e0 = byGroup[i], e1 = i + 1 < start[q + 1] ? byGroup[i + 1] : -1;
                angular(g, x, e0, t, e0 * ts);
                if (e1 >= 0) angular(g, x, e1, t, e1 * ts);
                for (int r = 0; r < blocks.runs(); r++)
                    kernels.forward(blocks, r, x, q, t, e0 * ts, e1 >= 0 ? e1 * ts : -1, o, e0 * outDim, e1 >= 0 ? e1 * outDim : -1);
            }
    }

    /**
     * The angular parts of edge e for every degree pair: T[tb + tOff_p + m_out·K + c_in·nJ + f] = Σ_{m_in} W[m_out, m_in, f]·x[c_in, m_in]
     * (nJ = 1, 3, 5 with the f sums in separate variables).
     */
    private void angular(Graph g, double[][] in, int e, double[] t, int tb) {
        double[] x = in[0], w = in[1];
        int xBase = g.neighbour()[e] * this.in.dim(), wBase = e * basis.width();
        for (int p = 0; p < pairs.length; p++) {
            Pair q = pairs[p];
            int dIn = 2 * q.lIn + 1, dOut = 2 * q.lOut + 1, nJ = q.nJ, kk = blocks.k[p], xo = xBase + q.xOff, cIn = q.cIn;
            for (int mo = 0; mo < dOut; mo++) {
                int wo = wBase + q.bOff + mo * dIn * nJ, to = tb + blocks.tOff[p] + mo * kk;
                switch (nJ) {
                    case 1 -> {
                        for (int ci = 0; ci < cIn; ci++) {
                            int xc = xo + ci * dIn;
                            double s = 0;
                            for (int mi = 0; mi < dIn; mi++) s += w[wo + mi] * x[xc + mi];
                            t[to + ci] = s;
                        }
                    }
                    case 3 -> {
                        for (int ci = 0; ci < cIn; ci++) {
                            int xc = xo + ci * dIn, tc = to + 3 * ci;
                            double s0 = 0, s1 = 0, s2 = 0;
                            for (int mi = 0, wm = wo; mi < dIn; mi++, wm += 3) {
                                double xv = x[xc + mi];
                                s0 += w[wm] * xv;
                                s1 += w[wm + 1] * xv;
                                s2 += w[wm + 2] * xv;
                            }
                            t[tc] = s0; t[tc + 1] = s1; t[tc + 2] = s2;
                        }
                    }
                    case 5 -> {
                        for (int ci = 0; ci < cIn; ci++) {
                            int xc = xo + ci * dIn, tc = to + 5 * ci;
                            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
                            for (int mi = 0, wm = wo; mi < dIn; mi++, wm += 5) {
                                double xv = x[xc + mi];
                                s0 += w[wm] * xv;
                                s1 += w[wm + 1] * xv;
                                s2 += w[wm + 2] * xv;
                                s3 += w[wm + 3] * xv;
                                s4 += w[wm + 4] * xv;
                            }
                            t[tc] = s0; t[tc + 1] = s1; t[tc + 2] = s2; t[tc + 3] = s3; t[tc + 4] = s4;
                        }
                    }
                    default -> {
                        for (int ci = 0; ci < cIn; ci++) {
                            int xc = xo + ci * dIn, tc = to + ci * nJ;
                            for (int f = 0; f < nJ; f++) {
                                double s = 0;
                                for (int mi = 0; mi < dIn; mi++) s += w[wo + mi * nJ + f] * x[xc + mi];
                                t[tc + f] = s;
                            }
                        }
                    }
                }
            }
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] x, double[] o, double[] gOut, double[][] gIn) {
        int edges = g.edges(), outDim = out.dim(), rows = radialRows == Shape.Rows.PAIRS ? g.pairs() : edges;
        double[] gx = gIn[0], gw = gIn[1];
        boolean anyPhi = false;
        for (int p = 0; p < pairs.length; p++) anyPhi |= gIn[2 + p] != null;
        boolean angularGrad = gx != null || gw != null;
        if (!anyPhi && !angularGrad) return;
        int[] start = groups(g, ws), byGroup = ws.ints(1, 1);
        int ts = blocks.tSize;
        double[] t = ws.doubles(0, Math.max(edges, 1) * ts), gt = ws.doubles(1, 2 * ts); // t: the forward pass's angular parts
        for (int q = 0; q < rows; q++)
            for (int i = start[q]; i < start[q + 1]; i += 2) {
                int e0 = byGroup[i], e1 = i + 1 < start[q + 1] ? byGroup[i + 1] : -1;
                int o0 = e0 * outDim, o1 = e1 >= 0 ? e1 * outDim : -1;
                if (anyPhi)
                    for (int p = 0; p < pairs.length; p++)
                        if (gIn[2 + p] != null) kernels.phiGrad(blocks, p, gOut, o0, o1, t, e0 * ts, e1 >= 0 ? e1 * ts : -1, gIn[2 + p], q);
                if (!angularGrad) continue;
                for (int p = 0; p < pairs.length; p++) kernels.tGrad(blocks, p, gOut, o0, o1, x[2 + p], q, gt, 0, e1 >= 0 ? ts : -1);
                angularBackward(g, x, e0, gt, 0, gx, gw);
                if (e1 >= 0) angularBackward(g, x, e1, gt, ts, gx, gw);
            }
    }

    /**
     * From gT of edge e: gx[nbr(e)][c_in, m_in] += Σ_{m_out, f} W[m_out, m_in, f]·gT[m_out, c_in, f] and
     * gW[e][m_out, m_in, f] += Σ_{c_in} gT[m_out, c_in, f]·x[c_in, m_in], both from one pass over (m_out, m_in, c_in)
     * (nJ = 1, 3, 5 with the f terms written out).
     */
    private void angularBackward(Graph g, double[][] in, int e, double[] gt, int tb, double[] gx, double[] gw) {
        double[] x = in[0], w = in[1];
        int xBase = g.neighbour()[e] * this.in.dim(), wBase = e * basis.width();
        boolean dx = gx != null, dw = gw != null;
        for (int p = 0; p < pairs.length; p++) {
            Pair q = pairs[p];
            int dIn = 2 * q.lIn + 1, dOut = 2 * q.lOut + 1, nJ = q.nJ, kk = blocks.k[p], xo = xBase + q.xOff, cIn = q.cIn;
            for (int mo = 0; mo < dOut; mo++) {
                int tm = tb + blocks.tOff[p] + mo * kk;
                for (int mi = 0; mi < dIn; mi++) {
                    int wo = wBase + q.bOff + (mo * dIn + mi) * nJ;
                    switch (nJ) {
                        case 1 -> {
                            double w0 = w[wo], a0 = 0;
                            for (int ci = 0; ci < cIn; ci++) {
                                double g0 = gt[tm + ci];
                                int xc = xo + ci * dIn + mi;
                                if (dx) gx[xc] += w0 * g0;
                                a0 += g0 * x[xc];
                            }
                            if (dw) gw[wo] += a0;
                        }
                        case 3 -> {
                            double w0 = w[wo], w1 = w[wo + 1], w2 = w[wo + 2], a0 = 0, a1 = 0, a2 = 0;
                            for (int ci = 0, tc = tm; ci < cIn; ci++, tc += 3) {
                                double g0 = gt[tc], g1 = gt[tc + 1], g2 = gt[tc + 2];
                                int xc = xo + ci * dIn + mi;
                                if (dx) gx[xc] += w0 * g0 + w1 * g1 + w2 * g2;
                                double xv = x[xc];
                                a0 += g0 * xv; a1 += g1 * xv; a2 += g2 * xv;
                            }
                            if (dw) { gw[wo] += a0; gw[wo + 1] += a1; gw[wo + 2] += a2; }
                        }
                        case 5 -> {
                            double w0 = w[wo], w1 = w[wo + 1], w2 = w[wo + 2], w3 = w[wo + 3], w4 = w[wo + 4];
                            double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
                            for (int ci = 0, tc = tm; ci < cIn; ci++, tc += 5) {
                                double g0 = gt[tc], g1 = gt[tc + 1], g2 = gt[tc + 2], g3 = gt[tc + 3], g4 = gt[tc + 4];
                                int xc = xo + ci * dIn + mi;
                                if (dx) gx[xc] += (w0 * g0 + w1 * g1) + (w2 * g2 + w3 * g3) + w4 * g4;
                                double xv = x[xc];
                                a0 += g0 * xv; a1 += g1 * xv; a2 += g2 * xv; a3 += g3 * xv; a4 += g4 * xv;
                            }
                            if (dw) { gw[wo] += a0; gw[wo + 1] += a1; gw[wo + 2] += a2; gw[wo + 3] += a3; gw[wo + 4] += a4; }
                        }
                        default -> {
                            for (int f = 0; f < nJ; f++) {
                                double wf = w[wo + f], a = 0;
                                for (int ci = 0; ci < cIn; ci++) {
                                    double gf = gt[tm + ci * nJ + f];
                                    int xc = xo + ci * dIn + mi;
                                    if (dx) gx[xc] += wf * gf;
                                    a += gf * x[xc];
                                }
                                if (dw) gw[wo + f] += a;
                            }
                        }
                    }
                }
            }
        }
    }

    @Override public String toString() { return name() + in + "->" + out; }
}
