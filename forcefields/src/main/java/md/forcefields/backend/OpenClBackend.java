package md.forcefields.backend;

import static org.jocl.CL.*;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * OpenCL through JOCL: the kernel sources compiled at run time for the first float64-capable device
 * (GPUs preferred). In CI this is PoCL on the CPU. One in-order queue; reads block, so a read also
 * waits for the kernels before it.
 */
public final class OpenClBackend extends DeviceBackend {

    record ClReals(cl_mem mem, int length) implements RealBuffer {}
    record ClInts(cl_mem mem, int length) implements IntBuffer {}

    private static final int LOCAL = 64;

    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program;
    private final String device;
    private final boolean gpu;
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final Set<cl_mem> live = new HashSet<>();

    /** Opens the best float64 device; {@code gpuOnly} refuses CPU devices (used by device: auto). */
    public static OpenClBackend open(boolean gpuOnly) { return open(gpuOnly, Precision.FLOAT64); }

    /**
     * Opens the best device for {@code precision} (float64 needs cl_khr_fp64); {@code gpuOnly} refuses CPU devices.
     * One open at a time per process, discovery, context and program build alike: PoCL crashed the JVM (SIGSEGV in
     * clGetDeviceInfo) when the five runs of {@code md bench stability --parallel 5} probed {@code device: auto} at the
     * same moment, and failed with CL_BUILD_PROGRAM_FAILURE when two threads built at once. Opening is rare.
     */
    public static synchronized OpenClBackend open(boolean gpuOnly, Precision precision) {
        // device: auto on a machine without the OpenCL loader: say so without loading JOCL, whose native
        // part would print its dlopen failure on stdout (OpenClLoader). An explicit device: opencl still
        // tries, in case the loader is somewhere the search does not look.
        if (gpuOnly && !OpenClLoader.findable())
            throw new BackendUnavailableException("the OpenCL loader " + OpenClLoader.LIBRARY + " is not installed (not in LD_LIBRARY_PATH, "
                    + "/etc/ld.so.cache or the system library folders)");
        try {
            CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            try {
                clGetPlatformIDs(0, null, n);
            } catch (CLException e) {
                n[0] = 0;
            }
            if (n[0] == 0)
                throw new BackendUnavailableException("OpenCL requested but no OpenCL platform found; install pocl-opencl-icd "
                        + "(CPU) or a GPU vendor's OpenCL driver, or use device: java");
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            clGetPlatformIDs(n[0], platforms, null);
            cl_platform_id bestPlatform = null;
            cl_device_id best = null;
            boolean bestGpu = false;
            for (cl_platform_id p : platforms) {
                int[] nd = new int[1];
                try {
                    clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, nd);
                } catch (CLException e) {
                    continue;
                }
                cl_device_id[] ds = new cl_device_id[nd[0]];
                clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, nd[0], ds, null);
                for (cl_device_id d : ds) {
                    if (precision == Precision.FLOAT64 && !hasFp64(d)) continue;
                    boolean isGpu = (longInfo(d, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0;
                    if (best == null || (isGpu && !bestGpu)) { best = d; bestPlatform = p; bestGpu = isGpu; }
                }
            }
            if (best == null)
                throw new BackendUnavailableException("OpenCL requested but no OpenCL device supports float64 (cl_khr_fp64); "
                        + "install pocl-opencl-icd or use device: java");
            if (gpuOnly && !bestGpu) throw new BackendUnavailableException("no OpenCL GPU device (only " + stringInfo(best, CL_DEVICE_NAME) + ")");
            return new OpenClBackend(bestPlatform, best, bestGpu, precision);
        } catch (LinkageError e) { // UnsatisfiedLinkError the first time, NoClassDefFoundError after
            throw new BackendUnavailableException("OpenCL requested but the OpenCL loader libOpenCL.so cannot be loaded ("
                    + e.getMessage() + "); install ocl-icd-opencl-dev and pocl-opencl-icd, or use device: java", e);
        }
    }

