package md.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The top level of the command line: help lists every command, --version says what runs. */
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
}
