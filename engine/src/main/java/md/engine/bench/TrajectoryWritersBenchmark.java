package md.engine.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import md.core.Cell;
import md.engine.cli.UserError;
import md.engine.io.ExtxyzWriter;
import md.engine.io.H5mdTrajectoryWriter;
import md.engine.system.Frame;

/**
 * Cost of writing a trajectory as {@code md run} does: extended XYZ (each frame formatted and written with
 * one write call, as TrajectoryOutput does) against H5MD (each frame appended to the extendable datasets
 * and flushed). Frames carry positions, velocities, forces, a periodic box, the potential energy and the
 * four thermo observables. The two writers run alternately (extxyz, h5, extxyz, h5, ...) so both see the
 * same machine load; each time is the whole file, open to close. Not a test.
 *
 * <pre>md bench trajectory-writers [--atoms 500] [--frames 400] [--repeat 5] [--dir FOLDER]</pre>
 */
public final class TrajectoryWritersBenchmark {
    private TrajectoryWritersBenchmark() {}

    public static int run(String[] args) throws IOException {
        int atoms = 500, frames = 400, repeat = 5;
        Path dir = null;
        for (int a = 0; a < args.length; a++) {
            String v = a + 1 < args.length ? args[a + 1] : null;
            switch (args[a]) {
                case "--atoms" -> { atoms = positive(v, "--atoms"); a++; }
                case "--frames" -> { frames = positive(v, "--frames"); a++; }
                case "--repeat" -> { repeat = positive(v, "--repeat"); a++; }
                case "--dir" -> { if (v == null) throw new UserError("bench trajectory-writers: --dir needs a folder\n" + usage()); dir = Path.of(v); a++; }
                case "-h", "--help" -> { System.out.println(usage()); return 0; }
                default -> throw new UserError("bench trajectory-writers: unknown option '" + args[a] + "'\n" + usage());
            }
        }
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("md-bench-traj");
        List<Frame> data = frames(atoms, frames);
        System.out.printf(Locale.ROOT, "trajectory writers: %d atoms x %d frames (positions, velocities, forces, box, 5 observables), in %s%n", atoms, frames, work);
        System.out.printf(Locale.ROOT, "%4s %12s %12s %8s %12s %12s%n", "run", "extxyz s", "h5 s", "h5/xyz", "extxyz MB", "h5 MB");
        double[] ratios = new double[repeat];
        double bestX = Double.MAX_VALUE, bestH = Double.MAX_VALUE;
        for (int r = 0; r < repeat; r++) {
            Path x = work.resolve("bench.extxyz"), h = work.resolve("bench.h5");
            double tx = extxyz(x, data), th = h5(h, data);
            ratios[r] = th / tx;
            bestX = Math.min(bestX, tx);
            bestH = Math.min(bestH, th);
            System.out.printf(Locale.ROOT, "%4d %12.3f %12.3f %8.2f %12.2f %12.2f%n", r + 1, tx, th, ratios[r], Files.size(x) / 1e6, Files.size(h) / 1e6);
            System.out.flush();
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "median h5/extxyz time ratio %.2f; best times: extxyz %.3f s, h5 %.3f s (ratio %.2f)%n",
                sorted[repeat / 2], bestX, bestH, bestH / bestX);
        Files.deleteIfExists(work.resolve("bench.extxyz"));
        Files.deleteIfExists(work.resolve("bench.h5"));
        if (dir == null) Files.deleteIfExists(work);
        return 0;
    }

    static String usage() {
        return """
                usage: md bench trajectory-writers [--atoms 500] [--frames 400] [--repeat 5] [--dir FOLDER]
                Times writing the same frames as extended XYZ and as H5MD, alternately; prints each run's seconds,
                the ratio h5/extxyz, and the median ratio. Files go to FOLDER (default: a temporary folder) and are deleted.""";
    }

    private static double extxyz(Path file, List<Frame> data) throws IOException {
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (Frame f : data) {
                ByteBuffer b = ByteBuffer.wrap(ExtxyzWriter.format(f, ExtxyzWriter.VelocityFormat.VELOCITIES_ANGSTROM_PER_FS).getBytes(StandardCharsets.US_ASCII));
                while (b.hasRemaining()) ch.write(b);
            }
        }
        return (System.nanoTime() - t0) * 1e-9;
    }

    private static double h5(Path file, List<Frame> data) throws IOException {
        long t0 = System.nanoTime();
        try (H5mdTrajectoryWriter w = H5mdTrajectoryWriter.create(file)) {
            for (Frame f : data) {
                // as md run: step and time go to the step/time datasets, not to /observables
                Map<String, Object> observables = new LinkedHashMap<>(f.info());
                long step = (Long) observables.remove("step");
                double time = (Double) observables.remove("time_fs");
                w.write(new Frame(f.atomicNumbers(), f.positions(), f.cell(), f.energyEv(), f.forces(), f.velocities(), observables), step, time);
            }
        }
        return (System.nanoTime() - t0) * 1e-9;
    }

    /** A liquid-like random walk: frames differ, so neither writer sees repeated data. */
    private static List<Frame> frames(int atoms, int count) {
        Random rng = new Random(1);
        double box = Math.cbrt(atoms * 40.0);
        Cell cell = new Cell(new double[] {box, 0, 0, 0, box, 0, 0, 0, box}, new boolean[] {true, true, true});
        int[] z = new int[atoms];
        Arrays.fill(z, 18);
        double[] x = new double[3 * atoms];
        for (int i = 0; i < x.length; i++) x[i] = box * rng.nextDouble();
        List<Frame> out = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            double[] v = new double[3 * atoms], f = new double[3 * atoms];
            for (int i = 0; i < x.length; i++) {
                v[i] = 0.005 * rng.nextGaussian();
                f[i] = 0.1 * rng.nextGaussian();
                x[i] += 10 * v[i];
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("step", 100L * k);
            info.put("time_fs", 500.0 * k);
            info.put("kinetic_energy", 6.0 + rng.nextGaussian());
            info.put("total_energy", -40.0 + 0.01 * rng.nextGaussian());
            info.put("conserved_energy", -40.0 + 0.01 * rng.nextGaussian());
            info.put("temperature", 95 + rng.nextGaussian());
            out.add(new Frame(z, x.clone(), cell, -46.0 + rng.nextGaussian(), f, v, info));
        }
        return out;
    }

    private static int positive(String v, String option) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) return n;
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new UserError("bench trajectory-writers: " + option + " expects a whole number of 1 or more, got '" + v + "'\n" + usage());
    }
}
