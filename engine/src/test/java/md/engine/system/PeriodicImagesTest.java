package md.engine.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.engine.io.ExtxyzReader;
import md.engine.io.ExtxyzWriter;

/** Wrap into the cell and back, in memory and through an extended XYZ file with an images:I:3 column. */
class PeriodicImagesTest {
    @TempDir Path dir;

    @Test void wrapThenUnwrapGivesBackThePositions() throws Exception {
        // triclinic, periodic along a and c only: b keeps its coordinate and image 0
        Cell cell = new Cell(new double[] {9.1, 0, 0, 3.2, 8.4, 0, -2.5, 1.9, 7.7}, new boolean[] {true, false, true});
        Random rng = new Random(3);
        int n = 200;
        double[] x = new double[3 * n], s = new double[3];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) s[k] = -6 + 12 * rng.nextDouble();   // up to six cells away on either side
            cell.toCartesian(s, x, 3 * i);
        }
        double[] wrapped = new double[3 * n], back = new double[3 * n];
        int[] images = new int[3 * n];
        PeriodicImages.wrap(x, cell, wrapped, images);
        boolean far = false;
        for (int i = 0; i < n; i++) {
            cell.toFractional(wrapped, 3 * i, s);
            double[] s0 = new double[3];
            cell.toFractional(x, 3 * i, s0);
            for (int k = 0; k < 3; k++) {
                if (cell.periodic(k)) {
                    assertTrue(s[k] >= -1e-12 && s[k] < 1 + 1e-12, "fractional " + s[k]);
                    assertEquals(Math.floor(s0[k]), images[3 * i + k]);
                    far |= Math.abs(images[3 * i + k]) >= 5;
                } else {
                    assertEquals(0, images[3 * i + k]);
                    assertEquals(s0[k], s[k], 1e-12, "a non-periodic direction is left alone");
                }
            }
        }
        assertTrue(far);
        PeriodicImages.unwrap(wrapped, images, cell, back);
        for (int k = 0; k < x.length; k++) assertEquals(x[k], back[k], 1e-12);

        // through a file: the writer's images column, the reader adds it back
        int[] z = new int[n];
        java.util.Arrays.fill(z, 18);
        Path file = dir.resolve("w.extxyz");
        Files.writeString(file, ExtxyzWriter.format(Frame.of(z, wrapped, cell), ExtxyzWriter.DEFAULT_VELOCITY_FORMAT, Map.of(), Map.of("images", images)));
        assertTrue(Files.readAllLines(file).get(1).contains("Properties=species:S:1:pos:R:3:images:I:3"));
        List<Frame> read = ExtxyzReader.readAll(file);
        for (int k = 0; k < x.length; k++) assertEquals(x[k], read.get(0).positions()[k], 1e-12);
    }
}
