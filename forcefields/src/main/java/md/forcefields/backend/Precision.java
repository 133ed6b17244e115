package md.forcefields.backend;

import java.util.List;

/**
 * The floating-point type of a device backend's buffers and kernels (the kernel sources' {@code real}).
 * float64 is the default and agrees with the host executor to round-off; float32 halves memory traffic
 * and runs on GPUs' single-precision units, at ~1e-7 relative rounding per operation (docs/accelerators.md).
 * The host executor and the java backend are float64 only.
 */
public enum Precision {
    FLOAT64("float64", 8), FLOAT32("float32", 4);

    public static final List<String> NAMES = List.of("float64", "float32");

    private final String key;
    private final int bytes;

    Precision(String key, int bytes) { this.key = key; this.bytes = bytes; }

    /** "float64" or "float32". */
    public String key() { return key; }
    /** Bytes per value. */
    public int bytes() { return bytes; }

    /** From "float64" / "float32"; IllegalArgumentException otherwise. */
    public static Precision parse(String s) {
        for (Precision p : values()) if (p.key.equals(s)) return p;
        throw new IllegalArgumentException("unknown precision '" + s + "'; expected one of " + NAMES);
    }

    @Override public String toString() { return key; }
}
