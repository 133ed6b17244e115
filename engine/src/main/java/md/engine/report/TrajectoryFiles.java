package md.engine.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import md.analysis.Frames;
import md.core.Cell;
import md.core.io.FileFormatException;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.cli.UserError;
import md.engine.io.StructureReader;
import md.engine.system.Frame;

/**
 * Loads trajectories and reference data sets for analysis. Extended XYZ and H5MD trajectories are read
 * with {@link StructureReader}; NumPy {@code .npz} archives are read here, with positions
 * under {@code R}, {@code coords}, {@code positions} or {@code pos} (frames x atoms x 3, Å), atomic numbers
 * under {@code z}, {@code nuclear_charges}, {@code numbers} or {@code atomic_numbers}, and optionally a
 * cell ({@code cell} or {@code lattice}, 3x3 rows a, b, c in Å, or one per frame, frames x 3 x 3), periodic
 * flags ({@code pbc}, default all periodic when a cell is given) and frame times ({@code time_ps}).
 * This covers MD17 ({@code R, z}) and rMD17 ({@code coords, nuclear_charges}) files as distributed.
 */
public final class TrajectoryFiles {
    private TrajectoryFiles() {}

    private static final List<String> POSITIONS = List.of("R", "coords", "positions", "pos");
    private static final List<String> NUMBERS = List.of("z", "nuclear_charges", "numbers", "atomic_numbers");
    private static final List<String> CELLS = List.of("cell", "lattice");

    /**
     * @param frameIntervalPs used when the file holds no frame times; empty makes such a file an error
     *                        (reference data sets pass a dummy interval: their times are never used)
     */
    public static Frames read(Path file, Optional<Double> frameIntervalPs) throws IOException {
        return read(file, "trajectory", frameIntervalPs);
    }

