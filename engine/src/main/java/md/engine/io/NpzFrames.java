package md.engine.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import md.core.Cell;
import md.core.Units;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.engine.cli.UserError;
import md.engine.system.Frame;

/**
 * Frames from the molecular data sets distributed as NumPy {@code .npz}: original MD17 (keys
 * {@code R, z, E, F}), revised MD17 (keys {@code coords, nuclear_charges, energies, forces}) and QM7-X
 * (keys {@code atXYZ, atNUM, ePBE0+MBD, totFOR}). Positions are Å. MD17 and rMD17 store kcal/mol and
 * kcal/mol/Å, QM7-X eV and eV/Å; a caller that knows better (a QM7-X subset saved with MD17's key
 * names, in eV) names the energy unit. Energies and forces come out in eV and eV/Å.
 *
 * <p>The atomic numbers are either one row for every frame or one row per frame (frames, atoms); in
 * the second form atomic number 0 marks padding (several molecules of different sizes in one file,
 * as in QM7-X subsets) and those rows are dropped. Frames are isolated molecules ({@link Cell#NONE}).
 */
public final class NpzFrames {
    private NpzFrames() {}

    /** Which key layout a file uses, and the energy unit that layout stores. */
    public enum Layout {
        MD17("R", "z", "E", "F", "kcal/mol"),
        RMD17("coords", "nuclear_charges", "energies", "forces", "kcal/mol"),
        QM7X("atXYZ", "atNUM", "ePBE0+MBD", "totFOR", "eV");

        final String positions, numbers, energies, forces, energyUnit;

        Layout(String positions, String numbers, String energies, String forces, String energyUnit) {
            this.positions = positions;
            this.numbers = numbers;
            this.energies = energies;
            this.forces = forces;
            this.energyUnit = energyUnit;
        }
    }

    public static List<Frame> readAll(Path file) { return readAll(file, null); }

    /** All frames; {@code energyUnit} (e.g. "eV", "kcal/mol"; null: the layout's) overrides the layout's unit. */
    public static List<Frame> readAll(Path file, String energyUnit) { return readAll(file, energyUnit, null, null); }

    /**
     * As {@link #readAll(Path, String)}, with the labels read from the arrays {@code energyKey} and {@code forcesKey}
     * instead of the layout's (null: the layout's), e.g. rMD17's {@code old_energies}/{@code old_forces}, the original
     * MD17 labels of the same geometries.
     */
    public static List<Frame> readAll(Path file, String energyUnit, String energyKey, String forcesKey) {
        Data d = load(file, energyUnit, energyKey, forcesKey);
        List<Frame> out = new ArrayList<>(d.frames);
        for (int k = 0; k < d.frames; k++) out.add(d.frame(k));
        return out;
    }

    /** Frame {@code index} (negative counts from the end). */
    public static Frame readFrame(Path file, int index) {
        Data d = load(file, null);
        int k = index < 0 ? d.frames + index : index;
        if (k < 0 || k >= d.frames)
            throw new UserError(file + ": frame " + index + " requested, but the file has " + d.frames + " frames (valid: 0.." + (d.frames - 1) + ", or negative from the end)");
        return d.frame(k);
    }

    public static int countFrames(Path file) { return load(file, null).frames; }

    /** {@code z}: one row (every frame) or frames×n (per frame, 0 = padding). */
    private record Data(Path file, int[] z, boolean perFrameZ, int n, NpyArray r, NpyArray e, NpyArray f, int frames, double toEv) {
        Frame frame(int k) {
            int[] zk = perFrameZ ? Arrays.copyOfRange(z, k * n, (k + 1) * n) : z.clone();
            double[] x = r.slice(k);
            Double energy = e != null ? e.data()[k] * toEv : null;
            double[] forces = null;
            if (f != null) {
                forces = f.slice(k);
                for (int i = 0; i < forces.length; i++) forces[i] *= toEv;
            }
            if (perFrameZ) {
                int atoms = 0;
                for (int i = 0; i < n; i++) {
                    if (zk[i] == 0) continue;
                    zk[atoms] = zk[i];
                    System.arraycopy(x, 3 * i, x, 3 * atoms, 3);
                    if (forces != null) System.arraycopy(forces, 3 * i, forces, 3 * atoms, 3);
                    atoms++;
                }
                if (atoms == 0) throw new UserError(file + ": frame " + k + " has no atoms (every atomic number is 0, i.e. padding)");
                zk = Arrays.copyOf(zk, atoms);
                x = Arrays.copyOf(x, 3 * atoms);
                if (forces != null) forces = Arrays.copyOf(forces, 3 * atoms);
            }
            return new Frame(zk, x, Cell.NONE, energy, forces, null, Map.of("source_index", (long) k));
        }
    }

