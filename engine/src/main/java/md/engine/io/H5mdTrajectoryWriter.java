package md.engine.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableGroup;
import md.core.Cell;
import md.core.Elements;
import md.engine.system.Frame;

/**
 * Trajectory in an H5MD-like HDF5 layout, written as numbered <em>segment files</em> because jhdf
 * (pure Java) can only write a whole file at once, never append to one. For {@code traj.h5} the
 * segments are {@code traj.000.h5}, {@code traj.001.h5}, ..., each holding up to
 * {@code framesPerSegment} consecutive frames and each a complete H5MD file on its own:
 * <pre>
 * /h5md                      attrs version=[1,1]; /h5md/creator attrs name, version
 * /particles/all/species     int32 (N)     atomic numbers
 * /particles/all/mass        float64 (N)   amu
 * /particles/all/box         attrs dimension=3, boundary=["periodic"|"none"]x3; edges float64 (3,3),
 *                            rows = lattice vectors a, b, c in Å (absent for an isolated molecule)
 * /particles/all/position/{value (F,N,3) Å, step (F) int64, time (F) fs}
 * /particles/all/velocity/{value (F,N,3) Å/fs, step, time}     when frames carry velocities
 * /particles/all/force/{value (F,N,3) eV/Å, step, time}        when frames carry forces
 * /observables/potential_energy/{value (F) eV, step, time}     when frames carry an energy
 * /observables/NAME/{value (F), step, time}                    numeric per-frame info values
 * </pre>
 * Root attributes {@code segment} and {@code first_frame} give the segment's place in the run.
 *
 * <p>Durability: frames are buffered; every {@code flushEveryFrames} frames (and on {@link #flush}
 * and {@link #close}) the current segment is written to a temporary file and renamed over the
 * segment file, so a segment file on disk is always complete and a crash loses only the frames after
 * the last flush ({@link #durableFrameCount()}). A full segment is never rewritten, so the cost of a
 * flush is bounded by the segment size, not the run length.
 */
public final class H5mdTrajectoryWriter implements AutoCloseable {
    public static final int DEFAULT_FRAMES_PER_SEGMENT = 100;

    private final Path base;
    private final int framesPerSegment;
    private final int flushEveryFrames;
    private final List<Frame> buffer = new ArrayList<>();
    private final List<Long> steps = new ArrayList<>();
    private final List<Double> times = new ArrayList<>();
    private int segment;
    private long framesWritten;
    private long durableFrames;
    private int framesSinceFlush;

    /**
     * @param base             e.g. {@code out/traj.h5}; segments are {@code out/traj.000.h5}, ...
     * @param firstSegment     index of the first segment to write (0 for a new run; on resume the
     *                         caller continues after the segments it keeps)
     */
    public H5mdTrajectoryWriter(Path base, int framesPerSegment, int flushEveryFrames, int firstSegment) {
        if (framesPerSegment < 1) throw new IllegalArgumentException("frames per HDF5 segment must be at least 1, got " + framesPerSegment);
        if (flushEveryFrames < 1) throw new IllegalArgumentException("HDF5 flush interval must be at least 1 frame, got " + flushEveryFrames);
        this.base = base;
        this.framesPerSegment = framesPerSegment;
        this.flushEveryFrames = flushEveryFrames;
        this.segment = firstSegment;
    }

    public H5mdTrajectoryWriter(Path base) { this(base, DEFAULT_FRAMES_PER_SEGMENT, 1, 0); }

