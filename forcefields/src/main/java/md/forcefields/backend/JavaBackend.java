package md.forcefields.backend;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.DenseKernels;
import md.forcefields.e3nn.FullyConnectedNet;
import md.forcefields.e3nn.FullyConnectedTensorProduct;
import md.forcefields.e3nn.Gate;
import md.forcefields.e3nn.Linear;
import md.forcefields.e3nn.SphericalHarmonics;
import md.forcefields.e3nn.TensorProductUvu;

/**
 * The reference backend: host arrays and the e3nn kernels themselves ({@link Linear},
 * {@link TensorProductUvu}, {@link Gate}, ...), which use the Vector API when the JVM has
 * {@code jdk.incubator.vector} and plain loops otherwise. Single-threaded.
 */
public final class JavaBackend implements KernelBackend {

    record Reals(double[] a) implements RealBuffer { public int length() { return a.length; } }
    record Ints(int[] a) implements IntBuffer { public int length() { return a.length; } }

    static double[] a(RealBuffer b) { return ((Reals) b).a(); }
    static int[] a(IntBuffer b) { return ((Ints) b).a(); }

    private final Map<Integer, SphericalHarmonics> harmonics = new HashMap<>();

    @Override public String name() { return "java"; }

    @Override public String deviceName() {
        return "JVM " + Runtime.version() + (DenseKernels.VECTORIZED ? ", Vector API" : ", scalar (no jdk.incubator.vector)");
    }

    @Override public RealBuffer reals(int length) { return new Reals(new double[length]); }
    @Override public IntBuffer ints(int length) { return new Ints(new int[length]); }
    @Override public void release(Object buffer) {}
    @Override public void write(RealBuffer dst, double[] src, int n) { System.arraycopy(src, 0, a(dst), 0, n); }
    @Override public void write(IntBuffer dst, int[] src, int n) { System.arraycopy(src, 0, a(dst), 0, n); }
    @Override public void read(RealBuffer src, double[] dst, int n) { System.arraycopy(a(src), 0, dst, 0, n); }
    @Override public void zero(RealBuffer b, int n) { Arrays.fill(a(b), 0, n, 0.0); }

    @Override public void addInto(RealBuffer src, RealBuffer dst, int n) {
        double[] s = a(src), d = a(dst);
        for (int i = 0; i < n; i++) d[i] += s[i];
    }

    @Override public void pairGeometry(EdgeGraph g, RealBuffer positions, RadialBasis basis,
                                       RealBuffer vec, RealBuffer len, RealBuffer emb, RealBuffer dEmbDr) {
        int[] pi = a(g.pairI()), pj = a(g.pairJ());
        double[] x = a(positions), shift = a(g.pairShift()), v = a(vec), r = a(len), em = a(emb), de = a(dEmbDr);
        int nb = basis.size();
        for (int p = 0; p < g.pairs(); p++) {
            int i = pi[p], j = pj[p];
            for (int k = 0; k < 3; k++) v[3 * p + k] = x[3 * j + k] + shift[3 * p + k] - x[3 * i + k];
            r[p] = Math.sqrt(v[3 * p] * v[3 * p] + v[3 * p + 1] * v[3 * p + 1] + v[3 * p + 2] * v[3 * p + 2]);
            basis.evaluate(r[p], em, de, p * nb);
        }
    }

    @Override public void sphericalHarmonics(EdgeGraph g, int lmax, double rMax, RealBuffer vec, RealBuffer len,
                                             RealBuffer y, RealBuffer yGrad) {
        SphericalHarmonics sh = harmonics.computeIfAbsent(lmax, SphericalHarmonics::new);
        int dim = SphericalHarmonics.dim(lmax);
        int[] ep = a(g.edgePair()), side = a(g.edgeSide());
        double[] v = a(vec), r = a(len), ys = a(y), gs = a(yGrad);
        for (int e = 0; e < g.edges(); e++) {
            int p = ep[e];
            if (!(r[p] > 0 && r[p] < rMax)) {
                Arrays.fill(ys, e * dim, (e + 1) * dim, 0.0);
                Arrays.fill(gs, 3 * e * dim, 3 * (e + 1) * dim, 0.0);
                continue;
            }
            double s = side[e] == 0 ? 1 : -1;
            sh.evaluate(s * v[3 * p], s * v[3 * p + 1], s * v[3 * p + 2], ys, e * dim, gs, 3 * e * dim);
        }
    }

