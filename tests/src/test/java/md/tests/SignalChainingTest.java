package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PoCL's LLVM puts its own SIGSEGV, SIGBUS, SIGILL and SIGFPE handlers in place of the JVM's when it builds the
 * OpenCL program (device: opencl, and a PoCL GPU under device: auto). The JVM takes SIGSEGV for its null checks and
 * safepoint polls, so two threads faulting at once then killed the process (exit 139, no hs_err file: it happened to
 * the test JVM every few runs once all tests shared one). scripts/java-env.sh (sourced by ./md and ./run-tests)
 * preloads the JDK's libjsig, which keeps the JVM's handlers in place and chains the library's behind them. This
 * test builds an OpenCL program (a one-line kernel: the compiler, not our kernels, is what matters) in a fresh JVM
 * started as java-env.sh starts one and checks, in the kernel's own table, that the handlers are still the JVM's;
 * the same JVM without libjsig is the control (where the handlers stay put without it, as without PoCL, the test
 * skips).
 */
class SignalChainingTest {

    private static final Path ROOT = Path.of(System.getProperty("md.repo.root", "..")).toAbsolutePath().normalize();

    private record Probe(String before, String after, String output) {}

    private static Probe probe(Path dir, boolean throughJavaEnv) throws IOException, InterruptedException {
        Path source = Files.createDirectories(dir).resolve("SignalHandlerProbe.java");
        try (var in = SignalChainingTest.class.getResourceAsStream("/signals/SignalHandlerProbe.java")) {
            Files.copy(in, source);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> javaCmd = List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                source.toString());
        List<String> cmd = new ArrayList<>();
        if (throughJavaEnv) {
            cmd.addAll(List.of("bash", "-c", ". \"$1\" && shift && exec \"$@\"", "_", ROOT.resolve("scripts/java-env.sh").toString()));
        }
        cmd.addAll(javaCmd);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("LD_PRELOAD"); // the test JVM's own, if any: each probe gets only what its launch adds
        env.put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe timed out");
        assertEquals(0, p.exitValue(), "probe failed:\n" + out);
        String before = null, after = null;
        for (String line : out.lines().toList()) {
            if (line.startsWith("before ")) before = line.substring(7);
            if (line.startsWith("after ")) after = line.substring(6);
        }
        assertTrue(before != null && after != null, "probe printed no handlers:\n" + out);
        return new Probe(before, after, out);
    }

    @Test void theJvmKeepsItsSignalHandlersWhenPoclBuildsTheProgram(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the probe asks the x86-64 Linux kernel");
        Assumptions.assumeTrue(Runtime.version().feature() >= 22, "the probe uses the foreign function API (JDK 22+)");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(System.getProperty("java.home"), "lib", "libjsig.so")), "this JDK has no libjsig");
        Probe control = probe(dir.resolve("control"), false);
        Assumptions.assumeFalse(control.before().equals(control.after()),
                "building an OpenCL program leaves the JVM's handlers alone here even without libjsig (no PoCL?):\n" + control.output());
        Probe launched = probe(dir.resolve("java-env"), true);
        assertEquals(launched.before(), launched.after(), "a JVM started as scripts/java-env.sh starts one lost its signal handlers "
                + "(without libjsig: " + control.before() + " -> " + control.after() + "):\n" + launched.output());
    }
}
