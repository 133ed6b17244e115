package md.thermostats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes the checkpoint state of a thermostat or integrator: a tag naming the kind (so a checkpoint of
 * one kind is never read as another), then doubles, longs and byte blocks in a fixed order. Doubles are
 * stored as their exact bits, so a restored run continues bit for bit.
 */
public final class StateBytes {
    private StateBytes() {}

    public static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        public Writer(String tag) { run(() -> out.writeUTF(tag)); }

        public Writer putDouble(double v) { run(() -> out.writeDouble(v)); return this; }

        public Writer putDoubles(double[] v) {
            run(() -> { out.writeInt(v.length); for (double x : v) out.writeDouble(x); });
            return this;
        }

        public Writer putLong(long v) { run(() -> out.writeLong(v)); return this; }

        public Writer putBytes(byte[] v) { run(() -> { out.writeInt(v.length); out.write(v); }); return this; }

        public byte[] toByteArray() { run(out::flush); return bytes.toByteArray(); }

        private interface IoAction { void run() throws IOException; }

        private static void run(IoAction a) {
            try { a.run(); } catch (IOException e) { throw new UncheckedIOException(e); }
        }
    }

    public static final class Reader {
        private final DataInputStream in;
        private final String tag;

        /** Fails with a clear message when the state was written by another kind. */
        public Reader(byte[] state, String tag) {
            this.tag = tag;
            this.in = new DataInputStream(new ByteArrayInputStream(state));
            String found = read(in::readUTF);
            if (!found.equals(tag))
                throw new IllegalArgumentException("saved state belongs to '" + found + "', not to '" + tag + "'");
        }

        public double getDouble() { return read(in::readDouble); }

        /** Reads an array written by {@link Writer#putDoubles}; its length must be {@code expectedLength}. */
        public double[] getDoubles(int expectedLength) {
            int n = read(in::readInt);
            if (n != expectedLength)
                throw new IllegalArgumentException("saved state of '" + tag + "' has " + n
                        + " values where this one has " + expectedLength + " (different settings?)");
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = getDouble();
            return v;
        }

        public long getLong() { return read(in::readLong); }

        public byte[] getBytes() {
            int n = read(in::readInt);
            byte[] v = new byte[n];
            read(() -> { in.readFully(v); return null; });
            return v;
        }

        /** Fails when bytes are left over (state from a different version or settings). */
        public void end() {
            if (read(in::available) != 0)
                throw new IllegalArgumentException("saved state of '" + tag + "' is longer than expected");
        }

        private interface IoRead<T> { T read() throws IOException; }

        private <T> T read(IoRead<T> r) {
            try {
                return r.read();
            } catch (IOException e) {
                throw new IllegalArgumentException("saved state of '" + tag + "' is truncated or corrupt", e);
            }
        }
    }
}
