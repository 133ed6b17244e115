package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads md run's extxyz trajectories back, independently of md's own reader. */
final class ExtxyzFrames {
    private ExtxyzFrames() {}

    /**
     * Steps of the complete frames of an extxyz file, checked line by line without md's reader: count
     * line, comment line with the columns, then atom lines of 10 fields (species, position, ASE's
     * momenta, forces), 13 in a periodic cell (the image counts of the wrapped positions, integers). A
     * torn frame may only be the last one.
     */
    static List<Long> completeFrameSteps(Path file, int atoms) throws IOException {
        String text = Files.readString(file);
        int end = text.lastIndexOf('\n') + 1;  // a torn final line does not count
        String[] lines = text.substring(0, end).split("\n", -1);
        List<Long> steps = new ArrayList<>();
        int i = 0, complete = lines.length - 1;
        while (i + atoms + 2 <= complete) {
            assertEquals(String.valueOf(atoms), lines[i].strip(), "count line " + i);
            String comment = lines[i + 1];
            assertTrue(comment.contains("Properties=species:S:1:pos:R:3:momenta:R:3:forces:R:3"), comment);
            Matcher m = Pattern.compile("\\bstep=(\\d+)").matcher(comment);
            assertTrue(m.find(), comment);
            boolean images = comment.contains("Properties=species:S:1:pos:R:3:momenta:R:3:forces:R:3:images:I:3");
            assertEquals(comment.contains("Lattice="), images, "images column exactly in periodic frames: " + comment);
            for (int a = 0; a < atoms; a++) {
                String[] f = lines[i + 2 + a].strip().split("\\s+");
                assertEquals(images ? 13 : 10, f.length, "atom line " + (i + 2 + a));
                for (int k = 1; k < 10; k++) assertTrue(Double.isFinite(Double.parseDouble(f[k])));
                for (int k = 10; k < f.length; k++) Integer.parseInt(f[k]);
            }
            steps.add(Long.parseLong(m.group(1)));
            i += atoms + 2;
        }
        assertTrue(complete - i < atoms + 2, "only the last frame may be torn");
        return steps;
    }
}
