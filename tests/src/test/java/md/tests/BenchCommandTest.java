package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code md bench NAME}: a benchmark that is not part of the build is a clear error. */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class BenchCommandTest {
    @Test
    void unknownBenchmarkIsAClearError() {
        Cli.Result r = Cli.run("bench", "no-such-thing");
        assertEquals(2, r.exitCode());
        assertTrue(r.message().contains("benchmark 'no-such-thing' is not part of this build (no class md.engine.bench.NoSuchThingBenchmark)"), r.err());
    }

    @Test
    void benchmarkNameIsRequired() {
        Cli.Result r = Cli.run("bench");
        assertEquals(2, r.exitCode());
        assertTrue(r.message().contains("needs a benchmark name"), r.err());
    }

    @Test
    void modelBenchmarkTimesAnyFamilyAndNamesItsMistakes() {
        java.nio.file.Path data = NequipEnergyConservationTest.shared("rmd17/rmd17_aspirin_test_01.npz").getParent().getParent();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        Cli.Result r;
        try {
            r = Cli.run("bench", "model", "--family", "torchmdnet-et", "embedding_dimension=16", "num_layers=1", "num_heads=2", "num_rbf=8",
                    "--data", data.toString(), "--steps", "2", "--warmup", "1", "--threads", "1");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, r.exitCode(), r.err());
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        for (String part : new String[] {"family torchmdnet-et", "21 atoms", "host, 1 thread(s)", "where the time goes", "affine", "equivariantAttention"})
            assertTrue(text.contains(part), part + " in: " + text);
        assertTrue(!text.contains("not available") && text.matches("(?s).*host, 1 thread\\(s\\)\\s+\\d+\\.\\d+\\s+\\d+\\.\\d+.*"), "a timed row: " + text);

        Cli.Result bad = Cli.run("bench", "model", "--family", "torchmdnet-et", "num_layer=2", "--data", data.toString());
        assertEquals(2, bad.exitCode());
        assertTrue(bad.message().contains("option num_layer") && bad.message().contains("num_layers"), bad.err());
        Cli.Result none = Cli.run("bench", "model");
        assertEquals(2, none.exitCode());
        assertTrue(none.message().contains("needs --model FILE or --family NAME"), none.err());
    }
}
