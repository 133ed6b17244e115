package md.engine.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import md.core.Cell;
import md.engine.cli.UserError;
import md.engine.system.Frame;

/**
 * Reads H5MD trajectories (pure Java, jhdf): the single-file H5MD 1.1 trajectories of
 * {@link H5mdTrajectoryWriter}, other programs' H5MD files with one particles group, and the segment files
 * ({@code traj.000.h5}, ...) that md wrote before it had a native HDF5 writer. Positions are returned
 * unwrapped: where the file has the H5MD element {@code image} (md writes positions folded into the cell with
 * it, {@code output.trajectory.wrap}), position + image · box edges of the same frame, along periodic directions.
 */
public final class H5mdTrajectoryReader {
    private H5mdTrajectoryReader() {}

    /** A frame with its MD step and time (fs). */
    public record Entry(Frame frame, long step, double timeFs) {}

    /** All frames of {@code base}: the file itself, or else its old segments (traj.h5 -> traj.000.h5, ...). */
    public static List<Entry> readTrajectory(Path base) {
        if (Files.isRegularFile(base)) return readSegment(base);
        List<Path> segments = segments(base);
        if (segments.isEmpty()) throw new UserError(base + ": no such trajectory file (nor segments " + segmentPath(base, 0) + ", ... of an older md)");
        List<Entry> out = new ArrayList<>();
        for (Path p : segments) out.addAll(readSegment(p));
        return out;
    }

    /** File of segment {@code index} of an older md's segmented trajectory: traj.h5 -> traj.007.h5. */
    public static Path segmentPath(Path base, int index) {
        String name = base.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".h5";
        return base.resolveSibling(String.format(java.util.Locale.ROOT, "%s.%03d%s", stem, index, ext));
    }

