package md.engine.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import md.core.Cell;
import md.core.Elements;
import md.engine.cli.UserError;
import md.engine.system.Frame;

/**
 * Reads XYZ and extended XYZ in ASE's dialect. The comment line may hold {@code Lattice="ax ay az bx by bz
 * cx cy cz"} (lattice vectors a, b, c in Å), {@code pbc="T T F"} (default T T T when a lattice is
 * given), {@code Properties=name:type:columns:...} (default {@code species:S:1:pos:R:3}), the energy
 * ({@code energy=}, eV) and any other values (kept in {@link Frame#info()}). Per-atom columns used:
 * {@code species} (or {@code Z}), {@code pos}, {@code forces} (or {@code force}, eV/Å),
 * {@code velocities} (Å/fs) or ASE's {@code momenta} (amu·Å/ASE-time, converted to Å/fs with the
 * file's {@code masses} column where there is one, as ASE does, else with ASE's element masses, which
 * are {@link Elements}') and {@code images:I:3}, the periodic image counts of a wrapped trajectory
 * ({@code md run} writes positions folded into the cell with them): along periodic directions the
 * positions read are pos + images · lattice, the unwrapped positions of the run; other columns are skipped. Trajectories of older versions of this engine
 * (a {@code velocities} column after the forces) read as before. A plain XYZ comment that is not key=value pairs is kept as {@code info.comment}.
 * Errors name the file and line.
 */
public final class ExtxyzReader {

    /** Which comment key holds the energy and which column the forces (files differ: "energy" vs "DFT_energy"). */
    public record Keys(String energy, String forces) {
        public static final Keys ASE = new Keys("energy", "forces");
    }

    /** ASE's time unit is Å·sqrt(amu/eV); this converts its velocities (momenta / mass) into Å/fs. */
    static final double ASE_VELOCITY_TO_ANGSTROM_PER_FS =
            Math.sqrt(md.core.Units.ACCEL_EV_PER_ANGSTROM_AMU_TO_ANGSTROM_PER_FS2);

    private final Path file;
    private final Keys keys;

    private ExtxyzReader(Path file, Keys keys) {
        this.file = file;
        this.keys = keys;
    }

    public static List<Frame> readAll(Path file) { return readAll(file, Keys.ASE); }

    public static List<Frame> readAll(Path file, Keys keys) {
        ExtxyzReader r = new ExtxyzReader(file, keys);
        List<Frame> out = new ArrayList<>();
        try (LineSource in = LineSource.open(file)) {
            Frame f;
            while ((f = r.next(in, true)) != null) out.add(f);
        } catch (IOException e) {
            throw md.engine.cli.IoFailure.cannotRead(file, e);
        }
        if (out.isEmpty()) throw new UserError(file + ": no frames (the file is empty)");
        return out;
    }

    /** Frame {@code index} (0-based; negative counts from the end, -1 = last), parsing only that frame. */
    public static Frame readFrame(Path file, int index) { return readFrame(file, index, Keys.ASE); }

    public static Frame readFrame(Path file, int index, Keys keys) {
        ExtxyzReader r = new ExtxyzReader(file, keys);
        int wanted = index;
        if (index < 0) {
            int count = countFrames(file);
            wanted = count + index;
            if (wanted < 0) throw new UserError(file + ": frame " + index + " requested, but the file has only " + count + " frame(s)");
        }
        try (LineSource in = LineSource.open(file)) {
            for (int k = 0; k < wanted; k++) {
                if (r.next(in, false) == null)
                    throw new UserError(file + ": frame " + index + " requested, but the file has only " + k + " frame(s) (valid: 0.." + (k - 1) + ")");
            }
            Frame f = r.next(in, true);
            if (f == null) throw new UserError(file + ": frame " + index + " requested, but the file has only " + wanted + " frame(s)"
                    + (wanted > 0 ? " (valid: 0.." + (wanted - 1) + ")" : ""));
            return f;
        } catch (IOException e) {
            throw md.engine.cli.IoFailure.cannotRead(file, e);
        }
    }

    /** Number of frames, reading only the atom-count lines' structure. */
    public static int countFrames(Path file) {
        ExtxyzReader r = new ExtxyzReader(file, Keys.ASE);
        int count = 0;
        try (LineSource in = LineSource.open(file)) {
            while (r.next(in, false) != null) count++;
        } catch (IOException e) {
            throw md.engine.cli.IoFailure.cannotRead(file, e);
        }
        return count;
    }

