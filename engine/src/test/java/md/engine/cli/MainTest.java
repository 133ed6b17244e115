package md.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The top level of the command line: help lists every command, --version says what runs. */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class MainTest {

    private static String stdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void versionNamesMdJavaAndTheVectorKernels() {
        int[] code = new int[1];
        String out = stdout(() -> code[0] = Main.run(new String[] {"--version"}, System.err));
        assertEquals(0, code[0]);
        assertTrue(out.startsWith("md "), out);
        assertTrue(out.contains("Java " + Runtime.version()), out);
        assertTrue(out.contains("Vector API kernels: " + (md.forcefields.e3nn.DenseKernels.VECTORIZED ? "on" : "off")), out);
    }

    @Test
    void helpListsEveryCommandAndTheVersionOption() {
        String out = stdout(() -> assertEquals(0, Main.run(new String[] {"help"}, System.err)));
        for (Command c : Main.commands()) assertTrue(out.contains("  " + c.name() + " "), c.name() + " missing from: " + out);
        assertTrue(out.contains("md --version"), out);
    }

    @Test
    void helpAnywhereAndOptionEqualsValue() {
        // --help after other arguments prints the command's usage (md run X.yaml --help)
        String out = stdout(() -> assertEquals(0, Main.run(new String[] {"run", "input.yaml", "--help"}, System.err)));
        assertTrue(out.startsWith(new RunCommand().usage().substring(0, 20)), out);
        // --opt=value is --opt value; values keep their own '=' and arguments that are not options stay whole
        assertEquals(java.util.List.of("--output", "out=1", "x=2", "-o=3", "--steps", "600000"),
                java.util.List.of(Main.splitEquals(new String[] {"--output=out=1", "x=2", "-o=3", "--steps=600000"})));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = Main.run(new String[] {"run", "--output=/nonexistent-dir/x", "no-such-input.yaml"}, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("no-such-input.yaml") && !msg.contains("unknown option"), msg);
    }

    private static String[] errorOf(String... args) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), err.toString(StandardCharsets.UTF_8).strip()};
    }

    @Test
    void everyCommandWordsAnUnknownOptionAndAMissingValueTheSameWay() {
        String[][] typos = {
                {"run", "--ouptut", "x", "in.yaml"}, {"eval", "--forcefeld", "ff.yaml", "in.xyz"}, {"train", "--thread", "2", "c.yaml"},
                {"import", "--outptu", "m.zip", "nequip", "c.yaml", "w.npz"}, {"analyze", "t.xyz", "--refrence", "r.npz"},
                {"check", "equivariance", "--modle", "m.zip"}};
        String[] meant = {"--output", "--forcefield", "--threads", "--output", "--reference", "--model"};
        for (int k = 0; k < typos.length; k++) {
            String[] r = errorOf(typos[k]);
            String command = typos[k][0].equals("check") ? "check equivariance" : typos[k][0];
            assertEquals("2", r[0], r[1]);
            String typo = java.util.Arrays.stream(typos[k]).filter(a -> a.startsWith("--")).findFirst().orElseThrow();
            assertEquals("md " + typos[k][0] + ": unknown option '" + typo + "'; did you mean '"
                    + meant[k] + "'? (md " + command + " --help lists them)", r[1]);
        }
        String[][] missing = {{"run", "in.yaml", "--output"}, {"eval", "in.xyz", "--forcefield"}, {"train", "c.yaml", "--threads"},
                {"import", "nequip", "c.yaml", "w.npz", "-o"}, {"analyze", "t.xyz", "--reference"}, {"check", "equivariance", "--model"}};
        for (String[] args : missing) {
            String[] r = errorOf(args);
            assertEquals("2", r[0], r[1]);
            assertTrue(r[1].startsWith("md " + args[0] + ": " + args[args.length - 1] + " needs "), r[1]);
        }
    }

    @Test
    void verboseIsAcceptedAnywhereAndSetsTheProperty() {
        String before = System.getProperty(Main.VERBOSE_PROPERTY);
        try {
            System.clearProperty(Main.VERBOSE_PROPERTY);
            String out = stdout(() -> assertEquals(0, Main.run(new String[] {"run", "-v", "--help"}, System.err)));
            assertTrue(out.startsWith("usage: md run"), out);
            assertTrue(Main.verbose());
            assertEquals(java.util.List.of("run", "x.yaml"), java.util.List.of(Main.withoutVerbose(new String[] {"--verbose", "run", "x.yaml", "-v"})));
        } finally {
            if (before == null) System.clearProperty(Main.VERBOSE_PROPERTY);
            else System.setProperty(Main.VERBOSE_PROPERTY, before);
        }
    }
}
