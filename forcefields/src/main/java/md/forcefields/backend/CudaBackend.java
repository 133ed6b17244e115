package md.forcefields.backend;

import static jcuda.driver.JCudaDriver.*;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * CUDA through the JCuda driver API: loads the PTX built from the same kernel sources as OpenCL
 * ({@code scripts/build-ptx.sh}, committed as a resource, so no CUDA toolkit is needed at run time;
 * the driver compiles the PTX for the GPU at load). Device 0; 128 threads per block.
 */
public final class CudaBackend extends DeviceBackend {

    record CuReals(CUdeviceptr ptr, int length) implements RealBuffer {}
    record CuInts(CUdeviceptr ptr, int length) implements IntBuffer {}

    private static final int BLOCK = 128;

    private final CUcontext context;
    private final CUmodule module;
    private final String device;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Set<CUdeviceptr> live = new HashSet<>();

    public static CudaBackend open() { return open(Precision.FLOAT64); }

    /** Device 0 with the kernels compiled for {@code precision} ({@code ops.ptx} or {@code ops-float32.ptx}). */
    public static CudaBackend open(Precision precision) {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] == 0) throw new BackendUnavailableException("CUDA requested but no CUDA device found; use device: opencl or java");
            return new CudaBackend(precision);
        } catch (LinkageError e) { // UnsatisfiedLinkError the first time, NoClassDefFoundError after
            throw new BackendUnavailableException("CUDA requested but the NVIDIA driver library (libcuda.so.1) cannot be loaded: "
                    + "this machine has no NVIDIA GPU driver; use device: opencl or java", e);
        } catch (CudaException e) {
            throw new BackendUnavailableException("CUDA requested but the driver failed to start (" + e.getMessage()
                    + "); use device: opencl or java", e);
        }
    }

    private CudaBackend(Precision precision) {
        super(precision);
        CUdevice dev = new CUdevice();
        cuDeviceGet(dev, 0);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, dev);
        int[] major = new int[1], minor = new int[1];
        cuDeviceGetAttribute(major, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
        cuDeviceGetAttribute(minor, jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
        device = "CUDA " + new String(name, StandardCharsets.US_ASCII).trim() + " (compute " + major[0] + "." + minor[0] + ")";
        context = new CUcontext();
        cuCtxCreate(context, 0, dev);
        byte[] ptx = KernelSources.bytes(KernelSources.ptxName(precision));
        byte[] z = java.util.Arrays.copyOf(ptx, ptx.length + 1); // NUL-terminated image
        module = new CUmodule();
        try {
            cuModuleLoadData(module, z);
        } catch (CudaException e) {
            cuCtxDestroy(context);
            throw new BackendUnavailableException("CUDA driver cannot load the kernels' PTX (" + e.getMessage()
                    + "); the driver may be older than the nvcc that built it (see docs/accelerators.md)", e);
        }
    }

    @Override public String name() { return "cuda"; }
    @Override public String deviceName() { return device; }

    private void bind() { cuCtxSetCurrent(context); }

    private CUdeviceptr alloc(long bytes) {
        bind();
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, Math.max(8, bytes));
        cuMemsetD8(p, (byte) 0, Math.max(8, bytes));
        live.add(p);
        return p;
    }

    @Override public RealBuffer reals(int length) { return new CuReals(alloc((long) length * precision.bytes()), length); }
    @Override public IntBuffer ints(int length) { return new CuInts(alloc((long) length * Sizeof.INT), length); }

    @Override public void release(Object buffer) {
        CUdeviceptr p = buffer instanceof CuReals r ? r.ptr() : ((CuInts) buffer).ptr();
        if (live.remove(p)) { bind(); cuMemFree(p); }
    }

    @Override public void write(RealBuffer dst, double[] src, int n) {
        if (n <= 0) return;
        bind();
        Pointer from = precision == Precision.FLOAT32 ? Pointer.to(toFloats(src, n)) : Pointer.to(src);
        cuMemcpyHtoD(((CuReals) dst).ptr(), from, (long) n * precision.bytes());
    }

    @Override public void write(IntBuffer dst, int[] src, int n) {
        if (n > 0) { bind(); cuMemcpyHtoD(((CuInts) dst).ptr(), Pointer.to(src), (long) n * Sizeof.INT); }
    }

    @Override public void read(RealBuffer src, double[] dst, int n) {
        if (n <= 0) return;
        bind();
        if (precision == Precision.FLOAT32) {
            float[] f = floatScratch(n);
            cuMemcpyDtoH(Pointer.to(f), ((CuReals) src).ptr(), (long) n * Sizeof.FLOAT);
            fromFloats(f, dst, n);
        } else {
            cuMemcpyDtoH(Pointer.to(dst), ((CuReals) src).ptr(), (long) n * Sizeof.DOUBLE);
        }
    }

    @Override protected void launch(String name, int items, Object... args) {
        if (items <= 0) return;
        bind();
        CUfunction f = functions.computeIfAbsent(name, s -> {
            CUfunction fn = new CUfunction();
            cuModuleGetFunction(fn, module, s);
            return fn;
        });
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof CuReals r) params[i] = Pointer.to(r.ptr());
            else if (a instanceof CuInts b) params[i] = Pointer.to(b.ptr());
            else if (a instanceof Integer v) params[i] = Pointer.to(new int[] {v});
            else if (a instanceof Double v) params[i] = precision == Precision.FLOAT32 ? Pointer.to(new float[] {v.floatValue()}) : Pointer.to(new double[] {v});
            else throw new IllegalArgumentException("kernel " + name + " argument " + i + ": unsupported " + a);
        }
        cuLaunchKernel(f, (items + BLOCK - 1) / BLOCK, 1, 1, BLOCK, 1, 1, 0, null, Pointer.to(params), null);
    }

    @Override public void finish() { bind(); cuCtxSynchronize(); }

    @Override public void close() {
        bind();
        cuCtxSynchronize();
        for (CUdeviceptr p : live) cuMemFree(p);
        live.clear();
        cuModuleUnload(module);
        cuCtxDestroy(context);
    }
}
