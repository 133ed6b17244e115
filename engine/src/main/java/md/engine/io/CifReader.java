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
 * CIF (1.1 syntax: data blocks, tags, {@code loop_}s, quoted and semicolon-delimited values, comments)
 * holding a P1 structure: {@code _cell_length_a/b/c} (Å) and {@code _cell_angle_alpha/beta/gamma}
 * (degrees; a along x, b in the xy plane), and an {@code _atom_site_} loop with
 * {@code _atom_site_fract_x/y/z} (or {@code _atom_site_Cartn_x/y/z}) and {@code _atom_site_type_symbol}
 * (or the element at the start of {@code _atom_site_label}). Periodic in all three directions; each data
 * block with atoms is a frame. Symmetry is not expanded: a file whose symmetry operations are not just
 * the identity, or that names a space group other than P1, or that names none, is refused (expand it to
 * P1 first, e.g. {@code ase convert in.cif out.extxyz}); so are partial occupancies.
 */
final class CifReader {
    private CifReader() {}

    static final String EXPAND = "expand it to P1 first, e.g. with ASE: ase convert in.cif out.extxyz (then read out.extxyz)";

    private record Token(String text, int line, boolean quoted) {}

    private record Value(String text, int line) {}

    private static final class Block {
        final String name;
        final int line;
        final Map<String, Value> items = new LinkedHashMap<>();
        final List<Loop> loops = new ArrayList<>();
        Block(String name, int line) { this.name = name; this.line = line; }
    }

    private static final class Loop {
        final int line;
        final List<String> tags = new ArrayList<>();
        final List<Value> values = new ArrayList<>();
        Loop(int line) { this.line = line; }
        int rows() { return values.size() / tags.size(); }
        Value get(int row, String tag) { return values.get(row * tags.size() + tags.indexOf(tag)); }
    }

    static List<Frame> readAll(Path path) {
        TextFile f = TextFile.read(path);
        List<Block> blocks = parse(f, tokenize(f));
        List<Frame> frames = new ArrayList<>();
        for (Block b : blocks) {
            Loop sites = loopWith(b, "_atom_site_fract_x");
            if (sites == null) sites = loopWith(b, "_atom_site_cartn_x");
            if (sites == null) continue;
            frames.add(frame(f, b, sites));
        }
        if (frames.isEmpty())
            throw f.endError("no atom sites; expected a loop_ with _atom_site_fract_x/y/z (or _atom_site_Cartn_x/y/z) and _atom_site_type_symbol or _atom_site_label");
        return frames;
    }