    /**
     * Continues a trajectory after its first {@code keepFrames} frames (resume from a checkpoint taken
     * there): frames beyond are dropped, later segment files deleted, and the kept frames of the last,
     * partial segment are taken back into the buffer so that segment is completed, not restarted.
     */
    public static H5mdTrajectoryWriter resume(Path base, int framesPerSegment, int flushEveryFrames, long keepFrames) throws IOException {
        int segment = (int) (keepFrames / framesPerSegment);
        int partial = (int) (keepFrames % framesPerSegment);
        H5mdTrajectoryWriter w = new H5mdTrajectoryWriter(base, framesPerSegment, flushEveryFrames, segment);
        if (partial > 0) {
            Path file = segmentPath(base, segment);
            List<H5mdTrajectoryReader.Entry> kept = H5mdTrajectoryReader.readSegment(file);
            if (kept.size() < partial)
                throw new IOException(file + ": holds " + kept.size() + " frames, but resuming needs its first " + partial);
            for (H5mdTrajectoryReader.Entry e : kept.subList(0, partial)) {
                w.buffer.add(e.frame());
                w.steps.add(e.step());
                w.times.add(e.timeFs());
            }
        }
        for (int i = partial > 0 ? segment + 1 : segment; Files.exists(segmentPath(base, i)); i++) Files.delete(segmentPath(base, i));
        w.framesWritten = keepFrames;
        w.durableFrames = keepFrames;
        return w;
    }

    /** File of segment {@code index} for trajectory {@code base}: traj.h5 -> traj.007.h5. */
    public static Path segmentPath(Path base, int index) {
        String name = base.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".h5";
        return base.resolveSibling(String.format(java.util.Locale.ROOT, "%s.%03d%s", stem, index, ext));
    }

