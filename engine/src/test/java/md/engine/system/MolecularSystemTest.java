package md.engine.system;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.engine.cli.UserError;

class MolecularSystemTest {

    @Test void massesComeFromTheElementTableAndVelocitiesDefaultToZero() {
        Frame f = Frame.of(new int[] {8, 1, 1}, new double[] {0, 0, 0.12, 0, 0.76, -0.47, 0, -0.76, -0.47}, Cell.NONE);
        MolecularSystem s = MolecularSystem.fromFrame(f, "water.xyz frame 0");
        assertArrayEquals(new double[] {15.999, 1.008, 1.008}, s.massesAmu());
        assertArrayEquals(new double[9], s.velocities());
        assertEquals(18.015, s.totalMassAmu(), 1e-12);
        s.positions()[0] = 1.0;   // live arrays, not copies of the frame
        assertEquals(0.0, f.positions()[0]);
        assertEquals(1.0, s.atoms().positions()[0]);
    }

    @Test void closeAtomsAreReportedWithThePairAndDistance() {
        Frame f = Frame.of(new int[] {6, 1, 1}, new double[] {0, 0, 0, 1.09, 0, 0, 1.09, 0.05, 0}, Cell.NONE);
        UserError e = assertThrows(UserError.class, () -> MolecularSystem.fromFrame(f, "mol.xyz frame 3"));
        assertEquals("mol.xyz frame 3: atoms 1 (H) and 2 (H) are 0.0500 Å apart; atoms closer than 0.1 Å are not allowed "
                + "(duplicated atom, or coordinates not in Å?)", e.getMessage());
    }

    @Test void closeContactsThroughThePeriodicBoundaryAndWithOwnImages() {
        Frame across = Frame.of(new int[] {18, 18}, new double[] {0.02, 5, 5, 9.95, 5, 5}, Cell.orthorhombic(10, 10, 10));
        UserError e = assertThrows(UserError.class, () -> MolecularSystem.fromFrame(across, "box.xyz"));
        assertTrue(e.getMessage().contains("atoms 0 (Ar) and 1 (Ar) are 0.0700 Å apart (through the periodic boundary)"), e.getMessage());

        Frame tiny = Frame.of(new int[] {18}, new double[] {0, 0, 0}, Cell.orthorhombic(0.05, 3, 3));
        e = assertThrows(UserError.class, () -> MolecularSystem.fromFrame(tiny, "tiny.xyz"));
        assertTrue(e.getMessage().contains("atom 0 (Ar) is 0.0500 Å from its own periodic image"), e.getMessage());
    }

    @Test void otherInvalidInput() {
        UserError e = assertThrows(UserError.class, () -> MolecularSystem.fromFrame(Frame.of(new int[] {1, 119}, new double[6], Cell.NONE), "x.npz frame 0"));
        assertTrue(e.getMessage().startsWith("x.npz frame 0: atom 1 has unknown atomic number 119; expected an element from H (1) to Xe (54)"), e.getMessage());
        e = assertThrows(UserError.class, () -> MolecularSystem.fromFrame(Frame.of(new int[] {1}, new double[] {0, Double.NaN, 0}, Cell.NONE), "nan.xyz"));
        assertEquals("nan.xyz: atom 0 has a non-finite position (NaN)", e.getMessage());
        e = assertThrows(UserError.class, () -> MolecularSystem.fromFrame(Frame.of(new int[0], new double[0], Cell.NONE), "empty.xyz"));
        assertEquals("empty.xyz: the structure has no atoms", e.getMessage());
    }
}