    private static Frame frame(TextFile f, Block b, Loop sites) {
        checkP1(f, b);
        double[] p = new double[6];
        String[] cellTags = {"_cell_length_a", "_cell_length_b", "_cell_length_c", "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"};
        for (int k = 0; k < 6; k++) {
            Value v = b.items.get(cellTags[k]);
            if (v == null) throw f.error(b.line, "data block '" + b.name + "' has no " + cellTags[k] + "; expected the cell lengths (Å) and angles (degrees)");
            p[k] = number(f, v, cellTags[k]);
        }
        if (!TextFile.validCellParameters(p[0], p[1], p[2], p[3], p[4], p[5]))
            throw f.error(b.items.get("_cell_length_a").line, "the cell parameters of data block '" + b.name + "' do not describe a cell (lengths > 0, angles forming a cell)");
        Cell cell = new Cell(TextFile.cellFromParameters(p[0], p[1], p[2], p[3], p[4], p[5]), new boolean[] {true, true, true});
        boolean fractional = sites.tags.contains("_atom_site_fract_x");
        String prefix = fractional ? "_atom_site_fract_" : "_atom_site_cartn_";
        for (String axis : List.of("x", "y", "z"))
            if (!sites.tags.contains(prefix + axis)) throw f.error(sites.line, "the atom_site loop has no " + prefix + axis);
        String symbolTag = sites.tags.contains("_atom_site_type_symbol") ? "_atom_site_type_symbol"
                : sites.tags.contains("_atom_site_label") ? "_atom_site_label" : null;
        if (symbolTag == null) throw f.error(sites.line, "the atom_site loop has neither _atom_site_type_symbol nor _atom_site_label; expected the element of each site");
        int n = sites.rows();
        int[] z = new int[n];
        double[] pos = new double[3 * n];
        for (int a = 0; a < n; a++) {
            Value sv = sites.get(a, symbolTag);
            String letters = sv.text().replaceAll("[^A-Za-z].*$", "");
            if (letters.length() > 2) letters = letters.substring(0, 2);
            var zz = TextFile.element(letters);
            if (zz.isEmpty() && letters.length() == 2) zz = TextFile.element(letters.substring(0, 1));
            if (zz.isEmpty()) throw f.error(sv.line(), "unknown element in " + symbolTag + " '" + sv.text() + "'; expected " + TextFile.knownElements());
            z[a] = zz.get();
            if (sites.tags.contains("_atom_site_occupancy")) {
                Value o = sites.get(a, "_atom_site_occupancy");
                if (!o.text().equals("?") && !o.text().equals(".") && Math.abs(number(f, o, "_atom_site_occupancy") - 1) > 1e-6)
                    throw f.error(o.line(), "site '" + sv.text() + "' has occupancy " + o.text() + "; partial occupancies (disorder) are not read; expected 1 for every site");
            }
            double[] s = new double[3];
            for (int c = 0; c < 3; c++) s[c] = number(f, sites.get(a, prefix + "xyz".charAt(c)), prefix + "xyz".charAt(c));
            if (fractional) cell.toCartesian(s, pos, 3 * a);
            else System.arraycopy(s, 0, pos, 3 * a, 3);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cif_block", b.name);
        return new Frame(z, pos, cell, null, null, null, info);
    }

    /** Refuses anything but P1: symmetry operations other than x,y,z, a space group other than P1, or no symmetry information. */
    private static void checkP1(TextFile f, Block b) {
        Loop ops = null;
        String opTag = null;
        for (String tag : List.of("_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz", "_space_group_symop.operation_xyz")) {
            ops = loopWith(b, tag);
            if (ops != null) { opTag = tag; break; }
        }
        String group = null;
        int groupLine = b.line;
        for (String tag : List.of("_space_group_name_h-m_alt", "_symmetry_space_group_name_h-m", "_space_group_it_number", "_symmetry_int_tables_number")) {
            Value v = b.items.get(tag);
            if (v != null && !v.text().equals("?") && !v.text().equals(".")) { group = v.text(); groupLine = v.line(); break; }
        }
        if (ops != null) {
            for (int r = 0; r < ops.rows(); r++) {
                Value v = ops.get(r, opTag);
                String op = v.text().replaceAll("\\s+", "").replace("+", "").toLowerCase(Locale.ROOT);
                if (!op.equals("x,y,z"))
                    throw f.error(v.line(), "symmetry operation '" + v.text() + "' (" + ops.rows() + " operations" + (group != null ? ", space group " + group : "")
                            + "): this reader does not apply symmetry, it reads P1 files that list every atom; " + EXPAND);
            }
            return;
        }
        if (group == null)
            throw f.error(b.line, "data block '" + b.name + "' gives no space group and no symmetry operations, so it cannot be known to be P1; " + EXPAND
                    + ", or add _space_group_name_H-M_alt 'P 1' if the file lists every atom");
        String g = group.replaceAll("\\s+", "");
        if (!g.equalsIgnoreCase("P1") && !g.equals("1"))
            throw f.error(groupLine, "space group " + group + " without its symmetry operations expanded: this reader reads P1 files that list every atom; " + EXPAND);
    }

    private static Loop loopWith(Block b, String tag) {
        for (Loop l : b.loops) if (l.tags.contains(tag)) return l;
        return null;
    }

    private static double number(TextFile f, Value v, String tag) {
        String t = v.text().replaceAll("\\(\\d+\\)$", "");   // standard uncertainty, e.g. 5.431(2)
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw f.error(v.line(), "expected a number for " + tag + ", got '" + v.text() + "'");
        }
    }

    // ---------------------------------------------------------------- syntax

