package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/java-env.sh (sourced by ./md, ./run-tests and .ci/run) gives Maven only JVM options its JDK knows:
 * --sun-misc-unsafe-memory-access exists from JDK 23 (JEP 471) and stops JDK 21 and 22 at start-up. Checked
 * with stand-in JDKs whose java reports a version, as the script asks it.
 */
class JavaEnvScriptTest {
    @TempDir Path dir;

    private Path fakeJdk(String specificationVersion) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("jdk-" + specificationVersion + "/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'Property settings:' >&2\necho '    java.specification.version = " + specificationVersion + "' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin.getParent();
    }

    private String mavenOpts(Path jdk) throws Exception {
        Path script = Cli.repo().resolve("scripts/java-env.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$1\" && printf '%s' \"$MAVEN_OPTS\"", "bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("MD_JAVA_HOME", jdk.toString());
        pb.environment().remove("MAVEN_OPTS");
        Process q = pb.start();
        String out = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(q.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, q.exitValue(), out);
        return out;
    }

    @Test
    void theUnsafeMemoryAccessOptionOnlyForJdk23AndLater() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")), "no bash");
        for (String v : new String[] {"21", "22"}) assertFalse(mavenOpts(fakeJdk(v)).contains("--sun-misc-unsafe-memory-access"), "JDK " + v);
        for (String v : new String[] {"23", "25"}) assertTrue(mavenOpts(fakeJdk(v)).contains("--sun-misc-unsafe-memory-access=allow"), "JDK " + v);
        // and Maven's exit-time colour resets are off for every JDK
        assertTrue(mavenOpts(fakeJdk("21")).contains("-Djansi.noreset=true"));
    }
}
