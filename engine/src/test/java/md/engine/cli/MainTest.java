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
}