    private static List<Token> tokenize(TextFile f) {
        List<Token> out = new ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            String l = f.line(i);
            if (l.startsWith(";")) {   // text field up to a line starting with ';'
                StringBuilder sb = new StringBuilder(l.substring(1));
                int start = i;
                i++;
                while (i < f.size() && !f.line(i).startsWith(";")) sb.append('\n').append(f.line(i++));
                if (i >= f.size()) throw f.error(start, "text field opened with ';' is never closed; expected a line starting with ';'");
                out.add(new Token(sb.toString().strip(), start, true));
                l = f.line(i).substring(1);
            }
            int k = 0;
            while (k < l.length()) {
                char c = l.charAt(k);
                if (Character.isWhitespace(c)) { k++; continue; }
                if (c == '#') break;
                if (c == '\'' || c == '"') {
                    int end = k + 1;
                    while (end < l.length() && !(l.charAt(end) == c && (end + 1 == l.length() || Character.isWhitespace(l.charAt(end + 1))))) end++;
                    if (end >= l.length()) throw f.error(i, "quote " + c + " opened in column " + (k + 1) + " is not closed on this line");
                    out.add(new Token(l.substring(k + 1, end), i, true));
                    k = end + 1;
                } else {
                    int end = k;
                    while (end < l.length() && !Character.isWhitespace(l.charAt(end))) end++;
                    out.add(new Token(l.substring(k, end), i, false));
                    k = end;
                }
            }
        }
        return out;
    }

    private static List<Block> parse(TextFile f, List<Token> tokens) {
        List<Block> blocks = new ArrayList<>();
        Block b = null;
        int k = 0;
        while (k < tokens.size()) {
            Token t = tokens.get(k);
            String low = t.text().toLowerCase(Locale.ROOT);
            if (!t.quoted() && low.startsWith("data_")) {
                b = new Block(t.text().substring(5), t.line());
                blocks.add(b);
                k++;
                continue;
            }
            if (b == null) throw f.error(t.line(), "expected a data block header (data_NAME) before '" + t.text() + "'");
            if (!t.quoted() && low.equals("loop_")) {
                Loop loop = new Loop(t.line());
                k++;
                while (k < tokens.size() && !tokens.get(k).quoted() && tokens.get(k).text().startsWith("_")) loop.tags.add(tokens.get(k++).text().toLowerCase(Locale.ROOT));
                if (loop.tags.isEmpty()) throw f.error(t.line(), "loop_ without tags; expected _tag names after loop_");
                while (k < tokens.size() && !isKeyword(tokens.get(k))) {
                    loop.values.add(new Value(tokens.get(k).text(), tokens.get(k).line()));
                    k++;
                }
                if (loop.values.size() % loop.tags.size() != 0) {
                    int last = loop.values.isEmpty() ? t.line() : loop.values.get(loop.values.size() - 1).line();
                    throw f.error(last, "the loop_ started on line " + (t.line() + 1) + " has " + loop.tags.size() + " tags but " + loop.values.size()
                            + " values, not a whole number of rows; expected " + loop.tags.size() + " values per row");
                }
                b.loops.add(loop);
                continue;
            }
            if (!t.quoted() && t.text().startsWith("_")) {
                if (k + 1 >= tokens.size() || isKeyword(tokens.get(k + 1)))
                    throw f.error(t.line(), "tag " + t.text() + " has no value");
                Token v = tokens.get(k + 1);
                b.items.put(low, new Value(v.text(), v.line()));
                k += 2;
                continue;
            }
            if (!t.quoted() && (low.startsWith("save_") || low.equals("global_") || low.equals("stop_"))) { k++; continue; }
            throw f.error(t.line(), "unexpected value '" + t.text() + "' outside a loop_ (no tag before it)");
        }
        return blocks;
    }

    private static boolean isKeyword(Token t) {
        if (t.quoted()) return false;
        String low = t.text().toLowerCase(Locale.ROOT);
        return low.startsWith("_") || low.equals("loop_") || low.startsWith("data_") || low.startsWith("save_") || low.equals("global_") || low.equals("stop_");
    }
}
