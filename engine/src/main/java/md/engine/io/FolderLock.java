package md.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import md.engine.cli.IoFailure;
import md.engine.cli.UserError;

/**
 * An advisory lock on an output folder, held while a command works in it: an OS file lock on
 * {@code DIR/.lock}, which holds the holder's PID and command. The OS drops the lock when the process
 * ends, however it ends, so a lock file left by a crashed process is simply taken over. The file
 * itself stays (deleting it would let a process that opened the old file and one that creates a new
 * file both "hold" the lock).
 */
public final class FolderLock implements AutoCloseable {
    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks the existing folder {@code dir} for {@code command} (e.g. "md run"). When another process
     * (or another part of this one) holds it, throws a {@link UserError} naming the holder's PID and
     * command, followed by {@code advice}.
     */
    public static FolderLock acquire(Path dir, String command, String advice) {
        Path file = dir.resolve(FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw IoFailure.of("cannot write in the output folder " + dir + " (its lock file " + FILE + ")", e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            close(ch);
            throw IoFailure.of("cannot lock the output folder " + dir + " (" + file + ")", e);
        }
        if (lock == null) {
            String holder = holder(file);
            close(ch);
            throw new UserError("another " + (holder.isEmpty() ? "process" : holder) + " is working in " + dir + " (it holds the lock "
                    + file + "); " + advice);
        }
        try {
            byte[] text = ("pid " + ProcessHandle.current().pid() + " " + command + "\n").getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining()) ch.write(b, b.position());
        } catch (IOException e) {
            close(ch);
            throw IoFailure.of("cannot write the lock file " + file, e);
        }
        return new FolderLock(ch, lock);
    }

    /** "md run (PID 1234)" from the lock file, or "" when it holds nothing readable yet. */
    static String holder(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!s.startsWith("pid ")) return "";
            String[] parts = s.substring(4).split(" ", 2);
            long pid = Long.parseLong(parts[0]);
            String who = parts.length > 1 ? parts[1].trim() : "process";
            return who + " (PID " + pid + (pid == ProcessHandle.current().pid() ? ", this process" : "") + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was written through it that matters
        }
    }

    /** Releases the lock (the file stays, see the class comment). */
    @Override public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        close(channel);
    }
}
