package md.engine.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import md.core.Cell;
import md.engine.cli.UserError;
import md.engine.system.Frame;

/** Reads the trajectories of {@link H5mdTrajectoryWriter} (one segment file, or all segments of a base name). */
public final class H5mdTrajectoryReader {
    private H5mdTrajectoryReader() {}

    /** A frame with its MD step and time (fs). */
    public record Entry(Frame frame, long step, double timeFs) {}

    /** All frames of {@code base}'s segments ({@code traj.h5} -> traj.000.h5, traj.001.h5, ...), in order. */
    public static List<Entry> readTrajectory(Path base) {
        List<Path> segments = H5mdTrajectoryWriter.segments(base);
        if (segments.isEmpty()) throw new UserError(base + ": no trajectory segments found (expected " + H5mdTrajectoryWriter.segmentPath(base, 0) + ", ...)");
        List<Entry> out = new ArrayList<>();
        for (Path p : segments) out.addAll(readSegment(p));
        return out;
    }

    static boolean isTrajectory(Group root) { return root.getChildren().get("particles") instanceof Group; }

    public static List<Entry> readSegment(Path file) {
        if (md.engine.config.InputFiles.problem(file) != null) throw new UserError(file + ": " + md.engine.config.InputFiles.problem(file));
        try (HdfFile h5 = new HdfFile(file)) {
            return read(file, h5);
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(file + ": cannot read as an HDF5 trajectory (" + e.getMessage() + ")", e);
        }
    }

    private static List<Entry> read(Path file, HdfFile h5) {
        Node allNode = h5.getByPath("particles/all");
        if (!(allNode instanceof Group all)) throw new UserError(file + ": no /particles/all group; not an H5MD trajectory");
        int[] z = Hdf5Arrays.ints(Hdf5Arrays.doubles(dataset(file, all, "species").getDataFlat()), file + ":/particles/all/species");
        int n = z.length;
        Group box = (Group) all.getChild("box");
        boolean[] pbc = new boolean[3];
        Attribute boundary = box.getAttribute("boundary");
        Object[] b = (Object[]) boundary.getData();
        for (int k = 0; k < 3; k++) pbc[k] = "periodic".equals(String.valueOf(b[k]));
        Cell cell = Cell.NONE;
        if (box.getChildren().containsKey("edges")) cell = new Cell(Hdf5Arrays.doubles(dataset(file, box, "edges").getDataFlat()), pbc);
        Group position = (Group) all.getChild("position");
        double[] x = Hdf5Arrays.doubles(dataset(file, position, "value").getDataFlat());
        long[] steps = (long[]) dataset(file, position, "step").getDataFlat();
        double[] times = Hdf5Arrays.doubles(dataset(file, position, "time").getDataFlat());
        int frames = steps.length;
        double[] v = series(file, all, "velocity"), f = series(file, all, "force");
        Map<String, double[]> observables = new LinkedHashMap<>();
        if (h5.getChild("observables") instanceof Group obs)
            for (Node node : obs.getChildren().values())
                if (node instanceof Group g) observables.put(g.getName(), Hdf5Arrays.doubles(dataset(file, g, "value").getDataFlat()));
        List<Entry> out = new ArrayList<>(frames);
        for (int k = 0; k < frames; k++) {
            Map<String, Object> info = new LinkedHashMap<>();
            Double energy = null;
            for (Map.Entry<String, double[]> e : observables.entrySet()) {
                if (e.getKey().equals("potential_energy")) energy = e.getValue()[k];
                else info.put(e.getKey(), e.getValue()[k]);
            }
            out.add(new Entry(new Frame(z.clone(), slice(x, k, n), cell, energy, f == null ? null : slice(f, k, n),
                    v == null ? null : slice(v, k, n), info), steps[k], times[k]));
        }
        return out;
    }

    private static double[] series(Path file, Group all, String name) {
        return all.getChildren().get(name) instanceof Group g ? Hdf5Arrays.doubles(dataset(file, g, "value").getDataFlat()) : null;
    }

    private static double[] slice(double[] a, int k, int n) { return java.util.Arrays.copyOfRange(a, 3 * n * k, 3 * n * (k + 1)); }

    private static Dataset dataset(Path file, Group g, String name) {
        if (g.getChildren().get(name) instanceof Dataset d) return d;
        throw new UserError(file + ":" + g.getPath() + ": dataset '" + name + "' is missing");
    }
}
