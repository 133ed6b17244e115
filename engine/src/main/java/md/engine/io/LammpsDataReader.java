package md.engine.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import md.core.Cell;
import md.core.Elements;
import md.engine.system.Frame;

/**
 * LAMMPS data files ({@code read_data} format), atom styles {@code atomic} (id type x y z) and
 * {@code full} (id molecule type charge x y z), each optionally followed by image flags nx ny nz (the
 * positions are unwrapped with them). The style comes from {@code atomStyle}, else from the
 * {@code Atoms # style} comment, else from the column count. Box: {@code xlo xhi}, {@code ylo yhi},
 * {@code zlo zhi} and the tilt factors {@code xy xz yz} give the lattice vectors a = (xhi−xlo, 0, 0),
 * b = (xy, yhi−ylo, 0), c = (xz, yz, zhi−zlo); periodic in all three directions; positions are shifted
 * so that the box corner (xlo, ylo, zlo) is the origin. Atoms are ordered by id. Types become elements
 * through {@code species} (type to atomic number), else the {@code Masses} section (the element whose
 * standard mass is within 0.1 amu). Units: {@code metal} (default: Å, velocities Å/ps) or {@code real}
 * (Å, velocities Å/fs); velocities are converted to Å/fs.
 */
final class LammpsDataReader {
    private LammpsDataReader() {}

    static final double MASS_TOLERANCE_AMU = 0.1;

