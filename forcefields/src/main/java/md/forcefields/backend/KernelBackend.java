package md.forcefields.backend;


/**
 * Where a learned model's plan runs: buffers that live where the backend computes (host arrays, OpenCL
 * or CUDA device memory) and the kernels of the model layer's ops, found by op name
 * ({@link #kernel}). The semantics of every kernel are those of the op's own Java kernels, which the
 * {@link JavaBackend} runs directly; the device backends are tested against them. Numbers are float64
 * unless a device backend was opened for float32 ({@link #precision}). A backend is used by one thread at a time.
 */
public interface KernelBackend extends AutoCloseable {

    /** The floating-point type of this backend's buffers and kernels. */
    default Precision precision() { return Precision.FLOAT64; }

    /** A buffer of reals (float64, or float32 on a float32 backend) of this backend. */
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
     * The kernel of {@code op} on this backend, keyed by {@link md.forcefields.ml.Op#name()} (like OpenMM's
     * kernels by name), prepared once (tables uploaded); null when this backend has no kernel of that name.
     * {@code ws} is the op application's workspace (input and output shapes, which inputs are constant).
     */
    OpKernel kernel(md.forcefields.ml.Op op, md.forcefields.ml.Workspace ws);

    /**
     * Whether this backend has a kernel named like {@code op} (for fused ops: whether to run them fused
     * or as their separate ops, see {@link md.forcefields.ml.FusedOp}).
     */
    boolean hasKernel(md.forcefields.ml.Op op);

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
}
