package md.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code R, z, E, F}) and revised MD17 (keys {@code coords, nuclear_charges, energies, forces}).
 * Both store Å, kcal/mol and kcal/mol/Å; energies and forces are converted to eV and eV/Å with
 * {@link Units#KCAL_PER_MOL_TO_EV}. Frames are isolated molecules ({@link Cell#NONE}).
 */
public final class NpzFrames {
    private NpzFrames() {}

    /** Which key layout a file uses. */
    public enum Layout {
        MD17("R", "z", "E", "F"),
        RMD17("coords", "nuclear_charges", "energies", "forces");

        final String positions, numbers, energies, forces;

        Layout(String positions, String numbers, String energies, String forces) {
            this.positions = positions;
            this.numbers = numbers;
            this.energies = energies;
            this.forces = forces;
        }
    }

    public static List<Frame> readAll(Path file) {
        Data d = load(file);
        List<Frame> out = new ArrayList<>(d.frames);
        for (int k = 0; k < d.frames; k++) out.add(d.frame(k));
        return out;
    }

    /** Frame {@code index} (negative counts from the end). */
    public static Frame readFrame(Path file, int index) {
        Data d = load(file);
        int k = index < 0 ? d.frames + index : index;
        if (k < 0 || k >= d.frames)
            throw new UserError(file + ": frame " + index + " requested, but the file has " + d.frames + " frames (valid: 0.." + (d.frames - 1) + ", or negative from the end)");
        return d.frame(k);
    }

    public static int countFrames(Path file) { return load(file).frames; }

    private record Data(Path file, Layout layout, int[] z, NpyArray r, NpyArray e, NpyArray f, int frames) {
        Frame frame(int k) {
            double[] x = r.slice(k);
            Double energy = null;
            if (e != null) energy = e.data()[k] * Units.KCAL_PER_MOL_TO_EV;
            double[] forces = null;
            if (f != null) {
                forces = f.slice(k);
                for (int i = 0; i < forces.length; i++) forces[i] *= Units.KCAL_PER_MOL_TO_EV;
            }
            return new Frame(z.clone(), x, Cell.NONE, energy, forces, null, Map.of("source_index", (long) k));
        }
    }

    private static Data load(Path file) {
        if (md.engine.config.InputFiles.problem(file) != null) throw new UserError(file + ": " + md.engine.config.InputFiles.problem(file));
        Map<String, NpyArray> arrays;
        try {
            arrays = Npz.read(file);
        } catch (IOException e) {
            throw new UserError(file + ": cannot read as NumPy .npz (" + e.getMessage() + ")", e);
        }
        Layout layout = arrays.containsKey(Layout.RMD17.positions) ? Layout.RMD17 : arrays.containsKey(Layout.MD17.positions) ? Layout.MD17 : null;
        if (layout == null)
            throw new UserError(file + ": not an MD17 or rMD17 file; expected arrays R, z, E, F (MD17) or coords, nuclear_charges, energies, forces (rMD17), found " + arrays.keySet());
        NpyArray r = arrays.get(layout.positions), zs = arrays.get(layout.numbers);
        if (zs == null) throw new UserError(file + ": array '" + layout.numbers + "' (atomic numbers) is missing; found " + arrays.keySet());
        NpyArray e = arrays.get(layout.energies), f = arrays.get(layout.forces);
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
        int n = z.length;
        if (r.shape().length != 3 || r.dim(1) != n || r.dim(2) != 3)
            throw new UserError(file + ": array '" + layout.positions + "' has shape " + java.util.Arrays.toString(r.shape()) + "; expected (frames, " + n + ", 3)");
        int frames = r.dim(0);
        if (e != null && e.size() != frames)
            throw new UserError(file + ": array '" + layout.energies + "' has " + e.size() + " values for " + frames + " frames");
        if (f != null && (f.shape().length != 3 || f.dim(0) != frames || f.dim(1) != n || f.dim(2) != 3))
            throw new UserError(file + ": array '" + layout.forces + "' has shape " + java.util.Arrays.toString(f.shape()) + "; expected (" + frames + ", " + n + ", 3)");
        return new Data(file, layout, z, r, e, f, frames);
    }
}
