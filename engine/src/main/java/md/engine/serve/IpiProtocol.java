package md.engine.serve;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * The framing of the i-PI socket protocol, as i-PI's drivers and ASE's {@code ase.calculators.socketio}
 * speak it: 12-byte ASCII headers padded with spaces, then raw native-endian int32 and float64 payloads.
 * The payloads of each message (which numbers follow which header) are {@link IpiDriver}'s business;
 * this class only moves headers and numbers, in the protocol's own units (Bohr, Hartree).
 */
public final class IpiProtocol {
    /** Header length in bytes. */
    public static final int HEADER_BYTES = 12;

    // Headers the server sends.
    public static final String STATUS = "STATUS", INIT = "INIT", POSDATA = "POSDATA", GETFORCE = "GETFORCE", EXIT = "EXIT";
    // Headers the driver sends (answers to STATUS, and the one that announces the forces).
    public static final String NEEDINIT = "NEEDINIT", READY = "READY", HAVEDATA = "HAVEDATA", FORCEREADY = "FORCEREADY";

    /** The peer closed the connection between two messages (a clean end: ASE's calculator closes without EXIT). */
    public static final class ClosedBetweenMessages extends EOFException {
        ClosedBetweenMessages() { super("the server closed the connection"); }
    }

    private final ByteChannel channel;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 12).order(ByteOrder.nativeOrder());
    /** A reply is collected here and sent by {@link #flush()} in one write (no small packets, no Nagle stalls). */
    private ByteBuffer out = ByteBuffer.allocate(1 << 12).order(ByteOrder.nativeOrder());

    public IpiProtocol(ByteChannel channel) {
        this.channel = channel;
    }

    /**
     * Reads the next header, without its padding.
     *
     * @throws ClosedBetweenMessages when the connection ends before the header's first byte
     * @throws EOFException          when it ends inside the header
     */
    public String readHeader() throws IOException {
        ByteBuffer b = fill(HEADER_BYTES, true);
        byte[] bytes = new byte[HEADER_BYTES];
        b.get(bytes);
        // Fortran drivers pad with spaces, C ones sometimes with NULs.
        return new String(bytes, StandardCharsets.US_ASCII).replace('\0', ' ').strip();
    }

    public int readInt() throws IOException {
        return fill(Integer.BYTES, false).getInt();
    }

    /** Reads {@code out.length} float64 numbers. */
    public void readDoubles(double[] out) throws IOException {
        fill(Double.BYTES * out.length, false).asDoubleBuffer().get(out);
    }

    /** Reads and returns {@code n} raw bytes (INIT's string). */
    public byte[] readBytes(int n) throws IOException {
        byte[] out = new byte[n];
        fill(n, false).get(out);
        return out;
    }

    /** Queues a header padded with spaces to 12 bytes. */
    public IpiProtocol writeHeader(String header) {
        if (header.length() > HEADER_BYTES) throw new IllegalArgumentException("i-PI header longer than 12 bytes: " + header);
        room(HEADER_BYTES).put((header + " ".repeat(HEADER_BYTES - header.length())).getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public IpiProtocol writeInt(int v) {
        room(Integer.BYTES).putInt(v);
        return this;
    }

    public IpiProtocol writeDoubles(double... values) {
        ByteBuffer b = room(Double.BYTES * values.length);
        for (double v : values) b.putDouble(v);
        return this;
    }

    public IpiProtocol writeBytes(byte[] bytes) {
        room(bytes.length).put(bytes);
        return this;
    }

    /** Sends everything queued since the last flush. */
    public void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) channel.write(out);
        out.clear();
    }

    private ByteBuffer room(int n) {
        if (out.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.position() + n, 2 * out.capacity())).order(ByteOrder.nativeOrder());
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        return out;
    }

    /** Reads exactly {@code n} bytes into the reusable buffer and returns it, positioned at their start. */
    private ByteBuffer fill(int n, boolean messageStart) throws IOException {
        if (buffer.capacity() < n) buffer = ByteBuffer.allocate(Math.max(n, 2 * buffer.capacity())).order(ByteOrder.nativeOrder());
        buffer.clear().limit(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (messageStart && buffer.position() == 0) throw new ClosedBetweenMessages();
                throw new EOFException("the server closed the connection in the middle of a message (" + buffer.position() + " of " + n + " bytes read)");
            }
        }
        return buffer.flip();
    }
}
