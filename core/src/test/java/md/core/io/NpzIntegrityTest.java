package md.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Integrity of {@code .npz} reads: CRC-checked entries, located errors for strings, objects and implausible shapes. */
class NpzIntegrityTest {
    @TempDir Path dir;

    /** An {@code .npy} entry with the given dtype and shape text and raw data bytes. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + header.length() + 1) % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        bb.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return bb.array();
    }

    /** Unicode strings as NumPy stores {@code <U width}. */
    static byte[] unicode(int width, String... values) {
        ByteBuffer bb = ByteBuffer.allocate(4 * width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (String v : values) for (int k = 0; k < width; k++) bb.putInt(k < v.length() ? v.charAt(k) : 0);
        return bb.array();
    }

    static void zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    /** Every entry inflated without any CRC check (what a reader that trusts the archive sees). */
    static Map<String, byte[]> unchecked(Path file) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                out.put(e.getName(), zip.getInputStream(e).readAllBytes());
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Test
    void aBitFlipThatStillInflatesIsRefusedByItsCrc() throws IOException {
        Map<String, NpyArray> m = new LinkedHashMap<>();
        double[] x = new double[400];
        for (int i = 0; i < x.length; i++) x[i] = Math.sin(i) * 1e3;
        m.put("weights", new NpyArray("weights", "<f8", new int[] {20, 20}, x, null));
        Path good = dir.resolve("good.npz");
        NpyWriter.writeNpz(good, m);
        byte[] bytes = Files.readAllBytes(good);
        Map<String, byte[]> original = unchecked(good);
        Path bad = dir.resolve("flipped.npz");
        int silent = 0;
        for (int p = 0; p < bytes.length; p++) {
            byte[] b = bytes.clone();
            b[p] ^= 0x10;
            Files.write(bad, b);
            Map<String, byte[]> seen = unchecked(bad);
            boolean altered = seen != null && seen.keySet().equals(original.keySet())
                    && !java.util.Arrays.equals(seen.get("weights.npy"), original.get("weights.npy"));
            try {
                NpyArray w = Npz.read(bad).get("weights");
                // accepted: then the numbers must be the written ones (the flip hit bytes no reader uses)
                assertArrayEquals(x, w.data(), 0.0, "flip at byte " + p + " changed the weights silently");
            } catch (FileFormatException e) {
                assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
                if (altered) {
                    silent++;
                    assertTrue(e.getMessage().contains("entry 'weights.npy' fails its integrity check"), e.getMessage());
                }
            } catch (NullPointerException | IllegalArgumentException e) {
                // a flipped entry name: the array is missing or renamed, never altered numbers
                assertTrue(!Npz.read(bad).containsKey("weights") || e instanceof IllegalArgumentException, e.toString());
            }
        }
        assertTrue(silent > 0, "no flip inflated to altered data without an error; the test needs one");
    }

    @Test
    void stringArrayWhereNumbersAreExpectedNamesFileAndArray() throws IOException {
        Path f = dir.resolve("strings.npz");
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("R", npy("<U3", "(2,)", unicode(3, "abc", "de")));
        zip(f, e);
        NpyArray r = Npz.read(f).get("R");
        assertFalse(r.isNumeric());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, r::data);
        assertEquals(f + ": array 'R' holds strings (dtype <U3), e.g. 'abc'; expected numbers (a float or integer array)", x.getMessage());
        assertThrows(IllegalArgumentException.class, r::asInts);
    }

    @Test
    void pickledObjectArrayIsKeptWithoutDataAndNamedWhenUsed() throws IOException {
        Path f = dir.resolve("objects.npz");
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("z", npy("|O", "(3,)", new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '.'}));
        e.put("E", npy("<f8", "(1,)", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(-1.5).array()));
        zip(f, e);
        Map<String, NpyArray> a = Npz.read(f); // was a NumberFormatException (dtype '|O' has no width)
        assertEquals(-1.5, a.get("E").data()[0]);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> a.get("z").data());
        assertTrue(x.getMessage().startsWith(f + ": array 'z' holds Python objects (dtype |O"), x.getMessage());
    }

    @Test
    void implausibleDeclaredShapeIsRefusedBeforeAllocating() throws IOException {
        Path f = dir.resolve("huge.npz");
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("R", npy("<f8", "(2000000000, 3)", new byte[16]));
        zip(f, e);
        FileFormatException x = assertThrows(FileFormatException.class, () -> Npz.read(f));
        assertTrue(x.getMessage().contains("entry 'R' declares shape (2000000000, 3), more than 2^31 values"), x.getMessage());

        e.put("R", npy("<U4", "(5,)", new byte[20])); // 5 strings of 4 characters need 80 bytes
        zip(f, e);
        x = assertThrows(FileFormatException.class, () -> Npz.read(f));
        assertTrue(x.getMessage().contains("entry 'R' is truncated or damaged"), x.getMessage());
    }
}
