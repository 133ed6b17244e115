package md.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.engine.system.Frame;

class H5mdTrajectoryTest {
    @TempDir Path dir;

    static List<Frame> trajectory(int frames, long seed) {
        Random rng = new Random(seed);
        Cell cell = new Cell(new double[] {12, 0, 0, 1.5, 11, 0, -0.5, 0.75, 13}, new boolean[] {true, true, true});
        int n = 7;
        int[] z = {18, 18, 1, 6, 8, 18, 1};
        List<Frame> out = new ArrayList<>();
        for (int k = 0; k < frames; k++) {
            double[] x = new double[3 * n], v = new double[3 * n], f = new double[3 * n];
            for (int i = 0; i < 3 * n; i++) { x[i] = 10 * rng.nextDouble(); v[i] = 0.01 * rng.nextGaussian(); f[i] = rng.nextGaussian(); }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("temperature_K", 300 + rng.nextGaussian());
            out.add(new Frame(z, x, cell, -100 + rng.nextGaussian(), f, v, info));
        }
        return out;
    }

    @BeforeEach void needsHdf5() { assumeTrue(NativeHdf5.available(), "native HDF5 library not loadable here"); }

    static void assertSameFrame(Frame a, H5mdTrajectoryReader.Entry e, long step, double timeFs) {
        Frame b = e.frame();
        assertEquals(step, e.step());
        assertEquals(timeFs, e.timeFs());
        assertArrayEquals(a.atomicNumbers(), b.atomicNumbers());
        assertArrayEquals(a.positions(), b.positions());
        assertArrayEquals(a.velocities(), b.velocities());
        // forces are stored in kJ mol-1 Angstrom-1 (for MDAnalysis): back in eV/Å to rounding
        for (int i = 0; i < a.forces().length; i++) assertEquals(a.forces()[i], b.forces()[i], 1e-14 * Math.abs(a.forces()[i]));
        assertEquals(a.energyEv(), b.energyEv());
        assertEquals(a.info().get("temperature_K"), b.info().get("temperature_K"));
        assertArrayEquals(a.cell().vectors(), b.cell().vectors());
        assertArrayEquals(a.cell().pbc(), b.cell().pbc());
    }

    @Test void oneFileRoundTrip() throws IOException {
        List<Frame> frames = trajectory(25, 1);
        Path file = dir.resolve("out/traj.h5");
        try (H5mdTrajectoryWriter w = H5mdTrajectoryWriter.create(file)) {
            for (int k = 0; k < frames.size(); k++) w.write(frames.get(k), 100L * k, 0.5 * 100 * k);
            assertEquals(25, w.framesWritten());
        }
        List<H5mdTrajectoryReader.Entry> back = H5mdTrajectoryReader.readTrajectory(file);
        assertEquals(25, back.size());
        for (int k = 0; k < 25; k++) assertSameFrame(frames.get(k), back.get(k), 100L * k, 50.0 * k);
        assertEquals(25, StructureReader.readAll(file).size());
        assertEquals(2400L, StructureReader.read(file, -1).info().get("step"));
    }

    @Test void framesAreReadableBeforeCloseAndResumeTruncatesToTheCheckpoint() throws IOException {
        List<Frame> frames = trajectory(14, 2);
        Path file = dir.resolve("traj.h5");
        H5mdTrajectoryWriter w = H5mdTrajectoryWriter.create(file);
        for (int k = 0; k < 14; k++) w.write(frames.get(k), k, k);
        // each frame is flushed: another reader sees all 14 while the writer still holds the file
        assertEquals(14, H5mdTrajectoryReader.readTrajectory(file).size());
        w.close();

        // Resume from a checkpoint at frame 7: frames 7..13 are dropped, the continuation appended.
        List<Frame> continuation = trajectory(8, 3);
        try (H5mdTrajectoryWriter r = H5mdTrajectoryWriter.resume(file, 7)) {
            for (int k = 0; k < 8; k++) r.write(continuation.get(k), 7 + k, 7 + k);
            assertEquals(15, r.framesWritten());
        }
        List<H5mdTrajectoryReader.Entry> back = H5mdTrajectoryReader.readTrajectory(file);
        assertEquals(15, back.size());
        for (int k = 0; k < 7; k++) assertSameFrame(frames.get(k), back.get(k), k, k);
        for (int k = 7; k < 15; k++) assertSameFrame(continuation.get(k - 7), back.get(k), k, k);

        IOException tooFew = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> H5mdTrajectoryWriter.resume(file, 16).close());
        assertTrue(tooFew.getMessage().contains("holds 15 frames, but resuming needs its first 16"), tooFew.getMessage());
    }

    @Test void isolatedMoleculeWithoutVelocitiesOrEnergy() throws IOException {
        Path file = dir.resolve("mol.h5");
        Frame f = new Frame(new int[] {8, 1, 1}, new double[] {0, 0, 0.12, 0, 0.76, -0.47, 0, -0.76, -0.47}, Cell.NONE, null, null, null, null);
        try (H5mdTrajectoryWriter w = H5mdTrajectoryWriter.create(file)) { w.write(f, 0, 0.0); }
        Frame b = StructureReader.read(file, 0);
        assertFalse(b.cell().isPeriodic());
        assertArrayEquals(f.positions(), b.positions());
        assertEquals(null, b.velocities());
        assertEquals(null, b.forces());
        assertEquals(null, b.energyEv());
    }
}
