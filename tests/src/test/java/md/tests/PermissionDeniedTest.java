package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user without permission on a file or folder sees, for every command that reads or writes: one
 * paragraph naming the path and "permission denied", exit code 5 (the operating system refused), never a
 * stack trace and never a format error ("is it an HDF5 file?"). The tests run md in a separate process; as
 * root, which ignores file permissions, that process runs without the capabilities that let root read and
 * write anything ({@code setpriv --bounding-set=-dac_override,-dac_read_search}), so the checks also run
 * where the suite runs as root (CI). Skipped when neither is possible.
 */
class PermissionDeniedTest {
    @TempDir Path dir;
    private Path readOnly, unreadable;

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final List<String> DROP_PRIVILEGE = List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search");
    private static final String LJ = "{type: lennard-jones, cutoff: 4, species: {Ar: {epsilon: 0.01, sigma: 3.4}}}";

    record Result(int exitCode, String err) {
        String message() { return err.replaceAll("\\s+", " ").trim(); }
    }

    /** Runs {@code command} in {@link #dir}, as root without the file-permission override. */
    private Result exec(List<String> command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(ROOT ? DROP_PRIVILEGE : List.of());
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
        return new Result(p.exitValue(), err.replaceAll("(?m)^WARNING: Using incubator modules.*\\R", ""));
    }

    private Result md(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-cp", System.getProperty("java.class.path"), "md.engine.cli.Main"));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    @BeforeEach
    void folders() throws Exception {
        readOnly = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        unreadable = Files.createDirectory(dir.resolve("secret"));
        boolean setprivWorks;
        try {
            // the probe: can the restricted process create a file in the read-only folder?
            setprivWorks = exec(List.of("/bin/sh", "-c", "touch ro/probe")).exitCode() != 0;
        } catch (IOException e) { // no setpriv (or no /bin/sh)
            setprivWorks = false;
        }
        assumeTrue(setprivWorks, ROOT ? "cannot drop root's file-permission override (no setpriv?)" : "file permissions do not apply here");
    }

    /** A file in {@code secret/} that nobody may read. */
    private Path unreadableCopy(String name, String text) throws IOException {
        Path f = Files.writeString(unreadable.resolve(name), text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        return f;
    }

    private static void assertDenied(Result r, String... fragments) {
        if (Boolean.getBoolean("md.test.print")) System.out.println("exit " + r.exitCode() + ": " + r.err().strip());
        assertEquals(5, r.exitCode(), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        assertTrue(r.message().contains("permission denied"), r.err());
        for (String f : fragments) assertTrue(r.message().contains(f), "'" + f + "' in: " + r.message());
    }

    private String argon(String output) {
        return Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: 2\n  steps: 10\n", output);
    }

    @Test void runCannotCreateOrWriteItsOutputFolderOrReadItsInput() throws Exception {
        Files.writeString(dir.resolve("under.yaml"), argon("  directory: ro/out\n"));
        assertDenied(md("run", "--quiet", "under.yaml"), "cannot create the output folder", dir.resolve("ro/out").toString());
        Files.writeString(dir.resolve("in.yaml"), argon("  directory: ro\n"));
        assertDenied(md("run", "--quiet", "in.yaml"), "cannot write in the output folder", "ro");
        unreadableCopy("run.yaml", argon("  directory: out\n"));
        assertDenied(md("run", "--quiet", "secret/run.yaml"), "cannot read input file secret/run.yaml");
    }

    @Test void evalAnalyzeAndTrainNameTheFileTheyMayNotReadOrWrite() throws Exception {
        String frame = "1\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3\nAr 0 0 0\n";
        Files.writeString(dir.resolve("frames.extxyz"), frame);
        unreadableCopy("frames.extxyz", frame);
        assertDenied(md("eval", "--quiet", "-f", LJ, "secret/frames.extxyz"), "secret/frames.extxyz", "cannot read the file");
        assertDenied(md("eval", "--quiet", "-f", LJ, "-o", "ro/e.extxyz", "frames.extxyz"), "ro/e.extxyz");
        // binary formats: the refusal, not "cannot read as NumPy/HDF5"
        unreadableCopy("frames.npz", "PK\u0003\u0004");
        assertDenied(md("eval", "--quiet", "-f", LJ, "secret/frames.npz"), "secret/frames.npz", "cannot read the file");
        // md analyze writes its report under a read-only folder
        Files.writeString(dir.resolve("traj.yaml"), argon("  directory: out\n  trajectory: {every: 5}\n"));
        assertEquals(0, Cli.run("run", "--quiet", dir.resolve("traj.yaml").toString()).exitCode());
        assertDenied(md("analyze", "out/trajectory.extxyz", "-o", "ro/report"), "cannot create the output folder", "ro/report");
        // md train's output folder
        Files.writeString(dir.resolve("train.yaml"), """
                model: {family: nequip, l_max: 0, num_features: 4, num_layers: 1, r_max: 4.0}
                data:
                  train: [{file: frames.extxyz}]
                  validation: [{file: frames.extxyz}]
                training: {max_epochs: 1}
                output: {directory: ro/train}
                """);
        assertDenied(md("train", "train.yaml"), "cannot create the output folder", "ro/train");
    }
}