    /** As {@link #read(Path, Optional)}; {@code role} names the file in messages ("trajectory", "reference (--reference)"). */
    public static Frames read(Path file, String role, Optional<Double> frameIntervalPs) throws IOException {
        String problem = md.engine.config.InputFiles.problem(file);
        // An HDF5 trajectory written in segments (traj.000.h5, traj.001.h5, ...) is read by its base name.
        if (problem != null && !(Files.notExists(file) && segments(file).size() > 0))
            throw new UserError(role + " " + file + (Files.isDirectory(file) ? " " + problem : " does not exist" + segmentHint(file)));
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".npz")) return fromFrames(file, StructureReader.readAll(file), frameIntervalPs);
        Map<String, NpyArray> d;
        try {
            d = Npz.read(file);
        } catch (FileFormatException e) {
            throw new UserError(e.getMessage(), e);
        }
        NpyArray r = find(d, POSITIONS, file, "positions");
        NpyArray z = find(d, NUMBERS, file, "atomic numbers");
        numbers(r);
        numbers(z);
        int n = (int) z.size();
        int frames;
        if (r.shape().length == 3 && r.dim(1) == n && r.dim(2) == 3) frames = r.dim(0);
        else if (r.shape().length == 2 && r.dim(0) == n && r.dim(1) == 3) frames = 1;
        else throw new UserError(file + ": positions '" + r.name() + "' have shape " + java.util.Arrays.toString(r.shape())
                + "; expected (frames, " + n + ", 3) for the " + n + " atomic numbers in '" + z.name() + "'");
        double[][] x = new double[frames][];
        for (int f = 0; f < frames; f++) x[f] = frames == 1 ? numbers(r).clone() : r.slice(f);
        int[] numbers;
        try {
            numbers = z.asInts();
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": '" + z.name() + "' must hold integer atomic numbers: " + e.getMessage());
        }
        Cell[] cells = cells(d, file, frames);
        try {
            NpyArray t = d.get("time_ps");
            if (t != null) {
                if (t.size() != frames) throw new UserError(file + ": 'time_ps' has " + t.size() + " entries for " + frames + " frames");
                return Frames.withFrameCells(x, numbers, cells, numbers(t));
            }
            if (frameIntervalPs.isEmpty())
                throw new UserError(file + " holds no frame times ('time_ps'); give the time between saved frames with --frame-interval-fs "
                        + "(e.g. 50 for a frame every 100 steps of 0.5 fs, 0.5 for MD17's consecutive frames)");
            return Frames.evenlySpaced(x, numbers, cells, frameIntervalPs.get());
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    private static final java.util.regex.Pattern SEGMENT = java.util.regex.Pattern.compile("(.*)\\.(\\d{3,})\\.h5");

    /** The segment files {@code base.000.h5, base.001.h5, ...} of an HDF5 base name {@code base.h5}, in order. */
    static List<Path> segments(Path base) {
        String name = base.getFileName().toString();
        if (!name.endsWith(".h5")) return List.of();
        Path folder = base.toAbsolutePath().getParent();
        String stem = name.substring(0, name.length() - 3);
        List<Path> out = new java.util.ArrayList<>();
        for (int i = 0; Files.isRegularFile(folder.resolve(String.format(Locale.ROOT, "%s.%03d.h5", stem, i))); i++)
            out.add(folder.resolve(String.format(Locale.ROOT, "%s.%03d.h5", stem, i)));
        return out;
    }

    /** For a missing {@code X.h5} or {@code X.NNN.h5}: which trajectory files are there instead. */
    private static String segmentHint(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) return "";
        for (String other : List.of("trajectory.extxyz", "trajectory.h5"))
            if (!file.getFileName().toString().equals(other) && (Files.isRegularFile(folder.resolve(other)) || !segments(folder.resolve(other)).isEmpty()))
                return "; the folder has " + other + (Files.isRegularFile(folder.resolve(other)) ? "" : " (in segments " + other.replace(".h5", ".000.h5") + ", ...)");
        return "";
    }

    /**
     * When {@code file} is one segment {@code X.NNN.h5} of a segmented trajectory: a note that only this
     * segment's frames are analysed and that {@code X.h5} names the whole run; empty otherwise.
     */
    public static Optional<String> segmentNote(Path file) {
        java.util.regex.Matcher m = SEGMENT.matcher(file.getFileName().toString());
        if (!m.matches()) return Optional.empty();
        List<Path> all = segments(file.toAbsolutePath().resolveSibling(m.group(1) + ".h5"));
        if (all.size() < 2 || !all.contains(file.toAbsolutePath())) return Optional.empty();
        return Optional.of(file + " is segment " + (all.indexOf(file.toAbsolutePath()) + 1) + " of " + all.size() + " of "
                + m.group(1) + ".h5; only its frames are analysed (give " + file.resolveSibling(m.group(1) + ".h5") + " for the whole run)");
    }

    /**
     * Frames read by {@link StructureReader} (extended XYZ, H5MD trajectories): all must hold the same
     * atoms and periodicity; the cell may change (extxyz {@code Lattice}, H5MD {@code box/edges} per frame);
     * times come from the per-frame values {@code time_fs} (written by this engine) or {@code time_ps}, else
     * from {@code frameIntervalPs}.
     */
    private static Frames fromFrames(Path file, List<Frame> frames, Optional<Double> frameIntervalPs) {
        if (frames.isEmpty()) throw new UserError(file + ": holds no frames");
        Frame first = frames.get(0);
        double[][] x = new double[frames.size()][];
        double[] t = new double[frames.size()];
        Cell[] cells = new Cell[frames.size()];
        boolean timed = true;
        for (int f = 0; f < x.length; f++) {
            Frame fr = frames.get(f);
            if (!java.util.Arrays.equals(fr.atomicNumbers(), first.atomicNumbers()))
                throw new UserError(file + ": frame " + f + " has different atoms than frame 0; a trajectory must keep its atoms");
            if (!java.util.Arrays.equals(fr.cell().pbc(), first.cell().pbc()))
                throw new UserError(file + ": frame " + f + " is periodic along " + pbcText(fr.cell()) + " but frame 0 along "
                        + pbcText(first.cell()) + "; a trajectory must keep its periodic directions");
            x[f] = fr.positions();
            cells[f] = fr.cell();
            Object fs = fr.info().get("time_fs"), ps = fr.info().get("time_ps");
            if (fs instanceof Number n) t[f] = n.doubleValue() / 1000.0;
            else if (ps instanceof Number n) t[f] = n.doubleValue();
            else timed = false;
        }
        try {
            if (timed) return Frames.withFrameCells(x, first.atomicNumbers(), cells, t);
            if (frameIntervalPs.isEmpty())
                throw new UserError(file + " has no frame times (per-frame time_fs or time_ps); give the time between saved frames with --frame-interval-fs");
            return Frames.evenlySpaced(x, first.atomicNumbers(), cells, frameIntervalPs.get());
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    private static String pbcText(Cell c) {
        boolean[] p = c.pbc();
        return (p[0] ? "T" : "F") + " " + (p[1] ? "T" : "F") + " " + (p[2] ? "T" : "F");
    }

    /** The cell of every frame: one 3x3 for all, or one per frame (frames x 3 x 3); {@link Cell#NONE} without a cell. */
    private static Cell[] cells(Map<String, NpyArray> d, Path file, int frames) {
        Cell[] out = new Cell[frames];
        NpyArray c = null;
        for (String k : CELLS) if (d.containsKey(k)) c = d.get(k);
        if (c == null) {
            java.util.Arrays.fill(out, Cell.NONE);
            return out;
        }
        if (c.size() != 9 && c.size() != 9L * frames)
            throw new UserError(file + ": cell '" + c.name() + "' has shape " + java.util.Arrays.toString(c.shape()) + "; expected (3, 3) or ("
                    + frames + ", 3, 3), one per frame");
        boolean[] pbc = {true, true, true};
        NpyArray p = d.get("pbc");
        if (p != null) for (int a = 0; a < 3 && a < p.size(); a++) pbc[a] = numbers(p)[a] != 0;
        double[] v = numbers(c);
        try {
            for (int f = 0; f < frames; f++) out[f] = new Cell(java.util.Arrays.copyOfRange(v, c.size() == 9 ? 0 : 9 * f, c.size() == 9 ? 9 : 9 * f + 9), pbc);
        } catch (IllegalArgumentException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
        return out;
    }

    /** The numbers of an array; a user error naming the file and the array when it holds strings or Python objects. */
    private static double[] numbers(NpyArray a) {
        try {
            return a.data();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static NpyArray find(Map<String, NpyArray> d, List<String> keys, Path file, String what) {
        for (String k : keys) if (d.containsKey(k)) return d.get(k);
        throw new UserError(file + ": no " + what + " found; expected one of the keys " + keys + " (the file has " + d.keySet() + ")");
    }
}
