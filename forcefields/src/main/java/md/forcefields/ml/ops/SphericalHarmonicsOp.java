package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.SphericalHarmonics;
import md.forcefields.e3nn.Wigner3j;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Edge spherical harmonics [Y^0, …, Y^lmax] of (unnormalised) vectors in e3nn's basis and 'component'
 * normalisation, written in differentiable ops so that forces and their derivatives follow.
 *
 * <p>Same recursion as {@link md.forcefields.e3nn.SphericalHarmonics}: Y^{l+1}_c = k_l Σ_ab
 * C^{l,1,l+1}[a,b,c] Y^l_a u_b with u = v/|v|, here as one matrix product per degree.
 */
public final class SphericalHarmonicsOp implements Op {
    private final int lmax;
    /** Per l ≥ 1: the recursion matrix k_l·C^{l,1,l+1} reshaped to ((2l+1)·3, 2l+3). */
    private final Tensor[] step;

    public SphericalHarmonicsOp(int lmax) {
        this.lmax = lmax;
        makeKernel = () -> new SphericalHarmonics(lmax);
        step = new Tensor[Math.max(lmax, 1)];
        double[] y = {Math.sqrt(3) * 0.36, Math.sqrt(3) * -0.48, Math.sqrt(3) * 0.8}; // Y^1 of a unit test direction
        double[] u = {0.36, -0.48, 0.8};
        for (int l = 1; l < lmax; l++) {
            double[] c = Wigner3j.get(l, 1, l + 1);
            int d = 2 * l + 1, d3 = 2 * l + 3;
            double[] next = new double[d3];
            for (int a = 0; a < d; a++) for (int b = 0; b < 3; b++) for (int k = 0; k < d3; k++) next[k] += c[(a * 3 + b) * d3 + k] * y[a] * u[b];
            double norm2 = 0;
            for (double v : next) norm2 += v * v;
            // The recursion preserves |Y| on the sphere up to this constant: rescale so |Y^{l+1}|² = 2l+3.
            double k = Math.sqrt(d3 / norm2);
            double[] m = c.clone();
            for (int i = 0; i < m.length; i++) m[i] *= k;
            step[l] = Tensor.of(m, d * 3, d3);
            for (int i = 0; i < d3; i++) next[i] *= k;
            y = next;
        }
    }

    public int dim() { return (lmax + 1) * (lmax + 1); }

    public int lmax() { return lmax; }

    /** Makes the per-workspace evaluator (a field: a capturing lambda in the kernel would allocate every call). */
    private final java.util.function.Supplier<SphericalHarmonics> makeKernel;

    @Override public String name() { return "sphericalHarmonics"; }

    @Override public Shape outputShape(Shape... in) {
        Ops.expectCount(this, in, 1);
        if (in[0].width() != 3) throw new IllegalArgumentException("sphericalHarmonics needs vectors (3 columns), got " + in[0]);
        return in[0].withWidth(dim());
    }

    @Override public Tensor tape(Graph graph, Tensor... in) { return Tensor.concat(apply(in[0]), 1); }

    // MD kernels: e3nn.SphericalHarmonics (same recursion, same basis) gives values and dY/dv together;
    // the gradient table is kept for the backward pass.
    @Override public void forward(Graph graph, Workspace ws, double[][] in, double[] out) { forwardPart(graph, ws, in, out, 0, 1); }

    @Override public void backward(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn) {
        backwardPart(graph, ws, in, out, gOut, gIn, 0, 1);
    }

    @Override public boolean parallel() { return true; }
    @Override public boolean rowLocal() { return true; }

    @Override public void forwardPart(Graph graph, Workspace ws, double[][] in, double[] out, int part, int parts) {
        int rows = ws.inputShape(0).rowCount(graph), d = dim();
        SphericalHarmonics sh = ws.object(part, makeKernel); // it has scratch inside: one per part
        double[] grad = ws.doubles(0, rows * 3 * d), v = in[0];
        for (int e = Op.partStart(rows, part, parts), e1 = Op.partStart(rows, part + 1, parts); e < e1; e++) sh.evaluate(v[3 * e], v[3 * e + 1], v[3 * e + 2], out, e * d, grad, 3 * e * d);
    }

    @Override public void backwardPart(Graph graph, Workspace ws, double[][] in, double[] out, double[] gOut, double[][] gIn, int part, int parts) {
        if (gIn[0] == null) return;
        int rows = ws.inputShape(0).rowCount(graph), d = dim();
        double[] grad = ws.doubles(0, rows * 3 * d), gv = gIn[0];
        for (int e = Op.partStart(rows, part, parts), e1 = Op.partStart(rows, part + 1, parts); e < e1; e++) {
            double sx = 0, sy = 0, sz = 0;
            for (int c = 0, go = 3 * e * d; c < d; c++) {
                double g = gOut[e * d + c];
                sx += g * grad[go + 3 * c];
                sy += g * grad[go + 3 * c + 1];
                sz += g * grad[go + 3 * c + 2];
            }
            gv[3 * e] += sx;
            gv[3 * e + 1] += sy;
            gv[3 * e + 2] += sz;
        }
    }

    /** (E, 3) edge vectors to the blocks Y^0 … Y^lmax, each (E, 2l+1). */
    public List<Tensor> apply(Tensor vectors) {
        int edges = vectors.size(0);
        List<Tensor> blocks = new ArrayList<>();
        blocks.add(Tensor.ones(edges, 1));
        if (lmax >= 1) {
            Tensor length = vectors.square().sum(1).sqrt().unsqueeze(1);
            Tensor u = vectors.div(length);
            Tensor y = u.mul(Math.sqrt(3));
            blocks.add(y);
            for (int l = 1; l < lmax; l++) {
                Tensor outer = y.unsqueeze(2).mul(u.unsqueeze(1)).reshape(edges, (2 * l + 1) * 3);
                y = outer.matmul(step[l]);
                blocks.add(y);
            }
        }
        return blocks;
    }
}
