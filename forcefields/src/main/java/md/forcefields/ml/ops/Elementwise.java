package md.forcefields.ml.ops;

import java.util.Arrays;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/** Elementwise ops, activations, dense matrix products and row sums. */
public final class Elementwise {
    private Elementwise() {}

    public static final Op ADD = new Add(), MUL = new Mul(), SUM_ROWS = new SumRows(), BROADCAST_ROWS = new BroadcastRows();

    private static int size(Graph g, Workspace ws) { return ws.outputShape().size(g); }

    /** First element of part {@code part} (whole rows of the output). */
    private static int from(Graph g, Workspace ws, int part, int parts) {
        return Op.partStart(ws.outputShape().rowCount(g), part, parts) * ws.outputWidth();
    }

    /** a + b, equal shapes. */
    private static final class Add implements Op {
        @Override public String name() { return "add"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 2);
            Ops.expect(this, in, in[0], in[0]);
            return in[0];
        }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].add(in[1]); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
        @Override public boolean parallel() { return true; }
        @Override public boolean rowLocal() { return true; }
        @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
            for (int i = from(g, ws, part, parts), n = from(g, ws, part + 1, parts); i < n; i++) out[i] = in[0][i] + in[1][i];
        }
        @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
            int i0 = from(g, ws, part, parts), n = from(g, ws, part + 1, parts);
            for (double[] gi : gIn) if (gi != null) for (int i = i0; i < n; i++) gi[i] += gOut[i];
        }
    }

    /** a·b with b of a's shape or a single column (broadcast over a's columns). */
    private static final class Mul implements Op {
        @Override public String name() { return "mul"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 2);
            if (!in[1].equals(in[0]) && !in[1].equals(in[0].withWidth(1)))
                throw new IllegalArgumentException("mul: " + in[1] + " must equal " + in[0] + " or be one column of its rows");
            return in[0];
        }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].mul(in[1]); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
        @Override public boolean parallel() { return true; }
        @Override public boolean rowLocal() { return true; }
        @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
            int rows = ws.outputShape().rowCount(g), w = ws.outputWidth(), wb = ws.width(1);
            int r0 = Op.partStart(rows, part, parts), r1 = Op.partStart(rows, part + 1, parts);
            double[] a = in[0], b = in[1];
            if (wb != 1) { for (int i = r0 * w, n = r1 * w; i < n; i++) out[i] = a[i] * b[i]; return; }
            for (int r = r0; r < r1; r++) { double br = b[r]; for (int c = r * w, n = c + w; c < n; c++) out[c] = a[c] * br; }
        }
        @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
            int rows = ws.outputShape().rowCount(g), w = ws.outputWidth(), wb = ws.width(1);
            int r0 = Op.partStart(rows, part, parts), r1 = Op.partStart(rows, part + 1, parts);
            double[] a = in[0], b = in[1], ga = gIn[0], gb = gIn[1];
            // branch-free loops per case, so the JIT vectorises them (the same sums in the same order)
            if (wb != 1) {
                if (ga != null) for (int i = r0 * w, n = r1 * w; i < n; i++) ga[i] += gOut[i] * b[i];
                if (gb != null) for (int i = r0 * w, n = r1 * w; i < n; i++) gb[i] += gOut[i] * a[i];
                return;
            }
            for (int r = r0; r < r1; r++) {
                int o = r * w;
                if (ga != null) { double br = b[r]; for (int c = 0; c < w; c++) ga[o + c] += gOut[o + c] * br; }
                if (gb != null) { double s = gb[r]; for (int c = 0; c < w; c++) s += gOut[o + c] * a[o + c]; gb[r] = s; }
            }
        }
    }

    /** c·a for a constant c. */
    public record Scale(double c) implements Op {
        @Override public String name() { return "scale"; }
        @Override public Shape outputShape(Shape... in) { Ops.expectCount(this, in, 1); return in[0]; }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].mul(c); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
        @Override public boolean parallel() { return true; }
        @Override public boolean rowLocal() { return true; }
        @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
            for (int i = from(g, ws, part, parts), n = from(g, ws, part + 1, parts); i < n; i++) out[i] = in[0][i] * c;
        }
        @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
            if (gIn[0] != null) for (int i = from(g, ws, part, parts), n = from(g, ws, part + 1, parts); i < n; i++) gIn[0][i] += gOut[i] * c;
        }
    }

    /** Scalar activation functions with their first derivatives. */
    public enum Activation {
        SILU, TANH, SIGMOID, RELU, SHIFTED_SOFTPLUS;

        private static final double LN2 = Math.log(2);

        public double value(double x) {
            return switch (this) {
                case SILU -> x / (1 + Math.exp(-x));
                case TANH -> Math.tanh(x);
                case SIGMOID -> 1 / (1 + Math.exp(-x));
                case RELU -> x > 0 ? x : 0;
                case SHIFTED_SOFTPLUS -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))) - LN2;
            };
        }

        public double derivative(double x) {
            return switch (this) {
                case SILU -> { double s = 1 / (1 + Math.exp(-x)); yield s * (1 + x * (1 - s)); }
                case TANH -> { double t = Math.tanh(x); yield 1 - t * t; }
                case SIGMOID -> { double s = 1 / (1 + Math.exp(-x)); yield s * (1 - s); }
                case RELU -> x > 0 ? 1 : 0;
                case SHIFTED_SOFTPLUS -> 1 / (1 + Math.exp(-x));
            };
        }

        Tensor tape(Tensor x) {
            return switch (this) {
                case SILU -> x.silu();
                case TANH -> x.tanh();
                case SIGMOID -> x.sigmoid();
                // relu(x) = x·(sign(x) + 1)/2 with a constant sign: derivatives of any order follow
                case RELU -> x.mul(x.sign().add(1.0).mul(0.5));
                case SHIFTED_SOFTPLUS -> x.add(x.abs()).mul(0.5).add(x.abs().neg().exp().add(1.0).log()).add(-LN2);
            };
        }

        /** By the names models use ("silu", "tanh", "sigmoid", "relu", "ssp"/"shifted_softplus"). */
        public static Activation byName(String name) {
            return switch (name.toLowerCase()) {
                case "silu", "swish" -> SILU;
                case "tanh" -> TANH;
                case "sigmoid" -> SIGMOID;
                case "relu" -> RELU;
                case "ssp", "shifted_softplus", "shiftedsoftplus" -> SHIFTED_SOFTPLUS;
                default -> throw new IllegalArgumentException("unknown activation '" + name + "' (known: silu, tanh, sigmoid, relu, ssp)");
            };
        }
    }

    /** factor·f(x) elementwise. The MD kernel keeps factor·f'(x) from the forward pass (one exp per element, not two). */
    public record Act(Activation f, double factor) implements Op {
        @Override public String name() { return f.name().toLowerCase(); }
        @Override public Shape outputShape(Shape... in) { Ops.expectCount(this, in, 1); return in[0]; }
        @Override public Tensor tape(Graph g, Tensor... in) { Tensor y = f.tape(in[0]); return factor == 1 ? y : y.mul(factor); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
        @Override public boolean parallel() { return true; }
        @Override public boolean rowLocal() { return true; }
        @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
            int i0 = from(g, ws, part, parts), n = from(g, ws, part + 1, parts);
            double[] x = in[0], d = ws.doubles(0, size(g, ws));
            if (f == Activation.SILU) {
                md.forcefields.e3nn.DenseKernels.silu(x, i0, out, i0, d, i0, factor, n - i0);
                return;
            }
            if (f == Activation.SHIFTED_SOFTPLUS) {
                md.forcefields.e3nn.DenseKernels.shiftedSoftplus(x, i0, out, i0, d, i0, factor, n - i0);
                return;
            }
            if (f == Activation.RELU) { // the same values as below, in a loop without the switch (vectorized by the JIT)
                double c = factor;
                for (int i = i0; i < n; i++) {
                    double xi = x[i];
                    out[i] = c * (xi > 0 ? xi : 0);
                    d[i] = c * (xi > 0 ? 1 : 0);
                }
                return;
            }
            for (int i = i0; i < n; i++) {
                out[i] = factor * f.value(x[i]);
                d[i] = factor * f.derivative(x[i]);
            }
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
        @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
            if (gIn[0] == null) return;
            double[] d = ws.doubles(0, size(g, ws)), gi = gIn[0];
            for (int i = from(g, ws, part, parts), n = from(g, ws, part + 1, parts); i < n; i++) gi[i] += gOut[i] * d[i];
        }
    }

    /** x·(c·W): x (rows × in), W fixed (in × out). */
    public record MatMul(double c) implements Op {
        @Override public String name() { return "matmul"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 2);
            if (in[1].rows() != Shape.Rows.FIXED || in[1].fixedRows() != in[0].width())
                throw new IllegalArgumentException("matmul: weight " + in[1] + " must be fixed with " + in[0].width() + " rows (input " + in[0] + ")");
            return in[0].withWidth(in[1].width());
        }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].matmul(c == 1 ? in[1] : in[1].mul(c)); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) { forwardPart(g, ws, in, out, 0, 1); }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) { backwardPart(g, ws, in, out, gOut, gIn, 0, 1); }
        @Override public boolean parallel() { return true; }
        @Override public boolean rowLocal() { return true; }

        /** c·W (W itself when c = 1), kept while the weights are constant. */
        private double[] scaledWeights(Workspace ws, double[] w, int size) {
            if (c == 1) return w;
            double[] cw = ws.doubles(0, size);
            synchronized (ws) { // parts share the table: the first fills it, the others wait
                if (ws.needsTable(1, 1)) for (int i = 0; i < size; i++) cw[i] = w[i] * c;
            }
            return cw;
        }

        @Override public void forwardPart(Graph g, Workspace ws, double[][] in, double[] out, int part, int parts) {
            int rows = ws.outputShape().rowCount(g), k = ws.width(0), n = ws.outputWidth();
            int r0 = Op.partStart(rows, part, parts), r1 = Op.partStart(rows, part + 1, parts);
            if (ws.float32() && MatMulFloat32.fits(n)) {
                MatMulFloat32.forward(ws, c, in[0], in[1], null, out, rows, r0, r1, k, n);
                return;
            }
            double[] w = scaledWeights(ws, in[1], k * n);
            DenseKernels.gemm(r1 - r0, n, k, 1.0, in[0], r0 * k, k, w, 0, n, out, r0 * n, n, false);
        }

        @Override public void backwardPart(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
            int rows = ws.outputShape().rowCount(g), k = ws.width(0), n = ws.outputWidth();
            int r0 = Op.partStart(rows, part, parts), r1 = Op.partStart(rows, part + 1, parts);
            boolean float32 = ws.float32() && MatMulFloat32.fits(k);
            if (gIn[0] != null && float32) MatMulFloat32.inputGradient(ws, c, in[1], gOut, gIn[0], rows, r0, r1, k, n);
            double[] w = scaledWeights(ws, in[1], k * n);
            if (gIn[0] != null && !float32) { // dX += dOut·Wᵀ with Wᵀ packed (once, when the weights are constant)
                double[] wt = ws.doubles(1, k * n);
                synchronized (ws) {
                    if (ws.needsTable(0, 1)) for (int a = 0; a < k; a++) for (int b = 0; b < n; b++) wt[b * k + a] = w[a * n + b];
                }
                DenseKernels.gemm(r1 - r0, k, n, 1.0, gOut, r0 * n, n, wt, 0, k, gIn[0], r0 * k, k, true);
            }
            if (gIn[1] != null && part == 0) // weights are shared by all rows: one part does them (not needed in MD)
                for (int r = 0; r < rows; r++)
                    for (int a = 0; a < k; a++) {
                        double x = in[0][r * k + a] * c;
                        for (int b = 0; b < n; b++) gIn[1][a * n + b] += x * gOut[r * n + b];
                    }
        }
    }

    /** Σ over rows: (rows × w) → (1 × w), graph-level. */
    private static final class SumRows implements Op {
        @Override public String name() { return "sumRows"; }
        @Override public Shape outputShape(Shape... in) { Ops.expectCount(this, in, 1); return Shape.graph(in[0].width()); }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].sum(0).reshape(1, in[0].size(1)); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int rows = ws.inputShape(0).rowCount(g), w = ws.outputWidth();
            Arrays.fill(out, 0, w, 0.0);
            for (int r = 0; r < rows; r++) for (int c = 0; c < w; c++) out[c] += in[0][r * w + c];
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int rows = ws.inputShape(0).rowCount(g), w = ws.outputWidth();
            for (int r = 0; r < rows; r++) for (int c = 0; c < w; c++) gIn[0][r * w + c] += gOut[c];
        }
    }

    /** The one row of a (1 × w) value repeated over the rows of a second value (whose values are not read). */
    private static final class BroadcastRows implements Op {
        @Override public String name() { return "broadcastRows"; }
        @Override public Shape outputShape(Shape... in) {
            Ops.expectCount(this, in, 2);
            if (in[0].rows() == Shape.Rows.FIXED ? in[0].fixedRows() != 1 : in[0].rows() != Shape.Rows.GRAPH)
                throw new IllegalArgumentException("broadcastRows needs one row, got " + in[0]);
            return in[1].withWidth(in[0].width());
        }
        @Override public Tensor tape(Graph g, Tensor... in) { return in[0].reshape(1, -1).broadcastTo(in[1].size(0), in[0].numel()); }
        @Override public void forward(Graph g, Workspace ws, double[][] in, double[] out) {
            int rows = ws.outputShape().rowCount(g), w = ws.outputWidth();
            for (int r = 0; r < rows; r++) System.arraycopy(in[0], 0, out, r * w, w);
        }
        @Override public void backward(Graph g, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
            if (gIn[0] == null) return;
            int rows = ws.outputShape().rowCount(g), w = ws.outputWidth();
            for (int r = 0; r < rows; r++) for (int c = 0; c < w; c++) gIn[0][c] += gOut[r * w + c];
        }
    }
}
