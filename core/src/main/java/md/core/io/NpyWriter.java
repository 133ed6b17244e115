package md.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes float64/int64 arrays as an uncompressed {@code .npz} that NumPy reads with {@code np.load}. */
public final class NpyWriter {
    private NpyWriter() {}

    /** Writes atomically (temporary file, then rename). Values: double[] with a shape, as <f8, or as <i8 where the array's dtype is <i8. */
    public static void writeNpz(Path file, Map<String, NpyArray> arrays) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (var e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(npyBytes(e.getValue()));
                zip.closeEntry();
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static byte[] npyBytes(NpyArray a) {
        StringBuilder shape = new StringBuilder("(");
        for (int s : a.shape()) shape.append(s).append(", ");
        if (a.shape().length > 1) shape.setLength(shape.length() - 2);
        else if (a.shape().length == 1) shape.setLength(shape.length() - 1);
        shape.append(")");
        boolean int64 = "<i8".equals(a.dtype());
        String header = "{'descr': '" + (int64 ? "<i8" : "<f8") + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + 8 * a.data().length).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        bb.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
        // a bulk copy, not a loop over values with a branch per value: that loop made this method one of C2's
        // slowest compilations (up to 0.6 s, again for every deoptimisation), on the thread a run's kernels wait for
        if (int64) putWholeNumbers(a, bb);
        else bb.asDoubleBuffer().put(a.data());
        return bb.array();
    }

    private static void putWholeNumbers(NpyArray a, ByteBuffer bb) {
        for (double v : a.data()) {
            if (v == Math.rint(v) && Math.abs(v) <= 0x1p53) bb.putLong((long) v);
            else throw new IllegalArgumentException(a.name() + ": " + v + " is not a whole number, cannot be written as int64");
        }
    }
}
