package md.forcefields.backend;


/**
 * The host side shared by the OpenCL and CUDA backends: both run the same kernel sources
 * ({@code kernels/*.cl}), so everything but memory and launching is written once here. Module
 * tables and weights are uploaded when a kernel is prepared and stay on the device.
 */
abstract class DeviceBackend implements KernelBackend {
    /** The kernels' {@code real} (buffers hold it; the host side stays double and converts on transfers). */
    final Precision precision;
    private float[] floats = new float[0];

    DeviceBackend(Precision precision) { this.precision = precision; }

    @Override public Precision precision() { return precision; }

    /** {@code src[0 … n)} as floats, in a scratch array reused by the next call. */
    float[] toFloats(double[] src, int n) {
        if (floats.length < n) floats = new float[n];
        for (int i = 0; i < n; i++) floats[i] = (float) src[i];
        return floats;
    }

    /** A scratch float array of at least n values, for reads converted with {@link #fromFloats}. */
    float[] floatScratch(int n) {
        if (floats.length < n) floats = new float[n];
        return floats;
    }

    static void fromFloats(float[] src, double[] dst, int n) { for (int i = 0; i < n; i++) dst[i] = src[i]; }

    /** Runs kernel {@code name} over {@code items} work items; args are buffers, Integer or Double. */
    abstract void launch(String name, int items, Object... args);

    RealBuffer upload(double[] a) {
        RealBuffer b = reals(Math.max(1, a.length));
        write(b, a, a.length);
        return b;
    }

    IntBuffer upload(int[] a) {
        IntBuffer b = ints(Math.max(1, a.length));
        write(b, a, a.length);
        return b;
    }

    /** The kernel of {@code op} from {@code kernels/ops.cl}; null when there is none of its name (or for its configuration). */
    @Override public OpKernel kernel(md.forcefields.ml.Op op, md.forcefields.ml.Workspace ws) { return DeviceOpKernels.make(this, op, ws); }
    @Override public boolean hasKernel(md.forcefields.ml.Op op) { return DeviceOpKernels.NAMES.contains(op.name()); }

    @Override public void zero(RealBuffer b, int n) { if (n > 0) launch("fill", n, n, b, 0.0); }

    @Override public void addInto(RealBuffer src, RealBuffer dst, int n) { if (n > 0) launch("add_into", n, n, src, dst); }
}
