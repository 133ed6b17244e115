package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenCL loader search that keeps JOCL from printing "Could not load libOpenCL.so" on machines
 * without OpenCL: against made-up folders and caches, against {@code ldconfig -p} (an independent reader
 * of the same cache), and end to end: {@code device: auto} in a fresh JVM prints nothing.
 */
// runs clinfo and opens OpenCL: not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(DeviceBackends.LOCK)
class OpenClLoaderTest {
    @TempDir Path dir;

    @Test
    void findsTheLibraryInAFolderOrByItsExactNameInTheCache() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path cache = dir.resolve("ld.so.cache");
        // only the versioned name (ocl-icd-libopencl1 without the -dev symlink): dlopen("libOpenCL.so") fails
        Files.write(cache, ("glibc-ld.so.cache1.1\0libOpenCL.so.1\0/usr/lib/x86_64-linux-gnu/libOpenCL.so.1\0").getBytes(StandardCharsets.ISO_8859_1));
        assertFalse(OpenClLoader.findable("libOpenCL.so", List.of(lib), cache));
        assertFalse(OpenClLoader.findable("libOpenCL.so", List.of(lib), dir.resolve("no-such-cache")));
        Files.write(cache, ("glibc-ld.so.cache1.1\0libOpenCL.so\0/usr/lib/x86_64-linux-gnu/libOpenCL.so\0").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(OpenClLoader.findable("libOpenCL.so", List.of(lib), cache));
        // a name that merely ends the same way is another library
        Files.write(cache, ("\0libXOpenCL.so\0").getBytes(StandardCharsets.ISO_8859_1));
        assertFalse(OpenClLoader.findable("libOpenCL.so", List.of(lib), cache));
        Files.writeString(lib.resolve("libOpenCL.so"), "");
        assertTrue(OpenClLoader.findable("libOpenCL.so", List.of(lib), dir.resolve("no-such-cache")));
    }

    @Test
    void agreesWithLdconfigOnThisMachinesCache() throws Exception {
        Path ldconfig = Path.of("/sbin/ldconfig");
        Path cache = Path.of("/etc/ld.so.cache");
        Assumptions.assumeTrue(Files.isExecutable(ldconfig) && Files.isRegularFile(cache), "no ldconfig or ld.so cache here");
        Process p = new ProcessBuilder(ldconfig.toString(), "-p").redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        boolean listed = listing.lines().map(String::strip).anyMatch(l -> l.startsWith("libOpenCL.so "));
        assertEquals(listed, OpenClLoader.inLdCache("libOpenCL.so", cache), listing);
    }

    /** What a run with device: auto does first; printed on stdout by a fresh JVM (JOCL's message would be there). */
    public static final class AutoProbe {
        public static void main(String[] args) {
            try (KernelBackend b = Backends.open("auto")) {
                System.out.println("opened");
            }
        }
    }

    @Test
    void deviceAutoPrintsNothingOfItsOwnWhereOpenClIsMissing() throws Exception {
        Assumptions.assumeFalse(OpenClLoader.findable(), "this machine has the OpenCL loader: nothing to keep quiet");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                AutoProbe.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("opened", out.strip(), "device auto printed more than the probe itself");
    }
}
