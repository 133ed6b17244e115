package md.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import md.engine.cli.Main;

/** Runs the md command line in-process, as a user would, and keeps what it printed on stderr. */
final class Cli {
    private Cli() {}

    record Result(int exitCode, String err) {
        /** The error paragraph with line breaks folded, for assertions on its content. */
        String message() { return err.replaceAll("\\s+", " ").trim(); }
    }

    static Result run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            int code = Main.run(args, err);
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        }
    }

    /** The repository root (set by the build; the tests module's parent folder otherwise). */
    static Path repo() {
        String p = System.getProperty("md.repo.root");
        return (p != null ? Path.of(p) : Path.of("..")).toAbsolutePath().normalize();
    }

    static Path inputs() { return repo().resolve("inputs"); }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text);
        return file;
    }
}
