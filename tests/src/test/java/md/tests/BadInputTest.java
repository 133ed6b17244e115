package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input named in issue 2 (item 9) gets one paragraph naming the file, the key or
 * line, and what was expected — exit code 2, no stack trace.
 */
class BadInputTest {
    @TempDir Path dir;

    private static final String DYNAMICS = """
              integrator: velocity-verlet
              timestep_fs: 5
              steps: 10
            """;
    private static final String OUTPUT = "  directory: out\n";

    /** Runs the input and checks the common shape of the error; returns the message. */
    private String fails(String yaml) throws IOException {
        Path input = Cli.write(dir.resolve("input.yaml"), yaml);
        Cli.Result r = Cli.run("run", "--quiet", input.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("md run: "), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one paragraph: " + r.err());
        return r.message();
    }

    /** 1-based line of the first line of {@code yaml} containing {@code text} (found independently of md). */
    private static int lineOf(String yaml, String text) {
        String[] lines = yaml.split("\n");
        for (int i = 0; i < lines.length; i++) if (lines[i].contains(text)) return i + 1;
        throw new AssertionError(text + " not in input");
    }

    private void assertLocated(String msg, String yaml, String key, String lineText) {
        assertTrue(msg.contains(dir.resolve("input.yaml").toString()), "names the file: " + msg);
        assertTrue(msg.contains("line " + lineOf(yaml, lineText)), "names line " + lineOf(yaml, lineText) + ": " + msg);
        assertTrue(msg.contains("'" + key + "'"), "names key " + key + ": " + msg);
    }

    @Test void unknownTopLevelKeyGetsSuggestion() throws IOException {
        String yaml = Inputs.argon(DYNAMICS, OUTPUT) + "safty:\n  temperature_window_K: [1, 500]\n";
        String msg = fails(yaml);
        assertLocated(msg, yaml, "safty", "safty:");
        assertTrue(msg.contains("did you mean 'safety'?"), msg);
    }

    @Test void unknownNestedKeyGetsSuggestion() throws IOException {
        String yaml = Inputs.argon("  integrator: velocity-verlet\n  timestep_f: 5\n  steps: 10\n", OUTPUT);
        String msg = fails(yaml);
        assertLocated(msg, yaml, "dynamics.timestep_f", "timestep_f:");
        assertTrue(msg.contains("did you mean 'timestep_fs'?"), msg);
    }

    @Test void unknownForceFieldKeyIsMappedToItsLine() throws IOException {
        String yaml = Inputs.argon(DYNAMICS, OUTPUT).replace("shift: force", "shfit: force");
        String msg = fails(yaml);
        assertLocated(msg, yaml, "forcefield.shfit", "shfit:");
        assertTrue(msg.contains("did you mean 'shift'?"), msg);
    }

    @Test void forceFieldParameterErrorIsMappedToItsLine() throws IOException {
        String yaml = Inputs.argon(DYNAMICS, OUTPUT).replace("sigma: 3.4", "sigma: -3.4");
        String msg = fails(yaml);
        assertTrue(msg.contains("line " + lineOf(yaml, "sigma: -3.4")), msg);
        assertTrue(msg.contains("forcefield.species.Ar"), msg);
        assertTrue(msg.contains("sigma"), msg);
    }

    @Test void wrongType() throws IOException {
        String yaml = Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: 5\n  steps: ten\n", OUTPUT);
        String msg = fails(yaml);
        assertLocated(msg, yaml, "dynamics.steps", "steps: ten");
        assertTrue(msg.contains("expected a whole number of steps"), msg);
        assertTrue(msg.contains("'ten'"), msg);
    }

    @Test void negativeTimestep() throws IOException {
        String yaml = Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: -1\n  steps: 10\n", OUTPUT);
        String msg = fails(yaml);
        assertLocated(msg, yaml, "dynamics.timestep_fs", "timestep_fs: -1");
        assertTrue(msg.contains("expected a positive timestep in femtoseconds"), msg);
    }

    @Test void zeroTimestep() throws IOException {
        String yaml = Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: 0\n  steps: 10\n", OUTPUT);
        assertTrue(fails(yaml).contains("expected a positive timestep"));
    }

    @Test void missingStructureFile() throws IOException {
        String yaml = "structure:\n  file: no-such-file.extxyz\n" + Inputs.ARGON_FORCEFIELD
                + "dynamics:\n" + DYNAMICS + "output:\n" + OUTPUT;
        String msg = fails(yaml);
        assertLocated(msg, yaml, "structure.file", "file: no-such-file");
        assertTrue(msg.contains("file not found"), msg);
        assertTrue(msg.contains(dir.resolve("no-such-file.extxyz").toString()), "names the resolved path: " + msg);
    }

    @Test void unknownElementInLattice() throws IOException {
        String yaml = Inputs.argon(DYNAMICS, OUTPUT).replace("element: Ar", "element: Aq");
        String msg = fails(yaml);
        assertLocated(msg, yaml, "structure.element", "element: Aq");
        assertTrue(msg.contains("unknown element 'Aq'"), msg);
    }

    @Test void unknownElementInStructureFile() throws IOException {
        Cli.write(dir.resolve("bad.extxyz"), "2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nQq 3.8 0 0\n");
        String yaml = "structure:\n  file: bad.extxyz\n" + Inputs.ARGON_FORCEFIELD + "dynamics:\n" + DYNAMICS + "output:\n" + OUTPUT;
        String msg = fails(yaml);
        assertTrue(msg.contains("bad.extxyz"), msg);
        assertTrue(msg.contains("line " + lineOf(yaml, "file: bad.extxyz")), msg);
        assertTrue(msg.contains("Qq"), msg);
    }

    @Test void elementWithoutForceFieldParameters() throws IOException {
        Cli.write(dir.resolve("mixed.extxyz"), "2\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nKr 3.8 0 0\n");
        String yaml = "structure:\n  file: mixed.extxyz\n" + Inputs.ARGON_FORCEFIELD + "dynamics:\n" + DYNAMICS + "output:\n" + OUTPUT;
        String msg = fails(yaml);
        assertLocated(msg, yaml, "forcefield", "forcefield:");
        assertTrue(msg.contains("no parameters for element Kr"), msg);
    }

    @Test void atomsCloserThanATenthOfAnAngstrom() throws IOException {
        Cli.write(dir.resolve("close.extxyz"), "3\nProperties=species:S:1:pos:R:3\nAr 0 0 0\nAr 4 0 0\nAr 4.05 0 0\n");
        String yaml = "structure:\n  file: close.extxyz\n" + Inputs.ARGON_FORCEFIELD + "dynamics:\n" + DYNAMICS + "output:\n" + OUTPUT;
        String msg = fails(yaml);
        assertTrue(msg.contains("line " + lineOf(yaml, "file: close.extxyz")), msg);
        assertTrue(msg.contains("close.extxyz"), msg);
        assertTrue(msg.contains("atoms 1 (Ar) and 2 (Ar)"), msg);
        assertTrue(msg.contains("0.1 Å"), msg);
    }

    @Test void cutoffSpanningAbsurdlyManyImages() throws IOException {
        // one fcc cell (5.78 Å) with a 300 Å cutoff: about 107³ images to search, surely a unit mistake
        String yaml = Inputs.argon(DYNAMICS, OUTPUT).replace("repeat: [3, 3, 3]", "repeat: [1, 1, 1]").replace("cutoff: 8.5", "cutoff: 300");
        String msg = fails(yaml);
        assertLocated(msg, yaml, "forcefield.cutoff", "cutoff: 300");
        assertTrue(msg.contains("periodic images"), msg);
        assertTrue(msg.contains("5.78 Å wide"), "names the cell width: " + msg);
    }

    @Test void keyThatDoesNotApplyToTheIntegrator() throws IOException {
        String yaml = Inputs.argon(DYNAMICS + "  tau_fs: 100\n", OUTPUT);
        String msg = fails(yaml);
        assertLocated(msg, yaml, "dynamics.tau_fs", "tau_fs:");
        assertTrue(msg.contains("does not apply to integrator velocity-verlet"), msg);
    }

    @Test void unknownIntegratorGetsSuggestion() throws IOException {
        String yaml = Inputs.argon(DYNAMICS.replace("velocity-verlet", "velocity-verlett"), OUTPUT);
        String msg = fails(yaml);
        assertLocated(msg, yaml, "dynamics.integrator", "integrator:");
        assertTrue(msg.contains("did you mean 'velocity-verlet'?"), msg);
    }

    @Test void invalidYamlSyntax() throws IOException {
        String yaml = Inputs.argon(DYNAMICS, OUTPUT) + "safety: [1, 2\n";
        String msg = fails(yaml);
        assertTrue(msg.contains("not valid YAML"), msg);
        assertTrue(msg.contains("input.yaml, line"), msg);
    }

    @Test void duplicateKey() throws IOException {
        String yaml = Inputs.argon(DYNAMICS + "  steps: 20\n", OUTPUT);
        String msg = fails(yaml);
        assertTrue(msg.contains("key written twice (first on line " + lineOf(yaml, "steps: 10") + ")"), msg);
    }

    @Test void unsupportedDevice() throws IOException {
        String yaml = Inputs.argon(DYNAMICS, OUTPUT) + "device: cuda\n";
        String msg = fails(yaml);
        assertLocated(msg, yaml, "device", "device:");
        assertTrue(msg.contains("force field 'lennard-jones' runs on [java] only; expected one of those or auto"), msg);
    }

    @Test void missingInputFile() {
        Cli.Result r = Cli.run("run", dir.resolve("nope.yaml").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.message().contains("nope.yaml does not exist"), r.err());
    }

    @Test void refusesToOverwriteAnEarlierRun() throws IOException {
        String yaml = Inputs.argon(DYNAMICS, OUTPUT);
        Path input = Cli.write(dir.resolve("input.yaml"), yaml);
        assertEquals(0, Cli.run("run", "--quiet", input.toString()).exitCode());
        Cli.Result again = Cli.run("run", "--quiet", input.toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.message().contains("already holds a run; use --resume"), again.err());
        assertEquals(0, Cli.run("run", "--quiet", "--overwrite", input.toString()).exitCode());
        assertTrue(Files.exists(dir.resolve("out/thermo.csv")));
    }
}
