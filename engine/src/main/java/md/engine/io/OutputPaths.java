package md.engine.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import md.engine.cli.IoFailure;
import md.engine.cli.UserError;

/**
 * Checks (and creates) the places a command writes to before any work starts, so that a folder given
 * where a file is expected, a file where a folder is expected, or a folder the OS refuses gets one
 * located message instead of a failure halfway through.
 */
public final class OutputPaths {
    private OutputPaths() {}

    /**
     * Makes {@code dir} an existing folder. {@code what} names it in messages, e.g.
     * "output folder (output.directory of run.yaml)". A regular file at {@code dir} or above it is a
     * user mistake (exit 2); the OS refusing to create it (permission, read-only file system, disk full)
     * is an {@link IoFailure}.
     */
    public static Path folder(Path dir, String what) {
        create(dir, what + " " + dir);
        return dir;
    }

    /** {@code label} names the folder, e.g. "output folder out/argon". */
    private static void create(Path dir, String label) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs))
            throw new UserError("the " + label + " is a regular file, not a folder; expected a folder (or a path that does not exist yet)");
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) continue;
            if (!Files.isDirectory(p))
                throw new UserError("cannot create the " + label + ": " + p + " is a regular file, not a folder; "
                        + "expected a path whose existing part is made of folders");
            break;
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw IoFailure.of("cannot create the " + label, e);
        }
    }

    /**
     * Checks that {@code file} can be written as a file: not a folder, its folder created if missing.
     * {@code option} names it in messages ("-o"), {@code example} is a file name to suggest inside a folder.
     */
    public static Path file(Path file, String option, String example) {
        if (Files.isDirectory(file))
            throw new UserError(option + " " + file + " is a folder; " + option + " names the file to write, e.g. " + file.resolve(example));
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent != null) create(parent, "folder " + parent + " (for " + option + " " + file + ")");
        return file;
    }
}
