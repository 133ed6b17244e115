package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irrep;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * e3nn's Gate on a gate-input vector laid out as sort(S + Γ + V): output [act(S)…, V_k·act(Γ_k)…],
 * where each of the 2l+1 components of gated channel u is multiplied by act(gate u) (blocks component-major).
 */
public final class Gate implements Op {
    /** A block of the unsimplified sorted gate input: its position there, channels, irrep, activation (or null). */
    public record Piece(int index, int mul, Irrep ir, String activation) {}

    private final int[] sortedDims;
    private final List<Piece> scalars, gates, gated;

    /** {@code sortedDims}: the dimensions of the blocks of sort(S + Γ + V) before simplification. */
    public Gate(int[] sortedDims, List<Piece> scalars, List<Piece> gates, List<Piece> gated) {
        this.sortedDims = sortedDims.clone();
        if (gates.size() != gated.size()) throw new IllegalArgumentException("one gate block per gated block");
        this.scalars = List.copyOf(scalars);
        this.gates = List.copyOf(gates);
        this.gated = List.copyOf(gated);
        scalarArray = scalars.toArray(new Piece[0]);
        gateArray = gates.toArray(new Piece[0]);
        gatedArray = gated.toArray(new Piece[0]);
        offsets = new int[sortedDims.length];
        for (int b = 1; b < sortedDims.length; b++) offsets[b] = offsets[b - 1] + sortedDims[b - 1];
        int in = 0, out = 0;
        for (int d : sortedDims) in += d;
        for (Piece p : scalars) out += p.mul();
        for (Piece p : gated) out += p.mul() * p.ir().dim();
        inputDim = in;
        outputDim = out;
    }

    private final int[] offsets;
    // arrays for the MD kernels: indexed loops (iterators over the lists allocate on every call)
    private final Piece[] scalarArray, gateArray, gatedArray;
    private final int inputDim, outputDim;

    @Override public String name() { return "gate"; }

    /** Scalar blocks (activated), gates and gated blocks, for accelerator kernels. */
    public List<Piece> scalars() { return scalars; }
    public List<Piece> gates() { return gates; }
    public List<Piece> gated() { return gated; }
    /** Column offset of block {@code index} of the input. */
    public int inputOffset(int index) { return offsets[index]; }
    public int inputDim() { return inputDim; }
    public int outputDim() { return outputDim; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].width() != inputDim) throw new IllegalArgumentException("gate needs " + inputDim + " columns, got " + in[0]);
        return in[0].withWidth(outputDim);
    }

    @Override public Tensor tape(Graph graph, Tensor... in) { return apply(in[0]); }

    /** a = c·f(y), da = c·f'(y) on [b, b + n) for the normalised silu or tanh. */
    private static void activate(String name, double[] y, double[] a, double[] da, int b, int n) {
        if (name.equals("silu")) {
            for (int i = b; i < b + n; i++) {
                double x = y[i], s = 1 / (1 + Math.exp(-x));
                a[i] = Activations.SILU * (x * s);
                da[i] = Activations.SILU * (s * (1 + x * (1 - s)));
            }
        } else {
            for (int i = b; i < b + n; i++) {
                double t = Math.tanh(y[i]);
                a[i] = Activations.TANH * t;
                da[i] = Activations.TANH * (1 - t * t);
            }
        }
    }

    @Override public void forward(Graph graph, Workspace ws, double[][] in, double[] out) { forwardPart(graph, ws, in, out, 0, 1); }

    @Override public void backward(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        backwardPart(graph, ws, in, out, gOut, gIn, 0, 1);
    }

    @Override public boolean parallel() { return true; }
    @Override public boolean rowLocal() { return true; }

    @Override public void forwardPart(Graph graph, Workspace ws, double[][] in, double[] out, int part, int parts) {
        int rows = ws.inputShape(0).rowCount(graph), r0 = Op.partStart(rows, part, parts), r1 = Op.partStart(rows, part + 1, parts);
        double[] y = in[0], a = ws.doubles(0, rows * inputDim), da = ws.doubles(1, rows * inputDim);
        // activations and their derivatives of every scalar and gate, once (the backward pass reuses them)
        for (int r = r0; r < r1; r++) {
            int yr = r * inputDim;
            for (Piece s : scalarArray) activate(s.activation(), y, a, da, yr + offsets[s.index()], s.mul());
            for (Piece g : gateArray) activate(g.activation(), y, a, da, yr + offsets[g.index()], g.mul());
        }
        for (int r = r0; r < r1; r++) {
            int yr = r * inputDim, o = r * outputDim;
            for (Piece s : scalarArray) {
                int b = yr + offsets[s.index()];
                for (int u = 0; u < s.mul(); u++) out[o++] = a[b + u];
            }
            for (int k = 0; k < gatedArray.length; k++) {
                Piece v = gatedArray[k], g = gateArray[k];
                int vb = yr + offsets[v.index()], gb = yr + offsets[g.index()], d = v.ir().dim(), m = v.mul();
                for (int c = 0; c < d; c++)
                    for (int u = 0; u < m; u++) out[o++] = y[vb + c * m + u] * a[gb + u];
            }
        }
    }

    @Override public void backwardPart(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
        if (gIn[0] == null) return;
        int rows = ws.inputShape(0).rowCount(graph), r0 = Op.partStart(rows, part, parts), r1 = Op.partStart(rows, part + 1, parts);
        double[] y = in[0], gy = gIn[0], act = ws.doubles(0, rows * inputDim), dAct = ws.doubles(1, rows * inputDim);
        for (int r = r0; r < r1; r++) {
            int yr = r * inputDim, o = r * outputDim;
            for (Piece s : scalarArray) {
                int b = yr + offsets[s.index()];
                for (int u = 0; u < s.mul(); u++) gy[b + u] += gOut[o++] * dAct[b + u];
            }
            for (int k = 0; k < gatedArray.length; k++) {
                Piece v = gatedArray[k], g = gateArray[k];
                int vb = yr + offsets[v.index()], gb = yr + offsets[g.index()], d = v.ir().dim(), m = v.mul();
                for (int u = 0; u < m; u++) {
                    double a = act[gb + u], da = dAct[gb + u], sum = 0;
                    for (int c = 0; c < d; c++) {
                        double go = gOut[o + c * m + u];
                        gy[vb + c * m + u] += go * a;
                        sum += go * y[vb + c * m + u];
                    }
                    gy[gb + u] += sum * da;
                }
                o += d * m;
            }
        }
    }

    public Tensor apply(Tensor y) {
        int rows = y.size(0);
        List<Tensor> out = new ArrayList<>(), in = y.split(1, sortedDims);
        for (Piece s : scalars) out.add(Activations.apply(s.activation(), in.get(s.index())));
        for (int k = 0; k < gated.size(); k++) {
            Piece v = gated.get(k), g = gates.get(k);
            Tensor gate = Activations.apply(g.activation(), in.get(g.index())).unsqueeze(1);
            out.add(in.get(v.index()).reshape(rows, v.ir().dim(), v.mul()).mul(gate).reshape(rows, v.mul() * v.ir().dim()));
        }
        return Tensor.concat(out, 1);
    }
}
