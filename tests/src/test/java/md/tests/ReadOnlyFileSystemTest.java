package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output on a read-only file system (a tmpfs mounted read-only; needs root and the mount command, skipped
 * otherwise): run, eval, analyze and train stop with exit code 5 and one paragraph naming the path and
 * "read-only file system", never a stack trace. Root is refused here too, unlike with file permissions.
 */
class ReadOnlyFileSystemTest {
    @TempDir Path dir;
    private Path ro;
    private boolean mounted;

    private static int exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @BeforeEach
    void mountReadOnly() throws Exception {
        ro = Files.createDirectory(dir.resolve("ro"));
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a file system needs root");
        try {
            mounted = exec("mount", "-t", "tmpfs", "-o", "ro,size=1m", "md-test-ro", ro.toString()) == 0;
        } catch (IOException e) {
            mounted = false;
        }
        assumeTrue(mounted, "could not mount a read-only tmpfs here");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) assertEquals(0, exec("umount", ro.toString()), "umount " + ro);
    }

    private static void assertReadOnly(Cli.Result r, String... fragments) {
        if (Boolean.getBoolean("md.test.print")) System.out.println("exit " + r.exitCode() + ": " + r.err().strip());
        assertEquals(5, r.exitCode(), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
        assertTrue(r.message().contains("read-only file system"), r.err());
        for (String f : fragments) assertTrue(r.message().contains(f), "'" + f + "' in: " + r.message());
    }

    @Test void everyCommandThatWritesNamesTheReadOnlyFileSystem() throws IOException {
        String dynamics = "  integrator: velocity-verlet\n  timestep_fs: 2\n  steps: 10\n";
        Path run = Cli.write(dir.resolve("run.yaml"), Inputs.argon(dynamics, "  directory: " + ro.resolve("out") + "\n"));
        assertReadOnly(Cli.run("run", "--quiet", run.toString()), "cannot create the output folder", ro.resolve("out").toString());
        assertReadOnly(Cli.run("run", "--quiet", "--output", ro.toString(), run.toString()), "cannot write in the output folder");

        Path frames = Cli.write(dir.resolve("frames.extxyz"), "1\nLattice=\"10 0 0 0 10 0 0 0 10\" Properties=species:S:1:pos:R:3\nAr 0 0 0\n");
        String lj = "{type: lennard-jones, cutoff: 4, species: {Ar: {epsilon: 0.01, sigma: 3.4}}}";
        assertReadOnly(Cli.run("eval", "--quiet", "-f", lj, "-o", ro.resolve("e.extxyz").toString(), frames.toString()), ro.resolve("e.extxyz").toString());

        Path traj = Cli.write(dir.resolve("traj.yaml"), Inputs.argon(dynamics, "  directory: " + dir.resolve("out") + "\n  trajectory: {every: 5}\n"));
        assertEquals(0, Cli.run("run", "--quiet", traj.toString()).exitCode());
        assertReadOnly(Cli.run("analyze", dir.resolve("out/trajectory.extxyz").toString(), "-o", ro.resolve("report").toString()),
                "cannot create the output folder", ro.resolve("report").toString());

        Path train = Cli.write(dir.resolve("train.yaml"), """
                model: {family: nequip, l_max: 0, num_features: 4, num_layers: 1, r_max: 4.0}
                data:
                  train: [{file: %s}]
                  validation: [{file: %s}]
                training: {max_epochs: 1}
                output: {directory: %s}
                """.formatted(frames, frames, ro.resolve("train")));
        assertReadOnly(Cli.run("train", train.toString()), "cannot create the output folder", ro.resolve("train").toString());
    }
}
