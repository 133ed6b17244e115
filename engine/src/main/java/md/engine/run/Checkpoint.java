package md.engine.run;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

import md.core.Cell;
import md.engine.cli.UserError;

/**
 * Everything needed to continue a run bit for bit: the dynamical state (positions, velocities, forces
 * and energy at the current positions), the integrator's own variables (thermostat, RNG), the positions
 * the neighbour list was last built from, and its cell then (rebuilding from them gives the same pairs in the
 * same order, hence the same rounding of the force sums), how far each output file had been written, and the
 * input settings that must not change on resume.
 *
 * <p>Binary layout (big-endian, {@link DataOutputStream}): magic, version, the fields in declaration
 * order, and a CRC-32 of everything before it. Written atomically: temporary file, fsync, rename.
 */
public record Checkpoint(Map<String, String> settings, long step, double timeFs, int[] atomicNumbers, Cell cell,
                         double[] positions, double[] velocities, double[] forces, double potentialEnergyEv,
                         double[] neighborPositions, Cell neighborCell, byte[] integratorState, OutputMarks outputs, Work work) {

    private static final String MAGIC = "md-checkpoint";
    /**
     * Version 2 added {@link Work}, version 3 the cell the neighbour list was built in (a barostat deforms the cell
     * without rebuilding the list); files of versions 1 and 2 are still read (their list was built in the saved cell).
     */
    private static final int VERSION = 3;

    /**
     * The work integral of a non-conservative force field (see {@code Simulation#nonconservativeWorkEv}):
     * E_pot at the start and ∫F·dx so far. {@link #NONE} for conservative ones.
     */
    public record Work(double initialPotentialEv, double workEv) {
        public static final Work NONE = new Work(Double.NaN, 0);
    }

    /**
     * How much of each output existed when the checkpoint was taken: byte lengths of the thermo log
     * and the extxyz trajectory, and the number of trajectory frames (what the HDF5 segments keep).
     */
    public record OutputMarks(long thermoBytes, long extxyzBytes, long framesWritten) {}

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 80 * atomicNumbers.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(settings.size());
            for (Map.Entry<String, String> e : settings.entrySet()) { out.writeUTF(e.getKey()); out.writeUTF(e.getValue()); }
            out.writeLong(step);
            out.writeDouble(timeFs);
            int n = atomicNumbers.length;
            out.writeInt(n);
            for (int z : atomicNumbers) out.writeInt(z);
            for (double c : cell.vectors()) out.writeDouble(c);
            for (boolean p : cell.pbc()) out.writeBoolean(p);
            writeDoubles(out, positions);
            writeDoubles(out, velocities);
            writeDoubles(out, forces);
            out.writeDouble(potentialEnergyEv);
            out.writeBoolean(neighborPositions != null);
            if (neighborPositions != null) writeDoubles(out, neighborPositions);
            out.writeBoolean(neighborCell != null);
            if (neighborCell != null) for (double c : neighborCell.vectors()) out.writeDouble(c);
            out.writeInt(integratorState.length);
            out.write(integratorState);
            out.writeLong(outputs.thermoBytes());
            out.writeLong(outputs.extxyzBytes());
            out.writeLong(outputs.framesWritten());
            out.writeDouble(work.initialPotentialEv());
            out.writeDouble(work.workEv());
        } catch (IOException e) {
            throw new IllegalStateException(e);  // in-memory stream
        }
        byte[] body = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        return ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue()).array();
    }

    public static Checkpoint fromBytes(byte[] data, Path source) {
        if (data.length < 8) throw corrupt(source, "file too short");
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(data, data.length - 8, 8).getLong())
            throw corrupt(source, "checksum mismatch (file damaged or truncated)");
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 8))) {
            if (!MAGIC.equals(in.readUTF())) throw corrupt(source, "not an md checkpoint");
            int version = in.readInt();
            if (version < 1 || version > VERSION)
                throw corrupt(source, "checkpoint format version " + version + ", this md reads versions 1 to " + VERSION);
            int ns = in.readInt();
            Map<String, String> settings = new LinkedHashMap<>();
            for (int i = 0; i < ns; i++) settings.put(in.readUTF(), in.readUTF());
            long step = in.readLong();
            double time = in.readDouble();
            int n = in.readInt();
            if (n < 0 || n > data.length / 8) throw corrupt(source, "bad atom count " + n);
            int[] z = new int[n];
            for (int i = 0; i < n; i++) z[i] = in.readInt();
            double[] cv = new double[9];
            for (int i = 0; i < 9; i++) cv[i] = in.readDouble();
            boolean[] pbc = {in.readBoolean(), in.readBoolean(), in.readBoolean()};
            Cell cell = (pbc[0] || pbc[1] || pbc[2] || cv[0] != 0 || cv[4] != 0 || cv[8] != 0) ? new Cell(cv, pbc) : Cell.NONE;
            double[] x = readDoubles(in, 3 * n), v = readDoubles(in, 3 * n), f = readDoubles(in, 3 * n);
            double epot = in.readDouble();
            double[] nbr = in.readBoolean() ? readDoubles(in, 3 * n) : null;
            Cell nbrCell = null;
            if (version >= 3 && in.readBoolean()) {
                double[] nv = new double[9];
                for (int i = 0; i < 9; i++) nv[i] = in.readDouble();
                nbrCell = new Cell(nv, pbc);
            }
            byte[] integrator = new byte[in.readInt()];
            in.readFully(integrator);
            OutputMarks marks = new OutputMarks(in.readLong(), in.readLong(), in.readLong());
            Work work = version >= 2 ? new Work(in.readDouble(), in.readDouble()) : Work.NONE;
            return new Checkpoint(settings, step, time, z, cell, x, v, f, epot, nbr, nbrCell, integrator, marks, work);
        } catch (EOFException e) {
            throw corrupt(source, "ends early");
        } catch (IOException e) {
            throw corrupt(source, e.getMessage());
        }
    }

    /** Writes atomically: a crash leaves either the previous checkpoint or this one, never a mix. */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(toBytes());
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    public static Checkpoint read(Path file) {
        try {
            return fromBytes(Files.readAllBytes(file), file);
        } catch (NoSuchFileException e) {
            throw new UserError("checkpoint " + file + " does not exist; expected a file written by md run (output.checkpoint)");
        } catch (IOException e) {
            throw new UserError("cannot read checkpoint " + file + ": " + e.getMessage());
        }
    }

    /** Makes the rename itself durable (POSIX); harmless where directories cannot be opened. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not supported on this platform; the file itself was already forced to disk.
        }
    }

    private static UserError corrupt(Path source, String why) {
        return new UserError("checkpoint " + source + " cannot be used: " + why
                + "; expected a complete checkpoint written by md run");
    }

    private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
        for (double d : a) out.writeLong(Double.doubleToRawLongBits(d));
    }

    private static double[] readDoubles(DataInputStream in, int n) throws IOException {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = Double.longBitsToDouble(in.readLong());
        return a;
    }
}
