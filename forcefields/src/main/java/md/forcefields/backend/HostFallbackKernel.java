package md.forcefields.backend;

import md.forcefields.backend.KernelBackend.OpKernel;
import md.forcefields.backend.KernelBackend.RealBuffer;
import md.forcefields.ml.Op;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

/**
 * An op that a device backend has no kernel for, run with the op's own Java kernels on host copies of
 * its operands (read back, computed, written again). Correct for any op, but every call crosses the bus
 * twice: the executor reports such ops ({@link DeviceExecutor#hostOps()}) so they can be ported.
 */
final class HostFallbackKernel implements OpKernel {
    private final KernelBackend backend;
    private final Op op;
    private final Workspace ws;
    private final double[][] in, gIn, grads;
    private double[] out = new double[0], gOut = new double[0];

    HostFallbackKernel(KernelBackend backend, Op op, Workspace ws, int inputs) {
        this.backend = backend;
        this.op = op;
        this.ws = ws;
        in = new double[inputs][];
        gIn = new double[inputs][];
        grads = new double[inputs][];
    }

    private static double[] fit(double[] a, int n) { return a != null && a.length >= n ? a : new double[Math.max(n, 1)]; }

    private void readInputs(DeviceGraph g, RealBuffer[] buffers) {
        for (int i = 0; i < in.length; i++) {
            int n = ws.inputShape(i).size(g.host());
            in[i] = fit(in[i], n);
            backend.read(buffers[i], in[i], n);
        }
    }

    @Override public void forward(DeviceGraph g, RealBuffer[] inputs, RealBuffer output) {
        readInputs(g, inputs);
        int n = ws.outputShape().size(g.host());
        out = fit(out, n);
        op.forward(g.host(), ws, in, out);
        backend.write(output, out, n);
    }

    @Override public void backward(DeviceGraph g, RealBuffer[] inputs, RealBuffer output, RealBuffer gradOut, RealBuffer[] gradIn) {
        readInputs(g, inputs);
        Shape os = ws.outputShape();
        int n = os.size(g.host());
        out = fit(out, n);
        gOut = fit(gOut, n);
        backend.read(output, out, n);
        backend.read(gradOut, gOut, n);
        // an input used twice (e.g. mul(x, x)) has one gradient buffer: both slots must add into one host copy
        for (int i = 0; i < in.length; i++) {
            grads[i] = null;
            if (gradIn[i] == null) continue;
            for (int j = 0; j < i && grads[i] == null; j++) if (gradIn[j] == gradIn[i]) grads[i] = grads[j];
            if (grads[i] != null) continue;
            int m = ws.inputShape(i).size(g.host());
            gIn[i] = fit(gIn[i], m);
            backend.read(gradIn[i], gIn[i], m);
            grads[i] = gIn[i];
        }
        op.backward(g.host(), ws, in, out, gOut, grads);
        for (int i = 0; i < in.length; i++)
            if (grads[i] == gIn[i] && grads[i] != null) backend.write(gradIn[i], grads[i], ws.inputShape(i).size(g.host()));
    }
}