    private OpenClBackend(cl_platform_id platform, cl_device_id dev, boolean gpu, Precision precision) {
        super(precision);
        this.gpu = gpu;
        this.device = "OpenCL " + stringInfo(dev, CL_DEVICE_VERSION).strip() + " " + stringInfo(dev, CL_DEVICE_NAME).strip()
                + " (" + stringInfoPlatform(platform) + ")";
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, platform);
        context = clCreateContext(props, 1, new cl_device_id[] {dev}, null, null, null);
        queue = clCreateCommandQueueWithProperties(context, dev, null, null);
        program = clCreateProgramWithSource(context, 1, new String[] {KernelSources.program("prelude_opencl.h")}, null, null);
        build(dev, precision == Precision.FLOAT32 ? "-DMD_FLOAT32" : "");
    }

    /**
     * Builds the program (under {@link #open}'s lock: one build at a time per process). PoCL compiles through
     * temporary files in its kernel cache, and another process starting
     * PoCL on the same cache can remove them mid-build ("unable to rename temporary ..."): that failure, which says
     * nothing about the kernels, is retried; any other build failure is reported with PoCL's log.
     */
    private void build(cl_device_id dev, String options) {
        for (int attempt = 1; ; attempt++) {
            try {
                clBuildProgram(program, 0, null, options, null, null);
                return;
            } catch (CLException e) {
                long[] size = new long[1];
                clGetProgramBuildInfo(program, dev, CL_PROGRAM_BUILD_LOG, 0, null, size);
                byte[] log = new byte[(int) size[0]];
                clGetProgramBuildInfo(program, dev, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
                String text = new String(log).strip();
                if (attempt < 3 && text.contains("unable to rename temporary")) continue;
                throw new IllegalStateException("OpenCL kernel build failed on " + device + ":\n" + text, e);
            }
        }
    }

    private static boolean hasFp64(cl_device_id d) {
        return stringInfo(d, CL_DEVICE_EXTENSIONS).contains("cl_khr_fp64") || longInfo(d, CL_DEVICE_DOUBLE_FP_CONFIG) != 0;
    }

    private static long longInfo(cl_device_id d, int param) {
        long[] v = new long[1];
        clGetDeviceInfo(d, param, Sizeof.cl_long, Pointer.to(v), null);
        return v[0];
    }

    private static String stringInfo(cl_device_id d, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1));
    }

    private static String stringInfoPlatform(cl_platform_id p) {
        long[] size = new long[1];
        clGetPlatformInfo(p, CL_PLATFORM_NAME, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        clGetPlatformInfo(p, CL_PLATFORM_NAME, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1)).strip();
    }

    @Override public String name() { return "opencl"; }
    @Override public String deviceName() { return device; }
    /** Whether the device is a GPU. */
    public boolean isGpu() { return gpu; }

    private cl_mem alloc(long bytes) {
        cl_mem m = clCreateBuffer(context, CL_MEM_READ_WRITE, Math.max(8, bytes), null, null);
        live.add(m);
        return m;
    }

    @Override public RealBuffer reals(int length) {
        ClReals b = new ClReals(alloc((long) length * precision.bytes()), length);
        zero(b, length);
        return b;
    }

    @Override public IntBuffer ints(int length) {
        cl_mem m = alloc((long) length * Sizeof.cl_int);
        if (length > 0) clEnqueueFillBuffer(queue, m, Pointer.to(new int[1]), Sizeof.cl_int, 0, (long) length * Sizeof.cl_int, 0, null, null);
        return new ClInts(m, length);
    }

    @Override public void release(Object buffer) {
        cl_mem m = buffer instanceof ClReals r ? r.mem() : ((ClInts) buffer).mem();
        if (live.remove(m)) clReleaseMemObject(m);
    }

    @Override public void write(RealBuffer dst, double[] src, int n) {
        if (n <= 0) return;
        Pointer from = precision == Precision.FLOAT32 ? Pointer.to(toFloats(src, n)) : Pointer.to(src);
        clEnqueueWriteBuffer(queue, ((ClReals) dst).mem(), CL_TRUE, 0, (long) n * precision.bytes(), from, 0, null, null);
    }

    @Override public void write(IntBuffer dst, int[] src, int n) {
        if (n > 0) clEnqueueWriteBuffer(queue, ((ClInts) dst).mem(), CL_TRUE, 0, (long) n * Sizeof.cl_int, Pointer.to(src), 0, null, null);
    }

    @Override public void read(RealBuffer src, double[] dst, int n) {
        if (n <= 0) return;
        if (precision == Precision.FLOAT32) {
            float[] f = floatScratch(n);
            clEnqueueReadBuffer(queue, ((ClReals) src).mem(), CL_TRUE, 0, (long) n * Float.BYTES, Pointer.to(f), 0, null, null);
            fromFloats(f, dst, n);
        } else {
            clEnqueueReadBuffer(queue, ((ClReals) src).mem(), CL_TRUE, 0, (long) n * Sizeof.cl_double, Pointer.to(dst), 0, null, null);
        }
    }

    @Override protected void launch(String name, int items, Object... args) {
        if (items <= 0) return;
        cl_kernel k = kernels.computeIfAbsent(name, s -> clCreateKernel(program, s, null));
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof ClReals r) clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(r.mem()));
            else if (a instanceof ClInts b) clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(b.mem()));
            else if (a instanceof Integer v) clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
            else if (a instanceof Double v) {
                if (precision == Precision.FLOAT32) clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v.floatValue()}));
                else clSetKernelArg(k, i, Sizeof.cl_double, Pointer.to(new double[] {v}));
            }
            else throw new IllegalArgumentException("kernel " + name + " argument " + i + ": unsupported " + a);
        }
        // a fixed work-group size (global rounded up; kernels ignore the extra items): PoCL compiles a
        // kernel once per work-group size, so letting it choose per launch would recompile often
        long global = (items + LOCAL - 1) / LOCAL * LOCAL;
        clEnqueueNDRangeKernel(queue, k, 1, null, new long[] {global}, new long[] {LOCAL}, 0, null, null);
    }

    @Override public void finish() { clFinish(queue); }

    @Override public void close() {
        clFinish(queue);
        for (cl_mem m : live) clReleaseMemObject(m);
        live.clear();
        for (cl_kernel k : kernels.values()) clReleaseKernel(k);
        kernels.clear();
        clReleaseProgram(program);
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
