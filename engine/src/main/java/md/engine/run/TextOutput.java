package md.engine.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import md.engine.cli.IoFailure;
import md.engine.cli.UserError;

/**
 * An append-only text file written in whole records (a thermo line, a trajectory frame): each record
 * goes to the OS in one write, so a killed run leaves at most one partial record at the end, and
 * {@link #position()} is the byte length a checkpoint records so that a resumed run can cut the file
 * back to exactly that point. Reuses its buffers: no allocation per record for ASCII text.
 */
final class TextOutput implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final StringBuilder record = new StringBuilder(1 << 12);
    private ByteBuffer bytes = ByteBuffer.allocate(1 << 12);

    private TextOutput(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** A new, empty file (an existing one is replaced). */
    static TextOutput create(Path file) throws IOException {
        try {
            return new TextOutput(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw IoFailure.of("cannot create " + file, e);
        }
    }

    /** An existing file cut back to {@code length} bytes (what a checkpoint recorded), positioned at its end. */
    static TextOutput resume(Path file, long length) throws IOException {
        if (!Files.isRegularFile(file))
            throw new UserError("cannot resume: " + file + " is missing; the checkpoint expects its first " + length + " bytes. "
                    + "Restore the file or start the run again without --resume.");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
        if (ch.size() < length) {
            long size = ch.size();
            ch.close();
            throw new UserError("cannot resume: " + file + " has " + size + " bytes but the checkpoint recorded " + length
                    + "; the file was modified after the checkpoint. Restore it or start the run again without --resume.");
        }
        ch.truncate(length);
        ch.position(length);
        return new TextOutput(file, ch);
    }

    Path file() { return file; }

    /** The record being composed; {@link #commit()} writes it. */
    StringBuilder record() { return record; }

    /** Writes the composed record in one call and clears it. */
    void commit() throws IOException {
        int n = record.length();
        if (bytes.capacity() < 3 * n) bytes = ByteBuffer.allocate(Math.max(3 * n, 2 * bytes.capacity()));
        bytes.clear();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) {
            char c = record.charAt(i);
            if (c < 0x80) bytes.put((byte) c);
            else ascii = false;
        }
        if (!ascii) {
            bytes.clear();
            bytes.put(record.toString().getBytes(StandardCharsets.UTF_8));
        }
        bytes.flip();
        try {
            while (bytes.hasRemaining()) channel.write(bytes);
        } catch (IOException e) {
            throw IoFailure.of("cannot write " + file, e);
        }
        record.setLength(0);
    }

    /** Bytes written so far. */
    long position() throws IOException { return channel.position(); }

    /** Forces the written bytes to disk (before a checkpoint records the length). */
    void sync() throws IOException {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw IoFailure.of("cannot write " + file + " to disk", e);
        }
    }

    @Override public void close() throws IOException { channel.close(); }
}
