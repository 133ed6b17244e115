package md.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reader for NumPy {@code .npz} archives (stored or deflated) and single {@code .npy} files, format
 * versions 1–3, C order. Supports little/big-endian float16/32/64, signed/unsigned integers, bool,
 * and fixed-width unicode ({@code <U}) / bytes ({@code |S}) strings. Arrays of Python objects (pickles)
 * are never unpickled: they are kept without data, and {@link NpyArray#data()} names them when numbers are
 * asked for. Malformed or damaged content is a {@link FileFormatException} naming the file and entry;
 * archive entries are CRC-checked.
 */
public final class Npz {
    private Npz() {}

    /**
     * All arrays of an {@code .npz}, by key (entry name without {@code .npy}), in archive order. Every entry
     * is read to its end and its CRC-32 compared with the archive's, so a damaged file is refused
     * ({@link FileFormatException}) instead of yielding altered numbers.
     */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String key = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                out.put(key, parse(key, readEntry(zip, e, file), file));
            }
        } catch (java.util.zip.ZipException | java.io.EOFException z) {
            throw new FileFormatException(file + ": not a NumPy .npz archive, or a damaged one (" + (z.getMessage() != null ? z.getMessage() : "it ends early") + ")", z);
        }
        return out;
    }

    /**
     * The bytes of one zip entry, read to its end, with its CRC-32 checked against the one the archive
     * records ({@link ZipFile} itself does not check it). {@code source} names the archive in errors.
     */
    public static byte[] readEntry(ZipFile zip, ZipEntry e, Path source) throws IOException {
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
            bytes = in.readAllBytes();
        } catch (java.util.zip.ZipException z) {
            throw damaged(source, e, "it cannot be decompressed: " + z.getMessage(), z);
        } catch (java.io.EOFException z) {
            throw damaged(source, e, "it ends early", z);
        }
        if (e.getSize() >= 0 && e.getSize() != bytes.length)
            throw damaged(source, e, "it holds " + bytes.length + " bytes where the archive records " + e.getSize(), null);
        if (e.getCrc() >= 0) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (crc.getValue() != e.getCrc())
                throw damaged(source, e, String.format("CRC-32 mismatch: the archive records %08x, the content gives %08x", e.getCrc(), crc.getValue()), null);
        }
        return bytes;
    }

    private static FileFormatException damaged(Path source, ZipEntry e, String what, Throwable cause) {
        return new FileFormatException(source + ": damaged archive: entry '" + e.getName() + "' fails its integrity check (" + what
                + "); the file was altered or corrupted after it was written (disk or copy error): restore it from a good copy or write it again", cause);
    }

    /** One {@code .npy} file. */
    public static NpyArray readNpy(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.npy$", "");
        return parse(name, Files.readAllBytes(file), file);
    }

    /** One {@code .npy} array from its bytes (e.g. an entry of another archive); {@code source} names it in errors. */
    public static NpyArray parseNpy(String name, byte[] bytes, Path source) throws IOException {
        return parse(name, bytes, source);
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    static NpyArray parse(String name, byte[] bytes, Path source) throws IOException {
        String where = source + ": entry '" + name + "'";
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY"))
            throw new FileFormatException(where + " is not a .npy array");
        int major = bytes[6];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen, headerStart;
        if (major == 1) { headerLen = bb.getShort(8) & 0xffff; headerStart = 10; }
        else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new FileFormatException(where + " is truncated inside its header");
            headerLen = bb.getInt(8); headerStart = 12;
        } else throw new FileFormatException(where + " has .npy format version " + major + "; versions 1 to 3 are read");
        if (headerLen < 0 || headerLen > bytes.length - headerStart)
            throw new FileFormatException(where + " declares a header of " + Integer.toUnsignedString(headerLen) + " bytes, but only "
                    + (bytes.length - headerStart) + " bytes follow (truncated or damaged)");
        String header = new String(bytes, headerStart, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new FileFormatException(where + " has an unreadable header: " + header.strip());
        String descr = d.group(1);
        if (f.group(1).equals("True")) throw new FileFormatException(where + " is in Fortran order; save it with C order");
        List<Integer> dims = new ArrayList<>();
        long count = 1;
        for (String p : s.group(1).split(",")) {
            if (p.isBlank()) continue;
            long dim;
            try {
                dim = Long.parseLong(p.trim());
            } catch (NumberFormatException e) {
                throw new FileFormatException(where + " has an unreadable shape (" + s.group(1) + ")");
            }
            if (dim < 0) throw new FileFormatException(where + " has a negative dimension in its shape (" + s.group(1) + ")");
            count = dim == 0 || count == 0 ? 0 : (count > Long.MAX_VALUE / dim ? Long.MAX_VALUE : count * dim);
            if (dim > Integer.MAX_VALUE || count > Integer.MAX_VALUE)
                throw new FileFormatException(where + " declares shape (" + s.group(1).strip() + "), more than 2^31 values: implausible (a damaged header?), "
                        + "and larger than the " + (bytes.length - headerStart - headerLen) + " bytes of data that follow could hold");
            dims.add((int) dim);
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int n = (int) count;
        int offset = headerStart + headerLen;
        if (descr.length() < 2) throw new FileFormatException(where + " has an unknown dtype '" + descr + "'");
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer data = ByteBuffer.wrap(bytes, offset, bytes.length - offset).slice().order(order);
        char kind = descr.charAt(1);
        // Python objects (a pickle follows): never unpickled; kept without data, so that using it names it.
        if (kind == 'O') return new NpyArray(name, descr, shape, null, null, source);
        int width;
        try {
            width = Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            throw new FileFormatException(where + " has an unsupported dtype '" + descr + "' (numbers, bool and fixed-width strings are read)");
        }
        long bytesPerValue = kind == 'U' ? 4L * width : width;
        if (width < 0 || (width == 0 && kind != 'U' && kind != 'S') || (long) n * bytesPerValue > data.remaining())
            throw new FileFormatException(where + " is truncated or damaged: its header declares " + n + " values of dtype " + descr + " ("
                    + (long) n * bytesPerValue + " bytes), but " + data.remaining() + " bytes of data follow");
        if (kind == 'U' || kind == 'S') return new NpyArray(name, descr, shape, null, strings(data, kind, width, n), source);
        return new NpyArray(name, descr, shape, numbers(data, kind, width, n, where, descr), null, source);
    }

    /** Fixed-width strings: UTF-32 code points ('U') or bytes read as UTF-8 ('S'), each ending at its first zero. */
    private static String[] strings(ByteBuffer data, char kind, int width, int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            if (kind == 'U') {
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < width; k++) {
                    int cp = data.getInt((i * width + k) * 4);
                    if (cp == 0) break;
                    sb.appendCodePoint(cp);
                }
                out[i] = sb.toString();
            } else {
                ByteArrayOutputStream bo = new ByteArrayOutputStream();
                for (int k = 0; k < width; k++) { byte b = data.get(i * width + k); if (b == 0) break; bo.write(b); }
                out[i] = bo.toString(StandardCharsets.UTF_8);
            }
        }
        return out;
    }

    /**
     * The values of a numeric or boolean array as doubles, with one plain loop (or bulk copy) per dtype: a loop with
     * a switch over the dtype for every value made this reader's method one of C2's slowest compilations (up to
     * 0.8 s, repeated for each dtype met), on the compiler thread a starting run's kernels wait for.
     */
    private static double[] numbers(ByteBuffer data, char kind, int width, int n, String where, String descr) throws FileFormatException {
        double[] out = new double[n];
        if (n == 0) return out;   // as before: an empty array of any dtype reads as empty
        if (kind == 'b') {
            for (int i = 0; i < n; i++) out[i] = data.get(i * width) != 0 ? 1 : 0;
            return out;
        }
        switch (kind + Integer.toString(width)) {
            case "f8" -> data.asDoubleBuffer().get(out, 0, n);
            case "f4" -> { FloatBuffer v = data.asFloatBuffer(); for (int i = 0; i < n; i++) out[i] = v.get(i); }
            case "f2" -> { ShortBuffer v = data.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(v.get(i)); }
            case "i8" -> { LongBuffer v = data.asLongBuffer(); for (int i = 0; i < n; i++) out[i] = v.get(i); }
            case "i4" -> { IntBuffer v = data.asIntBuffer(); for (int i = 0; i < n; i++) out[i] = v.get(i); }
            case "i2" -> { ShortBuffer v = data.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = v.get(i); }
            case "i1" -> { for (int i = 0; i < n; i++) out[i] = data.get(i); }
            case "u8" -> {
                LongBuffer v = data.asLongBuffer();
                for (int i = 0; i < n; i++) {
                    long x = v.get(i);
                    if (x < 0) throw new FileFormatException(where + ": uint64 value too large");
                    out[i] = x;
                }
            }
            case "u4" -> { IntBuffer v = data.asIntBuffer(); for (int i = 0; i < n; i++) out[i] = Integer.toUnsignedLong(v.get(i)); }
            case "u2" -> { ShortBuffer v = data.asShortBuffer(); for (int i = 0; i < n; i++) out[i] = v.get(i) & 0xffff; }
            case "u1" -> { for (int i = 0; i < n; i++) out[i] = data.get(i) & 0xff; }
            default -> throw new FileFormatException(where + " has an unsupported dtype '" + descr + "'");
        }
        return out;
    }
}
