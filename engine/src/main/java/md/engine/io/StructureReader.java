package md.engine.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import md.engine.cli.UserError;
import md.engine.system.Frame;

/**
 * Reads structures: {@code .xyz}/{@code .extxyz} (ASE extended XYZ), {@code .npz} (MD17 / rMD17),
 * {@code .h5}/{@code .hdf5} (ANI-1x/ANI-2x data sets, or this engine's H5MD-style trajectories), VASP
 * POSCAR/CONTCAR, LAMMPS data files, PDB and CIF (P1). The format comes from the file name
 * ({@link #formatOf}) unless {@link Options#format()} names it. Errors are {@link UserError}s naming the
 * file, the line (text formats) and what was expected.
 */
public final class StructureReader {
    private StructureReader() {}

    public enum Format {
        EXTXYZ("extxyz"), NPZ("npz"), HDF5("hdf5"), VASP("vasp"), LAMMPS_DATA("lammps-data"), PDB("pdb"), CIF("cif");

        /** The name used by the {@code format} key. */
        public final String key;

        Format(String key) { this.key = key; }

        public static List<String> keys() {
            return java.util.Arrays.stream(values()).map(f -> f.key).toList();
        }

        public static Format ofKey(String key) {
            for (Format f : values()) if (f.key.equals(key)) return f;
            throw new IllegalArgumentException("unknown structure format '" + key + "'");
        }
    }

    /**
     * Reader settings beyond the file: {@code format} (null: from the file name), {@code species} (type
     * or species-line position, 1-based, to atomic number: LAMMPS atom types, the species of a VASP 4
     * POSCAR; null: from the file), {@code atomStyle} (LAMMPS {@code atomic} or {@code full}; null: from
     * the {@code Atoms # style} comment or the column count) and {@code units} (LAMMPS {@code metal},
     * the default, or {@code real}).
     */
    public record Options(Format format, Map<Integer, Integer> species, String atomStyle, String units) {
        public static final Options DEFAULT = new Options(null, null, null, null);
    }

    public static final String FORMAT_NAMES = "a file ending in .xyz or .extxyz (extended XYZ), .npz (MD17/rMD17), .h5/.hdf5 (ANI data set "
            + "or H5MD trajectory), a VASP POSCAR/CONTCAR (named POSCAR*, CONTCAR* or *.vasp/*.poscar), a LAMMPS data file "
            + "(*.data, *.lmp, *.lammps or data.*), .pdb or .cif";

    public static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".xyz") || name.endsWith(".extxyz")) return Format.EXTXYZ;
        if (name.endsWith(".npz")) return Format.NPZ;
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) return Format.HDF5;
        if (name.startsWith("poscar") || name.startsWith("contcar") || name.endsWith(".vasp") || name.endsWith(".poscar"))
            return Format.VASP;
        if (name.endsWith(".data") || name.endsWith(".lmp") || name.endsWith(".lammps") || name.startsWith("data."))
            return Format.LAMMPS_DATA;
        if (name.endsWith(".pdb") || name.endsWith(".ent")) return Format.PDB;
        if (name.endsWith(".cif")) return Format.CIF;
        throw new UserError(file + ": unknown structure format; expected " + FORMAT_NAMES
                + " (or name the format: structure.format: vasp | lammps-data | pdb | cif | extxyz | npz | hdf5)");
    }

    /**
     * One frame: {@code frameIndexOrNull} is 0-based, negative counts from the end (-1 = last), and
     * null means the first frame.
     */
    public static Frame read(Path file, Integer frameIndexOrNull) {
        return read(file, frameIndexOrNull, Options.DEFAULT);
    }

    public static Frame read(Path file, Integer frameIndexOrNull, Options options) {
        Format format = format(file, options);
        requireFile(file, format);
        int index = frameIndexOrNull == null ? 0 : frameIndexOrNull;
        return switch (format) {
            case EXTXYZ -> ExtxyzReader.readFrame(file, index);
            case NPZ -> NpzFrames.readFrame(file, index);
            default -> pick(file, readAll(file, options), index);
        };
    }

    /** Every frame of the file, in order (for HDF5 data sets: molecule by molecule). */
    public static List<Frame> readAll(Path file) {
        return readAll(file, Options.DEFAULT);
    }

    public static List<Frame> readAll(Path file, Options options) {
        Format format = format(file, options);
        requireFile(file, format);
        return switch (format) {
            case EXTXYZ -> ExtxyzReader.readAll(file);
            case NPZ -> NpzFrames.readAll(file);
            case HDF5 -> Hdf5Frames.readAll(file);
            case VASP -> List.of(PoscarReader.read(file, options.species()));
            case LAMMPS_DATA -> List.of(LammpsDataReader.read(file, options.species(), options.atomStyle(), options.units()));
            case PDB -> PdbReader.readAll(file);
            case CIF -> CifReader.readAll(file);
        };
    }

    private static Format format(Path file, Options options) {
        return options != null && options.format() != null ? options.format() : formatOf(file);
    }

    private static Frame pick(Path file, List<Frame> frames, int index) {
        int k = index < 0 ? frames.size() + index : index;
        if (k < 0 || k >= frames.size())
            throw new UserError(file + ": frame " + index + " requested, but the file has " + frames.size() + (frames.size() == 1 ? " frame" : " frames")
                    + " (valid: 0.." + (frames.size() - 1) + ", or negative from the end)");
        return frames.get(k);
    }

    private static void requireFile(Path file, Format format) {
        if (Files.isDirectory(file)) throw new UserError(file + ": is a folder, expected a file (a structure file)");
        boolean segmented = format == Format.HDF5 && !H5mdTrajectoryReader.segments(file).isEmpty();
        if (!Files.isRegularFile(file) && !segmented) throw new UserError(file + ": no such file");
    }
}