    static Frame read(Path path, Map<Integer, Integer> speciesOption, String atomStyleOption, String unitsOption) {
        TextFile f = TextFile.read(path);
        String units = unitsOption == null ? "metal" : unitsOption;
        double velocityToAngstromPerFs = switch (units) {
            case "metal" -> 1e-3;   // Å/ps
            case "real" -> 1.0;     // Å/fs
            default -> throw new IllegalArgumentException("units " + units);
        };
        // header: from line 2 until the first section keyword
        Integer nAtoms = null, nTypes = null;
        double[] lo = new double[3], hi = new double[3];
        boolean[] boxSeen = new boolean[3];
        double xy = 0, xz = 0, yz = 0;
        int i = 1;
        for (; i < f.size(); i++) {
            String l = strip(f.line(i));
            if (l.isEmpty()) continue;
            if (Character.isLetter(l.charAt(0))) break;   // first section
            String[] t = TextFile.tokens(l);
            if (l.endsWith("atom types") && t.length == 3) nTypes = f.integer(t[0], i, "the number of atom types");
            else if (l.endsWith("atoms") && t.length == 2) nAtoms = f.integer(t[0], i, "the number of atoms");
            else if (t.length == 4 && t[2].matches("[xyz]lo") && t[3].equals(t[2].charAt(0) + "hi")) {
                int axis = t[2].charAt(0) - 'x';
                lo[axis] = f.number(t[0], i, t[2]);
                hi[axis] = f.number(t[1], i, t[3]);
                if (hi[axis] <= lo[axis]) throw f.error(i, t[3] + " must be larger than " + t[2] + ", got '" + l + "'");
                boxSeen[axis] = true;
            } else if (t.length == 6 && t[3].equals("xy") && t[4].equals("xz") && t[5].equals("yz")) {
                xy = f.number(t[0], i, "the tilt factor xy");
                xz = f.number(t[1], i, "the tilt factor xz");
                yz = f.number(t[2], i, "the tilt factor yz");
            }
            // other header lines (bonds, angles, ... counts) are not needed
        }
        if (nAtoms == null) throw f.error(Math.min(i, f.size() - 1), "no 'N atoms' line in the header; expected a LAMMPS data file (title line, then e.g. '4 atoms', '2 atom types', 'xlo xhi' ...)");
        for (int axis = 0; axis < 3; axis++)
            if (!boxSeen[axis]) throw f.error(Math.min(i, f.size() - 1), "no '" + "xyz".charAt(axis) + "lo " + "xyz".charAt(axis) + "hi' line in the header; expected the box bounds");
        if (nAtoms <= 0) throw f.error(0, "the header declares " + nAtoms + " atoms; expected at least one");
        if (nAtoms > f.size()) throw f.error(0, "the header declares " + nAtoms + " atoms, but the file has only " + f.size() + " lines");

        // sections
        Map<Integer, Double> masses = new HashMap<>();
        int massesLine = -1;
        TreeMap<Integer, double[]> atoms = new TreeMap<>();   // id -> type, x, y, z (unwrapped later)
        Map<Integer, Integer> atomLine = new HashMap<>();
        Map<Integer, double[]> velocities = null;
        int atomsLine = -1;
        double[] cellVectors = {hi[0] - lo[0], 0, 0, xy, hi[1] - lo[1], 0, xz, yz, hi[2] - lo[2]};
        while (i < f.size()) {
            String header = f.line(i);
            String name = strip(header);
            if (name.isEmpty()) { i++; continue; }
            int headerLine = i;
            String comment = header.contains("#") ? header.substring(header.indexOf('#') + 1).strip() : "";
            i++;
            List<Integer> body = new ArrayList<>();
            while (i < f.size() && strip(f.line(i)).isEmpty()) i++;   // blank line(s) after the keyword
            while (i < f.size() && !strip(f.line(i)).isEmpty() && !Character.isLetter(strip(f.line(i)).charAt(0))) body.add(i++);
            switch (name) {
                case "Masses" -> {
                    massesLine = headerLine;
                    for (int b : body) {
                        String[] t = TextFile.tokens(strip(f.line(b)));
                        if (t.length < 2) throw f.error(b, "expected 'type mass' in the Masses section, got '" + f.line(b).strip() + "'");
                        masses.put(f.integer(t[0], b, "an atom type"), f.number(t[1], b, "a mass (g/mol)"));
                    }
                }
                case "Atoms" -> {
                    atomsLine = headerLine;
                    String style = atomStyleOption;
                    if (style == null && !comment.isEmpty()) {
                        style = TextFile.tokens(comment)[0].toLowerCase(Locale.ROOT);
                        if (!style.equals("atomic") && !style.equals("full"))
                            throw f.error(headerLine, "atom style '" + style + "' is not read; expected 'Atoms # atomic' or 'Atoms # full' "
                                    + "(write the file with atom_style atomic or full, or convert it with ASE)");
                    }
                    for (int b : body) {
                        String[] t = TextFile.tokens(strip(f.line(b)));
                        String s = style;
                        if (s == null) {
                            s = switch (t.length) {
                                case 5, 8 -> "atomic";
                                case 7, 10 -> "full";
                                default -> throw f.error(b, "cannot tell the atom style from " + t.length + " columns; expected 5 (atomic: id type x y z) "
                                        + "or 7 (full: id molecule type charge x y z), each optionally with 3 image flags; or give the style: "
                                        + "'Atoms # full' in the file or structure.atom_style in the input");
                            };
                            style = s;
                        }
                        int base = s.equals("atomic") ? 5 : 7;
                        if (t.length != base && t.length != base + 3)
                            throw f.error(b, "expected " + base + " columns (" + (s.equals("atomic") ? "id type x y z" : "id molecule type charge x y z")
                                    + ") or " + (base + 3) + " with image flags for atom_style " + s + ", got " + t.length + ": '" + f.line(b).strip() + "'");
                        int id = f.integer(t[0], b, "an atom id");
                        int type = f.integer(t[s.equals("atomic") ? 1 : 2], b, "an atom type");
                        double[] row = new double[4];
                        row[0] = type;
                        for (int c = 0; c < 3; c++) row[1 + c] = f.number(t[base - 3 + c], b, "a coordinate") - lo[c];
                        if (t.length == base + 3) {
                            int[] img = new int[3];
                            for (int c = 0; c < 3; c++) img[c] = f.integer(t[base + c], b, "an image flag");
                            for (int c = 0; c < 3; c++) row[1 + c] += img[0] * cellVectors[c] + img[1] * cellVectors[3 + c] + img[2] * cellVectors[6 + c];
                        }
                        if (atoms.put(id, row) != null) throw f.error(b, "atom id " + id + " appears twice (first on line " + (atomLine.get(id) + 1) + ")");
                        atomLine.put(id, b);
                    }
                    if (atoms.size() != nAtoms)
                        throw f.error(headerLine, "the Atoms section has " + atoms.size() + " lines, but the header declares " + nAtoms + " atoms");
                }
                case "Velocities" -> {
                    velocities = new HashMap<>();
                    for (int b : body) {
                        String[] t = TextFile.tokens(strip(f.line(b)));
                        if (t.length < 4) throw f.error(b, "expected 'id vx vy vz' in the Velocities section, got '" + f.line(b).strip() + "'");
                        int id = f.integer(t[0], b, "an atom id");
                        double[] v = new double[3];
                        for (int c = 0; c < 3; c++) v[c] = f.number(t[1 + c], b, "a velocity component") * velocityToAngstromPerFs;
                        velocities.put(id, v);
                    }
                    if (velocities.size() != nAtoms)
                        throw f.error(headerLine, "the Velocities section has " + velocities.size() + " lines, but the header declares " + nAtoms + " atoms");
                }
                default -> { }   // Bonds, Angles, coefficients, ...: not needed
            }
        }
        if (atomsLine < 0) throw f.endError("no Atoms section; expected 'Atoms' followed by one line per atom");

        // types -> elements
        Map<Integer, Integer> typeZ = new HashMap<>();
        int n = atoms.size();
        int[] z = new int[n];
        double[] positions = new double[3 * n];
        double[] v = velocities == null ? null : new double[3 * n];
        int a = 0;
        for (Map.Entry<Integer, double[]> e : atoms.entrySet()) {
            int id = e.getKey();
            int type = (int) e.getValue()[0];
            int line = atomLine.get(id);
            if (nTypes != null && (type < 1 || type > nTypes))
                throw f.error(line, "atom type " + type + " is outside 1.." + nTypes + " (the header's atom types)");
            Integer zt = typeZ.get(type);
            if (zt == null) {
                zt = elementOfType(f, type, line, speciesOption, masses, massesLine);
                typeZ.put(type, zt);
            }
            z[a] = zt;
            System.arraycopy(e.getValue(), 1, positions, 3 * a, 3);
            if (v != null) {
                double[] u = velocities.get(id);
                if (u == null) throw f.error(line, "atom " + id + " has no line in the Velocities section");
                System.arraycopy(u, 0, v, 3 * a, 3);
            }
            a++;
        }
        Cell cell = new Cell(cellVectors, new boolean[] {true, true, true});
        Map<String, Object> info = new LinkedHashMap<>();
        if (!f.line(0).isBlank()) info.put("comment", f.line(0).strip());
        return new Frame(z, positions, cell, null, null, v, info);
    }

