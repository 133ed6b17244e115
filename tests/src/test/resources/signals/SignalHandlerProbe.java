import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Run by SignalChainingTest in a JVM of its own (java SignalHandlerProbe.java, Linux x86-64): prints the handlers
 * the kernel holds for SIGILL, SIGBUS and SIGSEGV, builds an OpenCL program (if there is a platform), and prints
 * them again. It asks the kernel itself (the rt_sigaction system call, not libc's sigaction,
 * which libjsig answers from its own table), so a library that replaced the JVM's handlers shows.
 */
public class SignalHandlerProbe {
    private static final int SYS_RT_SIGACTION = 13; // x86-64
    private static final int[] SIGNALS = {4, 7, 11}; // SIGILL, SIGBUS, SIGSEGV: the JVM's own (null checks, safepoint polls)
    private static final MethodHandle SYSCALL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private static String handlers() throws Throwable {
        StringBuilder s = new StringBuilder();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(32); // struct kernel_sigaction: handler, flags, restorer, mask
            for (int sig : SIGNALS) {
                long rc = (long) SYSCALL.invokeExact((long) SYS_RT_SIGACTION, (long) sig, MemorySegment.NULL, old, 8L);
                if (rc != 0) throw new IllegalStateException("rt_sigaction(" + sig + ") returned " + rc);
                s.append(' ').append(sig).append('=').append(Long.toHexString(old.get(ValueLayout.JAVA_LONG, 0)));
            }
        }
        return s.toString().strip();
    }

    public static void main(String[] args) throws Throwable {
        System.out.println("before " + handlers());
        System.out.println(buildOpenClProgram());
        System.out.println("after " + handlers());
    }

    /**
     * Builds a one-line OpenCL program on the first device, as the OpenCL backend builds its kernels (a fresh source
     * each time, so that no kernel cache spares the compiler); "unavailable" without an OpenCL platform.
     */
    private static String buildOpenClProgram() {
        try {
            org.jocl.CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            org.jocl.CL.clGetPlatformIDs(0, null, n);
            if (n[0] == 0) return "unavailable: no OpenCL platform";
            org.jocl.cl_platform_id[] platforms = new org.jocl.cl_platform_id[n[0]];
            org.jocl.CL.clGetPlatformIDs(n[0], platforms, null);
            org.jocl.cl_device_id[] device = new org.jocl.cl_device_id[1];
            org.jocl.CL.clGetDeviceIDs(platforms[0], org.jocl.CL.CL_DEVICE_TYPE_ALL, 1, device, null);
            org.jocl.cl_context_properties props = new org.jocl.cl_context_properties();
            props.addProperty(org.jocl.CL.CL_CONTEXT_PLATFORM, platforms[0]);
            org.jocl.cl_context context = org.jocl.CL.clCreateContext(props, 1, device, null, null, null);
            String source = "// " + System.nanoTime() + "\n__kernel void probe(__global float* x) { x[get_global_id(0)] += 1.0f; }\n";
            org.jocl.cl_program program = org.jocl.CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
            org.jocl.CL.clBuildProgram(program, 0, null, null, null, null);
            org.jocl.CL.clReleaseProgram(program);
            org.jocl.CL.clReleaseContext(context);
            return "built";
        } catch (org.jocl.CLException | LinkageError e) {
            return "unavailable: " + e;
        }
    }
}
