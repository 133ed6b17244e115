package md.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reader for NumPy {@code .npz} archives (stored or deflated) and single {@code .npy} files, format
 * versions 1–3, C order. Supports little/big-endian float16/32/64, signed/unsigned integers, bool,
 * and fixed-width unicode ({@code <U}) / bytes ({@code |S}) strings. Pickled object arrays are rejected
 * with a message, never executed.
 */
public final class Npz {
    private Npz() {}

    /** All arrays of an {@code .npz}, by key (entry name without {@code .npy}), in archive order. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        Map<String, NpyArray> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                String key = e.getName().endsWith(".npy") ? e.getName().substring(0, e.getName().length() - 4) : e.getName();
                try (InputStream in = zip.getInputStream(e)) {
                    out.put(key, parse(key, in.readAllBytes(), file));
                }
            }
        } catch (java.util.zip.ZipException z) {
            throw new IOException(file + ": not a NumPy .npz archive (" + z.getMessage() + ")", z);
        }
        return out;
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
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY"))
            throw new IOException(source + ": entry '" + name + "' is not a .npy array");
        int major = bytes[6];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen, headerStart;
        if (major == 1) { headerLen = bb.getShort(8) & 0xffff; headerStart = 10; }
        else { headerLen = bb.getInt(8); headerStart = 12; }
        String header = new String(bytes, headerStart, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new IOException(source + ": entry '" + name + "' has an unreadable header: " + header);
        String descr = d.group(1);
        if (f.group(1).equals("True")) throw new IOException(source + ": entry '" + name + "' is in Fortran order; save it with C order");
        List<Integer> dims = new ArrayList<>();
        for (String p : s.group(1).split(",")) if (!p.isBlank()) dims.add(Integer.parseInt(p.trim()));
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        long count = 1;
        for (int x : shape) count *= x;
        if (count > Integer.MAX_VALUE) throw new IOException(source + ": entry '" + name + "' is too large");
        int n = (int) count;
        int offset = headerStart + headerLen;
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer data = ByteBuffer.wrap(bytes, offset, bytes.length - offset).slice().order(order);
        char kind = descr.charAt(1);
        int width = Integer.parseInt(descr.substring(2));
        if (kind == 'O') throw new IOException(source + ": entry '" + name + "' holds Python objects (pickle); refusing to load it");
        if ((long) n * width > data.remaining())
            throw new IOException(source + ": entry '" + name + "' is truncated (" + data.remaining() + " bytes for " + n + "x" + width + ")");
        if (kind == 'U' || kind == 'S') {
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
            return new NpyArray(name, descr, shape, null, out);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int p = i * width;
            out[i] = switch (kind) {
                case 'f' -> switch (width) {
                    case 8 -> data.getDouble(p);
                    case 4 -> data.getFloat(p);
                    case 2 -> Float.float16ToFloat(data.getShort(p));
                    default -> throw new IOException(source + ": unsupported dtype " + descr + " in '" + name + "'");
                };
                case 'i' -> switch (width) {
                    case 8 -> data.getLong(p);
                    case 4 -> data.getInt(p);
                    case 2 -> data.getShort(p);
                    case 1 -> data.get(p);
                    default -> throw new IOException(source + ": unsupported dtype " + descr + " in '" + name + "'");
                };
                case 'u' -> switch (width) {
                    case 8 -> { long v = data.getLong(p); if (v < 0) throw new IOException(source + ": uint64 value too large in '" + name + "'"); yield v; }
                    case 4 -> Integer.toUnsignedLong(data.getInt(p));
                    case 2 -> data.getShort(p) & 0xffff;
                    case 1 -> data.get(p) & 0xff;
                    default -> throw new IOException(source + ": unsupported dtype " + descr + " in '" + name + "'");
                };
                case 'b' -> data.get(p) != 0 ? 1 : 0;
                default -> throw new IOException(source + ": unsupported dtype " + descr + " in '" + name + "'");
            };
        }
        return new NpyArray(name, descr, shape, out, null);
    }
}
