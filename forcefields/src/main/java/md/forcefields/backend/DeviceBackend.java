package md.forcefields.backend;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.FullyConnectedTensorProduct;
import md.forcefields.e3nn.Gate;
import md.forcefields.e3nn.Linear;
import md.forcefields.e3nn.TensorProductUvu;

/**
 * The host side shared by the OpenCL and CUDA backends: both run the same kernel sources
 * ({@code kernels/*.cl}), so everything but memory and launching is written once here. Module
 * tables and weights are uploaded when a kernel is prepared and stay on the device.
 */
abstract class DeviceBackend implements KernelBackend {

    /** Runs kernel {@code name} over {@code items} work items; args are buffers, Integer or Double. */
    protected abstract void launch(String name, int items, Object... args);

    private final Map<RadialBasis, RealBuffer> bessel = new IdentityHashMap<>();
    private final Map<Integer, Object[]> shTables = new java.util.HashMap<>();
    private RealBuffer dummy;

    protected RealBuffer upload(double[] a) {
        RealBuffer b = reals(Math.max(1, a.length));
        write(b, a, a.length);
        return b;
    }

    protected IntBuffer upload(int[] a) {
        IntBuffer b = ints(Math.max(1, a.length));
        write(b, a, a.length);
        return b;
    }

    /** The kernel of {@code op} from {@code kernels/ops.cl}; null when there is none of its name (or for its configuration). */
    @Override public OpKernel kernel(md.forcefields.ml.Op op, md.forcefields.ml.Workspace ws) { return DeviceOpKernels.make(this, op, ws); }

    @Override public void zero(RealBuffer b, int n) { if (n > 0) launch("fill", n, n, b, 0.0); }

    @Override public void addInto(RealBuffer src, RealBuffer dst, int n) { if (n > 0) launch("add_into", n, n, src, dst); }

    @Override public void pairGeometry(EdgeGraph g, RealBuffer positions, RadialBasis basis,
                                       RealBuffer vec, RealBuffer len, RealBuffer emb, RealBuffer dEmbDr) {
        RealBuffer w = bessel.computeIfAbsent(basis, b -> upload(b.bessel()));
        launch("pair_geometry", g.pairs(), g.pairs(), positions, g.pairI(), g.pairJ(), g.pairShift(), basis.rMax(), basis.p(),
                basis.size(), w, vec, len, emb, dEmbDr);
    }

    @Override public void sphericalHarmonics(EdgeGraph g, int lmax, double rMax, RealBuffer vec, RealBuffer len,
                                             RealBuffer y, RealBuffer yGrad) {
        Object[] t = shTables.computeIfAbsent(lmax, l -> {
            KernelTables.ShTable s = KernelTables.sphericalHarmonics(l);
            return new Object[] {upload(s.start()), upload(s.abc()), upload(s.coef())};
        });
        launch("edge_sh", g.edges(), g.edges(), lmax, (lmax + 1) * (lmax + 1), rMax, vec, len, g.edgePair(), g.edgeSide(),
                t[0], t[1], t[2], y, yGrad);
    }

    @Override public void forces(EdgeGraph g, int numBasis, int shDim, double rMax, RealBuffer vec, RealBuffer len,
                                 RealBuffer dEmb, RealBuffer dEmbDr, RealBuffer dY, RealBuffer yGrad,
                                 RealBuffer pairGradScratch, RealBuffer forces, RealBuffer atomVirial) {
        launch("pair_gradient", g.pairs(), g.pairs(), numBasis, shDim, rMax, vec, len, dEmb, dEmbDr, g.pairEdge(), dY, yGrad,
                pairGradScratch);
        if (dummy == null) dummy = reals(9);
        launch("atom_forces", g.nodes(), g.nodes(), g.edgeStart(), g.edgePair(), g.edgeSide(), pairGradScratch, vec, forces,
                atomVirial == null ? 0 : 1, atomVirial == null ? dummy : atomVirial);
    }

