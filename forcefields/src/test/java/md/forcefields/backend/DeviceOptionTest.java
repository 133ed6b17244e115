package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipModelFile;

/** The {@code device} key of the nequip force field: selection, and clear errors. */
// opens OpenCL (PoCL) force fields: not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock("md.device-backends")
class DeviceOptionTest {

    @TempDir Path dir;

    private void writeModel() throws Exception {
        NequipConfig cfg = NequipConfig.simple(new int[] {1, 8}, 3.0, 1, true, 4, 2, 4, 1, 8, 3.0,
                new double[] {1, 1}, new double[] {-0.3, -2.0}, 1.0);
        NequipModelFile.write(dir.resolve("m.nqp"), NequipModel.withRandomWeights(cfg, 3), "test");
    }

    private ForceField create(String device) {
        return ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", "m.nqp", "device", device), dir));
    }

    @Test void unknownDeviceNamesTheChoices() throws Exception {
        writeModel();
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class, () -> create("gpu"));
        assertEquals("device", e.key());
        assertTrue(e.getMessage().contains("[auto, java, opencl, cuda]"), e.getMessage());
    }

    @Test void openclDeviceAgreesWithTheHostPath() throws Exception {
        writeModel();
        double[] x = {0, 0, 0, 0.96, 0, 0, -0.24, 0.93, 0};
        Atoms atoms = new Atoms(new int[] {8, 1, 1}, x, Cell.NONE);
        NeighborList nl = NeighborList.allPairs(3, 4);
        double[] f0 = new double[9], f1 = new double[9];
        double e0, e1;
        try (ForceField host = create("java")) {
            assertFalse(host instanceof DeviceForceField);
            e0 = host.compute(atoms, nl, f0, null);
        }
        ForceField dev;
        try {
            dev = create("opencl");
        } catch (ForceFieldConfigException e) {
            // no OpenCL here: the message must say what to install
            assertEquals("device", e.key());
            assertTrue(e.getMessage().contains("pocl-opencl-icd") && e.getMessage().contains("device: java"), e.getMessage());
            return;
        }
        try (dev) {
            assertInstanceOf(DeviceForceField.class, dev);
            e1 = dev.compute(atoms, nl, f1, null);
        }
        assertEquals(e0, e1, 1e-12);
        for (int i = 0; i < 9; i++) assertEquals(f0[i], f1[i], 1e-12);
    }

    @Test void cudaWithoutADriverSaysSo() throws Exception {
        writeModel();
        try (ForceField ff = create("cuda")) {
            assertInstanceOf(DeviceForceField.class, ff); // a GPU machine
        } catch (ForceFieldConfigException e) {
            assertEquals("device", e.key());
            assertTrue(e.getMessage().startsWith("CUDA requested but"), e.getMessage());
        }
    }

    @Test void precisionKeySelectsFloat32OnADeviceAndIsCheckedEverywhere() throws Exception {
        writeModel();
        ForceFieldConfigException bad = assertThrows(ForceFieldConfigException.class,
                () -> ForceFields.create(new ForceFieldSpec("learned", Map.of("model", "m.nqp", "precision", "half"), dir)));
        assertEquals("precision", bad.key());
        assertTrue(bad.getMessage().contains("expected one of [float64, float32]"), bad.getMessage());
        try (ForceField host = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", "m.nqp", "device", "java", "precision", "float32"), dir));
             ForceField host64 = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", "m.nqp"), dir))) {
            assertTrue(((md.forcefields.ml.potential.LearnedForceField) host).float32(), "device: java with float32 runs the host's float32 kernels");
            assertFalse(((md.forcefields.ml.potential.LearnedForceField) host64).float32(), "float64 stays the default");
        }
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", "m.nqp", "device", "opencl", "precision", "float32"), dir))) {
            assertEquals(Precision.FLOAT32, ((DeviceForceField) ff).backend().precision());
        } catch (ForceFieldConfigException e) { // no OpenCL here
            assertEquals("device", e.key());
        }
    }
}
