package md.engine.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import md.core.Cell;
import md.engine.system.Frame;

/**
 * VASP POSCAR / CONTCAR. VASP 5 (a species line above the counts) or VASP 4 (no species line: the
 * species come from {@code species}, position 1, 2, ... of the counts line to atomic number). Scale
 * line: one factor (negative = the cell volume in Å³) or three per-axis factors. Optional
 * {@code Selective dynamics} line (the T/F flags are ignored), {@code Direct} or {@code Cartesian}
 * positions (Cartesian are scaled like the lattice). Optional velocity block after the positions: a
 * blank or {@code Cartesian} line then one line per atom in Å/fs (VASP's unit, as in a CONTCAR), or a
 * {@code Direct} line then fractional velocities per fs. Anything after (CONTCAR predictor-corrector
 * data) is ignored. The cell is periodic in all three directions.
 */
final class PoscarReader {
    private PoscarReader() {}

    static Frame read(Path path, Map<Integer, Integer> speciesOption) {
        TextFile f = TextFile.read(path);
        int i = 0;
        String comment = f.line(0);
        if (comment == null || (f.size() == 1 && comment.isBlank())) throw f.error(0, "empty file; expected a VASP POSCAR (comment line, scale, 3 lattice vectors, species, counts, positions)");
        // scale
        String[] scaleTokens = tokens(f, 1, 1, "the scale factor (one number, negative = cell volume in Å³, or three per-axis factors)");
        double[] scale3 = null;
        double scale = 1;
        if (scaleTokens.length >= 3 && TextFile.isNumber(scaleTokens[1]) && TextFile.isNumber(scaleTokens[2])) {
            scale3 = new double[3];
            for (int k = 0; k < 3; k++) {
                scale3[k] = f.number(scaleTokens[k], 1, "a per-axis scale factor");
                if (scale3[k] <= 0) throw f.error(1, "three scale factors must all be positive, got '" + f.line(1).strip() + "'");
            }
        } else {
            scale = f.number(scaleTokens[0], 1, "the scale factor");
            if (scale == 0) throw f.error(1, "the scale factor is 0; expected a positive factor or a negative cell volume (Å³)");
        }
        double[] lattice = new double[9];
        for (int r = 0; r < 3; r++) {
            String[] t = tokens(f, 2 + r, 3, "lattice vector " + "abc".charAt(r) + " (three numbers)");
            for (int k = 0; k < 3; k++) lattice[3 * r + k] = f.number(t[k], 2 + r, "a lattice vector component");
        }
        if (scale3 != null) {
            for (int r = 0; r < 3; r++) for (int k = 0; k < 3; k++) lattice[3 * r + k] *= scale3[k];
        } else if (scale < 0) {
            double v = Math.abs(det(lattice));
            if (v == 0) throw f.error(2, "the lattice vectors are linearly dependent (zero volume)");
            scale = Math.cbrt(-scale / v);
        }
        if (scale3 == null) for (int k = 0; k < 9; k++) lattice[k] *= scale;
        if (det(lattice) == 0) throw f.error(2, "the lattice vectors are linearly dependent (zero volume); expected three independent vectors");

        // species (VASP 5) and counts
        i = 5;
        String[] line5 = tokens(f, i, 1, "the species line (e.g. 'Si O') or the counts line");
        String[] symbols = null;
        int speciesLine = -1;
        if (!TextFile.isInteger(line5[0])) {
            symbols = line5;
            speciesLine = i;
            i++;
        }
        String[] countTokens = tokens(f, i, 1, "the counts line (atoms per species, e.g. '2 4')");
        int countsLine = i;
        int nSpecies = 0;
        while (nSpecies < countTokens.length && TextFile.isInteger(countTokens[nSpecies])) nSpecies++;
        if (nSpecies == 0) throw f.error(i, "expected the counts line (whole numbers of atoms per species), got '" + f.line(i).strip() + "'");
        int[] counts = new int[nSpecies];
        int n = 0;
        for (int s = 0; s < nSpecies; s++) {
            counts[s] = f.integer(countTokens[s], i, "an atom count");
            if (counts[s] < 0) throw f.error(i, "negative atom count " + counts[s]);
            n += counts[s];
        }
        if (n == 0) throw f.error(i, "no atoms (the counts add up to 0)");
        if (n > f.size()) throw f.error(i, "the counts add up to " + n + " atoms, but the file has only " + f.size() + " lines");
        int[] z = new int[nSpecies];
        if (symbols != null) {
            if (symbols.length != nSpecies)
                throw f.error(speciesLine, "the species line names " + symbols.length + " species (" + String.join(" ", symbols) + "), but the counts line on line "
                        + (countsLine + 1) + " has " + nSpecies + " counts; expected one count per species");
            final int spLine = speciesLine;
            for (int s = 0; s < nSpecies; s++) {
                String sym = symbols[s].split("[_/.]")[0];   // POTCAR labels such as Si_pv, O_s, Fe/abc123
                z[s] = TextFile.element(sym).orElseThrow(() -> f.error(spLine, "unknown element '" + sym + "' on the species line; expected "
                        + TextFile.knownElements()));
            }
        } else {
            if (speciesOption == null)
                throw f.error(countsLine, "no species line (a VASP 4 POSCAR); the species of the " + nSpecies + " counts are unknown. Add a species line "
                        + "above the counts (VASP 5, e.g. 'Si O') or give them in the input: structure: {file: ..., species: [Si, O]}");
            for (int s = 0; s < nSpecies; s++) {
                Integer zs = speciesOption.get(s + 1);
                if (zs == null)
                    throw f.error(countsLine, "the counts line has " + nSpecies + " species, but the 'species' key gives " + speciesOption.size()
                            + "; expected one element per count, in order");
                z[s] = zs;
            }
        }
        i++;
        // selective dynamics, coordinate mode
        String mode = lineOrEnd(f, i, "the coordinate mode line ('Direct' or 'Cartesian')").strip();
        if (!mode.isEmpty() && (mode.charAt(0) == 'S' || mode.charAt(0) == 's')) {
            i++;
            mode = lineOrEnd(f, i, "the coordinate mode line ('Direct' or 'Cartesian') after 'Selective dynamics'").strip();
        }
        if (mode.isEmpty() || TextFile.isNumber(TextFile.tokens(mode)[0]))
            throw f.error(i, "expected the coordinate mode line ('Direct' or 'Cartesian'), got " + (mode.isEmpty() ? "a blank line" : "'" + mode + "'"));
        boolean cartesian = isCartesian(mode);
        i++;
        int[] atomicNumbers = new int[n];
        double[] positions = new double[3 * n];
        Cell cell = new Cell(lattice, new boolean[] {true, true, true});
        for (int s = 0, a = 0; s < nSpecies; s++) {
            for (int k = 0; k < counts[s]; k++, a++, i++) {
                if (f.line(i) == null || f.line(i).isBlank())
                    throw f.error(i, (f.restBlank(i) ? "file ends early" : "blank line") + " at atom " + (a + 1) + " of " + n
                            + " (the counts line " + (countsLine + 1) + " says " + n + " atoms); expected a line of three coordinates");
                String[] t = TextFile.tokens(f.line(i));
                if (t.length < 3) throw f.error(i, "expected three coordinates for atom " + (a + 1) + ", got '" + f.line(i).strip() + "'");
                double[] r = new double[3];
                for (int c = 0; c < 3; c++) r[c] = f.number(t[c], i, "a coordinate of atom " + (a + 1));
                atomicNumbers[a] = z[s];
                place(r, cartesian, scale3 != null ? scale3 : new double[] {scale, scale, scale}, cell, positions, 3 * a);
            }
        }
        double[] velocities = velocities(f, i, n, cell);
        Map<String, Object> info = new LinkedHashMap<>();
        if (!comment.isBlank()) info.put("comment", comment.strip());
        return new Frame(atomicNumbers, positions, cell, null, null, velocities, info);
    }

