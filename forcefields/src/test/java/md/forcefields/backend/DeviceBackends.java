package md.forcefields.backend;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

/**
 * The device backends of this machine for tests, opened once per test JVM (the OpenCL build takes a
 * few seconds) and never closed (the JVM exit releases them). A test asks by name and is skipped,
 * with the reason, when that backend is not available here.
 */
final class DeviceBackends {
    private DeviceBackends() {}

    private static final Map<String, Object> OPENED = new HashMap<>();

    /**
     * The resource lock of every test class that uses these shared backends (@ResourceLock(DeviceBackends.LOCK)): a
     * backend (one context, one queue, its buffers) serves one thread at a time, and test classes run two at a time.
     */
    static final String LOCK = "md.device-backends";

    /** The backend, or an aborted (skipped) test saying why it is not available. */
    static KernelBackend require(String name) { return require(name, Precision.FLOAT64); }

    /** The backend with kernels in {@code precision}, or an aborted (skipped) test saying why it is not available. */
    static synchronized KernelBackend require(String name, Precision precision) {
        Object b = OPENED.computeIfAbsent(name + "/" + precision, k -> {
            try {
                return Backends.open(name, precision);
            } catch (BackendUnavailableException | LinkageError e) {
                return e.getMessage();
            }
        });
        Assumptions.assumeTrue(b instanceof KernelBackend, () -> name + " backend not available: " + b);
        return (KernelBackend) b;
    }
}
