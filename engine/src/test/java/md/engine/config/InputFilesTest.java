package md.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared file checks: folders are called folders, and the first non-UTF-8 byte is located. */
class InputFilesTest {
    @TempDir Path dir;

    @Test
    void folderMissingAndRegularFile() throws IOException {
        assertEquals("is a folder, expected a file", InputFiles.problem(dir));
        assertEquals("no such file", InputFiles.problem(dir.resolve("nope")));
        assertNull(InputFiles.problem(Files.writeString(dir.resolve("a.txt"), "x")));
    }

    @Test
    void encodingProblemGivesLineColumnAndByte() throws IOException {
        byte[] text = new byte[70_000 + 5];
        java.util.Arrays.fill(text, (byte) 'a');
        for (int i = 99; i < 70_000; i += 100) text[i] = '\n';  // 700 lines of 99 letters
        text[70_000 + 2] = (byte) 0xC3;                         // a truncated two-byte sequence on line 701
        Path f = Files.write(dir.resolve("t.txt"), text);
        String m = InputFiles.encodingProblem(f);
        assertTrue(m.contains("line 701, column 3 has the byte 0xC3"), m);
    }

    @Test
    void yamlInputOutsideUtf8NamesTheLine() throws IOException {
        Path f = Files.write(dir.resolve("in.yaml"), new byte[] {'a', ':', ' ', '1', '\n', 'b', ':', ' ', (byte) 0xFF, '\n'});
        String m = org.junit.jupiter.api.Assertions.assertThrows(md.engine.cli.UserError.class, () -> ConfigNode.parse(f)).getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("line 2, column 4") && m.contains("0xFF"), m);
    }
}
