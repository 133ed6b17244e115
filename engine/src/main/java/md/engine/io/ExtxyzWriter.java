package md.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;

import md.core.Cell;
import md.core.Elements;
import md.engine.system.Frame;

/**
 * Writes extended XYZ as ASE writes it: {@code ase.io.read(file, index=':')} reads back cell, pbc,
 * energy and forces (as the SinglePointCalculator's results) and, from the {@code momenta} column,
 * velocities, so {@code atoms.get_kinetic_energy()} and {@code get_temperature()} are ours. Columns
 * come in ASE's order: {@code species:S:1:pos:R:3:momenta:R:3:forces:R:3}, then extra per-atom
 * columns. One {@link #write} is one frame: it is formatted completely and then handed to the
 * operating system in one write, so a crash of the process never leaves a half frame behind a
 * finished one (with {@code fsync}, not even a power loss).
 *
 * <p>Numbers are written in Java's shortest round-trip form (e.g. {@code -1.2345678901234567E-5}),
 * so reading a file back gives bit-identical positions, forces and energies. Velocities go to ASE's
 * {@code momenta:R:3} (amu·Å per ASE time unit Å·sqrt(amu/eV)) by default; reading them back
 * divides by the mass again, which may differ from the velocity written in the last bit. The
 * {@code velocities:R:3} column (Å/fs, this engine's unit) keeps them bit for bit, but ASE does not
 * take it for velocities (it reads it as an unknown array and reports 0 K).
 *
 * <p>No {@code masses} column is written: the masses are {@link Elements}', which are ASE's own table
 * (IUPAC 2016, {@code ase.data.atomic_masses}), so ASE's default masses are exactly ours and ASE's
 * temperature follows from the momenta without one. A per-atom mass that differs from that table
 * (not possible in this engine today) would need a {@code masses:R:1} column.
 */
public final class ExtxyzWriter implements AutoCloseable {

    public enum VelocityFormat {
        /** Column {@code velocities}, Å/fs (this engine's unit; ASE does not read it as velocities). */
        VELOCITIES_ANGSTROM_PER_FS("velocities"),
        /** Column {@code momenta} in ASE units, as {@code ase.io.write} writes it (the default). */
        ASE_MOMENTA("momenta");

        private final String column;

        VelocityFormat(String column) { this.column = column; }

        /** The extxyz column name, which is also the value of the input key {@code output.trajectory.extxyz_velocities}. */
        public String column() { return column; }

        /** The format writing column {@code name} ("momenta" or "velocities"). */
        public static VelocityFormat ofColumn(String name) {
            for (VelocityFormat f : values()) if (f.column.equals(name)) return f;
            throw new IllegalArgumentException("unknown velocity column '" + name + "'; expected momenta or velocities");
        }
    }

    /** The default: ASE's {@code momenta}, so that ASE's kinetic energy and temperature are right. */
    public static final VelocityFormat DEFAULT_VELOCITY_FORMAT = VelocityFormat.ASE_MOMENTA;

    private static final Set<String> RESERVED = Set.of("Lattice", "Properties", "pbc", "energy");
    private static final Set<String> RESERVED_COLUMNS = Set.of("species", "pos", "forces", "velocities", "momenta", "masses", "Z");

    private final Path file;
    private final FileChannel channel;
    private final VelocityFormat velocityFormat;
    private final boolean fsync;
    private long framesWritten;

    private ExtxyzWriter(Path file, FileChannel channel, VelocityFormat velocityFormat, boolean fsync) {
        this.file = file;
        this.channel = channel;
        this.velocityFormat = velocityFormat;
        this.fsync = fsync;
    }

    /** A new file (an existing one is replaced), velocities as ASE's momenta. */
    public static ExtxyzWriter create(Path file) throws IOException { return open(file, false, DEFAULT_VELOCITY_FORMAT, false); }

