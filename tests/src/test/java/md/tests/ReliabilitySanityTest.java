package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: physical sanity before a run starts (timestep limits), the Morse example's resume with
 * bonds: auto, and messages that were vague (folders for files, non-UTF-8 input, out-of-range options,
 * resume advice without --overwrite).
 */
class ReliabilitySanityTest {
    @TempDir Path dir;

    private static final String OUTPUT = "  directory: out\n  checkpoint: {every: 0}\n";

    /** Fails with exit 2, one paragraph and no stack trace; returns the folded message. */
    private static String userError(Cli.Result r) {
        assertEquals(2, r.exitCode(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        return r.message();
    }

    private static int lineOf(String yaml, String text) {
        String[] lines = yaml.split("\n");
        for (int i = 0; i < lines.length; i++) if (lines[i].contains(text)) return i + 1;
        throw new AssertionError(text + " not in input");
    }

    /** The rMD17 ethanol frame of the repository with the Morse bonds of inputs/ethanol-morse.yaml. */
    private static String ethanolMorse(String dynamics, String output) {
        return """
                structure: {file: %s}
                forcefield:
                  type: morse
                  bonds: auto
                  parameters:
                    C-H: {D: 4.28, alpha: 1.77, r0: 1.09}
                    C-C: {D: 3.61, alpha: 1.99, r0: 1.52}
                    C-O: {D: 3.71, alpha: 2.00, r0: 1.43}
                    O-H: {D: 4.61, alpha: 2.27, r0: 0.96}
                velocities: {temperature_K: 500, seed: 17, remove_com: true, remove_rotation: true}
                dynamics:
                %soutput:
                %s""".formatted(Cli.inputs().resolve("structures/ethanol-rmd17.extxyz"), dynamics, output);
    }

    // ------------------------------------------------------------------ timestep sanity

    @Test
    void millionFemtosecondTimestepIsRefusedNamingTheKey() throws IOException {
        String yaml = Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: 1e6\n  steps: 10\n", OUTPUT);
        Path input = Cli.write(dir.resolve("input.yaml"), yaml);
        String msg = userError(Cli.run("run", "--quiet", input.toString()));
        assertTrue(msg.contains(input.toString()) && msg.contains("line " + lineOf(yaml, "timestep_fs"))
                && msg.contains("'dynamics.timestep_fs'"), msg);
        assertTrue(msg.contains("1000000 fs") && msg.contains("at most 20 fs") && msg.contains("allow_large_timestep: true"), msg);
        assertFalse(Files.exists(dir.resolve("out/thermo.csv")), "nothing was run");
    }

    @Test
    void timestepAboveTheHydrogenLimitIsRefusedUnlessAllowed() throws IOException {
        String yaml = ethanolMorse("  integrator: velocity-verlet\n  timestep_fs: 6\n  steps: 0\n", OUTPUT);
        Path input = Cli.write(dir.resolve("input.yaml"), yaml);
        String msg = userError(Cli.run("run", "--quiet", input.toString()));
        assertTrue(msg.contains("line " + lineOf(yaml, "timestep_fs")) && msg.contains("'dynamics.timestep_fs'"), msg);
        assertTrue(msg.contains("hydrogen") && msg.contains("at most 5 fs"), msg);

        Cli.write(input, yaml.replace("timestep_fs: 6\n", "timestep_fs: 6\n  allow_large_timestep: true\n"));
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(0, r.exitCode(), r.err());
    }

    // ------------------------------------------------------------------ Morse example resumes

    @Test
    void morseWithAutoBondsResumesAndExtendsBitForBit() throws IOException {
        String output = "  directory: out\n  trajectory: {every: 20}\n  thermo: {every: 10}\n  checkpoint: {every: 1000}\n";
        String fu = "  integrator: nose-hoover-fu\n  timestep_fs: 0.5\n  steps: %d\n  temperature_K: 500\n  ttime: 20\n";
        Path whole = Cli.write(dir.resolve("whole/input.yaml"), ethanolMorse(fu.formatted(3000), output));
        assertEquals(0, Cli.run("run", "--quiet", whole.toString()).exitCode());
        Path split = dir.resolve("split/input.yaml");
        Cli.write(split, ethanolMorse(fu.formatted(1000), output));
        assertEquals(0, Cli.run("run", "--quiet", split.toString()).exitCode());
        Cli.write(split, ethanolMorse(fu.formatted(2000), output));
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", split.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        Cli.write(split, ethanolMorse(fu.formatted(3000), output));
        Cli.Result extended = Cli.run("run", "--quiet", "--resume", split.toString());
        assertEquals(0, extended.exitCode(), extended.err());
        ResumeTest.assertSameOutputs(dir.resolve("whole/out"), dir.resolve("split/out"));
    }

    // ------------------------------------------------------------------ files

    @Test
    void folderGivenAsStructureFileSaysSo() throws IOException {
        Files.createDirectories(dir.resolve("frames.extxyz"));
        String yaml = "structure: {file: frames.extxyz}\n" + Inputs.ARGON_FORCEFIELD
                + "dynamics: {integrator: velocity-verlet, timestep_fs: 5, steps: 1}\noutput:\n" + OUTPUT;
        String msg = userError(Cli.run("run", "--quiet", Cli.write(dir.resolve("input.yaml"), yaml).toString()));
        assertTrue(msg.contains(dir.resolve("frames.extxyz") + " is a folder, expected a file") && msg.contains("'structure.file'"), msg);
    }

    @Test
    void folderGivenAsTrajectoryToAnalyzeSaysSo() throws IOException {
        Files.createDirectories(dir.resolve("traj.extxyz"));
        String msg = userError(Cli.run("analyze", dir.resolve("traj.extxyz").toString(), "-o", dir.resolve("a").toString()));
        assertTrue(msg.contains("is a folder, expected a file"), msg);
    }

    @Test
    void binaryStructureFileNamesTheFileTheEncodingAndTheLine() throws IOException {
        String xyz = Files.readString(Cli.inputs().resolve("structures/ethanol-rmd17.extxyz"));
        byte[] head = xyz.substring(0, xyz.indexOf('\n', xyz.indexOf('\n') + 1) + 1).getBytes();
        byte[] rest = xyz.substring(head.length).getBytes();
        byte[] all = new byte[head.length + 3 + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        all[head.length] = 'C';
        all[head.length + 1] = (byte) 0xFF;
        all[head.length + 2] = ' ';
        System.arraycopy(rest, 0, all, head.length + 3, rest.length);
        Files.write(dir.resolve("bad.extxyz"), all);
        String yaml = ethanolMorse("  integrator: velocity-verlet\n  timestep_fs: 0.5\n  steps: 1\n", OUTPUT)
                .replace(Cli.inputs().resolve("structures/ethanol-rmd17.extxyz").toString(), "bad.extxyz");
        String msg = userError(Cli.run("run", "--quiet", Cli.write(dir.resolve("input.yaml"), yaml).toString()));
        assertTrue(msg.contains(dir.resolve("bad.extxyz").toString()), msg);
        assertTrue(msg.contains("not UTF-8") && msg.contains("line 3, column 2") && msg.contains("0xFF"), msg);
        assertFalse(msg.contains("Input length"), msg);
    }

    @Test
    void nonUtf8InputFileNamesTheLine() throws IOException {
        Path input = dir.resolve("input.yaml");
        Files.write(input, "description: ok\ndescription2: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String msg = userError(Cli.run("run", "--quiet", input.toString()));
        assertTrue(msg.contains(input.toString()) && msg.contains("not UTF-8") && msg.contains("line 2, column 18")
                && msg.contains("0xE9"), msg);
    }

    // ------------------------------------------------------------------ options and advice

    @Test
    void hrRmaxZeroNamesTheOption() throws IOException {
        String yaml = Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: 5\n  steps: 20\n",
                "  directory: out\n  trajectory: {every: 10}\n  checkpoint: {every: 0}\n");
        assertEquals(0, Cli.run("run", "--quiet", Cli.write(dir.resolve("input.yaml"), yaml).toString()).exitCode());
        String msg = userError(Cli.run("analyze", dir.resolve("out/trajectory.extxyz").toString(), "--hr-rmax", "0",
                "-o", dir.resolve("a").toString()));
        assertTrue(msg.contains("--hr-rmax must be a positive number") && msg.contains("got 0"), msg);
        msg = userError(Cli.run("analyze", dir.resolve("out/trajectory.extxyz").toString(), "--rdf-rmax", "-1",
                "-o", dir.resolve("a").toString()));
        assertTrue(msg.contains("--rdf-rmax must be a positive number"), msg);
    }

    @Test
    void runStoppedBeforeItsFirstCheckpointPointsToOverwrite() throws IOException {
        Path input = Cli.write(dir.resolve("input.yaml"), Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: 5\n  steps: 10\n", OUTPUT));
        assertEquals(0, Cli.run("run", "--quiet", input.toString()).exitCode());
        String resume = userError(Cli.run("run", "--quiet", "--resume", input.toString()));
        assertTrue(resume.contains("no checkpoint") && resume.contains("--overwrite"), resume);
        String again = userError(Cli.run("run", "--quiet", input.toString()));
        assertTrue(again.contains("already holds a run") && again.contains("--overwrite") && again.contains("before its first checkpoint"), again);
        assertEquals(0, Cli.run("run", "--quiet", "--overwrite", input.toString()).exitCode());
    }

    @Test
    void refusedBenchmarkResumeLeavesTheRunInputAlone() throws IOException {
        Path ref = StabilityBenchmarkTest.reference(dir), out = dir.resolve("bench");
        String ff = StabilityBenchmarkTest.bonds("");
        String[] common = {"bench", "stability", "--forcefield", ff, "--reference", ref.toString(), "--runs", "1", "--save-every", "10",
                "-o", out.toString()};
        assertEquals(0, Cli.run(concat(common, "--steps", "20")).exitCode());
        // As if killed after the checkpoint at step 20 and the checkpoint then damaged: --resume must refuse.
        Path run = out.resolve("run-1");
        Files.delete(run.resolve("status.properties"));
        Files.write(run.resolve("checkpoint.mdchk"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Path input = run.resolve("input.yaml");
        String before = Files.readString(input) + "# the user's note\n";
        Files.writeString(input, before);
        String msg = userError(Cli.run(concat(common, "--steps", "40", "--resume")));
        assertTrue(msg.contains("checkpoint"), msg);
        assertEquals(before, Files.readString(input), "run-1/input.yaml was rewritten by a refused --resume");
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
