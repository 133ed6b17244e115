package md.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import md.engine.cli.Main;
import md.engine.cli.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Located errors for damaged or inconsistent input files: extxyz atom counts, npz arrays of the wrong kind. */
class FileIntegrityTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void atomCountSmallerThanAtomLinesIsRefusedByEveryReaderPath() throws Exception {
        Path f = write("short.xyz", "2\nwater\nO 0 0 0\nH 0.76 0.59 0\nH -0.76 0.59 0\n");
        // md run reads one frame (it took the first 2 atoms), md eval / analyze read all frames
        for (java.util.function.Supplier<?> read : java.util.List.<java.util.function.Supplier<?>>of(
                () -> StructureReader.read(f, null), () -> StructureReader.readAll(f), () -> StructureReader.read(f, -1))) {
            UserError e = assertThrows(UserError.class, read::get);
            assertEquals(f + ":5: the frame starting at line 1 declares 2 atoms, but more lines follow its 2 atom lines ('H -0.76 0.59 0' is an atom line, not the "
                    + "atom count of a next frame): the atom count on line 1 is smaller than the number of atom lines", e.getMessage());
        }
    }

    @Test
    void atomCountLargerThanAtomLinesNamesTheCount() throws Exception {
        Path f = write("long.xyz", "4\nfirst\nO 0 0 0\nH 0.76 0.59 0\nH -0.76 0.59 0\n3\nsecond\nO 0 0 0\nH 0.76 0.59 0\nH -0.76 0.59 0\n");
        for (java.util.function.Supplier<?> read : java.util.List.<java.util.function.Supplier<?>>of(
                () -> StructureReader.read(f, null), () -> StructureReader.readAll(f), () -> StructureReader.read(f, 1))) {
            UserError e = assertThrows(UserError.class, read::get);
            assertTrue(e.getMessage().startsWith(f + ":6: the frame starting at line 1 declares 4 atoms, but after 3 atom lines comes '3'"), e.getMessage());
            assertTrue(e.getMessage().contains("larger than the number of atom lines"), e.getMessage());
        }
    }

    @Test
    void implausibleDeclaredAtomCountIsNotAnOutOfMemory() throws Exception {
        Path f = write("huge.xyz", "2000000000\nbig\nAr 0 0 0\n");
        UserError e = assertThrows(UserError.class, () -> StructureReader.read(f, null));
        assertTrue(e.getMessage().startsWith(f + ":1: the frame declares 2000000000 atoms, an implausible atom count: larger than the file could hold"),
                e.getMessage());
        Path g = write("huger.xyz", "20000000000000\nbig\nAr 0 0 0\n");
        e = assertThrows(UserError.class, () -> StructureReader.readAll(g));
        assertTrue(e.getMessage().contains("declares 20000000000000 atoms, an implausible atom count"), e.getMessage());
    }

    static byte[] npy(String descr, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + header.length() + 1) % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        bb.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return bb.array();
    }

    static byte[] doubles(double... v) {
        ByteBuffer bb = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) bb.putDouble(x);
        return bb.array();
    }

    /** An MD17-style file (R, z, E) whose R is {@code r}. */
    private Path md17(String name, byte[] r) throws Exception {
        Path p = dir.resolve(name);
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("R.npy")); z.write(r); z.closeEntry();
            z.putNextEntry(new ZipEntry("z.npy")); z.write(npy("<f8", "(2,)", doubles(1, 1))); z.closeEntry();
            z.putNextEntry(new ZipEntry("E.npy")); z.write(npy("<f8", "(1,)", doubles(-1))); z.closeEntry();
        }
        return p;
    }

    @Test
    void npzStringArrayWhereNumbersAreExpectedIsALocatedError() throws Exception {
        ByteBuffer s = ByteBuffer.allocate(4 * 2 * 6).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 6; k++) s.putInt('a').putInt('b');
        Path f = md17("strings.npz", npy("<U2", "(1, 2, 3)", s.array()));
        UserError e = assertThrows(UserError.class, () -> StructureReader.read(f, null)); // was a NullPointerException
        assertEquals(f + ": array 'R' holds strings (dtype <U2), e.g. 'ab'; expected numbers (a float or integer array)", e.getMessage());
    }

    @Test
    void npzPickledObjectArrayIsALocatedError() throws Exception {
        Path f = md17("objects.npz", npy("|O", "(1, 2, 3)", new byte[] {(byte) 0x80, 2, 'N', '.'}));
        UserError e = assertThrows(UserError.class, () -> StructureReader.readAll(f)); // was a NumberFormatException
        assertTrue(e.getMessage().startsWith(f + ": array 'R' holds Python objects (dtype |O, a pickle, which is never loaded)"), e.getMessage());
    }

    @Test
    void analyzeWithAGarbageReferenceExitsTwoWithTheFile() throws Exception {
        Path traj = write("traj.xyz", "3\nLattice=\"10 0 0 0 10 0 0 0 10\" time_fs=0\nO 0 0 0\nH 0.76 0.59 0\nH -0.76 0.59 0\n");
        Path ref = dir.resolve("garbage.npz");
        byte[] junk = new byte[300];
        new java.util.Random(1).nextBytes(junk);
        Files.write(ref, junk);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"analyze", traj.toString(), "--reference", ref.toString(), "-o", dir.resolve("a").toString()},
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, msg); // was exit 1 with a stack trace
        assertTrue(msg.startsWith("md analyze: " + ref + ": not a NumPy .npz archive, or a damaged one"), msg);

        Path strings = md17("strings-ref.npz", npy("<U1", "(1, 2, 3)", new byte[24]));
        err.reset();
        code = Main.run(new String[] {"analyze", traj.toString(), "--reference", strings.toString(), "-o", dir.resolve("b").toString()},
                new PrintStream(err, true, StandardCharsets.UTF_8));
        msg = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, msg);
        assertTrue(msg.contains(strings + ": array 'R' holds strings"), msg);
    }
}
