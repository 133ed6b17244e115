package md.forcefields.backend;

import java.util.Arrays;
import md.forcefields.e3nn.DenseKernels;

/**
 * The reference backend: host arrays, and every op's own Java kernels (which use the Vector API when the
 * JVM has {@code jdk.incubator.vector} and plain loops otherwise). Single-threaded.
 */
public final class JavaBackend implements KernelBackend {

    record Reals(double[] a) implements RealBuffer { public int length() { return a.length; } }
    record Ints(int[] a) implements IntBuffer { public int length() { return a.length; } }

    static double[] a(RealBuffer b) { return ((Reals) b).a(); }
    static int[] a(IntBuffer b) { return ((Ints) b).a(); }

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

    /** Every op runs here: its kernel is the op's own Java forward/backward on the host arrays. */
    @Override public boolean hasKernel(md.forcefields.ml.Op op) { return true; } // every op's own Java kernels

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
