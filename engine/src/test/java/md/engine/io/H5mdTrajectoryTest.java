package md.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

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

    @Test void segmentsRoundTripBitIdentically() throws IOException {
        List<Frame> frames = trajectory(25, 1);
        Path base = dir.resolve("out/traj.h5");
        try (H5mdTrajectoryWriter w = new H5mdTrajectoryWriter(base, 10, 4, 0)) {
            for (int k = 0; k < frames.size(); k++) w.write(frames.get(k), 100L * k, 0.5 * 100 * k);
        }
        assertEquals(List.of(dir.resolve("out/traj.000.h5"), dir.resolve("out/traj.001.h5"), dir.resolve("out/traj.002.h5")), H5mdTrajectoryWriter.segments(base));
        List<H5mdTrajectoryReader.Entry> back = H5mdTrajectoryReader.readTrajectory(base);
        assertEquals(25, back.size());
        for (int k = 0; k < 25; k++) {
            Frame a = frames.get(k), b = back.get(k).frame();
            assertEquals(100L * k, back.get(k).step());
            assertEquals(50.0 * k, back.get(k).timeFs());
            assertArrayEquals(a.atomicNumbers(), b.atomicNumbers());
            assertArrayEquals(a.positions(), b.positions());
            assertArrayEquals(a.velocities(), b.velocities());
            assertArrayEquals(a.forces(), b.forces());
            assertEquals(a.energyEv(), b.energyEv());
            assertEquals(a.info().get("temperature_K"), b.info().get("temperature_K"));
            assertArrayEquals(a.cell().vectors(), b.cell().vectors());
        }
        // StructureReader reads a segment file, or the whole trajectory by its base name.
        assertEquals(10, StructureReader.readAll(dir.resolve("out/traj.001.h5")).size());
        assertEquals(25, StructureReader.readAll(base).size());
        assertEquals(2400L, StructureReader.read(base, -1).info().get("step"));
    }

    @Test void aCrashLosesOnlyFramesAfterTheLastFlushAndResumeContinues() throws IOException {
        List<Frame> frames = trajectory(14, 2);
        Path base = dir.resolve("traj.h5");
        H5mdTrajectoryWriter w = new H5mdTrajectoryWriter(base, 10, 3, 0);
        for (int k = 0; k < 14; k++) w.write(frames.get(k), k, k);
        // Never closed ("crash"): flushes after frames 3, 6, 9, 10 (segment 0 full) and 13; frame 14 is lost.
        assertEquals(13, w.durableFrameCount());
        assertEquals(13, H5mdTrajectoryReader.readTrajectory(base).size());
        assertFalse(Files.exists(H5mdTrajectoryWriter.segmentPath(base, 1).resolveSibling("traj.001.h5.tmp")));

        // Resume from a checkpoint at frame 7: later frames and segments are dropped, segment 0 is completed.
        List<Frame> continuation = trajectory(8, 3);
        try (H5mdTrajectoryWriter r = H5mdTrajectoryWriter.resume(base, 10, 3, 7)) {
            assertFalse(Files.exists(H5mdTrajectoryWriter.segmentPath(base, 1)));
            for (int k = 0; k < 8; k++) r.write(continuation.get(k), 7 + k, 7 + k);
            assertEquals(15, r.framesWritten());
        }
        List<H5mdTrajectoryReader.Entry> back = H5mdTrajectoryReader.readTrajectory(base);
        assertEquals(15, back.size());
        for (int k = 0; k < 7; k++) assertArrayEquals(frames.get(k).positions(), back.get(k).frame().positions());
        for (int k = 7; k < 15; k++) {
            assertArrayEquals(continuation.get(k - 7).positions(), back.get(k).frame().positions());
            assertEquals(k, back.get(k).step());
        }
        assertTrue(Files.exists(H5mdTrajectoryWriter.segmentPath(base, 1)));
    }

    @Test void isolatedMoleculeWithoutVelocitiesOrEnergy() throws IOException {
        Path base = dir.resolve("mol.h5");
        Frame f = new Frame(new int[] {8, 1, 1}, new double[] {0, 0, 0.12, 0, 0.76, -0.47, 0, -0.76, -0.47}, Cell.NONE, null, null, null, null);
        try (H5mdTrajectoryWriter w = new H5mdTrajectoryWriter(base)) { w.write(f, 0, 0.0); }
        Frame b = StructureReader.read(base, 0);
        assertFalse(b.cell().isPeriodic());
        assertArrayEquals(f.positions(), b.positions());
        assertEquals(null, b.velocities());
        assertEquals(null, b.energyEv());
    }
}