    @Override public void forces(EdgeGraph g, int numBasis, int shDim, double rMax, RealBuffer vec, RealBuffer len,
                                 RealBuffer dEmb, RealBuffer dEmbDr, RealBuffer dY, RealBuffer yGrad,
                                 RealBuffer pairGradScratch, RealBuffer forces, RealBuffer atomVirial) {
        double[] v = a(vec), r = a(len), de = a(dEmb), dr = a(dEmbDr), dy = a(dY), yg = a(yGrad), gr = a(pairGradScratch);
        int[] pe = a(g.pairEdge());
        for (int p = 0; p < g.pairs(); p++) {
            if (!(r[p] > 0 && r[p] < rMax)) { gr[3 * p] = gr[3 * p + 1] = gr[3 * p + 2] = 0; continue; }
            double dEdr = 0;
            for (int k = 0; k < numBasis; k++) dEdr += de[p * numBasis + k] * dr[p * numBasis + k];
            for (int d = 0; d < 3; d++) gr[3 * p + d] = dEdr * v[3 * p + d] / r[p];
            for (int side = 0; side < 2; side++) {
                int e = pe[2 * p + side];
                double sign = side == 0 ? 1 : -1;
                for (int d = 0; d < 3; d++) {
                    double s = 0;
                    for (int c = 0; c < shDim; c++) s += dy[e * shDim + c] * yg[3 * (e * shDim + c) + d];
                    gr[3 * p + d] += sign * s;
                }
            }
        }
        int[] start = a(g.edgeStart()), ep = a(g.edgePair()), side = a(g.edgeSide());
        double[] f = a(forces), w = atomVirial == null ? null : a(atomVirial);
        for (int i = 0; i < g.nodes(); i++) {
            Arrays.fill(f, 3 * i, 3 * i + 3, 0.0);
            if (w != null) Arrays.fill(w, 9 * i, 9 * i + 9, 0.0);
            for (int e = start[i]; e < start[i + 1]; e++) {
                int p = ep[e];
                double sign = side[e] == 0 ? 1 : -1;
                for (int d = 0; d < 3; d++) f[3 * i + d] += sign * gr[3 * p + d];
                if (w != null)
                    for (int x = 0; x < 3; x++)
                        for (int y = 0; y < 3; y++) w[9 * i + 3 * x + y] -= 0.5 * v[3 * p + x] * gr[3 * p + y];
            }
        }
    }

    @Override public LinearKernel linear(Linear linear, double[] weights) {
        double[] w = weights.clone(), wT = linear.transposeWeights(weights);
        return new LinearKernel() {
            @Override public void forward(RealBuffer x, RealBuffer y, int rows) { linear.forward(w, a(x), a(y), rows); }
            @Override public void backward(RealBuffer dy, RealBuffer dx, int rows, boolean accumulate) {
                linear.backward(wT, a(dy), a(dx), rows, accumulate);
            }
        };
    }

    @Override public RadialMlpKernel radialMlp(int[] sizes, List<double[]> layerWeights, Activation act) {
        FullyConnectedNet net = new FullyConnectedNet(layerWeights, sizes, act);
        return new RadialMlpKernel() {
            @Override public int[] sizes() { return net.sizes(); }
            @Override public void forward(RealBuffer x, int rows, RealBuffer[] pre, RealBuffer[] post, RealBuffer out) {
                net.forward(a(x), 0, rows, arrays(pre), arrays(post), a(out));
            }
            @Override public void backward(RealBuffer[] pre, RealBuffer dOut, int rows, RealBuffer[] scratch, RealBuffer dx) {
                net.backward(arrays(pre), a(dOut), 0, rows, arrays(scratch), a(dx));
            }
        };
    }

    private static double[][] arrays(RealBuffer[] b) {
        double[][] out = new double[b.length][];
        for (int i = 0; i < b.length; i++) out[i] = a(b[i]);
        return out;
    }

