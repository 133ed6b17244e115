package md.engine.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import md.core.Cell;
import md.core.Elements;
import md.core.Units;
import md.engine.cli.UserError;
import md.engine.system.Frame;

/**
 * Conformers of the ANI data sets in their HDF5 release formats, grouped by molecule:
 * <ul>
 * <li>ANI-1x / ANI-1ccx: one group per molecule with {@code atomic_numbers (N)}, {@code coordinates
 *     (C, N, 3)} in Å, {@code <method>.energy (C)} in Hartree and {@code <method>.forces (C, N, 3)} in
 *     Hartree/Å, with method e.g. {@code wb97x_dz} (default) or {@code wb97x_tz};</li>
 * <li>ANI-2x style: one group per atom count with {@code species (C, N)}, {@code coordinates},
 *     {@code energies}, {@code forces} in the same units.</li>
 * </ul>
 * Energies and forces are converted to eV and eV/Å with {@link Units#HARTREE_TO_EV}. A conformer whose
 * energy is missing (NaN, as for some methods in ANI-1x) keeps a null energy and no forces.
 */
public final class AniHdf5Reader {
    private AniHdf5Reader() {}

    public static final String DEFAULT_METHOD = "wb97x_dz";

    /** One molecule (formula group) and its conformers. */
    public record Molecule(String name, List<Frame> conformers) {}

    public static List<Molecule> read(Path file) { return read(file, DEFAULT_METHOD); }

    public static List<Molecule> read(Path file, String method) {
        md.engine.cli.IoFailure.requireReadable(file);
        List<Molecule> out = new ArrayList<>();
        try (HdfFile h5 = new HdfFile(file)) {
            collect(file, h5, method, out);
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UserError(file + ": cannot read as HDF5 (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty())
            throw new UserError(file + ": no ANI molecule groups found; expected groups holding 'coordinates' with "
                    + "'atomic_numbers' and '" + method + ".energy' (ANI-1x) or 'species' and 'energies' (ANI-2x)");
        return out;
    }

    /** Whether the file looks like an ANI data set (some group has a 'coordinates' dataset). */
    static boolean looksLikeAni(Group root) {
        for (Node child : root.getChildren().values()) {
            if (child instanceof Group g) {
                if (g.getChildren().containsKey("coordinates")) return true;
                if (looksLikeAni(g)) return true;
            }
        }
        return false;
    }

    private static void collect(Path file, Group group, String method, List<Molecule> out) {
        Map<String, Node> children = group.getChildren();
        if (children.containsKey("coordinates")) {
            out.add(molecule(file, group, method));
            return;
        }
        for (Node child : children.values()) if (child instanceof Group g) collect(file, g, method, out);
    }

    private static Molecule molecule(Path file, Group g, String method) {
        String where = file + ":" + g.getPath();
        Dataset coords = dataset(g, "coordinates", where);
        int[] dims = coords.getDimensions();
        if (dims.length != 3 || dims[2] != 3)
            throw new UserError(where + "/coordinates has shape " + Arrays.toString(dims) + "; expected (conformers, atoms, 3)");
        int conformers = dims[0], n = dims[1];
        double[] x = Hdf5Arrays.doubles(coords.getDataFlat());
        int[] fixedZ = null;
        int[] zPerConformer = null;
        double[] energies, forces;
        Map<String, Node> children = g.getChildren();
        if (children.containsKey("atomic_numbers")) {
            fixedZ = Hdf5Arrays.ints(Hdf5Arrays.doubles(dataset(g, "atomic_numbers", where).getDataFlat()), where + "/atomic_numbers");
            if (fixedZ.length != n) throw new UserError(where + "/atomic_numbers has " + fixedZ.length + " entries for " + n + " atoms");
            energies = optional(g, method + ".energy", conformers, where);
            forces = optional(g, method + ".forces", conformers * n * 3, where);
        } else if (children.containsKey("species")) {
            zPerConformer = Hdf5Arrays.ints(Hdf5Arrays.doubles(dataset(g, "species", where).getDataFlat()), where + "/species");
            if (zPerConformer.length != conformers * n) throw new UserError(where + "/species has " + zPerConformer.length + " entries; expected " + conformers + "×" + n);
            energies = optional(g, "energies", conformers, where);
            forces = optional(g, "forces", conformers * n * 3, where);
        } else {
            throw new UserError(where + ": has 'coordinates' but neither 'atomic_numbers' (ANI-1x) nor 'species' (ANI-2x)");
        }
        List<Frame> frames = new ArrayList<>(conformers);
        for (int c = 0; c < conformers; c++) {
            int[] z = fixedZ != null ? fixedZ.clone() : Arrays.copyOfRange(zPerConformer, c * n, (c + 1) * n);
            for (int zi : z) if (!Elements.isKnown(zi)) throw new UserError(where + ": conformer " + c + " has unknown atomic number " + zi);
            double[] pos = Arrays.copyOfRange(x, c * 3 * n, (c + 1) * 3 * n);
            Double e = null;
            double[] f = null;
            if (energies != null && !Double.isNaN(energies[c])) {
                e = energies[c] * Units.HARTREE_TO_EV;
                if (forces != null) {
                    f = Arrays.copyOfRange(forces, c * 3 * n, (c + 1) * 3 * n);
                    for (int k = 0; k < f.length; k++) f[k] *= Units.HARTREE_TO_EV;
                }
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("molecule", g.getName());
            info.put("conformer", (long) c);
            frames.add(new Frame(z, pos, Cell.NONE, e, f, null, info));
        }
        return new Molecule(g.getName(), frames);
    }

    private static Dataset dataset(Group g, String name, String where) {
        Node node = g.getChildren().get(name);
        if (!(node instanceof Dataset d)) throw new UserError(where + ": dataset '" + name + "' is missing");
        return d;
    }

    private static double[] optional(Group g, String name, int expectedSize, String where) {
        Node node = g.getChildren().get(name);
        if (!(node instanceof Dataset d)) return null;
        double[] v = Hdf5Arrays.doubles(d.getDataFlat());
        if (v.length != expectedSize) throw new UserError(where + "/" + name + " has " + v.length + " values; expected " + expectedSize);
        return v;
    }
}
