package md.engine.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The environment failed an input or output operation (disk full, permission denied, read-only file
 * system, a file where a folder should be, ...). Reported as one paragraph naming the path and the
 * operating system's reason, without a stack trace, with its own exit code ({@value #EXIT_CODE}).
 */
public final class IoFailure extends UserError {
    public static final int EXIT_CODE = 5;

    public IoFailure(String message, Throwable cause) {
        super(message, EXIT_CODE, cause);
    }

    /** Something that reads or writes files. */
    @FunctionalInterface
    public interface Action {
        void run() throws IOException;
    }

    /**
     * Runs {@code action}; an I/O failure in it (also one wrapped in another exception, as the HDF5
     * writer does) becomes an {@link IoFailure} "{@code doing}: reason".
     */
    public static void wrap(String doing, Action action) throws IOException {
        try {
            action.run();
        } catch (UserError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (ioCause(e) == null) throw e;
            throw of(doing, e);
        }
    }

    /** "{@code doing}: reason (the path the OS names, when another)". */
    public static IoFailure of(String doing, Throwable e) {
        return new IoFailure(doing + ": " + reason(e), e);
    }

    /** For an I/O failure no caller has described: the reason and the path the exception itself names. */
    public static IoFailure describe(Throwable e) {
        return new IoFailure("input/output failed: " + reason(e), e);
    }

    /** The innermost I/O exception in {@code e}'s cause chain (e itself included), or null. */
    public static IOException ioCause(Throwable e) {
        IOException found = null;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException io) found = io;
            if (t instanceof UncheckedIOException u) found = u.getCause();
        }
        return found;
    }

    /** The operating system's reason for an I/O failure, in words, with the path it names if any. */
    public static String reason(Throwable e) {
        IOException io = ioCause(e);
        if (io == null) return String.valueOf(e.getMessage());
        String why;
        String file = null;
        if (io instanceof FileSystemException fs) {
            file = fs.getFile();
            String r = fs.getReason();
            if (io instanceof AccessDeniedException) why = r != null ? plain(r) : "permission denied";
            else if (io instanceof NoSuchFileException) why = r != null ? plain(r) : "no such file or folder";
            else if (io instanceof NotDirectoryException) why = "not a folder";
            else if (io instanceof FileAlreadyExistsException) why = r != null ? plain(r) : "it already exists";
            else if (io instanceof DirectoryNotEmptyException) why = "the folder is not empty";
            else why = r != null ? plain(r) : "failed";
        } else if (io instanceof FileNotFoundException && io.getMessage() != null && io.getMessage().endsWith(")")
                && io.getMessage().contains(" (")) {
            String m = io.getMessage();
            int k = m.lastIndexOf(" (");
            file = m.substring(0, k);
            why = plain(m.substring(k + 2, m.length() - 1));
        } else {
            why = io.getMessage() != null ? plain(io.getMessage()) : io.getClass().getSimpleName();
        }
        return file != null ? why + " (" + file + ")" : why;
    }

    /** "No space left on device" → "no space left on device"; "Not a directory" → a sentence on what that means. */
    private static String plain(String reason) {
        String r = reason.trim();
        if (r.equalsIgnoreCase("Not a directory")) return "not a directory (a part of the path is a regular file, not a folder)";
        if (r.equalsIgnoreCase("Is a directory")) return "is a directory (a folder where a file was expected)";
        if (r.length() > 1 && Character.isUpperCase(r.charAt(0)) && Character.isLowerCase(r.charAt(1)))
            return Character.toLowerCase(r.charAt(0)) + r.substring(1);
        return r;
    }

    /**
     * The error for an input file that could not be read: the operating system's refusal (no permission) as an
     * IoFailure, anything else as "FILE: cannot read (what the exception says)", a mistake in the path or file.
     */
    public static UserError cannotRead(Path file, IOException e) {
        if (e instanceof AccessDeniedException) return new IoFailure(file + ": cannot read the file: " + reason(e), e);
        return new UserError(file + ": cannot read (" + e.getMessage() + ")", e);
    }

    /**
     * Stops with "FILE: cannot read the file: permission denied" when {@code file} exists but may not be read, before
     * a format library reports it as a damaged file of its format.
     */
    public static void requireReadable(Path file) {
        if (java.nio.file.Files.isRegularFile(file) && !java.nio.file.Files.isReadable(file))
            throw new IoFailure(file + ": cannot read the file: permission denied", null);
    }

    /** An {@link IoFailure} for {@code path} with a reason written by the caller. */
    public static IoFailure at(Path path, String message) {
        return new IoFailure(path + ": " + message, null);
    }
}
