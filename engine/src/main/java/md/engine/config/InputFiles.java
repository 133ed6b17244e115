package md.engine.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The checks every reader of a user's file shares, so that messages say the same thing everywhere:
 * whether a path names a readable file (and not a folder), and where a text file stops being UTF-8.
 */
public final class InputFiles {
    private InputFiles() {}

    /**
     * For a missing file below a {@code shared/data} folder (the reference data sets beside the repository,
     * which are not part of it): a sentence saying so and where README.md tells how to get them; else "".
     */
    public static String referenceDataHint(Path path) {
        String p = path.toAbsolutePath().normalize().toString().replace('\\', '/');
        return p.contains("/shared/data/") ? "; it is reference data, not part of the repository: README.md, section "
                + "'Reference data', says which data sets md uses and where to get them" : "";
    }

    /**
     * Why {@code path} cannot be read as a file: "is a folder, expected a file", "no such file", or
     * null when it is a regular file.
     */
    public static String problem(Path path) {
        if (Files.isRegularFile(path)) return null;
        if (Files.isDirectory(path)) return "is a folder, expected a file";
        return "no such file";
    }

    /**
     * Where {@code file} first stops being UTF-8, e.g. "not UTF-8 text: line 3, column 7 has the byte
     * 0xFF, which is not valid UTF-8 (a binary file, or text in another encoding such as Latin-1; save it
     * as UTF-8)"; a generic "not UTF-8 text" sentence when the file cannot be read again.
     */
    public static String encodingProblem(Path file) {
        String advice = " (a binary file, or text in another encoding such as Latin-1 or UTF-16; expected UTF-8 text)";
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 1, column = 1;
        try (InputStream in = Files.newInputStream(file)) {
            ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
            CharBuffer chars = CharBuffer.allocate(1 << 16);
            boolean eof = false;
            while (true) {
                int r = eof ? -1 : in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (r < 0) eof = true;
                else bytes.position(bytes.position() + r);
                bytes.flip();
                CoderResult cr = decoder.decode(bytes, chars, eof);
                chars.flip();
                while (chars.hasRemaining()) {
                    if (chars.get() == '\n') { line++; column = 1; } else column++;
                }
                chars.clear();
                if (cr.isError()) {
                    int b = bytes.get(bytes.position()) & 0xFF;
                    return String.format(Locale.ROOT, "not UTF-8 text: line %d, column %d has the byte 0x%02X, which is not valid UTF-8%s",
                            line, column, b, advice);
                }
                bytes.compact();
                if (eof && !cr.isOverflow()) break;
            }
        } catch (IOException e) {
            return "not UTF-8 text" + advice;
        }
        return "not UTF-8 text" + advice;
    }
}
