package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code md bench NAME}: a benchmark that is not part of the build is a clear error. */
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
}
