package md.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import md.core.Units;
import md.core.SharedData;
import md.engine.cli.UserError;
import md.engine.system.Frame;

/** Readers of the reference data sets; expected numbers were read from the files with NumPy / h5py. */
class DataSetReadersTest {
    static final double KCAL = Units.KCAL_PER_MOL_TO_EV;

    @Test void rmd17FramesAreInEvWithTheExactFactor() {
        Path file = SharedData.require("rmd17/rmd17_ethanol_test_01.npz");
        assertEquals(1000, NpzFrames.countFrames(file));
        Frame f = NpzFrames.readFrame(file, 0);
        assertArrayEquals(new int[] {6, 6, 8, 1, 1, 1, 1, 1, 1}, f.atomicNumbers());
        assertEquals(-97082.38717602966 * KCAL, f.energyEv());
        assertArrayEquals(new double[] {0.06783209, 0.46966327, 0.21332665}, java.util.Arrays.copyOf(f.positions(), 3), 5e-9);
        assertArrayEquals(new double[] {23.3994735 * KCAL, 29.12579384 * KCAL, -24.96433868 * KCAL}, java.util.Arrays.copyOf(f.forces(), 3), 1e-8);
        assertEquals(1000, NpzFrames.readAll(file).size());
        assertEquals(NpzFrames.readFrame(file, 999).energyEv(), NpzFrames.readFrame(file, -1).energyEv());
    }

    /** rMD17's old_energies/old_forces: the original MD17 labels of the same geometries (values read with NumPy). */
    @Test void npzLabelsFromNamedArrays() {
        Path file = SharedData.require("rmd17/rmd17_ethanol_test_01.npz");
        Frame f = NpzFrames.readAll(file, null, "old_energies", "old_forces").get(0);
        assertEquals(-97202.62327677594 * KCAL, f.energyEv());
        assertArrayEquals(new double[] {14.11496351 * KCAL, 45.73490034 * KCAL, -16.31141573 * KCAL}, java.util.Arrays.copyOf(f.forces(), 3), 1e-8);
        assertArrayEquals(NpzFrames.readFrame(file, 0).positions(), f.positions(), 0.0);
        UserError e = assertThrows(UserError.class, () -> NpzFrames.readAll(file, null, "new_energies", null));
        assertTrue(e.getMessage().contains("no array 'new_energies'") && e.getMessage().contains("old_energies"), e.getMessage());
    }

    @Test void md17FramesUseTheOriginalKeys() {
        Path file = SharedData.require("md17/md17_ethanol_first2000_consecutive.npz");
        Frame f = StructureReader.read(file, 1);
        assertEquals(-97208.37630464 * KCAL, f.energyEv(), 1e-8);
        assertArrayEquals(new double[] {1.12941716e+00, 3.14306160e-01, -8.71960000e-04}, java.util.Arrays.copyOfRange(f.positions(), 6, 9), 1e-8);
        assertArrayEquals(new double[] {-1.99174549 * KCAL, 21.47748758 * KCAL, -1.40488034 * KCAL}, java.util.Arrays.copyOfRange(f.forces(), 6, 9), 1e-7);
        UserError e = assertThrows(UserError.class, () -> StructureReader.read(file, 2000));
        assertTrue(e.getMessage().contains("frame 2000 requested, but the file has 2000 frames (valid: 0..1999"), e.getMessage());
    }

    @Test void ani1xConformersGroupedByMoleculeInEv() {
        Path file = SharedData.require("ani/ani1_n5.hdf5");
        List<AniHdf5Reader.Molecule> molecules = AniHdf5Reader.read(file);
        assertEquals(List.of("C1H4N4O4", "C1H5N3O5", "C1H6N2O5", "C2H10N4O3", "C2H10N6O1"), molecules.stream().map(AniHdf5Reader.Molecule::name).toList());
        assertEquals(8, molecules.stream().mapToInt(m -> m.conformers().size()).sum());
        Frame c = molecules.get(2).conformers().get(2);
        assertEquals(14, c.size());
        assertEquals(-526.9725309675266 * Units.HARTREE_TO_EV, c.energyEv());
        assertEquals(-0.011458250693976879 * Units.HARTREE_TO_EV, c.forces()[3]);   // float32 in the file
        assertEquals(-1.2561109066009521, c.positions()[5]);
        assertEquals("C1H6N2O5", c.info().get("molecule"));
        assertEquals(8, StructureReader.readAll(file).size());
    }

    @Test void ani2xStyleGroupsWithPerConformerSpecies() {
        Path file = SharedData.require("ani/ani2x_minimal.hdf5");
        Frame f = AniHdf5Reader.read(file).get(0).conformers().get(5);
        assertArrayEquals(new int[] {6, 8}, f.atomicNumbers());
        assertEquals(-113.275020399 * Units.HARTREE_TO_EV, f.energyEv());
        assertEquals(0.273571014 * Units.HARTREE_TO_EV, f.forces()[5], 1e-7);  // printed to 9 digits
        assertEquals(0.4656559228897095, f.positions()[5]);
    }

    @Test void structureReaderExplainsWhatItExpects() {
        UserError e = assertThrows(UserError.class, () -> StructureReader.read(Path.of("inputs/argon.gro"), null));
        assertTrue(e.getMessage().contains("argon.gro: unknown structure format; expected a file ending in .xyz or .extxyz"), e.getMessage());
        e = assertThrows(UserError.class, () -> StructureReader.read(Path.of("no/such/file.npz"), 0));
        assertEquals("no/such/file.npz: no such file", e.getMessage());
        Path notAni = SharedData.require("ani/SPICE-1.1.4_n2.hdf5");
        e = assertThrows(UserError.class, () -> StructureReader.readAll(notAni));
        assertTrue(e.getMessage().contains("SPICE-1.1.4_n2.hdf5: HDF5 file is neither an H5MD trajectory (/particles/all) nor an ANI data set"), e.getMessage());
        Path weights = SharedData.require("nequip-reference/aspirin-l2/weights.npz");
        e = assertThrows(UserError.class, () -> StructureReader.read(weights, 0));
        assertTrue(e.getMessage().contains("not an MD17, rMD17 or QM7-X file; expected arrays R, z, E, F"), e.getMessage());
        // QM7-X's own layout (atXYZ, atNUM, ePBE0+MBD, totFOR; eV) is a data set too
        Frame q = StructureReader.read(SharedData.require("qm7x/qm7x_226.npz"), 0);
        assertEquals(18, q.atomicNumbers().length);
        assertEquals(-6410.478429, q.energyEv(), 1e-9);
        Frame first = StructureReader.read(SharedData.require("rmd17/rmd17_uracil_test_01.npz"), null);
        assertNull(first.velocities());
        assertEquals(0L, first.info().get("source_index"));
    }
}
