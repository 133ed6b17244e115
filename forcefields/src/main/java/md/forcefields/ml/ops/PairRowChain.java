package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * A link of a chain through intermediate atoms ({@link PairChainProduct}, or with {@code contract} the last link
 * {@link PairChainContraction}(c)) whose right factor Y, and optionally its left factor X, are symmetric pair values
 * read straight from the rows of a wider per-pair value: Y[i, j] = Y[j, i] = columns {@code yStart} …
 * {@code yStart + width − 1} of the row of the pair {i, j}, Y[i, i] = a diagonal row; the same for X unless
 * {@code denseX} (then X is a dense atomPairs × width value). The function is that of {@link PairColumnsToDense}
 * followed by the chain op, without the dense N² × width copies of the factors or of their gradients (GeomAtt's
 * overlaps: every factor of every layer is a slice of one wide product, see {@link GaussianGridLinear}).
 *
 * <p>Inputs: X dense: (X atomPairs × width, wide pairs × M, Y's diagonal 1 × width); X from the rows: (wide,
 * X's diagonal, wide, Y's diagonal), the wide value twice. The MD kernels (Vector API, up to
 * {@link PairChainProduct#DIRECT_MAX_ATOMS} atoms) address every operand through a table of row offsets
 * (atom pair → row of the wide value or of the dense value, −1 for the diagonal row), so the gradients of the
 * factors go straight into the wide value's gradient; beyond, or without the Vector API, the factors are expanded
 * into workspace copies and the dense ops' kernels run. The tape is the composition of the unfused ops
 * (differentiable to any order).
 */
public record PairRowChain(boolean denseX, int xStart, int yStart, int width, boolean contract, double c) implements Op {
    public PairRowChain {
        if (width < 1 || yStart < 0 || (!denseX && xStart < 0))
            throw new IllegalArgumentException("pairRowChain needs width >= 1 and column starts >= 0, got width " + width + ", starts " + xStart + ", " + yStart);
    }

    /** The chain product X·Y (per feature) with X dense and Y from columns {@code yStart} … of the rows. */
    public static PairRowChain product(int yStart, int width) { return new PairRowChain(true, 0, yStart, width, false, 1); }

    /** The chain product X·Y with both factors from the rows. */
    public static PairRowChain product(int xStart, int yStart, int width) { return new PairRowChain(false, xStart, yStart, width, false, 1); }

    /** c·Σ_f (X·Y)[·, ·, f] with X dense. */
    public static PairRowChain contraction(int yStart, int width, double c) { return new PairRowChain(true, 0, yStart, width, true, c); }

    /** c·Σ_f (X·Y)[·, ·, f] with both factors from the rows. */
    public static PairRowChain contraction(int xStart, int yStart, int width, double c) { return new PairRowChain(false, xStart, yStart, width, true, c); }

    @Override public String name() { return contract ? "pairRowChainContraction" : "pairRowChainProduct"; }

    private int yInput() { return denseX ? 1 : 2; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, denseX ? 3 : 4);
        if (denseX) {
            if (!in[0].equals(Shape.atomPairs(width))) throw new IllegalArgumentException(name() + ": X must be a dense pair value of width " + width + ", got " + in[0]);
        } else {
            expectRows(in[0], in[1], xStart, "X");
        }
        expectRows(in[yInput()], in[yInput() + 1], yStart, "Y");
        return Shape.atomPairs(contract ? 1 : width);
    }

    private void expectRows(Shape wide, Shape diagonal, int start, String which) {
        if (wide.rows() != Shape.Rows.PAIRS || wide.width() < start + width)
            throw new IllegalArgumentException(name() + ": " + which + " needs per-pair values of at least " + (start + width) + " columns, got " + wide);
        if (!diagonal.equals(Shape.fixed(1, width)))
            throw new IllegalArgumentException(name() + ": " + which + "'s diagonal must be 1 x " + width + ", got " + diagonal);
    }

    @Override public Tensor tape(Graph g, Tensor... in) {
        Tensor x = denseX ? in[0] : new PairColumnsToDense(xStart, xStart + width).tape(g, in[0], in[1]);
        Tensor y = new PairColumnsToDense(yStart, yStart + width).tape(g, in[yInput()], in[yInput() + 1]);
        return contract ? new PairChainContraction(c).tape(g, x, y) : PairChainProduct.PLAIN.tape(g, x, y);
    }

    private boolean direct(int n) { return DenseKernels.VECTORIZED && n <= PairChainProduct.DIRECT_MAX_ATOMS; }

    // Workspace: ints 0 = the dense index (pair or −1), 1 = X's row offsets, 2 = X's offsets transposed, 3 = Y's
    // offsets, 4 = the identity offsets (s·width); doubles 0 = lane sums, 1 = a sink for diagonal gradients nobody
    // needs, 2 = c·∂C, 3 = (c·∂C)ᵀ, 10, 11 = X, Y dense and 12 = a dense gradient where copies(); the expanding
    // route: doubles 4, 5 = X, Y dense, 6, 7 = their gradients, objects 0 = the dense op's workspace.

    @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
        int n = g.atoms(), nn = n * n, w = width, wy = ws.width(yInput());
        int[] index = PairsToDense.denseIndex(g, ws.ints(0, nn));
        if (!direct(n)) {
            double[] x = denseX ? in[0] : expand(index, n, in[0], ws.width(0), xStart, in[1], ws.doubles(4, nn * w));
            double[] y = expand(index, n, in[yInput()], wy, yStart, in[yInput() + 1], ws.doubles(5, nn * w));
            denseOp().forward(g, denseWorkspace(ws), new double[][] {x, y}, out);
            return;
        }
        int[] xm = ws.ints(1, nn), xt = ws.ints(2, nn), ym = ws.ints(3, nn), id = ws.ints(4, nn);
        for (int s = 0; s < nn; s++) {
            id[s] = s * w;
            int p = index[s];
            ym[s] = p < 0 ? -1 : p * wy + yStart;
        }
        if (denseX) {
            for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) { xm[a * n + b] = (a * n + b) * w; xt[a * n + b] = (b * n + a) * w; }
        } else {
            int wx = ws.width(0);
            for (int s = 0; s < nn; s++) { int p = index[s]; xm[s] = xt[s] = p < 0 ? -1 : p * wx + xStart; }
        }
        double[] xd = in[0], xdiag = denseX ? null : in[1], yd = in[yInput()], ydiag = in[yInput() + 1];
        if (contract && copies()) { // dense copies (Y symmetric: its rows are its columns), then dot products of rows
            double[] x = denseX ? xd : expand(index, n, xd, ws.width(0), xStart, xdiag, ws.doubles(10, nn * w));
            double[] y = expand(index, n, yd, wy, yStart, ydiag, ws.doubles(11, nn * w));
            PairRowChainKernels.denseContraction(n, w, c, x, y, out, ws.doubles(0, PairRowChainKernels.contractionScratch()));
        } else if (contract) {
            PairRowChainKernels.contraction(n, w, c, xd, xdiag, xm, yd, ydiag, ym, out, ws.doubles(0, PairRowChainKernels.contractionScratch()));
        } else if (copies()) { // both factors from the rows: dense copies, then the table-free kernel
            double[] x = expand(index, n, xd, ws.width(0), xStart, xdiag, ws.doubles(10, nn * w));
            double[] y = expand(index, n, yd, wy, yStart, ydiag, ws.doubles(11, nn * w));
            PairRowChainKernels.denseProduct(n, w, x, y, out);
        } else {
            Arrays.fill(out, 0, nn * w, 0.0);
            PairRowChainKernels.product(n, w, xd, xdiag, xm, yd, ydiag, ym, out, null, id);
        }
    }

    /**
     * Whether the MD kernels run on dense copies of the factors from the rows (whole vectors of features only; for a
     * product, both factors from the rows):
     * {@link PairRowChainKernels#denseProduct} is about twice as fast per multiply-add as the kernels on the rows, and
     * the N² × width copies (and, backward, the folds of the dense gradients into the rows) cost a fraction of that;
     * the contraction's forward runs as dot products of dense rows and its gradients read the same copies (their
     * outputs still go straight into the rows).
     */
    private boolean copies() { return (contract || !denseX) && width % PairRowChainKernels.lanes() == 0; }

    /** Whether the contraction's gradients run on the forward's dense copies ({@link PairRowChainKernels#weightedRowsDense}). */
    private boolean denseGradients() { return copies() && width % (4 * PairRowChainKernels.lanes()) == 0; }

    @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        int n = g.atoms(), nn = n * n, w = width, yi = yInput();
        int[] index = ws.ints(0, nn); // written by this call's forward
        // the wide gradients, or a sink when only a diagonal's gradient is asked for
        double[] gx = gIn[0] != null || (!denseX && gIn[1] != null) ? gIn[0] : null, gy = gIn[yi];
        if (gx == null && !denseX && gIn[1] != null) gx = ws.doubles(8, in[0].length);
        if (gy == null && gIn[yi + 1] != null) gy = ws.doubles(9, in[yi].length);
        if (gx == null && gy == null) return;
        if (!direct(n)) {
            double[] x = denseX ? in[0] : ws.doubles(4, nn * w), y = ws.doubles(5, nn * w); // the forward's copies
            double[] dx = gx == null ? null : denseX ? gx : ws.zeros(6, nn * w), dy = gy == null ? null : ws.zeros(7, nn * w);
            denseOp().backward(g, denseWorkspace(ws), new double[][] {x, y}, out, gOut, new double[][] {dx, dy});
            if (dx != null && !denseX) fold(index, n, dx, gx, ws.width(0), xStart, gIn[1]);
            if (dy != null) fold(index, n, dy, gy, ws.width(yi), yStart, gIn[yi + 1]);
            return;
        }
        int[] xm = ws.ints(1, nn), xt = ws.ints(2, nn), ym = ws.ints(3, nn), id = ws.ints(4, nn);
        double[] xd = in[0], xdiag = denseX ? null : in[1], yd = in[yi], ydiag = in[yi + 1], sink = ws.doubles(1, w);
        double[] gxDiag = denseX ? null : gIn[1] != null ? gIn[1] : sink, gyDiag = gIn[yi + 1] != null ? gIn[yi + 1] : sink;
        if (contract) {
            double[] gc = ws.doubles(2, nn), gct = ws.doubles(3, nn);
            for (int a = 0; a < n; a++)
                for (int j = 0; j < n; j++) {
                    gc[a * n + j] = c * gOut[a * n + j];
                    gct[j * n + a] = gc[a * n + j];
                }
            // ∂X[a, i] += Σ_j c·∂C[a, j]·Y[i, j];  ∂Y[i, j] += Σ_a c·∂C[a, j]·X[a, i] (Y symmetric: its offsets transposed are its own)
            if (denseGradients()) { // on the forward's dense copies (X dense or its copy, read transposed for ∂Y)
                double[] x = denseX ? xd : ws.doubles(10, nn * w), y = ws.doubles(11, nn * w);
                if (gx != null) PairRowChainKernels.weightedRowsDense(n, w, gc, y, n * w, w, gx, gxDiag, xm);
                if (gy != null) PairRowChainKernels.weightedRowsDense(n, w, gct, x, w, n * w, gy, gyDiag, ym);
            } else {
                if (gx != null) PairRowChainKernels.weightedRows(n, w, gc, yd, ydiag, ym, gx, gxDiag, xm);
                if (gy != null) PairRowChainKernels.weightedRows(n, w, gct, xd, xdiag, xt, gy, gyDiag, ym);
            }
        } else if (copies()) {
            // the forward's copies; X and Y symmetric: ∂X(a, i) = Σ_j ∂Z(a, j)·Y(j, i), ∂Y(i, j) = Σ_a X(i, a)·∂Z(a, j)
            double[] x = ws.doubles(10, nn * w), y = ws.doubles(11, nn * w);
            if (gx != null) {
                double[] dx = ws.doubles(12, nn * w);
                PairRowChainKernels.denseProduct(n, w, gOut, y, dx);
                fold(index, n, dx, gx, ws.width(0), xStart, gIn[1]);
            }
            if (gy != null) {
                double[] dy = ws.doubles(12, nn * w);
                PairRowChainKernels.denseProduct(n, w, x, gOut, dy);
                fold(index, n, dy, gy, ws.width(yi), yStart, gIn[yi + 1]);
            }
        } else {
            // ∂X += ∂Z·Yᵀ, ∂Y += Xᵀ·∂Z (Y symmetric)
            if (gx != null) PairRowChainKernels.product(n, w, gOut, null, id, yd, ydiag, ym, gx, gxDiag, xm);
            if (gy != null) PairRowChainKernels.product(n, w, xd, xdiag, xt, gOut, null, id, gy, gyDiag, ym);
        }
    }

    private Op denseOp() { return contract ? new PairChainContraction(c) : PairChainProduct.PLAIN; }

    private Workspace denseWorkspace(Workspace ws) {
        return ws.object(0, () -> {
            Shape[] shapes = {Shape.atomPairs(width), Shape.atomPairs(width)};
            return new Workspace(shapes, denseOp().outputShape(shapes));
        });
    }

    /** The dense copy of columns start … start + width − 1 of the rows (and the diagonal row), into {@code out}. */
    private double[] expand(int[] index, int n, double[] wide, int wideWidth, int start, double[] diagonal, double[] out) {
        for (int s = 0; s < n * n; s++) {
            int p = index[s];
            if (p < 0) System.arraycopy(diagonal, 0, out, s * width, width);
            else System.arraycopy(wide, p * wideWidth + start, out, s * width, width);
        }
        return out;
    }

    /** Adds a dense gradient into the rows' columns (both orders of a pair into its row) and the diagonal's. */
    private void fold(int[] index, int n, double[] dense, double[] wide, int wideWidth, int start, double[] diagonal) {
        if (DenseKernels.VECTORIZED && width % PairRowChainKernels.lanes() == 0) {
            PairRowChainKernels.foldRows(index, n, width, dense, wide, wideWidth, start, diagonal);
            return;
        }
        for (int s = 0; s < n * n; s++) {
            int p = index[s];
            double[] target = p < 0 ? diagonal : wide;
            if (target == null) continue;
            int t = p < 0 ? 0 : p * wideWidth + start;
            for (int f = 0; f < width; f++) target[t + f] += dense[s * width + f];
        }
    }
}