    private static Data load(Path file, String energyUnit) { return load(file, energyUnit, null, null); }

    private static Data load(Path file, String energyUnit, String energyKey, String forcesKey) {
        if (md.engine.config.InputFiles.problem(file) != null) throw new UserError(file + ": " + md.engine.config.InputFiles.problem(file));
        md.engine.cli.IoFailure.requireReadable(file);
        Map<String, NpyArray> arrays;
        try {
            arrays = Npz.read(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read as NumPy .npz (" + e.getMessage() + ")", e);
        }
        Layout layout = null;
        for (Layout l : Layout.values()) if (arrays.containsKey(l.positions)) layout = l;
        if (layout == null)
            throw new UserError(file + ": not an MD17, rMD17 or QM7-X file; expected arrays R, z, E, F (MD17), coords, nuclear_charges, energies, forces (rMD17) or atXYZ, atNUM, ePBE0+MBD, totFOR (QM7-X), found " + arrays.keySet());
        double toEv;
        try {
            toEv = Units.energyToEv(energyUnit != null ? energyUnit : layout.energyUnit);
        } catch (IllegalArgumentException ex) {
            throw new UserError(file + ": " + ex.getMessage());
        }
        NpyArray r = arrays.get(layout.positions), zs = arrays.get(layout.numbers);
        if (zs == null) throw new UserError(file + ": array '" + layout.numbers + "' (atomic numbers) is missing; found " + arrays.keySet());
        String eName = energyKey != null ? energyKey : layout.energies, fName = forcesKey != null ? forcesKey : layout.forces;
        for (String key : new String[] {energyKey, forcesKey})
            if (key != null && !arrays.containsKey(key))
                throw new UserError(file + ": no array '" + key + "' (named as a label key); found " + arrays.keySet());
        NpyArray e = arrays.get(eName), f = arrays.get(fName);
        for (NpyArray a : new NpyArray[] {r, zs, e, f})
            if (a != null && !a.isNumeric()) {
                try {
                    a.data();
                } catch (IllegalArgumentException ex) {
                    throw new UserError(ex.getMessage()); // names the file and the array, and what it holds
                }
            }
        int[] z;
        try {
            z = zs.asInts();
        } catch (IllegalArgumentException ex) {
            throw new UserError(file + ": " + ex.getMessage());
        }
        boolean perFrameZ = zs.shape().length == 2;
        if (zs.shape().length > 2)
            throw new UserError(file + ": array '" + layout.numbers + "' has shape " + Arrays.toString(zs.shape()) + "; expected (atoms) or (frames, atoms)");
        int n = perFrameZ ? zs.dim(1) : z.length;
        if (r.shape().length != 3 || r.dim(1) != n || r.dim(2) != 3)
            throw new UserError(file + ": array '" + layout.positions + "' has shape " + Arrays.toString(r.shape()) + "; expected (frames, " + n + ", 3)");
        int frames = r.dim(0);
        if (perFrameZ && zs.dim(0) != frames)
            throw new UserError(file + ": array '" + layout.numbers + "' has " + zs.dim(0) + " rows of atomic numbers for " + frames + " frames");
        for (int v : z)
            if (v < 0 || (v == 0 && !perFrameZ))
                throw new UserError(file + ": array '" + layout.numbers + "' holds atomic number " + v + (perFrameZ ? "; expected 0 (padding) or a positive number" : "; expected positive numbers"));
        if (e != null && e.size() != frames)
            throw new UserError(file + ": array '" + eName + "' has " + e.size() + " values for " + frames + " frames");
        if (f != null && (f.shape().length != 3 || f.dim(0) != frames || f.dim(1) != n || f.dim(2) != 3))
            throw new UserError(file + ": array '" + fName + "' has shape " + Arrays.toString(f.shape()) + "; expected (" + frames + ", " + n + ", 3)");
        return new Data(file, z, perFrameZ, n, r, e, f, frames, toEv);
    }
}
