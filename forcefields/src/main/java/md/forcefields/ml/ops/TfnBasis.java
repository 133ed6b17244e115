package md.forcefields.ml.ops;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * The Tensor-Field-Network basis kernels of the SE(3)-Transformer for a list of degree pairs
 * (l_in → l_out), from the edge spherical harmonics:
 * <pre>
 *   W_J^{l_out l_in}(u)[m_out, m_in] = Σ_M Q_J^{l_out l_in}[(m_out, m_in), M] · Y_{J,M}(u),   J = |l_in − l_out| … l_in + l_out
 * </pre>
 * with the reference implementation's spherical harmonics and Q_J ({@link TfnClebschGordan}). Input: the
 * edge harmonics Y^0 … Y^{Jmax} of {@link SphericalHarmonicsOp} (e3nn basis, 'component' normalisation;
 * edges × (Jmax+1)²). Output (edges × Σ_pairs (2l_out+1)(2l_in+1)·nJ): per pair, in the given order, the
 * block [m_out][m_in][f] row-major with f = J − |l_in − l_out| (the fixture's {@code basis.l_in,l_out}).
 *
 * <p>The map is linear and constant: the change of harmonic basis is folded into Q, so each output column
 * reads the 2J+1 harmonics of its J. Its backward is the transposed map (any order).
 */
public final class TfnBasis implements Op {
    private final int[][] pairs;
    private final int jMax, shDim, width;
    private final int[] pairOffset;
    /** Per output column: first input column (J²) and 2J+1 coefficients at coef[col·stride …]. */
    private final int[] colStart, colLen;
    private final double[] coef;
    private final int stride;
    private final Tensor dense;

    /** Pairs {l_in, l_out}; signs of Q per pair ({@link TfnClebschGordan#REFERENCE_SIGNS} for the reference). */
    public TfnBasis(List<int[]> pairs, Map<String, int[]> signs) {
        this.pairs = pairs.stream().map(int[]::clone).toArray(int[][]::new);
        int jm = 0, w = 0;
        pairOffset = new int[this.pairs.length + 1];
        for (int p = 0; p < this.pairs.length; p++) {
            int li = this.pairs[p][0], lo = this.pairs[p][1];
            jm = Math.max(jm, li + lo);
            pairOffset[p] = w;
            w += (2 * lo + 1) * (2 * li + 1) * (2 * Math.min(li, lo) + 1);
        }
        pairOffset[this.pairs.length] = w;
        jMax = jm;
        shDim = (jm + 1) * (jm + 1);
        width = w;
        stride = 2 * jm + 1;
        colStart = new int[w];
        colLen = new int[w];
        coef = new double[w * stride];
        double[] b = new double[shDim * w];
        double inv = 1 / Math.sqrt(4 * Math.PI);
        for (int p = 0; p < this.pairs.length; p++) {
            int li = this.pairs[p][0], lo = this.pairs[p][1], dIn = 2 * li + 1, dOut = 2 * lo + 1, j0 = Math.abs(li - lo), nJ = 2 * Math.min(li, lo) + 1;
            for (int f = 0; f < nJ; f++) {
                int j = j0 + f, dJ = 2 * j + 1;
                double[] q = TfnClebschGordan.q(j, li, lo, signs), o = TfnClebschGordan.toReference(j);
                for (int mo = 0; mo < dOut; mo++)
                    for (int mi = 0; mi < dIn; mi++) {
                        int col = pairOffset[p] + (mo * dIn + mi) * nJ + f;
                        colStart[col] = j * j;
                        colLen[col] = dJ;
                        for (int k = 0; k < dJ; k++) {
                            double s = 0;
                            for (int m = 0; m < dJ; m++) s += q[(mo * dIn + mi) * dJ + m] * o[m * dJ + k];
                            coef[col * stride + k] = s * inv;
                            b[(j * j + k) * w + col] = s * inv;
                        }
                    }
            }
        }
        dense = Tensor.of(b, shDim, w);
    }

    /** The largest J (the harmonics this op needs: {@code new SphericalHarmonicsOp(jMax())}). */
    public int jMax() { return jMax; }

    /** First output column of pair p. */
    public int offset(int p) { return pairOffset[p]; }

    public int width() { return width; }

    @Override public String name() { return "tfnBasis"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].width() != shDim) throw new IllegalArgumentException("tfnBasis needs spherical harmonics up to J = " + jMax + " (" + shDim + " columns), got " + in[0]);
        return in[0].withWidth(width);
    }

    @Override public Tensor tape(Graph g, Tensor... in) { return in[0].matmul(dense); }

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int rows = ws.inputShape(0).rowCount(g);
        double[] y = in[0];
        for (int e = 0; e < rows; e++) {
            int yo = e * shDim, oo = e * width;
            for (int col = 0; col < width; col++) {
                int s = yo + colStart[col], c = col * stride;
                double v = 0;
                for (int k = 0, n = colLen[col]; k < n; k++) v += coef[c + k] * y[s + k];
                out[oo + col] = v;
            }
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        if (gIn[0] == null) return;
        int rows = ws.inputShape(0).rowCount(g);
        double[] gy = gIn[0];
        for (int e = 0; e < rows; e++) {
            int yo = e * shDim, oo = e * width;
            for (int col = 0; col < width; col++) {
                double go = gOut[oo + col];
                if (go == 0) continue;
                int s = yo + colStart[col], c = col * stride;
                for (int k = 0, n = colLen[col]; k < n; k++) gy[s + k] += coef[c + k] * go;
            }
        }
    }

    @Override public String toString() { return name() + Arrays.deepToString(pairs); }
}