    /**
     * Opens for writing frames; {@code append} keeps existing frames (resume). With {@code fsync} every
     * frame is forced to the disk, which survives power loss at a cost per frame.
     */
    public static ExtxyzWriter open(Path file, boolean append, VelocityFormat velocityFormat, boolean fsync) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        FileChannel ch;
        try {
            ch = append
                    ? FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                    : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw md.engine.cli.IoFailure.of("cannot " + (append ? "open " : "create ") + file, e);
        }
        return new ExtxyzWriter(file, ch, velocityFormat, fsync);
    }

    /** Writes all frames to a new file, velocities as ASE's momenta. */
    public static void writeAll(Path file, List<Frame> frames) throws IOException { writeAll(file, frames, DEFAULT_VELOCITY_FORMAT); }

    /** Writes all frames to a new file. */
    public static void writeAll(Path file, List<Frame> frames, VelocityFormat velocityFormat) throws IOException {
        try (ExtxyzWriter w = open(file, false, velocityFormat, false)) {
            for (Frame f : frames) w.write(f);
        }
    }

    public Path file() { return file; }

    /** Frames written by this writer (not counting frames already in an appended file). */
    public long framesWritten() { return framesWritten; }

    public void write(Frame frame) throws IOException { write(frame, Map.of()); }

    /**
     * A frame with extra per-atom real columns after the standard ones: N values each give
     * {@code name:R:1}, 3N values (x, y, z per atom) {@code name:R:3}.
     */
    public void write(Frame frame, Map<String, double[]> atomColumns) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(format(frame, velocityFormat, atomColumns).getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) channel.write(bytes);
            if (fsync) channel.force(false);
        } catch (IOException e) {
            throw md.engine.cli.IoFailure.of("cannot write " + file, e);
        }
        framesWritten++;
    }

    @Override public void close() throws IOException { channel.close(); }

    /** The text of one frame, ending with a newline. */
    public static String format(Frame frame, VelocityFormat velocityFormat) { return format(frame, velocityFormat, Map.of()); }

    /** The text of one frame with extra per-atom real columns ({@code name:R:1} or {@code name:R:3}) after the standard ones. */
    public static String format(Frame frame, VelocityFormat velocityFormat, Map<String, double[]> atomColumns) {
        return format(frame, velocityFormat, atomColumns, Map.of());
    }

    /**
     * As {@link #format(Frame, VelocityFormat, Map)}, then integer per-atom columns ({@code name:I:1} or
     * {@code name:I:3}), e.g. the periodic image counts {@code images:I:3} of a wrapped trajectory.
     */
    public static String format(Frame frame, VelocityFormat velocityFormat, Map<String, double[]> atomColumns, Map<String, int[]> integerColumns) {
        int n = frame.size();
        java.util.List<String> names = new java.util.ArrayList<>(atomColumns.keySet());
        names.addAll(integerColumns.keySet());
        java.util.List<Integer> lengths = new java.util.ArrayList<>();
        for (double[] c : atomColumns.values()) lengths.add(c.length);
        for (int[] c : integerColumns.values()) lengths.add(c.length);
        for (int k = 0; k < names.size(); k++) {
            if (!ExtxyzComment.isValidKey(names.get(k)) || RESERVED_COLUMNS.contains(names.get(k)))
                throw new IllegalArgumentException("per-atom column '" + names.get(k) + "' cannot be written to extxyz");
            if (lengths.get(k) != n && lengths.get(k) != 3 * n)
                throw new IllegalArgumentException("per-atom column '" + names.get(k) + "' has " + lengths.get(k) + " values for " + n + " atoms; expected " + n + " or " + 3 * n);
        }
        StringBuilder sb = new StringBuilder(64 + n * (frame.forces() != null ? 150 : 80));
        sb.append(n).append('\n');
        Cell cell = frame.cell();
        boolean hasLattice = cell.isPeriodic() || cell.volume() > 0;
        if (hasLattice) {
            sb.append("Lattice=\"");
            double[] v = cell.vectors();
            for (int k = 0; k < 9; k++) sb.append(k == 0 ? "" : " ").append(ExtxyzComment.formatDouble(v[k]));
            sb.append("\" ");
        }
        // ASE's column order (ase.io.write): species, pos, momenta, then the calculator's forces
        sb.append("Properties=species:S:1:pos:R:3");
        if (frame.velocities() != null) sb.append(':').append(velocityFormat.column()).append(":R:3");
        if (frame.forces() != null) sb.append(":forces:R:3");
        for (Map.Entry<String, double[]> c : atomColumns.entrySet()) sb.append(':').append(c.getKey()).append(c.getValue().length == n ? ":R:1" : ":R:3");
        for (Map.Entry<String, int[]> c : integerColumns.entrySet()) sb.append(':').append(c.getKey()).append(c.getValue().length == n ? ":I:1" : ":I:3");
        if (frame.energyEv() != null) sb.append(" energy=").append(ExtxyzComment.formatDouble(frame.energyEv()));
        for (Map.Entry<String, Object> e : frame.info().entrySet()) {
            if (RESERVED.contains(e.getKey())) continue;
            if (!ExtxyzComment.isValidKey(e.getKey()))
                throw new IllegalArgumentException("info key '" + e.getKey() + "' cannot be written to extxyz (letters, digits, _ and - only, not starting with a digit)");
            if (e.getValue() == null) continue;
            sb.append(' ').append(e.getKey()).append('=').append(ExtxyzComment.format(e.getValue()));
        }
        boolean[] pbc = cell.pbc();
        sb.append(" pbc=\"").append(pbc[0] ? 'T' : 'F').append(' ').append(pbc[1] ? 'T' : 'F').append(' ').append(pbc[2] ? 'T' : 'F').append("\"\n");

        for (int i = 0; i < n; i++) appendAtomLine(sb, frame, i, velocityFormat, atomColumns, integerColumns);
        return sb.toString();
    }

    /**
     * One atom's line. A method of its own so that the compiled frame loop stays small: with the lines written inline,
     * C2 took up to 1 s to compile {@code format}, on the compiler thread a starting run's kernels wait for.
     */
    private static void appendAtomLine(StringBuilder sb, Frame frame, int i, VelocityFormat velocityFormat,
                                       Map<String, double[]> atomColumns, Map<String, int[]> integerColumns) {
        int n = frame.size();
        int[] z = frame.atomicNumbers();
        double[] x = frame.positions(), f = frame.forces(), v = frame.velocities();
        String symbol = Elements.symbol(z[i]);
        sb.append(symbol);
        if (symbol.length() == 1) sb.append(' ');
        appendTriple(sb, x, i, 1.0);
        if (v != null) {
            // p = m v, with v from Å/fs into ASE's Å per (Å·sqrt(amu/eV)): then p²/2m is our kinetic energy in eV
            double scale = velocityFormat == VelocityFormat.ASE_MOMENTA
                    ? Elements.massAmu(z[i]) / ExtxyzReader.ASE_VELOCITY_TO_ANGSTROM_PER_FS : 1.0;
            appendTriple(sb, v, i, scale);
        }
        if (f != null) appendTriple(sb, f, i, 1.0);
        for (double[] c : atomColumns.values()) {
            if (c.length == n) appendValue(sb, c[i]);
            else appendTriple(sb, c, i, 1.0);
        }
        for (int[] c : integerColumns.values()) {
            if (c.length == n) sb.append(' ').append(c[i]);
            else sb.append(' ').append(c[3 * i]).append(' ').append(c[3 * i + 1]).append(' ').append(c[3 * i + 2]);
        }
        sb.append('\n');
    }

    private static void appendTriple(StringBuilder sb, double[] a, int atom, double scale) {
        for (int c = 0; c < 3; c++) appendValue(sb, scale == 1.0 ? a[3 * atom + c] : a[3 * atom + c] * scale);
    }

    private static void appendValue(StringBuilder sb, double value) {
        String s = ExtxyzComment.formatDouble(value);
        for (int pad = 24 - s.length(); pad > 0; pad--) sb.append(' ');
        sb.append(' ').append(s);
    }

    /**
     * The velocity column of the first frame of an existing file, or null (no file, no frame, no velocity
     * column). A resumed run continues in the column its file already has, also a file that a version
     * of this engine from before the {@code momenta} default wrote.
     */
    public static VelocityFormat velocityFormatOf(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return null;
        try (java.io.BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String count = r.readLine(), comment = count == null ? null : r.readLine();
            if (comment == null) return null;
            if (comment.contains(":momenta:R:3")) return VelocityFormat.ASE_MOMENTA;
            if (comment.contains(":velocities:R:3")) return VelocityFormat.VELOCITIES_ANGSTROM_PER_FS;
            return null;
        }
    }

    /**
     * Cuts a trajectory after its first {@code frames} frames (for resuming from a checkpoint taken at
     * that point); a file with fewer frames is left as it is. Returns the number of frames kept.
     */
    public static int truncateToFrames(Path file, int frames) throws IOException {
        if (!Files.exists(file)) return 0;
        long keepBytes = 0;
        int kept = 0;
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            LineCounter lines = new LineCounter(in);
            while (kept < frames) {
                String count = lines.next();
                if (count == null) break;
                if (count.isBlank()) { keepBytes = lines.position; continue; }
                int n = Integer.parseInt(count.strip());
                boolean complete = true;
                for (int k = 0; k < n + 1; k++) if (lines.next() == null) { complete = false; break; }
                if (!complete) break;
                keepBytes = lines.position;
                kept++;
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(keepBytes);
        }
        return kept;
    }

    /** Reads lines while tracking the byte offset after the last complete line. */
    private static final class LineCounter {
        private final java.io.InputStream in;
        long position;

        LineCounter(java.io.InputStream in) { this.in = in; }

        String next() throws IOException {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            int b;
            long p = position;
            while ((b = in.read()) >= 0) {
                p++;
                if (b == '\n') { position = p; return line.toString(StandardCharsets.UTF_8); }
                line.write(b);
            }
            return null;  // an unterminated last line is not a complete line
        }
    }
}