    /** Next frame, or null at end of file; when {@code parse} is false the frame is skipped (returns a dummy). */
    private Frame next(LineSource in, boolean parse) throws IOException {
        String countLine;
        do {
            countLine = in.next();
            if (countLine == null) return null;
        } while (countLine.isBlank());
        int countLineNo = in.lineNumber();
        int n = atomCount(countLine, countLineNo, in.fileSize());
        String comment = in.next();
        if (comment == null) throw error(countLineNo + 1, "file ends before the comment line of a frame of " + n + " atoms");
        int commentLineNo = in.lineNumber();
        if (!parse) {
            for (int i = 0; i < n; i++) atomLine(in, i, n, countLineNo);
            checkFrameEnd(in, n, countLineNo);
            return SKIPPED;
        }
        Header h = parseHeader(comment, commentLineNo);
        int[] z = new int[n];
        double[] pos = new double[3 * n];
        double[] forces = h.forcesColumn >= 0 ? new double[3 * n] : null;
        double[] vel = h.velocityColumn >= 0 ? new double[3 * n] : null;
        double[] masses = vel != null && h.massesColumn >= 0 ? new double[n] : null;
        int[] images = h.imagesColumn >= 0 && h.cell.isPeriodic() ? new int[3 * n] : null;
        for (int i = 0; i < n; i++) {
            String line = atomLine(in, i, n, countLineNo);
            String[] t = line.strip().split("\\s+");
            int lineNo = in.lineNumber();
            if (t.length < h.totalColumns)
                throw error(lineNo, "atom line has " + t.length + " columns, expected " + h.totalColumns + " (Properties=" + h.properties + ")");
            z[i] = element(t[h.speciesColumn], h.speciesIsNumber, lineNo);
            for (int c = 0; c < 3; c++) {
                pos[3 * i + c] = number(t[h.positionColumn + c], lineNo, "position");
                if (forces != null) forces[3 * i + c] = number(t[h.forcesColumn + c], lineNo, keys.forces());
                if (vel != null) vel[3 * i + c] = number(t[h.velocityColumn + c], lineNo, h.velocityName);
                if (images != null) images[3 * i + c] = h.cell.periodic(c) ? imageCount(t[h.imagesColumn + c], lineNo) : 0;
            }
            if (masses != null) {
                masses[i] = number(t[h.massesColumn], lineNo, "masses");
                if (!(masses[i] > 0) || !Double.isFinite(masses[i]))
                    throw error(lineNo, "masses: " + t[h.massesColumn] + " is not a positive mass (amu expected)");
            }
        }
        checkFrameEnd(in, n, countLineNo);
        if (images != null) md.engine.system.PeriodicImages.unwrap(pos, images, h.cell, pos);
        if (vel != null && h.velocityName.equals("momenta")) {
            for (int i = 0; i < n; i++) {
                // ASE: velocities = momenta / masses, with the file's masses when it has them
                double m = masses != null ? masses[i] : Elements.massAmu(z[i]);
                for (int c = 0; c < 3; c++) vel[3 * i + c] = vel[3 * i + c] / m * ASE_VELOCITY_TO_ANGSTROM_PER_FS;
            }
        }
        return new Frame(z, pos, h.cell, h.energy, forces, vel, h.info);
    }

