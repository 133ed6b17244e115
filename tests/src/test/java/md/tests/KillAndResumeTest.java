package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.run.Checkpoint;

/**
 * A run killed with SIGKILL mid-way leaves valid files (complete frames, a complete checkpoint), and
 * {@code --resume} cuts the files back to the checkpoint and continues to exactly what an
 * uninterrupted run writes.
 */
class KillAndResumeTest {
    @TempDir Path dir;

    private static String input(long steps) {
        return Inputs.argon(ResumeTest.dynamics("langevin", steps), """
                  directory: out
                  trajectory: {every: 10, formats: [extxyz, h5]}
                  thermo: {every: 10}
                  checkpoint: {every: 100}
                """);
    }

    @Test
    void killedRunResumesToTheUninterruptedFiles() throws Exception {
        Path killed = dir.resolve("killed"), whole = dir.resolve("whole");
        Path killedInput = Cli.write(killed.resolve("input.yaml"), input(10_000_000));
        Process p = startMd(killedInput);
        Path thermo = killed.resolve("out/thermo.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try {
            // Let it pass at least two checkpoints (steps 100, 200) and get some way past the next one.
            while (lineCount(thermo) < 1 + 26) {
                if (!p.isAlive()) fail("md run ended early (exit " + p.exitValue() + "): " + new String(p.getErrorStream().readAllBytes()));
                if (System.nanoTime() > deadline) fail("md run did not reach step 250 in 120 s");
                Thread.sleep(5);
            }
            // While the run writes, h5py (default file locking) opens trajectory.h5: the writer holds no HDF5 lock.
            // A read racing a flush may fail: a few tries.
            if (H5py.available()) {
                H5py.Result live = null;
                for (int t = 0; t < 5 && (live == null || live.exitCode() != 0); t++)
                    live = H5py.code("import sys, h5py; print(h5py.File(sys.argv[1], 'r')['particles/all/position/value'].shape[0])",
                            killed.resolve("out/trajectory.h5").toString());
                assertTrue(p.isAlive(), "the run should still be going");
                assertEquals(0, live.exitCode(), live.output());
                assertTrue(Integer.parseInt(live.output()) >= 25, live.output());
            }
        } finally {
            p.destroyForcibly();  // SIGKILL: no shutdown hooks, no flushing
            p.waitFor(30, TimeUnit.SECONDS);
        }

        // What the kill left is usable: complete frames (maybe a torn last one) and a whole checkpoint.
        List<Long> steps = ExtxyzFrames.completeFrameSteps(killed.resolve("out/trajectory.extxyz"), 108);
        assertTrue(steps.size() >= 25, "frames written before the kill: " + steps.size());
        for (int i = 0; i < steps.size(); i++) assertEquals(10L * i, steps.get(i), "frame " + i);
        // trajectory.h5 is written and flushed before the extxyz frame: h5py reads every frame extxyz completed,
        // with the same positions (extxyz holds the exact doubles), and no torn data.
        if (H5py.available()) {
            H5py.Result h5 = H5py.code("""
                    import sys, h5py
                    p = h5py.File(sys.argv[1], 'r')['particles/all']
                    v = p['position/value']
                    assert p['force/value'].shape[0] == v.shape[0] == p['box/edges/value'].shape[0]
                    for k in range(v.shape[0]):
                        u = v[k] + p['image/value'][k] @ p['box/edges/value'][k]
                        print(int(p['position/step'][k]), repr(float(u[0, 0])), repr(float(u[-1, 2])))
                    """, killed.resolve("out/trajectory.h5").toString());
            assertEquals(0, h5.exitCode(), h5.output());
            List<String> rows = h5.output().lines().toList();
            assertTrue(rows.size() >= steps.size(), "h5py read " + rows.size() + " frames, extxyz has " + steps.size() + " complete ones");
            String[] xyz = Files.readString(killed.resolve("out/trajectory.extxyz")).split("\n");
            for (int k = 0; k < steps.size(); k++) {
                String[] r = rows.get(k).split(" ");
                assertEquals(steps.get(k), Long.parseLong(r[0]), "h5 frame " + k);
                String[] firstAtom = xyz[k * 110 + 2].strip().split("\\s+"), lastAtom = xyz[k * 110 + 109].strip().split("\\s+");
                // both folded into the 17.34 Å cube with image counts: extxyz's last three columns, h5's particles/all/image
                double box = 3 * 5.78;
                assertEquals(Double.parseDouble(firstAtom[1]) + Integer.parseInt(firstAtom[10]) * box, Double.parseDouble(r[1]), 1e-12, "h5 frame " + k);
                assertEquals(Double.parseDouble(lastAtom[3]) + Integer.parseInt(lastAtom[12]) * box, Double.parseDouble(r[2]), 1e-12, "h5 frame " + k);
            }
        }
        Checkpoint c = Checkpoint.read(killed.resolve("out/checkpoint.mdchk"));
        assertTrue(c.step() >= 200 && c.step() % 100 == 0, "checkpoint step " + c.step());

        // Resume with the run length of the reference (steps may change on resume) and compare.
        long total = c.step() + 300;
        Files.writeString(killedInput, input(total));
        Cli.Result resumed = Cli.run("run", "--quiet", "--resume", killedInput.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(0, Cli.run("run", "--quiet", Cli.write(whole.resolve("input.yaml"), input(total)).toString()).exitCode());
        ResumeTest.assertSameOutputs(whole.resolve("out"), killed.resolve("out"));
    }

    /** md run --quiet INPUT in a JVM of its own (so that it can be killed with SIGKILL). */
    static Process startMd(Path input) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "md.engine.cli.Main", "run", "--quiet", input.toString());
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static long lineCount(Path file) throws IOException {
        if (!Files.exists(file)) return 0;
        return Files.readString(file).chars().filter(ch -> ch == '\n').count();
    }
}