    /** Existing segment files of a trajectory, in order (stops at the first gap). */
    public static List<Path> segments(Path base) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(segmentPath(base, i)); i++) out.add(segmentPath(base, i));
        return out;
    }

    public void write(Frame frame, long step, double timeFs) throws IOException {
        if (!buffer.isEmpty()) requireCompatible(buffer.get(0), frame);
        buffer.add(frame);
        steps.add(step);
        times.add(timeFs);
        framesWritten++;
        framesSinceFlush++;
        if (buffer.size() == framesPerSegment) {
            flush();
            buffer.clear();
            steps.clear();
            times.clear();
            segment++;
        } else if (framesSinceFlush >= flushEveryFrames) {
            flush();
        }
    }

    /** Frames of the trajectory so far (kept frames of a resumed one included). */
    public long framesWritten() { return framesWritten; }

    /** Frames that are in complete segment files on disk. */
    public long durableFrameCount() { return durableFrames; }

    /** Writes the current (partial) segment atomically. */
    public void flush() throws IOException {
        framesSinceFlush = 0;
        if (buffer.isEmpty()) return;
        Path target = segmentPath(base, segment);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        // jhdf reports a full disk as an HdfWritingException around the IOException: name the file and the OS reason.
        md.engine.cli.IoFailure.wrap("cannot write the HDF5 trajectory segment " + tmp, () -> writeSegment(tmp));
        md.engine.cli.IoFailure.wrap("cannot replace " + target + " by " + tmp, () -> {
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        });
        durableFrames = framesWritten;
    }

    @Override public void close() throws IOException { flush(); }

    private static void requireCompatible(Frame first, Frame f) {
        if (!Arrays.equals(first.atomicNumbers(), f.atomicNumbers()))
            throw new IllegalArgumentException("all frames of an HDF5 trajectory segment must have the same atoms");
        if (!Arrays.equals(first.cell().vectors(), f.cell().vectors()) || !Arrays.equals(first.cell().pbc(), f.cell().pbc()))
            throw new IllegalArgumentException("the HDF5 trajectory writer stores a fixed box; the cell changed");
        if ((first.velocities() == null) != (f.velocities() == null) || (first.forces() == null) != (f.forces() == null)
                || first.hasEnergy() != f.hasEnergy())
            throw new IllegalArgumentException("all frames of an HDF5 trajectory segment must carry the same quantities");
    }

    private void writeSegment(Path file) {
        Frame first = buffer.get(0);
        int frames = buffer.size(), n = first.size();
        long[] stepArray = steps.stream().mapToLong(Long::longValue).toArray();
        double[] timeArray = times.stream().mapToDouble(Double::doubleValue).toArray();
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            h5.putAttribute("segment", segment);
            h5.putAttribute("first_frame", (long) segment * framesPerSegment);
            h5.putAttribute("frames_per_segment", framesPerSegment);
            WritableGroup meta = h5.putGroup("h5md");
            meta.putAttribute("version", new int[] {1, 1});
            WritableGroup creator = meta.putGroup("creator");
            creator.putAttribute("name", "md");
            creator.putAttribute("version", "0.1.0");

            WritableGroup all = h5.putGroup("particles").putGroup("all");
            all.putDataset("species", first.atomicNumbers().clone());
            double[] masses = new double[n];
            for (int i = 0; i < n; i++) masses[i] = Elements.massAmu(first.atomicNumbers()[i]);
            all.putDataset("mass", masses).putAttribute("unit", "amu");
            WritableGroup box = all.putGroup("box");
            Cell cell = first.cell();
            box.putAttribute("dimension", 3);
            boolean[] pbc = cell.pbc();
            box.putAttribute("boundary", new String[] {pbc[0] ? "periodic" : "none", pbc[1] ? "periodic" : "none", pbc[2] ? "periodic" : "none"});
            if (cell.isPeriodic() || cell.volume() > 0) {
                double[] v = cell.vectors();
                box.putDataset("edges", new double[][] {{v[0], v[1], v[2]}, {v[3], v[4], v[5]}, {v[6], v[7], v[8]}}).putAttribute("unit", "angstrom");
            }
            putTimeSeries(all, "position", perAtom(Frame::positions), "angstrom", stepArray, timeArray);
            if (first.velocities() != null) putTimeSeries(all, "velocity", perAtom(Frame::velocities), "angstrom/fs", stepArray, timeArray);
            if (first.forces() != null) putTimeSeries(all, "force", perAtom(Frame::forces), "eV/angstrom", stepArray, timeArray);

            Map<String, double[]> observables = new LinkedHashMap<>();
            if (first.hasEnergy()) observables.put("potential_energy", buffer.stream().mapToDouble(Frame::energyEv).toArray());
            for (Map.Entry<String, Object> e : first.info().entrySet()) {
                if (!(e.getValue() instanceof Number) || observables.containsKey(e.getKey())) continue;
                double[] series = new double[frames];
                boolean complete = true;
                for (int k = 0; k < frames && complete; k++) {
                    Object v = buffer.get(k).info().get(e.getKey());
                    if (v instanceof Number num) series[k] = num.doubleValue(); else complete = false;
                }
                if (complete) observables.put(e.getKey(), series);
            }
            if (!observables.isEmpty()) {
                WritableGroup obs = h5.putGroup("observables");
                for (Map.Entry<String, double[]> e : observables.entrySet()) {
                    WritableGroup g = obs.putGroup(e.getKey());
                    WritableDataset value = g.putDataset("value", e.getValue());
                    if (e.getKey().equals("potential_energy")) value.putAttribute("unit", "eV");
                    g.putDataset("step", stepArray.clone());
                    g.putDataset("time", timeArray.clone()).putAttribute("unit", "fs");
                }
            }
        }
    }

    private double[][][] perAtom(java.util.function.Function<Frame, double[]> get) {
        int frames = buffer.size(), n = buffer.get(0).size();
        double[][][] out = new double[frames][n][3];
        for (int k = 0; k < frames; k++) {
            double[] a = get.apply(buffer.get(k));
            for (int i = 0; i < n; i++) { out[k][i][0] = a[3 * i]; out[k][i][1] = a[3 * i + 1]; out[k][i][2] = a[3 * i + 2]; }
        }
        return out;
    }

    private static void putTimeSeries(WritableGroup parent, String name, double[][][] value, String unit, long[] steps, double[] times) {
        WritableGroup g = parent.putGroup(name);
        g.putDataset("value", value).putAttribute("unit", unit);
        g.putDataset("step", steps.clone());
        g.putDataset("time", times.clone()).putAttribute("unit", "fs");
    }
}
