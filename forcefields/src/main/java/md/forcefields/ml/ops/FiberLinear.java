package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * Per-degree linear map without bias on {@link Fiber} features (channel-major blocks), the reference
 * SE(3)-Transformer's {@code G1x1SE3}: out^l[c_out, m] = Σ_{c_in} W^l[c_out, c_in] · x^l[c_in, m] for every
 * degree l of the output fiber (which must occur in the input fiber; other input degrees are ignored).
 * Inputs: x (rows × in.dim) and one weight per output degree, ascending, each (c_out × c_in) as
 * torch's {@code Linear}/{@code nn.Parameter} (out, in). Equivariant because W mixes channels only.
 * ({@link BlockLinear} is e3nn's Linear: component-major blocks and 1/√fan scaling.)
 */
public final class FiberLinear implements Op {
    private record Block(int d, int xOff, int cIn, int oOff, int cOut) {}

    private final Fiber in, out;
    private final Block[] blocks;

    public FiberLinear(Fiber in, Fiber out) {
        this.in = in;
        this.out = out;
        List<Block> b = new ArrayList<>();
        for (int o = 0; o < out.size(); o++) {
            int i = in.indexOf(out.degree(o));
            if (i < 0) throw new IllegalArgumentException("fiberLinear: output degree " + out.degree(o) + " is not in the input fiber " + in);
            b.add(new Block(2 * out.degree(o) + 1, in.offset(i), in.channels(i), out.offset(o), out.channels(o)));
        }
        blocks = b.toArray(new Block[0]);
    }

    @Override public String name() { return "fiberLinear"; }

    @Override public Shape outputShape(Shape... s) {
        Ops.expectCount(this, s, 1 + blocks.length);
        if (s[0].width() != in.dim()) throw new IllegalArgumentException("fiberLinear: input " + s[0] + " must have " + in.dim() + " columns (fiber " + in + ")");
        for (int k = 0; k < blocks.length; k++)
            if (!s[1 + k].equals(Shape.fixed(blocks[k].cOut, blocks[k].cIn)))
                throw new IllegalArgumentException("fiberLinear: weight of degree " + out.degree(k) + " must be " + Shape.fixed(blocks[k].cOut, blocks[k].cIn) + ", got " + s[1 + k]);
        return s[0].withWidth(out.dim());
    }

    @Override public Tensor tape(Graph g, Tensor... t) {
        int rows = t[0].size(0);
        List<Tensor> parts = new ArrayList<>();
        for (int k = 0; k < blocks.length; k++) {
            Block b = blocks[k];
            Tensor x = t[0].slice(1, b.xOff, b.xOff + b.cIn * b.d).reshape(rows, b.cIn, b.d);
            parts.add(t[1 + k].reshape(b.cOut, b.cIn).matmul(x).reshape(rows, b.cOut * b.d));
        }
        return Tensor.concat(parts, 1);
    }

    @Override public void forward(Graph g, Workspace ws, double[][] x, double[] o) {
        int rows = ws.outputShape().rowCount(g), iw = in.dim(), ow = out.dim();
        for (int k = 0; k < blocks.length; k++) {
            Block b = blocks[k];
            double[] w = x[1 + k];
            for (int r = 0; r < rows; r++) {
                int xo = r * iw + b.xOff, oo = r * ow + b.oOff;
                for (int co = 0; co < b.cOut; co++)
                    for (int m = 0; m < b.d; m++) {
                        double s = 0;
                        for (int ci = 0; ci < b.cIn; ci++) s += w[co * b.cIn + ci] * x[0][xo + ci * b.d + m];
                        o[oo + co * b.d + m] = s;
                    }
            }
        }
    }

    @Override public void backward(Graph g, Workspace ws, double[][] x, double[] o, double[] gOut, double[][] gIn) {
        int rows = ws.outputShape().rowCount(g), iw = in.dim(), ow = out.dim();
        for (int k = 0; k < blocks.length; k++) {
            Block b = blocks[k];
            double[] w = x[1 + k], gw = gIn[1 + k], gx = gIn[0];
            for (int r = 0; r < rows; r++) {
                int xo = r * iw + b.xOff, oo = r * ow + b.oOff;
                if (gx != null)
                    for (int ci = 0; ci < b.cIn; ci++)
                        for (int m = 0; m < b.d; m++) {
                            double s = 0;
                            for (int co = 0; co < b.cOut; co++) s += w[co * b.cIn + ci] * gOut[oo + co * b.d + m];
                            gx[xo + ci * b.d + m] += s;
                        }
                if (gw != null)
                    for (int co = 0; co < b.cOut; co++)
                        for (int ci = 0; ci < b.cIn; ci++) {
                            double s = 0;
                            for (int m = 0; m < b.d; m++) s += gOut[oo + co * b.d + m] * x[0][xo + ci * b.d + m];
                            gw[co * b.cIn + ci] += s;
                        }
            }
        }
    }

    @Override public String toString() { return name() + in + "->" + out; }
}
