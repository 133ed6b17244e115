package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.ml.Graph;
import md.forcefields.ml.Workspace;

/**
 * {@link UvuConvolution}'s MD kernels (forward, fused backward, their parts) in float32, for a workspace
 * with {@link Workspace#float32()}. The op's inputs and outputs stay float64: node features X and pair
 * weights W are copied to float32 once per evaluation (kept for the backward pass), the coupling table T is
 * formed in float64 and rounded, and the incoming gradient once per backward pass. Products and the sums
 * inside one edge run in float32; the sum over one atom's neighbours (forward output, dX) runs in float32
 * per part and is rounded into float64 there, the parts' dX copies are added in float64; dY of one edge is
 * kept as float32 partial sums per harmonic column (over the channels, pairs and paths of the edge) whose lanes
 * are added in float64. The MD plan's energy sum and force sums are float64 outside this op.
 */
final class UvuConvolutionFloat32 {
    // float32 workspace slots (the float64 ones are the op's own); per part: 10 + 3·part (dX copy), 11 + 3·part (scratch),
    // 12 + 3·part (dY partial sums of one edge)
    private static final int F_X = 0, F_W = 1, F_T = 2, F_OUT = 3, F_GOUT = 4, F_GW = 5;
    // once-per-evaluation conversions
    private static final int INPUTS = 0, GRADIENT = 1;

    private final UvuConvolution op;
    private final UvuFloatKernels kernels = UvuFloatKernels.best();
    /** Per path: its constant factor in float32. */
    private final float[] scales;
    /** Per path: its coupling's entries C[a,b,c] in float32, ordered as {@link UvuCoupling#bEntryPair()}. */
    private final float[][] entryValues;

    UvuConvolutionFloat32(UvuConvolution op) {
        this.op = op;
        scales = new float[op.paths.length];
        entryValues = new float[op.paths.length][];
        for (int n = 0; n < scales.length; n++) {
            scales[n] = (float) op.paths[n].scale();
            double[] ev = op.paths[n].cg().bEntryValue();
            entryValues[n] = new float[ev.length];
            for (int k = 0; k < ev.length; k++) entryValues[n][k] = (float) ev[k];
        }
    }

    /** Output rows [a0, a1) (overwritten) from edges [e0, e1), which are all the edges into those atoms. */
    void forward(Graph g, Workspace ws, double[][] in, double[] out, int a0, int a1, int e0, int e1, int part) {
        int dim1 = op.irreps1().dim(), dimSh = op.irrepsSh().dim(), dimOut = op.irrepsOut().dim(), tSize = op.tSize, wc = op.weightCount();
        float[] x = ws.floats(F_X, g.atoms() * dim1), w = ws.floats(F_W, g.pairs() * wc);
        synchronized (ws) { // every part reads every row: the first part converts, the others wait
            if (ws.firstInEvaluation(INPUTS, g.evaluation())) {
                FloatGemm.round(in[UvuConvolution.X], x, 0, g.atoms() * dim1);
                FloatGemm.round(in[UvuConvolution.W], w, 0, g.pairs() * wc);
            }
        }
        double[] t64 = ws.doubles(0, g.edges() * tSize); // the float64 table too: the op's other backward modes read it
        op.fillCouplingTable(in[UvuConvolution.Y], t64, e0, e1);
        float[] t = ws.floats(F_T, g.edges() * tSize), res = ws.floats(F_OUT, g.atoms() * dimOut), acc = ws.floats(11 + 3 * part, op.scratchSize);
        FloatGemm.round(t64, t, e0 * tSize, e1 * tSize);
        Arrays.fill(res, a0 * dimOut, a1 * dimOut, 0f);
        int[] nbr = g.neighbour(), ctr = g.centre(), pairOf = g.pairOf();
        UvuConvolution.Path[] paths = op.paths;
        for (int e = e0; e < e1; e++) {
            int xr = nbr[e] * dim1, wr = pairOf[e] * wc, or = ctr[e] * dimOut;
            for (int n = 0; n < paths.length; n++) {
                UvuConvolution.Path p = paths[n];
                kernels.forward(p.cg(), p.mul(), scales[n], t, e * tSize + p.cg().tOff(), x, xr + p.xOff(), w, wr + p.wOff(), res,
                        or + p.oOff() + p.chOff(), p.oMul(), acc);
            }
        }
        for (int i = a0 * dimOut, n = a1 * dimOut; i < n; i++) out[i] = res[i];
    }

