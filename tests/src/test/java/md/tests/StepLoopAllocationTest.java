package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.config.RunConfigLoader;
import md.engine.run.MdRun;
import md.engine.run.Simulation;

/** The MD step (neighbour-list check, force field, integrator) allocates nothing between list rebuilds. */
@org.junit.jupiter.api.Tag("allocation") // in a JVM of its own: see pom.xml
class StepLoopAllocationTest {
    @TempDir Path dir;

    @Test
    void stepsBetweenNeighbourListRebuildsAllocateNothing() throws Exception {
        Path input = Cli.write(dir.resolve("a.yaml"), Inputs.argon(ResumeTest.dynamics("nose-hoover-chain", 1_000_000),
                "  directory: out\n  trajectory: {every: 0}\n  thermo: {every: 0}\n  checkpoint: {every: 0}\n"));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        try (MdRun run = MdRun.open(RunConfigLoader.load(input), new MdRun.Options(null, false, false, null, false))) {
            Simulation sim = run.simulation();
            for (int i = 0; i < 5_000; i++) sim.step();  // let the JIT compile the loop
            // windows of 1000 steps until one allocates nothing between rebuilds: in a fresh JVM (this test runs in one of
            // its own) C2 may still be compiling parts of the step after the warm-up; up to 20 windows (a few seconds)
            long quietSteps = 0, allocated = Long.MAX_VALUE;
            for (int w = 0; w < 20 && allocated != 0; w++) {
                quietSteps = 0;
                allocated = 0;
                for (int i = 0; i < 1_000; i++) {
                    long rebuilds = sim.neighbors().rebuildCount();
                    long before = mx.getThreadAllocatedBytes(thread);
                    sim.step();
                    long bytes = mx.getThreadAllocatedBytes(thread) - before;
                    if (sim.neighbors().rebuildCount() == rebuilds) { quietSteps++; allocated += bytes; }
                }
            }
            assertTrue(quietSteps > 750, "steps without a rebuild: " + quietSteps);
            System.out.printf("step loop: %d bytes allocated over %d steps without a neighbour-list rebuild%n", allocated, quietSteps);
            assertEquals(0, allocated, "bytes allocated by steps without a rebuild");
        }
    }
}
