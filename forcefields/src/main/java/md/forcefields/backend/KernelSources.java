package md.forcefields.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The kernel sources on the class path ({@code md/forcefields/backend/kernels/}): the files listed in
 * {@code sources.txt}, in order, after a prelude. OpenCL compiles them at run time; the CUDA PTX is
 * built from the same text by {@code scripts/build-ptx.sh}, which writes {@link #sha256} of the CUDA
 * text into the PTX so a stale PTX is detected without nvcc.
 */
public final class KernelSources {
    private KernelSources() {}

    public static final String DIR = "md/forcefields/backend/kernels/";
    public static final String PTX = DIR + "ops.ptx";

    /** The PTX resource of a precision: {@code ops.ptx} (float64) or {@code ops-float32.ptx}. */
    public static String ptxName(Precision p) { return p == Precision.FLOAT32 ? "ops-float32.ptx" : "ops.ptx"; }
    public static final String PTX_HASH_TAG = "// md-kernel-sources-sha256: ";

    public static List<String> files() {
        List<String> out = new ArrayList<>();
        for (String line : new String(bytes("sources.txt"), StandardCharsets.UTF_8).split("\n")) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) out.add(s);
        }
        return out;
    }

    /** Prelude ("prelude_opencl.h" or "prelude_cuda.h") followed by every source file. */
    public static String program(String prelude) {
        return new String(concatenated(prelude), StandardCharsets.UTF_8);
    }

    /** SHA-256 (hex) of the program text for a prelude, as {@code sha256sum} prints it for the same bytes. */
    public static String sha256(String prelude) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(concatenated(prelude)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concatenated(String prelude) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(prelude));
        for (String f : files()) out.writeBytes(bytes(f));
        return out.toByteArray();
    }

    static byte[] bytes(String name) {
        try (InputStream in = KernelSources.class.getClassLoader().getResourceAsStream(DIR + name)) {
            if (in == null) throw new IllegalStateException("kernel resource missing from the class path: " + DIR + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel resource " + DIR + name, e);
        }
    }
}