    /** C (+)= α A·B with B[k][j] at {@code bOff + k·bsk + j·bsj}. */
    private void gemm(int m, int n, int k, double alpha, RealBuffer a, int aOff, int lda, RealBuffer b, int bOff, int bsk, int bsj,
                      RealBuffer c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        launch("gemm", m * n, m, n, k, alpha, a, aOff, lda, b, bOff, bsk, bsj, c, cOff, ldc, accumulate ? 1 : 0);
    }

    @Override public LinearKernel linear(Linear linear, double[] weights) {
        RealBuffer w = upload(weights);
        var in = linear.irrepsIn();
        var out = linear.irrepsOut();
        return new LinearKernel() {
            @Override public void forward(RealBuffer x, RealBuffer y, int rows) {
                zero(y, rows * out.dim());
                for (Linear.Instruction p : linear.instructions()) {
                    int d = in.ir(p.iIn()).dim(), mi = in.mul(p.iIn()), mo = out.mul(p.iOut());
                    gemm(rows * d, mo, mi, p.pathWeight(), x, rows * in.offset(p.iIn()), mi, w, p.weightOffset(), mo, 1,
                            y, rows * out.offset(p.iOut()), mo, true);
                }
            }

            @Override public void backward(RealBuffer dy, RealBuffer dx, int rows, boolean accumulate) {
                if (!accumulate) zero(dx, rows * in.dim());
                for (Linear.Instruction p : linear.instructions()) {
                    int d = in.ir(p.iIn()).dim(), mi = in.mul(p.iIn()), mo = out.mul(p.iOut());
                    gemm(rows * d, mi, mo, p.pathWeight(), dy, rows * out.offset(p.iOut()), mo, w, p.weightOffset(), 1, mo,
                            dx, rows * in.offset(p.iIn()), mi, true);
                }
            }
        };
    }

    @Override public RadialMlpKernel radialMlp(int[] sizes, List<double[]> layerWeights, Activation act) {
        RealBuffer[] w = new RealBuffer[layerWeights.size()];
        for (int l = 0; l < w.length; l++) w[l] = upload(layerWeights.get(l));
        int kind = KernelTables.activationKind(act);
        return new RadialMlpKernel() {
            @Override public int[] sizes() { return sizes.clone(); }

            @Override public void forward(RealBuffer x, int rows, RealBuffer[] pre, RealBuffer[] post, RealBuffer out) {
                RealBuffer in = x;
                for (int l = 0; l < w.length; l++) {
                    int hi = sizes[l], ho = sizes[l + 1];
                    RealBuffer target = l == w.length - 1 ? out : pre[l];
                    gemm(rows, ho, hi, 1 / Math.sqrt(hi), in, 0, hi, w[l], 0, ho, 1, target, 0, ho, false);
                    if (l < w.length - 1) {
                        if (rows > 0) launch("activate", rows * ho, rows * ho, kind, act.normalization(), pre[l], post[l]);
                        in = post[l];
                    }
                }
            }

            @Override public void backward(RealBuffer[] pre, RealBuffer dOut, int rows, RealBuffer[] scratch, RealBuffer dx) {
                RealBuffer g = dOut;
                for (int l = w.length - 1; l >= 0; l--) {
                    int hi = sizes[l], ho = sizes[l + 1];
                    RealBuffer target = l == 0 ? dx : scratch[l % 2];
                    gemm(rows, hi, ho, 1 / Math.sqrt(hi), g, 0, ho, w[l], 0, 1, ho, target, 0, hi, false);
                    if (l > 0) {
                        if (rows > 0) launch("activate_backward", rows * hi, rows * hi, kind, act.normalization(), pre[l - 1], target);
                        g = target;
                    }
                }
            }
        };
    }

