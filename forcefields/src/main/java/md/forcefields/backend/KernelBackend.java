package md.forcefields.backend;

import java.util.List;

import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.FullyConnectedTensorProduct;
import md.forcefields.e3nn.Gate;
import md.forcefields.e3nn.Linear;
import md.forcefields.e3nn.TensorProductUvu;

/**
 * The hot kernels of an equivariant message-passing model (NequIP), forward and backward for forces,
 * over buffers that live where the backend computes (host arrays, OpenCL or CUDA device memory).
 *
 * <p>Module kernels are prepared once from the e3nn module description and its weights (uploaded then
 * and kept resident); per-step calls only pass buffers. Features use the batched
 * {@link md.forcefields.e3nn.Layout}; edges the {@link EdgeGraph} structure (pairs, directed edges sorted
 * by centre atom). Numbers are float64 throughout. A backend is used by one thread at a time.
 *
 * <p>Semantics of every kernel are those of the {@link JavaBackend}, which calls the e3nn classes
 * directly; the device backends are tested against it.
 */
public interface KernelBackend extends AutoCloseable {

    /** A float64 buffer of this backend. */
    interface RealBuffer { int length(); }

    /** An int32 buffer of this backend. */
    interface IntBuffer { int length(); }

    /** "java", "opencl" or "cuda". */
    String name();

    /** Human-readable device, e.g. "OpenCL 3.0 PoCL ... (pthread-skylake)". */
    String deviceName();

    /** Zero-filled buffers. */
    RealBuffer reals(int length);
    IntBuffer ints(int length);
    /** Frees a buffer now (all are freed by {@link #close}). */
    void release(Object buffer);

    void write(RealBuffer dst, double[] src, int n);
    void write(IntBuffer dst, int[] src, int n);
    void read(RealBuffer src, double[] dst, int n);

    /** b[0 … n) = 0. */
    void zero(RealBuffer b, int n);
    /** dst[0 … n) += src[0 … n). */
    void addInto(RealBuffer src, RealBuffer dst, int n);

    /**
     * Per pair: vector x_j + shift − x_i (3), length, radial embedding (Bessel × polynomial envelope,
     * {@code numBasis} per pair) and its derivative with respect to r. Pairs with r = 0 or r ≥ r_max
     * get zero embedding and derivative, so they contribute exactly nothing.
     */
    void pairGeometry(EdgeGraph g, RealBuffer positions, RadialBasis basis,
                      RealBuffer vec, RealBuffer len, RealBuffer emb, RealBuffer dEmbDr);

    /**
     * Per directed edge: Y^0 … Y^lmax of its vector (+v for the pair's first edge, −v for the second),
     * e3nn order and normalisation, and dY/dv (3 per component); zeros for pairs outside (0, r_max).
     */
    void sphericalHarmonics(EdgeGraph g, int lmax, double rMax, RealBuffer vec, RealBuffer len,
                            RealBuffer y, RealBuffer yGrad);

    /** Forces (3 per atom, overwritten) and, when {@code atomVirial} is non-null, per-atom virial shares (9 per atom). */
    void forces(EdgeGraph g, int numBasis, int shDim, double rMax, RealBuffer vec, RealBuffer len,
                RealBuffer dEmb, RealBuffer dEmbDr, RealBuffer dY, RealBuffer yGrad,
                RealBuffer pairGradScratch, RealBuffer forces, RealBuffer atomVirial);

    LinearKernel linear(Linear linear, double[] weights);
    /** e3nn FullyConnectedNet without biases: layer l has a (sizes[l] × sizes[l+1]) row-major weight. */
    RadialMlpKernel radialMlp(int[] sizes, List<double[]> layerWeights, Activation act);
    SelfConnectionKernel selfConnection(FullyConnectedTensorProduct sc, double[] weights);
    GateKernel gate(Gate gate);
    ConvolutionKernel convolution(TensorProductUvu tp, int shDim);

    /**
     * The kernel of {@code op} on this backend, keyed by {@link md.forcefields.ml.Op#name()} (like OpenMM's
     * kernels by name), prepared once (tables uploaded); null when this backend has no kernel of that name.
     * {@code ws} is the op application's workspace (input and output shapes, which inputs are constant).
     */
    OpKernel kernel(md.forcefields.ml.Op op, md.forcefields.ml.Workspace ws);

    /**
     * An op's forward kernel and vector–Jacobian product on this backend's buffers, with the semantics of
     * the op's own {@link md.forcefields.ml.Op#forward}/{@link md.forcefields.ml.Op#backward}: forward
     * overwrites {@code out}; backward adds into the non-null {@code gradIn} buffers.
     */
    interface OpKernel {
        void forward(DeviceGraph g, RealBuffer[] in, RealBuffer out);
        void backward(DeviceGraph g, RealBuffer[] in, RealBuffer out, RealBuffer gradOut, RealBuffer[] gradIn);
    }

    /** Waits for queued work (device backends run asynchronously between reads). */
    default void finish() {}

    @Override void close();

    /** e3nn Linear: y = L(x) (overwritten); backward dx (=|+=) Lᵀ dy. */
    interface LinearKernel {
        void forward(RealBuffer x, RealBuffer y, int rows);
        void backward(RealBuffer dy, RealBuffer dx, int rows, boolean accumulate);
    }

    /**
     * The radial MLP over {@code rows} pairs. {@code pre}/{@code post} hold one buffer per hidden layer
     * (rows × width) kept from the forward pass for the backward pass; {@code scratch} two such buffers.
     */
    interface RadialMlpKernel {
        int[] sizes();
        void forward(RealBuffer x, int rows, RealBuffer[] pre, RealBuffer[] post, RealBuffer out);
        void backward(RealBuffer[] pre, RealBuffer dOut, int rows, RealBuffer[] scratch, RealBuffer dx);
    }

    /** Self-connection (one-hot species attributes, rows × V): y += SC(x, attrs); backward dx += ∂/∂x. */
    interface SelfConnectionKernel {
        void forward(RealBuffer x, RealBuffer attrs, RealBuffer y, int rows);
        void backward(RealBuffer attrs, RealBuffer dy, RealBuffer dx, int rows);
    }

    /** Gate: out = Gate(x); backward dx = ∂(dOut·out)/∂x (overwritten). */
    interface GateKernel {
        void forward(RealBuffer x, RealBuffer out, int rows);
        void backward(RealBuffer x, RealBuffer dOut, RealBuffer dx, int rows);
    }

    /**
     * The convolution: out[i] += scale Σ_{edges e of centre i} TP(x1[nbr e], Y_e; w[pair e]) (accumulated,
     * as e3nn's scatter-add: zero {@code out} first). Backward: dx1 (overwritten), dY (accumulated
     * over calls: every interaction block adds its part), dw per pair (overwritten).
     */
    interface ConvolutionKernel {
        int weightsPerPair();
        void forward(EdgeGraph g, RealBuffer x1, RealBuffer y, RealBuffer w, double scale, RealBuffer out);
        void backward(EdgeGraph g, RealBuffer x1, RealBuffer y, RealBuffer w, double scale, RealBuffer dOut,
                      RealBuffer dx1, RealBuffer dY, RealBuffer dw);
    }
}
