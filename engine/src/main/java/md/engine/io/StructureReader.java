package md.engine.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import md.engine.cli.UserError;
import md.engine.system.Frame;

/**
 * Reads structures by file extension: {@code .xyz}/{@code .extxyz} (ASE extended XYZ),
 * {@code .npz} (MD17 / rMD17), {@code .h5}/{@code .hdf5} (ANI-1x/ANI-2x data sets, or this engine's
 * H5MD-style trajectories). Errors are {@link UserError}s naming the file and what was expected.
 */
public final class StructureReader {
    private StructureReader() {}

    public enum Format { EXTXYZ, NPZ, HDF5 }

    public static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".xyz") || name.endsWith(".extxyz")) return Format.EXTXYZ;
        if (name.endsWith(".npz")) return Format.NPZ;
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) return Format.HDF5;
        throw new UserError(file + ": unknown structure format; expected a file ending in .xyz or .extxyz (extended XYZ), "
                + ".npz (MD17/rMD17) or .h5/.hdf5 (ANI data set or H5MD trajectory)");
    }

    /**
     * One frame: {@code frameIndexOrNull} is 0-based, negative counts from the end (-1 = last), and
     * null means the first frame.
     */
    public static Frame read(Path file, Integer frameIndexOrNull) {
        Format format = formatOf(file);
        requireFile(file);
        int index = frameIndexOrNull == null ? 0 : frameIndexOrNull;
        return switch (format) {
            case EXTXYZ -> ExtxyzReader.readFrame(file, index);
            case NPZ -> NpzFrames.readFrame(file, index);
            case HDF5 -> pick(file, Hdf5Frames.readAll(file), index);
        };
    }

    /** Every frame of the file, in order (for HDF5 data sets: molecule by molecule). */
    public static List<Frame> readAll(Path file) {
        Format format = formatOf(file);
        requireFile(file);
        return switch (format) {
            case EXTXYZ -> ExtxyzReader.readAll(file);
            case NPZ -> NpzFrames.readAll(file);
            case HDF5 -> Hdf5Frames.readAll(file);
        };
    }

    private static Frame pick(Path file, List<Frame> frames, int index) {
        int k = index < 0 ? frames.size() + index : index;
        if (k < 0 || k >= frames.size())
            throw new UserError(file + ": frame " + index + " requested, but the file has " + frames.size() + " frames (valid: 0.." + (frames.size() - 1) + ", or negative from the end)");
        return frames.get(k);
    }

    private static void requireFile(Path file) {
        if (Files.isDirectory(file)) throw new UserError(file + ": is a folder, expected a file (a structure file)");
        boolean segmented = formatOf(file) == Format.HDF5 && !H5mdTrajectoryWriter.segments(file).isEmpty();
        if (!Files.isRegularFile(file) && !segmented) throw new UserError(file + ": no such file");
    }
}
