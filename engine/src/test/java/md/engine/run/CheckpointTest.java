package md.engine.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.engine.cli.UserError;

class CheckpointTest {
    @TempDir Path dir;

    private static Checkpoint sample() {
        double[] x = {0.1, -2.5, 3e-300, Double.MIN_VALUE, 1, 2};
        return new Checkpoint(Map.of("dynamics.timestep_fs", "2.0"), 1234, 2468.000000000001, new int[] {18, 1},
                new Cell(new double[] {10, 0, 0, 1, 11, 0, 0.5, 0.25, 12}, new boolean[] {true, true, false}),
                x, new double[] {-0.0, 1, 2, 3, 4, 5}, new double[] {6, 7, 8, 9, 10, Math.PI}, -12.75,
                new double[] {0, -2.5, 0, 0, 1, 2}, new Cell(new double[] {10.01, 0, 0, 1, 11.02, 0, 0.5, 0.25, 12.03}, new boolean[] {true, true, false}),
                new byte[] {1, 2, 3}, new Checkpoint.OutputMarks(10, 20, 3),
                new Checkpoint.Work(-12.5, 0.0625));
    }

    @Test
    void roundTripKeepsEveryBit() throws IOException {
        Checkpoint c = sample();
        Path file = dir.resolve("c.mdchk");
        c.write(file);
        assertFalse(Files.exists(dir.resolve("c.mdchk.tmp")), "temporary file renamed away");
        Checkpoint r = Checkpoint.read(file);
        assertEquals(c.settings(), r.settings());
        assertEquals(c.step(), r.step());
        assertEquals(Double.doubleToRawLongBits(c.timeFs()), Double.doubleToRawLongBits(r.timeFs()));
        assertArrayEquals(c.atomicNumbers(), r.atomicNumbers());
        assertArrayEquals(c.cell().vectors(), r.cell().vectors());
        assertArrayEquals(c.cell().pbc(), r.cell().pbc());
        for (double[][] pair : new double[][][] {{c.positions(), r.positions()}, {c.velocities(), r.velocities()},
                {c.forces(), r.forces()}, {c.neighborPositions(), r.neighborPositions()}})
            for (int i = 0; i < pair[0].length; i++)
                assertEquals(Double.doubleToRawLongBits(pair[0][i]), Double.doubleToRawLongBits(pair[1][i]));
        assertArrayEquals(c.neighborCell().vectors(), r.neighborCell().vectors());
        assertArrayEquals(c.cell().pbc(), r.neighborCell().pbc());
        assertEquals(c.potentialEnergyEv(), r.potentialEnergyEv());
        assertArrayEquals(c.integratorState(), r.integratorState());
        assertEquals(c.outputs(), r.outputs());
        assertEquals(c.work(), r.work());
    }

    @Test
    void damagedOrTruncatedFilesAreRefusedWithAMessage() throws IOException {
        byte[] bytes = sample().toBytes();
        Path flipped = dir.resolve("flipped.mdchk"), cut = dir.resolve("cut.mdchk");
        bytes[bytes.length / 2] ^= 1;
        Files.write(flipped, bytes);
        Files.write(cut, java.util.Arrays.copyOf(sample().toBytes(), 40));
        for (Path p : new Path[] {flipped, cut}) {
            UserError e = assertThrows(UserError.class, () -> Checkpoint.read(p));
            assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("checksum mismatch"), e.getMessage());
        }
        UserError missing = assertThrows(UserError.class, () -> Checkpoint.read(dir.resolve("none.mdchk")));
        assertTrue(missing.getMessage().contains("does not exist"));
    }
}