    private static int elementOfType(TextFile f, int type, int line, Map<Integer, Integer> speciesOption, Map<Integer, Double> masses, int massesLine) {
        if (speciesOption != null) {
            Integer z = speciesOption.get(type);
            if (z == null) throw f.error(line, "atom type " + type + " is not in the 'species' key (" + speciesOption.keySet()
                    + "); expected an element for every atom type, e.g. species: {1: Ar, 2: O}");
            return z;
        }
        Double m = masses.get(type);
        if (m == null)
            throw f.error(line, "atom type " + type + " has no mass" + (massesLine < 0 ? " (the file has no Masses section)" : " in the Masses section on line " + (massesLine + 1))
                    + ", so its element is unknown; give the elements in the input: structure: {file: ..., species: {1: Ar, 2: O}}");
        int best = -1, close = 0;
        for (int z = 1; z <= Elements.maxAtomicNumber(); z++) {
            double d = Math.abs(Elements.massAmu(z) - m);
            if (d <= MASS_TOLERANCE_AMU) {
                close++;
                if (best < 0 || d < Math.abs(Elements.massAmu(best) - m)) best = z;
            }
        }
        if (best < 0 || close > 1)
            throw f.error(massesLine, "the mass " + m + " of atom type " + type + (best < 0 ? " is not within " + MASS_TOLERANCE_AMU + " amu of any element's standard mass"
                    : " matches more than one element within " + MASS_TOLERANCE_AMU + " amu") + "; give the elements in the input: structure: {file: ..., species: {1: Ar, 2: O}}");
        return best;
    }

    /** The line without its {@code #} comment, trimmed. */
    private static String strip(String line) {
        int h = line.indexOf('#');
        return (h >= 0 ? line.substring(0, h) : line).strip();
    }
}
