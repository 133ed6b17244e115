package md.engine.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import md.core.Cell;
import md.engine.system.Frame;

/**
 * PDB: {@code ATOM}/{@code HETATM} records (x, y, z in columns 31–54, Å); the element from columns
 * 77–78, else from the atom name (columns 13–16: a two-letter element when the name starts in column
 * 13 or is written in mixed case such as "Mg", else its first letter). {@code CRYST1} gives the cell
 * (lengths and angles, a along x and b in the xy plane) and makes all directions periodic; the
 * placeholder cell 1 1 1 90 90 90 means no cell. {@code MODEL}/{@code ENDMDL} blocks are frames
 * (records outside any MODEL form one frame). Other records are ignored.
 */
final class PdbReader {
    private PdbReader() {}

    static List<Frame> readAll(Path path) {
        TextFile f = TextFile.read(path);
        Cell cell = Cell.NONE;
        List<Frame> frames = new ArrayList<>();
        List<Integer> z = new ArrayList<>();
        List<double[]> r = new ArrayList<>();
        int modelLine = -1;
        for (int i = 0; i < f.size(); i++) {
            String l = f.line(i);
            String rec = l.length() >= 6 ? l.substring(0, 6).strip().toUpperCase(Locale.ROOT) : l.strip().toUpperCase(Locale.ROOT);
            switch (rec) {
                case "CRYST1" -> cell = cryst1(f, i);
                case "MODEL" -> {
                    if (modelLine >= 0 && !z.isEmpty()) throw f.error(i, "MODEL inside the MODEL started on line " + (modelLine + 1) + "; expected ENDMDL first");
                    if (!z.isEmpty()) frames.add(frame(z, r, cell, frames.size()));
                    z.clear(); r.clear();
                    modelLine = i;
                }
                case "ENDMDL" -> {
                    if (z.isEmpty()) throw f.error(i, "ENDMDL closes a model without ATOM/HETATM records");
                    frames.add(frame(z, r, cell, frames.size()));
                    z.clear(); r.clear();
                    modelLine = -1;
                }
                case "ATOM", "HETATM" -> {
                    if (l.length() < 54)
                        throw f.error(i, "the " + rec + " record has " + l.length() + " characters; expected at least 54 (x, y, z in columns 31-38, 39-46, 47-54)");
                    double[] p = new double[3];
                    for (int c = 0; c < 3; c++) p[c] = f.number(l.substring(30 + 8 * c, 38 + 8 * c).strip(), i, "xyz".charAt(c) + " in columns " + (31 + 8 * c) + "-" + (38 + 8 * c));
                    z.add(element(f, i, l));
                    r.add(p);
                }
                case "END" -> { i = f.size(); }
                default -> { }
            }
        }
        if (!z.isEmpty()) frames.add(frame(z, r, cell, frames.size()));
        if (frames.isEmpty()) throw f.endError("no ATOM or HETATM records; expected a PDB file with atoms");
        return frames;
    }

    private static Cell cryst1(TextFile f, int i) {
        String l = f.line(i);
        String[] t = TextFile.tokens(l.length() > 6 ? l.substring(6, Math.min(l.length(), 55)) : "");
        if (t.length < 6) throw f.error(i, "CRYST1 needs a b c alpha beta gamma (Å, degrees) in columns 7-54, got '" + l.strip() + "'");
        double[] p = new double[6];
        for (int k = 0; k < 6; k++) p[k] = f.number(t[k], i, "a cell parameter");
        if (p[0] == 1 && p[1] == 1 && p[2] == 1 && p[3] == 90 && p[4] == 90 && p[5] == 90) return Cell.NONE;   // PDB placeholder: no cell
        if (!TextFile.validCellParameters(p[0], p[1], p[2], p[3], p[4], p[5]))
            throw f.error(i, "CRYST1 cell parameters do not describe a cell (lengths > 0, angles between 0 and 180 forming a cell): '" + l.strip() + "'");
        return new Cell(TextFile.cellFromParameters(p[0], p[1], p[2], p[3], p[4], p[5]), new boolean[] {true, true, true});
    }

    private static int element(TextFile f, int i, String l) {
        if (l.length() >= 77) {
            String col = l.substring(76, Math.min(78, l.length())).strip();
            if (!col.isEmpty())
                return TextFile.element(col).orElseThrow(() -> f.error(i, "unknown element '" + col + "' in columns 77-78; expected " + TextFile.knownElements()));
        }
        String name = l.substring(12, 16);
        String letters = name.strip().replaceAll("[^A-Za-z].*$", "");
        if (letters.isEmpty()) letters = name.strip().replaceAll("[^A-Za-z]", "");
        boolean twoLetter = letters.length() >= 2 && (name.charAt(0) != ' ' || Character.isLowerCase(letters.charAt(1)));
        if (twoLetter) {
            var z2 = TextFile.element(letters.substring(0, 2));
            if (z2.isPresent()) return z2.get();
        }
        if (!letters.isEmpty()) {
            var z1 = TextFile.element(letters.substring(0, 1));
            if (z1.isPresent()) return z1.get();
        }
        throw f.error(i, "no element: columns 77-78 are empty and the atom name '" + name.strip() + "' (columns 13-16) does not start with "
                + TextFile.knownElements() + "; expected the element symbol in columns 77-78");
    }

    private static Frame frame(List<Integer> z, List<double[]> r, Cell cell, int model) {
        int n = z.size();
        int[] zs = new int[n];
        double[] pos = new double[3 * n];
        for (int a = 0; a < n; a++) {
            zs[a] = z.get(a);
            System.arraycopy(r.get(a), 0, pos, 3 * a, 3);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("model", model + 1);
        return new Frame(zs, pos, cell, null, null, null, info);
    }
}