    private int imageCount(String token, int lineNo) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw error(lineNo, "images: '" + token + "' is not a whole number (periodic image count expected)");
        }
    }

    /** The shortest possible atom line ("H 0 0 0" and its line end): bounds the atoms a file of a given size can hold. */
    static final int MIN_ATOM_LINE_BYTES = 8;

    /**
     * The atom count of a frame's first line, checked for plausibility before anything is allocated: it
     * cannot exceed what the file's size could hold.
     */
    private int atomCount(String countLine, int lineNo, long fileSize) {
        String t = countLine.strip();
        if (!t.matches("[+-]?\\d+"))
            throw error(lineNo, "expected the number of atoms of a frame, found '" + abbreviate(countLine) + "'");
        if (t.startsWith("-")) throw error(lineNo, "negative atom count " + t);
        long n;
        try {
            n = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException e) {
            n = Long.MAX_VALUE;
        }
        long most = fileSize / MIN_ATOM_LINE_BYTES;
        // small counts beyond the file's end get the more precise "file ends inside a frame" while reading
        if ((n > most && n > 100_000) || n > Integer.MAX_VALUE / 3)
            throw error(lineNo, "the frame declares " + t + " atoms, an implausible atom count: larger than the file could hold (its "
                    + fileSize + " bytes hold at most " + most + " atom lines of at least " + MIN_ATOM_LINE_BYTES
                    + " bytes each); the first line of a frame must be its number of atom lines");
        return (int) n;
    }

    /** Atom line {@code i} of a frame of {@code n} atoms; a clear error when the file ends or the next frame starts early. */
    private String atomLine(LineSource in, int i, int n, int countLineNo) throws IOException {
        String line = in.next();
        if (line == null) throw error(in.lineNumber() + 1, "file ends inside a frame: " + i + " of " + n + " atom lines found (frame starts at line " + countLineNo + ")");
        if (isWholeNumber(line))
            throw error(in.lineNumber(), "the frame starting at line " + countLineNo + " declares " + n + " atoms, but after " + i
                    + " atom lines comes '" + line.strip() + "', the atom count of the next frame: the atom count on line " + countLineNo
                    + " is larger than the number of atom lines");
        return line;
    }

    /**
     * After a frame's atom lines: only the end of the file or the next frame's atom count may follow. Every
     * reader path (one frame, all frames, counting) goes through this check, so a frame whose atom count is
     * smaller than its atom lines is refused everywhere instead of being cut to the first atoms.
     */
    private void checkFrameEnd(LineSource in, int n, int countLineNo) throws IOException {
        String next = in.peekNonBlank();
        if (next == null || isWholeNumber(next)) return;
        if (next.strip().split("\\s+").length < 4) // not an atom line either: the next frame's count line is wrong
            throw error(in.lineNumber(), "expected the number of atoms of a frame, found '" + abbreviate(next) + "'");
        throw error(in.lineNumber(), "the frame starting at line " + countLineNo + " declares " + n + " atoms, but more lines follow its "
                + n + " atom lines ('" + abbreviate(next.strip()) + "' is an atom line, not the atom count of a next frame): the atom count on line "
                + countLineNo + " is smaller than the number of atom lines");
    }

    private static final Frame SKIPPED = Frame.of(new int[0], new double[0], Cell.NONE);

    private static final class Header {
        Cell cell = Cell.NONE;
        Double energy;
        Map<String, Object> info = new LinkedHashMap<>();
        String properties = "species:S:1:pos:R:3";
        int speciesColumn = -1, positionColumn = -1, forcesColumn = -1, velocityColumn = -1, massesColumn = -1, imagesColumn = -1, totalColumns;
        boolean speciesIsNumber;
        String velocityName;
    }

    private Header parseHeader(String comment, int lineNo) {
        Header h = new Header();
        Map<String, String> raw;
        if (!ExtxyzComment.looksLikeKeyValues(comment)) {
            raw = Map.of();
            if (!comment.isBlank()) h.info.put("comment", comment.strip());
        } else {
            try {
                raw = ExtxyzComment.parseRaw(comment);
            } catch (IllegalArgumentException e) {
                throw error(lineNo, "cannot parse the comment line: " + e.getMessage());
            }
        }
        double[] lattice = null;
        boolean[] pbc = null;
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey(), value = e.getValue();
            switch (key) {
                case "Lattice" -> {
                    lattice = numbers(value, 9, lineNo, "Lattice", "9 numbers (lattice vectors a, b, c in Å)");
                }
                case "pbc" -> {
                    Object t = ExtxyzComment.typed(value);
                    if (t instanceof boolean[] b && b.length == 3) pbc = b;
                    else if (t instanceof Boolean b) pbc = new boolean[] {b, b, b};
                    else throw error(lineNo, "pbc=\"" + value + "\" is not valid; expected three T/F flags such as pbc=\"T T T\"");
                }
                case "Properties" -> h.properties = value;
                default -> {
                    if (key.equals(keys.energy())) {
                        try {
                            h.energy = ExtxyzComment.parseDouble(value.strip());
                        } catch (NumberFormatException x) {
                            throw error(lineNo, key + "=" + value + " is not a number (energy in eV expected)");
                        }
                    } else h.info.put(key, ExtxyzComment.typed(value));
                }
            }
        }
        if (lattice != null) {
            if (pbc == null) pbc = new boolean[] {true, true, true};
            try {
                h.cell = new Cell(lattice, pbc);
            } catch (IllegalArgumentException x) {
                throw error(lineNo, "Lattice: " + x.getMessage());
            }
        } else if (pbc != null && (pbc[0] || pbc[1] || pbc[2])) {
            throw error(lineNo, "pbc=\"" + raw.get("pbc") + "\" asks for periodic directions but there is no Lattice=\"...\" with the cell vectors");
        }
        parseProperties(h, lineNo);
        return h;
    }

    private void parseProperties(Header h, int lineNo) {
        String[] f = h.properties.split(":");
        if (f.length % 3 != 0) throw error(lineNo, "Properties=" + h.properties + " is not a list of name:type:columns triples");
        int column = 0;
        for (int k = 0; k < f.length; k += 3) {
            String name = f[k], type = f[k + 1];
            int cols;
            try {
                cols = Integer.parseInt(f[k + 2]);
            } catch (NumberFormatException e) {
                throw error(lineNo, "Properties: column count '" + f[k + 2] + "' of '" + name + "' is not an integer");
            }
            if (!type.equals("R") && !type.equals("I") && !type.equals("S") && !type.equals("L"))
                throw error(lineNo, "Properties: type '" + type + "' of '" + name + "' is not one of R, I, S, L");
            if (name.equals("species") && cols == 1) h.speciesColumn = column;
            else if (name.equals("Z") && cols == 1) {
                if (h.speciesColumn < 0) { h.speciesColumn = column; h.speciesIsNumber = true; }
            } else if (name.equals("pos") && cols == 3 && type.equals("R")) h.positionColumn = column;
            else if ((name.equals(keys.forces()) || (keys == Keys.ASE && name.equals("force"))) && cols == 3 && type.equals("R")) h.forcesColumn = column;
            else if ((name.equals("velocities") || name.equals("velo") || name.equals("momenta")) && cols == 3 && type.equals("R") && h.velocityColumn < 0) {
                h.velocityColumn = column;
                h.velocityName = name;
            } else if (name.equals("masses") && cols == 1 && type.equals("R")) h.massesColumn = column;
            else if (name.equals("images") && cols == 3 && type.equals("I")) h.imagesColumn = column;
            column += cols;
        }
        h.totalColumns = column;
        if (h.speciesColumn < 0) throw error(lineNo, "Properties=" + h.properties + " has no species:S:1 (or Z:I:1) column");
        if (h.positionColumn < 0) throw error(lineNo, "Properties=" + h.properties + " has no pos:R:3 column");
    }

    private int element(String token, boolean isNumber, int lineNo) {
        if (isNumber || Character.isDigit(token.charAt(0))) {
            int z;
            try {
                z = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw error(lineNo, "'" + token + "' is not an atomic number");
            }
            if (!Elements.isKnown(z)) throw error(lineNo, "unknown atomic number " + z + "; expected 1 (H) to " + Elements.maxAtomicNumber());
            return z;
        }
        Optional<Integer> z = Elements.atomicNumber(token);
        if (z.isEmpty()) throw error(lineNo, "unknown element '" + token + "'; expected a symbol from H to " + Elements.symbol(Elements.maxAtomicNumber()));
        return z.get();
    }

    private double number(String token, int lineNo, String what) {
        try {
            return ExtxyzComment.parseDouble(token);
        } catch (NumberFormatException e) {
            throw error(lineNo, "'" + token + "' is not a number (" + what + ")");
        }
    }

    private double[] numbers(String value, int count, int lineNo, String key, String expected) {
        String[] t = value.strip().split("[\\s,]+");
        if (t.length != count) throw error(lineNo, key + "=\"" + value + "\" has " + t.length + " values; expected " + expected);
        double[] out = new double[count];
        for (int i = 0; i < count; i++) out[i] = number(t[i], lineNo, key);
        return out;
    }

    private UserError error(int lineNo, String message) {
        return new UserError(file + ":" + lineNo + ": " + message);
    }

    /** Whether the line holds one unsigned whole number (an atom count), blanks around it allowed. */
    private static boolean isWholeNumber(String line) {
        String t = line.strip();
        if (t.isEmpty()) return false;
        for (int i = 0; i < t.length(); i++) if (t.charAt(i) < '0' || t.charAt(i) > '9') return false;
        return true;
    }

    private static String abbreviate(String s) { return s.length() > 60 ? s.substring(0, 57) + "..." : s; }

    /** Lines with their numbers; a missing file is a user error naming it. */
    static final class LineSource implements AutoCloseable {
        private final BufferedReader reader;
        private final long size;
        private int lineNumber;
        private String pending;

        private final Path file;

        private LineSource(Path file, BufferedReader reader, long size) {
            this.file = file;
            this.reader = reader;
            this.size = size;
        }

        static LineSource open(Path file) throws IOException {
            String problem = md.engine.config.InputFiles.problem(file);
            if (problem != null) throw new UserError(file + ": " + problem);
            return new LineSource(file, Files.newBufferedReader(file, StandardCharsets.UTF_8), Files.size(file));
        }

        String next() throws IOException {
            if (pending != null) {
                String line = pending;
                pending = null;
                return line;
            }
            String line = readLine();
            if (line != null) lineNumber++;
            return line;
        }

        /** The next line that is not blank, without consuming it (blank lines before it are consumed); null at the end. */
        String peekNonBlank() throws IOException {
            if (pending != null && !pending.isBlank()) return pending;
            String line;
            do {
                line = readLine();
                if (line == null) { pending = null; return null; }
                lineNumber++;
            } while (line.isBlank());
            pending = line;
            return line;
        }

        long fileSize() { return size; }

        private String readLine() throws IOException {
            try {
                return reader.readLine();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new UserError(file + ": " + md.engine.config.InputFiles.encodingProblem(file) + "; expected an extended XYZ file", e);
            }
        }

        int lineNumber() { return lineNumber; }

        @Override public void close() throws IOException { reader.close(); }
    }
}
