package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * md on a platform whose native HDF5 library is missing (simulated by a class path without the
 * platform's natives jar, org.bytedeco hdf5-VERSION-linux-x86_64.jar): a run asking for HDF5 output
 * stops at once with exit 2 and a paragraph saying what is missing and what to do, no stack trace and no
 * output files; an extended XYZ run works as before.
 */
class NativeHdf5MissingTest {
    @TempDir Path dir;

    private record Run(int exit, String err) {}

    private Run md(Path input) throws Exception {
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !(p.contains("hdf5") && p.contains("linux-x86_64")))
                .collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a JavaCPP cache of its own: libraries another run unpacked must not be found there either
        List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-Dorg.bytedeco.javacpp.cachedir=" + dir.resolve("cache"),
                "-cp", cp, "md.engine.cli.Main", "run", "--quiet", input.toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), err);
    }

    private Path input(String name, String formats) throws Exception {
        return Cli.write(dir.resolve(name + ".yaml"), Inputs.argon(ResumeTest.dynamics("velocity-verlet", 20),
                "  directory: " + name + "\n  trajectory: {every: 10, formats: " + formats + "}\n  thermo: {every: 10}\n"));
    }

    @Test void hdf5OutputFailsUpFrontAndExtxyzStillWorks() throws Exception {
        Run h5 = md(input("h5", "[extxyz, h5]"));
        assertEquals(2, h5.exit(), h5.err());
        assertTrue(h5.err().contains("needs the native HDF5 library, which could not be loaded"), h5.err());
        assertTrue(h5.err().contains("-Djavacpp.platform="), h5.err());
        assertTrue(h5.err().contains("formats: [extxyz]"), h5.err());
        assertFalse(h5.err().contains("\tat "), "no stack trace: " + h5.err());
        assertFalse(Files.exists(dir.resolve("h5/thermo.csv")));
        assertFalse(Files.exists(dir.resolve("h5/trajectory.extxyz")));

        Run xyz = md(input("xyz", "[extxyz]"));
        assertEquals(0, xyz.exit(), xyz.err());
        assertTrue(Files.size(dir.resolve("xyz/trajectory.extxyz")) > 0);
    }
}