    /**
     * The fused backward of pairs [p0, p1) (both edges of each, in edge order) as part {@code part}: dW rows and dY
     * rows of those pairs directly, dX into the part's float32 copy for {@link #reduce}.
     */
    void backward(Graph g, Workspace ws, double[] gOut, double[] gy, double[] gw64, int p0, int p1, int part) {
        int dim1 = op.irreps1().dim(), dimSh = op.irrepsSh().dim(), dimOut = op.irrepsOut().dim(), tSize = op.tSize, wc = op.weightCount();
        float[] o = ws.floats(F_GOUT, g.atoms() * dimOut);
        synchronized (ws) {
            if (ws.firstInEvaluation(GRADIENT, g.evaluation())) FloatGemm.round(gOut, o, 0, g.atoms() * dimOut);
        }
        float[] x = ws.floats(F_X, 0), w = ws.floats(F_W, 0), t = ws.floats(F_T, 0);
        float[] gx = ws.floats(10 + 3 * part, g.atoms() * dim1), gw = ws.floats(F_GW, g.pairs() * wc);
        float[] pairScratch = ws.floats(11 + 3 * part, op.maxPairs * kernels.dyLanes()), dyPart = ws.floats(12 + 3 * part, dimSh * kernels.dyLanes());
        int lanes = kernels.dyLanes();
        Arrays.fill(gx, 0, g.atoms() * dim1, 0f);
        Arrays.fill(gw, p0 * wc, p1 * wc, 0f);
        int[] nbr = g.neighbour(), ctr = g.centre(), pairOf = g.pairOf();
        UvuConvolution.Path[] paths = op.paths;
        for (int e = 0, edges = g.edges(); e < edges; e++) {
            int pair = pairOf[e];
            if (pair < p0 || pair >= p1) continue;
            int xr = nbr[e] * dim1, wr = pair * wc, or = ctr[e] * dimOut;
            Arrays.fill(dyPart, 0, dimSh * lanes, 0f);
            for (int n = 0; n < paths.length; n++) {
                UvuConvolution.Path p = paths[n];
                kernels.pathBackward(p.cg(), entryValues[n], p.mul(), scales[n], t, e * tSize + p.cg().tOff(), x, xr + p.xOff(), w, wr + p.wOff(),
                        o, or + p.oOff() + p.chOff(), p.oMul(), gx, gw, dyPart, pairScratch);
            }
            for (int b = 0, yb = e * dimSh; b < dimSh; b++) { // the lanes' partial sums added in float64, in lane order
                double sum = 0;
                for (int i = b * lanes; i < (b + 1) * lanes; i++) sum += dyPart[i];
                gy[yb + b] += sum;
            }
        }
        for (int i = p0 * wc, n = p1 * wc; i < n; i++) gw64[i] += gw[i];
    }

    /** Adds the {@code copies} parts' dX copies, in part order, into atom rows of reduction part {@code part} of {@code parts}. */
    void reduce(Graph g, Workspace ws, double[] gx64, int part, int parts, int copies) {
        int dim = op.irreps1().dim();
        int i0 = md.forcefields.ml.Op.partStart(g.atoms(), part, parts) * dim, i1 = md.forcefields.ml.Op.partStart(g.atoms(), part + 1, parts) * dim;
        for (int c = 0; c < copies; c++) {
            float[] gx = ws.floats(10 + 3 * c, 0);
            for (int i = i0; i < i1; i++) gx64[i] += gx[i];
        }
    }
}
