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

    /** A frame folded into its cell: the wrapped positions and image counts that {@code md run} writes. */
    private static Frame folded(Frame f, int[] imagesOut) {
        double[] w = new double[f.positions().length];
        md.engine.system.PeriodicImages.wrap(f.positions(), f.cell(), w, imagesOut);
        return new Frame(f.atomicNumbers(), w, f.cell(), f.energyEv(), f.forces(), f.velocities(), f.info());
    }

    /** Frames whose atoms lie up to three cells away in a cell that changes from frame to frame (a barostat's). */
    private static List<Frame> spreadOverImagesWithChangingCell(int frames, long seed) {
        Random rng = new Random(seed);
        List<Frame> out = new ArrayList<>();
        for (Frame f : trajectory(frames, seed)) {
            double s = 1 + 0.05 * rng.nextGaussian();
            double[] m = f.cell().vectors().clone();
            for (int k = 0; k < 9; k++) m[k] *= s;
            double[] x = f.positions().clone();
            for (int i = 0; i < x.length; i++) x[i] = 70 * (rng.nextDouble() - 0.5);
            out.add(new Frame(f.atomicNumbers(), x, new Cell(m, f.cell().pbc()), f.energyEv(), f.forces(), f.velocities(), f.info()));
        }
        return out;
    }

    @Test void foldedPositionsWithImagesReadBackUnwrapped() throws IOException {
        List<Frame> frames = spreadOverImagesWithChangingCell(6, 4);
        Path file = dir.resolve("wrapped.h5");
        int nonZero = 0;
        try (H5mdTrajectoryWriter w = H5mdTrajectoryWriter.create(file)) {
            for (int k = 0; k < frames.size(); k++) {
                int[] images = new int[frames.get(k).positions().length];
                Frame f = folded(frames.get(k), images);
                for (int n : images) if (n != 0) nonZero++;
                w.write(f, images, k, k);
            }
            assertTrue(w.storesImages());
        }
        assertTrue(nonZero > 50, "the test puts atoms in other cells: " + nonZero);
        List<H5mdTrajectoryReader.Entry> back = H5mdTrajectoryReader.readTrajectory(file);
        for (int k = 0; k < frames.size(); k++) {
            assertArrayEquals(frames.get(k).cell().vectors(), back.get(k).frame().cell().vectors());
            double[] a = frames.get(k).positions(), b = back.get(k).frame().positions();
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-12, "coordinate " + i + " of frame " + k);
        }
    }

    @Test void resumingAFileWithoutImagesKeepsItUnwrapped() throws IOException {
        List<Frame> frames = spreadOverImagesWithChangingCell(4, 5);
        Path file = dir.resolve("old.h5");
        try (H5mdTrajectoryWriter w = H5mdTrajectoryWriter.create(file)) {
            for (int k = 0; k < 4; k++) w.write(frames.get(k), k, k);
            assertFalse(w.storesImages());
        }
        try (H5mdTrajectoryWriter r = H5mdTrajectoryWriter.resume(file, 2)) {
            assertFalse(r.storesImages(), "a trajectory begun without image counts goes on without them");
            int[] images = new int[frames.get(2).positions().length];
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> r.write(folded(frames.get(2), images), images, 2, 2));
            assertTrue(e.getMessage().contains("has no particles/all/image"), e.getMessage());
            r.write(frames.get(2), 2, 2);
        }
        // and a file with images gets zeros for a frame written unwrapped: position + 0 · edges is still right
        Path withImages = dir.resolve("new.h5");
        try (H5mdTrajectoryWriter w = H5mdTrajectoryWriter.create(withImages)) {
            int[] images = new int[frames.get(0).positions().length];
            w.write(folded(frames.get(0), images), images, 0, 0);
            w.write(frames.get(1), 1, 1);
        }
        List<H5mdTrajectoryReader.Entry> back = H5mdTrajectoryReader.readTrajectory(withImages);
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < frames.get(k).positions().length; i++)
                assertEquals(frames.get(k).positions()[i], back.get(k).frame().positions()[i], 1e-12);
        assertEquals(3, H5mdTrajectoryReader.readTrajectory(file).size());
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

    /**
     * A trajectory as md wrote it before the native writer: segment files of the former jhdf writer (fixed
     * 3x3 edges dataset, fixed-length unit strings, forces in eV/angstrom), read by their base name.
     */
    @Test void olderSegmentFilesAreStillRead() throws IOException {
        List<Frame> frames = trajectory(7, 4);
        Path base = dir.resolve("old/traj.h5");
        Files.createDirectories(base.getParent());
        for (int seg = 0; seg < 2; seg++) {
            List<Frame> part = frames.subList(4 * seg, Math.min(7, 4 * seg + 4));
            int f = part.size(), n = part.get(0).size();
            long[] steps = new long[f];
            double[] times = new double[f];
            double[][][] x = new double[f][n][3], v = new double[f][n][3], fo = new double[f][n][3];
            double[] energy = new double[f];
            for (int k = 0; k < f; k++) {
                steps[k] = 10L * (4 * seg + k);
                times[k] = 5.0 * (4 * seg + k);
                energy[k] = part.get(k).energyEv();
                for (int i = 0; i < n; i++) for (int d = 0; d < 3; d++) {
                    x[k][i][d] = part.get(k).positions()[3 * i + d];
                    v[k][i][d] = part.get(k).velocities()[3 * i + d];
                    fo[k][i][d] = part.get(k).forces()[3 * i + d];
                }
            }
            try (io.jhdf.WritableHdfFile h5 = io.jhdf.HdfFile.write(H5mdTrajectoryReader.segmentPath(base, seg))) {
                h5.putGroup("h5md").putAttribute("version", new int[] {1, 1});
                io.jhdf.api.WritableGroup all = h5.putGroup("particles").putGroup("all");
                all.putDataset("species", part.get(0).atomicNumbers().clone());
                io.jhdf.api.WritableGroup box = all.putGroup("box");
                box.putAttribute("dimension", 3);
                box.putAttribute("boundary", new String[] {"periodic", "periodic", "periodic"});
                double[] c = part.get(0).cell().vectors();
                box.putDataset("edges", new double[][] {{c[0], c[1], c[2]}, {c[3], c[4], c[5]}, {c[6], c[7], c[8]}}).putAttribute("unit", "angstrom");
                for (String name : List.of("position", "velocity", "force")) {
                    io.jhdf.api.WritableGroup g = all.putGroup(name);
                    g.putDataset("value", name.equals("position") ? x : name.equals("velocity") ? v : fo)
                            .putAttribute("unit", name.equals("force") ? "eV/angstrom" : "angstrom");
                    g.putDataset("step", steps.clone());
                    g.putDataset("time", times.clone());
                }
                io.jhdf.api.WritableGroup pe = h5.putGroup("observables").putGroup("potential_energy");
                pe.putDataset("value", energy);
                pe.putDataset("step", steps.clone());
                pe.putDataset("time", times.clone());
            }
        }
        List<H5mdTrajectoryReader.Entry> back = H5mdTrajectoryReader.readTrajectory(base);
        assertEquals(7, back.size());
        for (int k = 0; k < 7; k++) {
            Frame a = frames.get(k), b = back.get(k).frame();
            assertEquals(10L * k, back.get(k).step());
            assertArrayEquals(a.positions(), b.positions());
            assertArrayEquals(a.velocities(), b.velocities());
            assertArrayEquals(a.forces(), b.forces());  // eV/angstrom: no conversion
            assertEquals(a.energyEv(), b.energyEv());
            assertArrayEquals(a.cell().vectors(), b.cell().vectors());
        }
        assertEquals(7, StructureReader.readAll(base).size());
    }
}
