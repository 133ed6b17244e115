package md.forcefields.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Backend selection by name: {@code java}, {@code opencl}, {@code cuda}, or {@code auto} = the fastest
 * available: CUDA, else an OpenCL GPU, else Java (an OpenCL CPU device such as PoCL is not picked
 * automatically: it is slower than the Java backend on the same cores, see docs/benchmarks.md).
 */
public final class Backends {
    private Backends() {}

    public static final List<String> NAMES = List.of("auto", "java", "opencl", "cuda");

    /** Opens a backend; throws {@link BackendUnavailableException} naming what is missing. */
    public static KernelBackend open(String name) {
        return switch (name) {
            case "java" -> new JavaBackend();
            case "opencl" -> OpenClBackend.open(false);
            case "cuda" -> CudaBackend.open();
            case "auto" -> {
                try {
                    yield CudaBackend.open();
                } catch (BackendUnavailableException | LinkageError e) {
                    verbose("device auto: no CUDA (" + e.getMessage() + ")");
                    try {
                        yield OpenClBackend.open(true);
                    } catch (BackendUnavailableException | LinkageError e2) {
                        verbose("device auto: no OpenCL GPU (" + e2.getMessage() + "); using the java backend");
                        yield new JavaBackend();
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown device '" + name + "'; expected one of " + NAMES);
        };
    }

    /**
     * Opens a backend whose kernels run in {@code precision}. float32 exists on the device backends only
     * (the host executor has its own float32 kernels, not a backend): {@code java} refuses it, and {@code auto} without a GPU gives the (float64) java backend.
     */
    public static KernelBackend open(String name, Precision precision) {
        if (precision == Precision.FLOAT64) return open(name);
        return switch (name) {
            case "java" -> throw new BackendUnavailableException("the java backend's kernels are float64 only (float32 on the host is the learned "
                    + "force field's precision: float32 with device: java, run by the host executor; or use device: opencl, cuda or auto)");
            case "opencl" -> OpenClBackend.open(false, precision);
            case "cuda" -> CudaBackend.open(precision);
            case "auto" -> {
                try {
                    yield CudaBackend.open(precision);
                } catch (BackendUnavailableException | LinkageError e) {
                    verbose("device auto: no CUDA (" + e.getMessage() + ")");
                    try {
                        yield OpenClBackend.open(true, precision);
                    } catch (BackendUnavailableException | LinkageError e2) {
                        verbose("device auto: no OpenCL GPU (" + e2.getMessage() + "); using the java backend");
                        yield new JavaBackend();
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown device '" + name + "'; expected one of " + NAMES);
        };
    }

    /** Why a backend was not picked, on stderr, when md runs with -v/--verbose (system property md.verbose). */
    private static void verbose(String message) {
        if (Boolean.getBoolean("md.verbose")) System.err.println("md: " + message);
    }

    /** The backends that open on this machine (each is opened and closed once). */
    public static List<String> available() {
        List<String> out = new ArrayList<>();
        for (String n : List.of("java", "opencl", "cuda")) {
            try (KernelBackend b = open(n)) {
                out.add(n);
            } catch (BackendUnavailableException | LinkageError e) {
                // not here
            }
        }
        return out;
    }
}
