package md.engine.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import md.core.Elements;
import md.engine.cli.UserError;

/** A small text structure file held as lines, with located errors ("FILE:LINE: message"; lines 1-based). */
final class TextFile {
    final Path file;
    final List<String> lines;

    private TextFile(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    static TextFile read(Path file) {
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE / 2) throw new UserError(file + ": " + size + " bytes is too large for a structure file");
            byte[] bytes = Files.readAllBytes(file);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);   // byte-safe; the formats are ASCII
            return new TextFile(file, List.of(text.split("\r?\n|\r", -1)));
        } catch (IOException e) {
            throw md.engine.cli.IoFailure.cannotRead(file, e);
        }
    }

    int size() { return lines.size(); }

    /** Line {@code i} (0-based), or null past the end. */
    String line(int i) { return i < lines.size() ? lines.get(i) : null; }

    /** An error at 0-based line {@code i} (past the end: the last line). */
    UserError error(int i, String message) {
        int n = Math.max(1, Math.min(i + 1, lines.size()));
        return new UserError(file + ":" + n + ": " + message);
    }

    /** True when line {@code i} and everything after it is blank or absent. */
    boolean restBlank(int i) {
        for (int k = i; k < lines.size(); k++) if (!lines.get(k).isBlank()) return false;
        return true;
    }

    UserError endError(String message) {
        int n = lines.size();
        while (n > 1 && lines.get(n - 1).isBlank()) n--;
        return new UserError(file + ":" + n + ": file ends early: " + message);
    }

    static String[] tokens(String line) {
        String t = line.strip();
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }

    double number(String token, int line, String what) {
        try {
            double v = Double.parseDouble(token.replace('d', 'e').replace('D', 'E'));
            if (!Double.isFinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw error(line, "expected " + what + " (a number), got '" + token + "'");
        }
    }

    int integer(String token, int line, String what) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw error(line, "expected " + what + " (a whole number), got '" + token + "'");
        }
    }

    static boolean isInteger(String token) {
        return token.matches("[+-]?\\d+");
    }

    static boolean isNumber(String token) {
        try {
            Double.parseDouble(token);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The atomic number of a symbol in any case ("MG", "mg", "Mg"), empty when not an element this engine knows. */
    static Optional<Integer> element(String symbol) {
        String s = symbol.strip();
        if (s.isEmpty() || !s.chars().allMatch(Character::isLetter)) return Optional.empty();
        return Elements.atomicNumber(s.toLowerCase(Locale.ROOT)).filter(z -> z <= Elements.maxAtomicNumber());
    }

    static String knownElements() {
        return "a chemical symbol from H to " + Elements.symbol(Elements.maxAtomicNumber());
    }

    /**
     * Lattice vectors (rows) from lengths (Å) and angles (degrees) in the standard orientation ASE and
     * the PDB/CIF conventions use: a along x, b in the xy plane.
     */
    static double[] cellFromParameters(double a, double b, double c, double alpha, double beta, double gamma) {
        double ca = cosDeg(alpha), cb = cosDeg(beta), cg = cosDeg(gamma);
        double sg = Math.abs(Math.abs(gamma) - 90) < 1e-8 ? 1.0 : Math.sin(Math.toRadians(gamma));
        double cy = (ca - cb * cg) / sg;
        double cz2 = 1 - cb * cb - cy * cy;
        double cz = Math.sqrt(Math.max(cz2, 0));
        return new double[] {a, 0, 0, b * cg, b * sg, 0, c * cb, c * cy, c * cz};
    }

    static boolean validCellParameters(double a, double b, double c, double alpha, double beta, double gamma) {
        if (!(a > 0 && b > 0 && c > 0)) return false;
        if (!(alpha > 0 && alpha < 180 && beta > 0 && beta < 180 && gamma > 0 && gamma < 180)) return false;
        double ca = cosDeg(alpha), cb = cosDeg(beta), cg = cosDeg(gamma);
        return 1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg > 1e-10;
    }

    private static double cosDeg(double angle) {
        return Math.abs(Math.abs(angle) - 90) < 1e-8 ? 0.0 : Math.cos(Math.toRadians(angle));
    }
}