    /** The optional velocity block starting at line {@code i}, or null when there is none. */
    private static double[] velocities(TextFile f, int i, int n, Cell cell) {
        String l = f.line(i);
        if (l == null) return null;
        boolean cartesian = true;
        if (l.isBlank()) {
            i++;
            String next = f.line(i);
            if (next == null || next.isBlank()) return null;
            if (!TextFile.isNumber(TextFile.tokens(next)[0])) {   // a mode line after the blank line
                cartesian = isCartesian(next.strip());
                i++;
            }
        } else if (!TextFile.isNumber(TextFile.tokens(l)[0])) {
            cartesian = isCartesian(l.strip());
            i++;
        } else {
            throw f.error(i, "expected the end of the file or a velocity block (a blank or 'Cartesian' line, then one velocity per atom) after the "
                    + n + " position lines, got more coordinates; the counts line may be too small");
        }
        double[] v = new double[3 * n];
        for (int a = 0; a < n; a++, i++) {
            String line = f.line(i);
            if (line == null || line.isBlank())
                throw f.error(i, "the velocity block ends after " + a + " of " + n + " atoms; expected one line of three velocities (Å/fs) per atom");
            String[] t = TextFile.tokens(line);
            if (t.length < 3) throw f.error(i, "expected three velocity components for atom " + (a + 1) + ", got '" + line.strip() + "'");
            double[] u = new double[3];
            for (int c = 0; c < 3; c++) u[c] = f.number(t[c], i, "a velocity component of atom " + (a + 1));
            if (cartesian) System.arraycopy(u, 0, v, 3 * a, 3);
            else cell.toCartesian(u, v, 3 * a);
        }
        return v;
    }

    private static void place(double[] r, boolean cartesian, double[] scale, Cell cell, double[] out, int offset) {
        if (cartesian) for (int c = 0; c < 3; c++) out[offset + c] = r[c] * scale[c];
        else cell.toCartesian(r, out, offset);
    }

    private static boolean isCartesian(String mode) {
        char c = mode.isEmpty() ? ' ' : mode.charAt(0);
        return c == 'C' || c == 'c' || c == 'K' || c == 'k';
    }

    private static String lineOrEnd(TextFile f, int i, String expected) {
        String l = f.line(i);
        if (l == null) throw f.endError("expected " + expected);
        return l;
    }

    private static String[] tokens(TextFile f, int i, int min, String expected) {
        String l = f.line(i);
        if (l == null) throw f.endError("expected " + expected + " on line " + (i + 1));
        String[] t = TextFile.tokens(l);
        if (t.length < min) throw f.error(i, "expected " + expected + ", got " + (l.isBlank() ? "a blank line" : "'" + l.strip() + "'"));
        return t;
    }

    private static double det(double[] m) {
        return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
    }
}
