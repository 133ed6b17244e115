package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.io.FolderLock;

/**
 * Environment failures of the commands that write (a file where a folder should be, a folder where a
 * file should be, no permission, a full disk) and two runs on one output folder: one located
 * paragraph, exit code 2 (the path is wrong) or 5 (the OS refused), never a stack trace.
 */
class OutputFailureTest {
    @TempDir Path dir;

    private Path argon(String name, String output) throws IOException {
        return Cli.write(dir.resolve(name + ".yaml"), Inputs.argon("""
                  integrator: velocity-verlet
                  timestep_fs: 2
                  steps: 10
                """, output));
    }

    private static void assertParagraph(Cli.Result r, int code, String... fragments) {
        if (Boolean.getBoolean("md.test.print")) System.out.println("exit " + r.exitCode() + ": " + r.err().strip());
        assertEquals(code, r.exitCode(), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        for (String f : fragments) assertTrue(r.message().contains(f), "'" + f + "' in: " + r.message());
    }

    @Test void runOutputFolderUnderARegularFile() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        Path input = argon("under", "  directory: plain/out\n");
        assertParagraph(Cli.run("run", "--quiet", input.toString()), 2,
                "cannot create the output folder", file + " is a regular file, not a folder");
    }

    @Test void runOutputFolderThatIsARegularFile() throws IOException {
        Files.writeString(dir.resolve("plain"), "x");
        Path input = argon("isfile", "  directory: plain\n");
        assertParagraph(Cli.run("run", "--quiet", input.toString()), 2, "plain is a regular file, not a folder");
        assertParagraph(Cli.run("run", "--quiet", "--output", dir.resolve("plain").toString(), input.toString()), 2,
                "output folder (--output)", "is a regular file, not a folder");
    }

    // Permission refusals: PermissionDeniedTest (in a separate process, so that they are checked as root too).

    @Test void runOnAFullDiskNamesTheFileAndTheReason() throws IOException {
        // /dev/full refuses every write with ENOSPC: trajectory.h5 linked there makes the native HDF5 library fail as on
        // a full disk (its exception says "Write failed"; the errno text is only in HDF5's error stack).
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "no /dev/full on this system");
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(out.resolve("trajectory.h5"), full);
        Path input = argon("full", "  directory: out\n  trajectory: {every: 5, formats: [h5]}\n  thermo: {every: 0}\n");
        // --overwrite: the link is where an earlier run's trajectory.h5 would be
        assertParagraph(Cli.run("run", "--quiet", "--overwrite", input.toString()), 5,
                "no space left on device", out.resolve("trajectory.h5").toString());
    }

    @Test void evalOutputFailures() throws IOException {
        Path frames = Cli.write(dir.resolve("in.extxyz"), "1\nLattice=\"10 0 0 0 10 0 0 0 10\"\nAr 0 0 0\n");
        String ff = "{type: lennard-jones, cutoff: 4, species: {Ar: {epsilon: 0.01, sigma: 3.4}}}";
        Path folder = Files.createDirectory(dir.resolve("folder"));
        assertParagraph(Cli.run("eval", "--quiet", "-f", ff, "-o", folder.toString(), frames.toString()), 2,
                "--output " + folder + " is a folder", folder.resolve("out.eval.extxyz").toString());
        Files.writeString(dir.resolve("plain"), "x");
        assertParagraph(Cli.run("eval", "--quiet", "-f", ff, "-o", dir.resolve("plain/e.extxyz").toString(), frames.toString()), 2,
                "the folder " + dir.resolve("plain") + " (for --output", "is a regular file, not a folder");
        // A missing folder is created.
        assertEquals(0, Cli.run("eval", "--quiet", "-f", ff, "-o", dir.resolve("new/sub/e.extxyz").toString(), frames.toString()).exitCode());
        assertTrue(Files.isRegularFile(dir.resolve("new/sub/e.extxyz")));
        if (Files.isWritable(Path.of("/dev/full")))
            assertParagraph(Cli.run("eval", "--quiet", "-f", ff, "-o", "/dev/full", frames.toString()), 5,
                    "cannot write /dev/full: no space left on device");
    }

    @Test void analyzeOutputFolderUnderAFile() throws IOException {
        Path input = argon("traj", "  directory: out\n  trajectory: {every: 5}\n");
        assertEquals(0, Cli.run("run", "--quiet", input.toString()).exitCode());
        Files.writeString(dir.resolve("plain"), "x");
        assertParagraph(Cli.run("analyze", dir.resolve("out/trajectory.extxyz").toString(), "-o", dir.resolve("plain/report").toString()), 2,
                "cannot create the output folder (--output)", dir.resolve("plain") + " is a regular file, not a folder");
    }

    @Test void aSecondRunOnTheSameFolderIsLockedOutAndAKilledRunsLockIsTakenOver() throws Exception {
        Path input = Cli.write(dir.resolve("long.yaml"), Inputs.argon("""
                  integrator: velocity-verlet
                  timestep_fs: 2
                  steps: 100000000
                """, "  directory: out\n  thermo: {every: 1000}\n  trajectory: {every: 0}\n  checkpoint: {every: 0}\n"));
        Path lockFile = dir.resolve("out").resolve(FolderLock.FILE);
        Process first = startMd(input);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.isRegularFile(lockFile) && Files.readString(lockFile).startsWith("pid ")) && System.nanoTime() < deadline) {
                assertTrue(first.isAlive(), "the first run ended early");
                Thread.sleep(50);
            }
            Cli.Result second = Cli.run("run", "--quiet", "--overwrite", input.toString());
            assertParagraph(second, 2, "another md run (PID " + first.pid() + ") is working in " + dir.resolve("out"), "wait for it to end");
        } finally {
            first.destroyForcibly().waitFor();
        }
        // kill -9 left the lock file behind (with the dead PID), but no lock: the next run takes it over.
        assertTrue(Files.readString(lockFile).startsWith("pid " + first.pid()));
        Path shorter = Cli.write(input, Files.readString(input).replace("steps: 100000000", "steps: 10"));
        Cli.Result next = Cli.run("run", "--quiet", "--overwrite", shorter.toString());
        assertEquals(0, next.exitCode(), next.err());
    }

    private static Process startMd(Path input) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "md.engine.cli.Main", "run", "--quiet", input.toString());
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