    @Override public SelfConnectionKernel selfConnection(FullyConnectedTensorProduct sc, double[] weights) {
        double[] w = weights.clone(), wT = sc.transposeWeights(weights);
        return new SelfConnectionKernel() {
            @Override public void forward(RealBuffer x, RealBuffer attrs, RealBuffer y, int rows) {
                sc.forward(w, a(x), a(attrs), a(y), rows, true);
            }
            @Override public void backward(RealBuffer attrs, RealBuffer dy, RealBuffer dx, int rows) {
                sc.backward(wT, a(attrs), a(dy), a(dx), rows);
            }
        };
    }

    @Override public GateKernel gate(Gate gate) {
        return new GateKernel() {
            @Override public void forward(RealBuffer x, RealBuffer out, int rows) { gate.forward(a(x), a(out), rows); }
            @Override public void backward(RealBuffer x, RealBuffer dOut, RealBuffer dx, int rows) { gate.backward(a(x), a(dOut), a(dx), rows); }
        };
    }

    @Override public ConvolutionKernel convolution(TensorProductUvu tp, int shDim) {
        int numel = tp.weightsRead();
        double[] scratch = new double[tp.scratchSize()];
        return new ConvolutionKernel() {
            private double[] dwEdge = new double[0];

            @Override public int weightsPerPair() { return numel; }

            @Override public void forward(EdgeGraph g, RealBuffer x1, RealBuffer y, RealBuffer w, double scale, RealBuffer out) {
                int[] centre = a(g.edgeCentre()), nbr = a(g.edgeNbr()), pair = a(g.edgePair());
                double[] xs = a(x1), ys = a(y), ws = a(w), os = a(out);
                for (int e = 0; e < g.edges(); e++)
                    tp.forwardEdge(xs, nbr[e], ys, e * shDim, ws, pair[e] * numel, os, centre[e], g.nodes(), scale, scratch);
            }

            @Override public void backward(EdgeGraph g, RealBuffer x1, RealBuffer y, RealBuffer w, double scale, RealBuffer dOut,
                                           RealBuffer dx1, RealBuffer dY, RealBuffer dw) {
                int[] centre = a(g.edgeCentre()), nbr = a(g.edgeNbr()), pair = a(g.edgePair()), pe = a(g.pairEdge());
                int edges = g.edges();
                if (dwEdge.length < edges * numel) dwEdge = new double[edges * numel];
                Arrays.fill(dwEdge, 0, edges * numel, 0.0);
                double[] dx = a(dx1), dws = a(dw);
                Arrays.fill(dx, 0, g.nodes() * tp.irrepsIn1().dim(), 0.0);
                for (int e = 0; e < edges; e++)
                    tp.backwardEdge(a(x1), nbr[e], a(y), e * shDim, a(w), pair[e] * numel, a(dOut), centre[e], g.nodes(), scale,
                            dx, a(dY), e * shDim, dwEdge, e * numel, scratch);
                for (int p = 0; p < g.pairs(); p++) {
                    int e0 = pe[2 * p] * numel, e1 = pe[2 * p + 1] * numel;
                    for (int u = 0; u < numel; u++) dws[p * numel + u] = dwEdge[e0 + u] + dwEdge[e1 + u];
                }
            }
        };
    }

    /** Every op runs here: its kernel is the op's own Java forward/backward on the host arrays. */
    @Override public OpKernel kernel(md.forcefields.ml.Op op, md.forcefields.ml.Workspace ws) {
        return new OpKernel() {
            private double[][] inA = new double[0][], gA = new double[0][];

            private double[][] arrays(double[][] a, RealBuffer[] b) {
                if (a.length != b.length) a = new double[b.length][];
                for (int i = 0; i < b.length; i++) a[i] = b[i] == null ? null : a(b[i]);
                return a;
            }

            @Override public void forward(DeviceGraph g, RealBuffer[] in, RealBuffer out) {
                inA = arrays(inA, in);
                op.forward(g.host(), ws, inA, a(out));
            }

            @Override public void backward(DeviceGraph g, RealBuffer[] in, RealBuffer out, RealBuffer gradOut, RealBuffer[] gradIn) {
                inA = arrays(inA, in);
                gA = arrays(gA, gradIn);
                op.backward(g.host(), ws, inA, a(out), a(gradOut), gA);
            }
        };
    }

    @Override public void close() {}
}