    @Override public SelfConnectionKernel selfConnection(FullyConnectedTensorProduct sc, double[] weights) {
        RealBuffer w = upload(weights);
        var in = sc.irrepsIn();
        var out = sc.irrepsOut();
        int v = sc.numAttrs();
        return new SelfConnectionKernel() {
            @Override public void forward(RealBuffer x, RealBuffer attrs, RealBuffer y, int rows) {
                for (FullyConnectedTensorProduct.Instruction p : sc.instructions()) {
                    int d = in.ir(p.iIn()).dim(), mi = in.mul(p.iIn()), mo = out.mul(p.iOut());
                    if (rows * d * mo == 0) continue;
                    launch("self_connection", rows * d * mo, rows, d, mi, mo, v, p.pathWeight(), attrs, x, rows * in.offset(p.iIn()),
                            w, p.weightOffset(), v * mo, mo, 1, y, rows * out.offset(p.iOut()));
                }
            }

            @Override public void backward(RealBuffer attrs, RealBuffer dy, RealBuffer dx, int rows) {
                for (FullyConnectedTensorProduct.Instruction p : sc.instructions()) {
                    int d = in.ir(p.iIn()).dim(), mi = in.mul(p.iIn()), mo = out.mul(p.iOut());
                    if (rows * d * mi == 0) continue;
                    launch("self_connection", rows * d * mi, rows, d, mo, mi, v, p.pathWeight(), attrs, dy, rows * out.offset(p.iOut()),
                            w, p.weightOffset(), 1, mo, v * mo, dx, rows * in.offset(p.iIn()));
                }
            }
        };
    }

    @Override public GateKernel gate(Gate gate) {
        KernelTables.GateTable t = KernelTables.gate(gate);
        IntBuffer segs = upload(t.segments()), chanSeg = upload(t.chanSeg()), chan0 = upload(t.segChan0());
        RealBuffer norms = upload(t.norms());
        int q = t.channels();
        return new GateKernel() {
            @Override public void forward(RealBuffer x, RealBuffer out, int rows) {
                if (rows * q > 0) launch("gate_forward", rows * q, rows, q, segs, norms, chanSeg, chan0, x, out);
            }

            @Override public void backward(RealBuffer x, RealBuffer dOut, RealBuffer dx, int rows) {
                if (rows * q > 0) launch("gate_backward", rows * q, rows, q, segs, norms, chanSeg, chan0, x, dOut, dx);
            }
        };
    }

    @Override public ConvolutionKernel convolution(TensorProductUvu tp, int shDim) {
        KernelTables.TensorProduct t = KernelTables.tensorProduct(tp);
        IntBuffer paths = upload(t.path()), chanPath = upload(t.chanPath()), abc = upload(t.abc()), xchan = upload(t.xchan()),
                blockStart = upload(t.blockPathStart()), blockPaths = upload(t.blockPaths());
        RealBuffer pw = upload(t.pathWeight()), val = upload(t.value());
        int numel = t.numel(), nchan = t.inputChannels();
        return new ConvolutionKernel() {
            @Override public int weightsPerPair() { return numel; }

            @Override public void forward(EdgeGraph g, RealBuffer x1, RealBuffer y, RealBuffer w, double scale, RealBuffer out) {
                int n = g.nodes();
                if (n * numel > 0)
                    launch("tp_forward", n * numel, n, numel, shDim, scale, g.edgeStart(), g.edgeNbr(), g.edgePair(),
                            paths, pw, chanPath, abc, val, x1, y, w, out);
            }

            @Override public void backward(EdgeGraph g, RealBuffer x1, RealBuffer y, RealBuffer w, double scale, RealBuffer dOut,
                                           RealBuffer dx1, RealBuffer dY, RealBuffer dw) {
                int n = g.nodes(), pairs = g.pairs(), edges = g.edges();
                if (pairs * numel > 0)
                    launch("tp_backward_weights", pairs * numel, pairs, n, numel, shDim, scale, g.pairEdge(), g.edgeCentre(), g.edgeNbr(),
                            paths, pw, chanPath, abc, val, x1, y, dOut, dw);
                if (n * nchan > 0)
                    launch("tp_backward_input", n * nchan, n, nchan, numel, shDim, scale, g.edgeStart(), g.edgeNbr(), g.edgePair(),
                            g.edgeReverse(), paths, pw, xchan, blockStart, blockPaths, abc, val, y, w, dOut, dx1);
                if (edges > 0)
                    launch("tp_backward_sh", edges, edges, n, t.paths(), numel, shDim, scale, g.edgeCentre(), g.edgeNbr(), g.edgePair(),
                            paths, pw, abc, val, x1, w, dOut, dY);
            }
        };
    }
}