    /** Existing segment files of an older md's trajectory, in order (stops at the first gap). */
    public static List<Path> segments(Path base) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; Files.isRegularFile(segmentPath(base, i)); i++) out.add(segmentPath(base, i));
        return out;
    }

    static boolean isTrajectory(Group root) { return particleGroup(root) != null; }

    /** The particles subgroup: "all" if present, else the first one (MDAnalysis takes the first too). */
    private static Group particleGroup(Group root) {
        if (!(root.getChildren().get("particles") instanceof Group particles)) return null;
        if (particles.getChildren().get("all") instanceof Group all) return all;
        for (Node n : particles.getChildren().values()) if (n instanceof Group g) return g;
        return null;
    }

    /** The frames of one H5MD file. */
    public static List<Entry> readSegment(Path file) {
        if (md.engine.config.InputFiles.problem(file) != null) throw new UserError(file + ": " + md.engine.config.InputFiles.problem(file));
        md.engine.cli.IoFailure.requireReadable(file);
        try (HdfFile h5 = new HdfFile(file)) {
            return read(file, h5);
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(file + ": cannot read as an HDF5 trajectory (" + e.getMessage() + ")", e);
        }
    }

    private static List<Entry> read(Path file, HdfFile h5) {
        Group all = particleGroup(h5);
        if (all == null) throw new UserError(file + ": no /particles/<group>; not an H5MD trajectory");
        int[] z = Hdf5Arrays.ints(Hdf5Arrays.doubles(dataset(file, all, "species").getDataFlat()), file + ":" + all.getPath() + "species");
        int n = z.length;
        Group position = (Group) all.getChild("position");
        double[] x = Hdf5Arrays.doubles(dataset(file, position, "value").getDataFlat());
        long[] steps = longs(dataset(file, position, "step").getDataFlat());
        double[] times = Hdf5Arrays.doubles(dataset(file, position, "time").getDataFlat());
        int frames = steps.length;
        Group box = (Group) all.getChild("box");
        boolean[] pbc = new boolean[3];
        Object[] b = (Object[]) box.getAttribute("boundary").getData();
        for (int k = 0; k < 3; k++) pbc[k] = "periodic".equals(String.valueOf(b[k]));
        // edges: a fixed 3x3 dataset (older md), or time-dependent edges/value [F][3][3]
        double[] edges = null;
        boolean edgesPerFrame = false;
        Node e = box.getChildren().get("edges");
        if (e instanceof Dataset d) edges = Hdf5Arrays.doubles(d.getDataFlat());
        else if (e instanceof Group g) { edges = Hdf5Arrays.doubles(dataset(file, g, "value").getDataFlat()); edgesPerFrame = true; }
        if (edges != null && edges.length != (edgesPerFrame ? 9L * frames : 9))
            throw new UserError(file + ":" + box.getPath() + "edges: expected " + (edgesPerFrame ? frames + " 3x3 matrices" : "a 3x3 matrix")
                    + " (rows = cell vectors), found " + edges.length + " numbers");
        int[] image = images(file, all, x.length, edges != null);
        double[] v = series(file, all, "velocity", 1.0);
        double[] f = series(file, all, "force", forceToEvPerAngstrom(file, all));
        Map<String, double[]> observables = new LinkedHashMap<>();
        if (h5.getChild("observables") instanceof Group obs)
            for (Node node : obs.getChildren().values())
                if (node instanceof Group g && g.getChildren().get("value") instanceof Dataset d && d.getDimensions().length == 1)
                    observables.put(g.getName(), Hdf5Arrays.doubles(d.getDataFlat()));
        List<Entry> out = new ArrayList<>(frames);
        for (int k = 0; k < frames; k++) {
            Map<String, Object> info = new LinkedHashMap<>();
            Double energy = null;
            for (Map.Entry<String, double[]> o : observables.entrySet()) {
                if (o.getValue().length <= k) continue;
                if (o.getKey().equals("potential_energy")) energy = o.getValue()[k];
                else info.put(o.getKey(), o.getValue()[k]);
            }
            Cell cell = edges == null ? Cell.NONE
                    : new Cell(edgesPerFrame ? java.util.Arrays.copyOfRange(edges, 9 * k, 9 * k + 9) : edges, pbc);
            double[] pos = slice(x, k, n);
            if (image != null) {
                // H5MD "image": the positions are folded into the cell; unwrapped = position + image · edges
                int[] nk = java.util.Arrays.copyOfRange(image, 3 * n * k, 3 * n * (k + 1));
                for (int i = 0; i < nk.length; i++) if (!pbc[i % 3]) nk[i] = 0;
                md.engine.system.PeriodicImages.unwrap(pos, nk, cell, pos);
            }
            out.add(new Entry(new Frame(z.clone(), pos, cell, energy, f == null ? null : slice(f, k, n),
                    v == null ? null : slice(v, k, n), info), steps[k], times[k]));
        }
        return out;
    }

    /**
     * The time-dependent {@code image} element (periodic image counts, one per position coordinate), or null
     * when the file has none or no box edges to multiply it with.
     */
    private static int[] images(Path file, Group all, int positionValues, boolean hasEdges) {
        if (!hasEdges || !(all.getChildren().get("image") instanceof Group g)) return null;
        Dataset d = dataset(file, g, "value");
        int[] image = Hdf5Arrays.ints(Hdf5Arrays.doubles(d.getDataFlat()), file + ":" + d.getPath());
        if (image.length != positionValues)
            throw new UserError(file + ":" + d.getPath() + ": " + image.length + " image counts for " + positionValues
                    + " position coordinates; expected one per coordinate, as many frames as position");
        return image;
    }

    /** Factor from the file's force unit to eV/Å: md writes kJ mol-1 Angstrom-1 (older md: eV/angstrom). */
    private static double forceToEvPerAngstrom(Path file, Group all) {
        if (!(all.getChildren().get("force") instanceof Group g) || !(g.getChildren().get("value") instanceof Dataset d)) return 1.0;
        if (!d.getAttributes().containsKey("unit")) return 1.0;
        Object u = d.getAttribute("unit").getData();
        String unit = (u instanceof Object[] arr ? String.valueOf(arr[0]) : String.valueOf(u)).trim();
        return switch (unit) {
            case "eV/angstrom", "eV Angstrom-1", "eV angstrom-1", "eV Ang-1", "eV A-1" -> 1.0;
            case "kJ mol-1 Angstrom-1", "kJ mol-1 angstrom-1", "kJ mol-1 Ang-1", "kJ mol-1 A-1" -> md.core.Units.KJ_PER_MOL_TO_EV;
            case "kJ mol-1 nm-1" -> md.core.Units.KJ_PER_MOL_TO_EV / 10;
            case "kcal mol-1 Angstrom-1", "kcal mol-1 A-1", "kcal mol-1 Ang-1" -> md.core.Units.KCAL_PER_MOL_TO_EV;
            default -> throw new UserError(file + ":" + d.getPath() + ": force unit '" + unit
                    + "' is not one md converts (eV Angstrom-1, kJ mol-1 Angstrom-1, kJ mol-1 nm-1, kcal mol-1 Angstrom-1)");
        };
    }

    private static long[] longs(Object flat) {
        if (flat instanceof long[] l) return l;
        double[] d = Hdf5Arrays.doubles(flat);
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) out[i] = (long) d[i];
        return out;
    }

    private static double[] series(Path file, Group all, String name, double scale) {
        if (!(all.getChildren().get(name) instanceof Group g)) return null;
        double[] a = Hdf5Arrays.doubles(dataset(file, g, "value").getDataFlat());
        if (scale != 1.0) for (int i = 0; i < a.length; i++) a[i] *= scale;
        return a;
    }

    private static double[] slice(double[] a, int k, int n) { return java.util.Arrays.copyOfRange(a, 3 * n * k, 3 * n * (k + 1)); }

    private static Dataset dataset(Path file, Group g, String name) {
        if (g.getChildren().get(name) instanceof Dataset d) return d;
        throw new UserError(file + ":" + g.getPath() + ": dataset '" + name + "' is missing");
    }
}
