package md.forcefields.nequip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.families.Nequip;

class NequipModelFileTest {

    @TempDir Path dir;

    static NequipModel small() {
        return NequipModel.withRandomWeights(NequipSymmetryTest.withResnet(
                NequipConfig.simple(new int[] {1, 6, 8}, 3.0, 1, true, 4, 2, 4, 1, 8, 5.5, new double[] {1, 1.1, 0.9},
                        new double[] {-0.3, -1, -2}, 1.7), 0.25), 7);
    }

    @Test void roundTripIsExact() throws IOException {
        NequipModel m = small();
        Path f = dir.resolve("m.nqp");
        NequipModelFile.write(f, m, "test");
        NequipModel back = NequipModelFile.read(f);
        assertEquals(m.weights().keySet(), back.weights().keySet());
        for (String k : m.weights().keySet()) assertArrayEquals(m.weight(k), back.weight(k), k);
        assertEquals(m.config().avgNumNeighbors(), back.config().avgNumNeighbors());
        assertEquals(m.config().featureIrrepsHidden(), back.config().featureIrrepsHidden());
        assertEquals(m.config().globalShift(), back.config().globalShift());
        assertTrue(back.config().resnet());
        // the MD executor has no global energy shift: the same model without it computes the same after a round trip
        NequipModel runnable = smallWithoutGlobalShift();
        NequipModelFile.write(f, runnable, "test");
        NequipModel runnableBack = NequipModelFile.read(f);
        double[] x = {0, 0, 0, 1.0, 0.2, 0, -0.3, 0.9, 0.1, 0.5, -0.8, 0.4};
        int[] t = {1, 0, 0, 2};
        double[] f1 = new double[12], f2 = new double[12];
        double e1 = new PlanExecutor(NequipConversion.toLearned(runnable)).compute(x, t, NeighborList.allPairs(4, 3), f1, null, null);
        double e2 = new PlanExecutor(NequipConversion.toLearned(runnableBack)).compute(x, t, NeighborList.allPairs(4, 3), f2, null, null);
        assertEquals(e1, e2, 0.0);
        assertArrayEquals(f1, f2, 0.0);
    }

    /** {@link #small} without the global energy shift: a configuration the MD executor runs ({@link NequipConversion}). */
    static NequipModel smallWithoutGlobalShift() {
        NequipConfig c = small().config();
        NequipConfig noShift = new NequipConfig(c.atomicNumbers(), c.rMax(), c.numBasis(), c.besselTrainable(), c.polynomialCutoffP(), c.numLayers(),
                c.featureIrrepsHidden(), c.irrepsEdgeSh(), c.chemicalEmbeddingIrreps(), c.convToOutputHiddenIrreps(), c.invariantLayers(),
                c.invariantNeurons(), c.avgNumNeighbors(), c.resnet(), c.useSc(), c.scalarsEven(), c.scalarsOdd(), c.gatesEven(), c.gatesOdd(),
                c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale(), 0.0, c.energyUnit(), c.lengthUnit());
        return NequipModel.withRandomWeights(noShift, 7);
    }

    @Test void fixedBesselFrequenciesAreStoredAndUsed() throws IOException {
        NequipConfig c = NequipSymmetryTest.fixedBessel(); // BesselBasis_trainable: false, 5 basis functions
        assertFalse(c.besselTrainable());
        NequipModel nPi = NequipModel.withRandomWeights(c, 11);
        assertArrayEquals(new double[] {Math.PI, 2 * Math.PI, 3 * Math.PI, 4 * Math.PI, 5 * Math.PI}, nPi.besselWeights(), 0.0);
        double[] w = {3.0, 6.5, 9.1, 12.9, 15.2};
        NequipModel m = new NequipModel(c, nPi.weights(), w);
        assertArrayEquals(w, m.besselWeights(), 0.0);
        assertEquals(nPi.parameterCount(), m.parameterCount(), "a buffer is not a parameter");

        Path f = dir.resolve("fixed.nqp");
        NequipModelFile.write(f, m, "test");
        NequipModel back = NequipModelFile.read(f);
        assertFalse(back.config().besselTrainable());
        assertArrayEquals(w, back.besselWeights(), 0.0);
        assertEquals(m.weights().keySet(), back.weights().keySet());
        double[] x = {0, 0, 0, 1.0, 0.2, 0, -0.3, 0.9, 0.1, 0.5, -0.8, 0.4};
        int[] t = {1, 0, 3, 2};
        double eM = energy(m, x, t), eBack = energy(back, x, t), eNPi = energy(nPi, x, t);
        assertEquals(eM, eBack, 0.0);
        assertTrue(Math.abs(eM - eNPi) > 1e-6, "the frequencies should change the energy: " + eM + " vs " + eNPi);

        // a file written before fixed frequencies were stored has no such entry: nπ
        Path old = dir.resolve("old.nqp");
        try (var in = new java.util.zip.ZipFile(f.toFile()); OutputStream os = Files.newOutputStream(old); ZipOutputStream z = new ZipOutputStream(os)) {
            for (var e : java.util.Collections.list(in.entries())) {
                if (e.getName().equals("weights/" + Nequip.BESSEL + ".npy")) continue;
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(in.getInputStream(e).readAllBytes());
            }
        }
        assertEquals(eNPi, energy(NequipModelFile.read(old), x, t), 0.0);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NequipModel(c, nPi.weights(), new double[4]));
        assertTrue(e.getMessage().contains(Nequip.BESSEL), e.getMessage());
        NequipModel trainable = small();
        e = assertThrows(IllegalArgumentException.class, () -> new NequipModel(trainable.config(), trainable.weights(), new double[4]));
        assertTrue(e.getMessage().contains("trainable"), e.getMessage());
    }

    static double energy(NequipModel m, double[] x, int[] t) {
        PlanExecutor ev = new PlanExecutor(NequipConversion.toLearned(m));
        double e = ev.compute(x, t, NeighborList.allPairs(t.length, 3), new double[x.length], null, null);
        ev.close();
        return e;
    }

    @Test void providerLoadsTheFileAndComputes() throws IOException {
        // the provider runs .nqp files through the learned-model layer, which has no global energy shift: such a
        // file is rejected with the reason, one without it loads and computes
        NequipModelFile.write(dir.resolve("shifted.nqp"), small(), "test");
        ForceFieldConfigException shifted = assertThrows(ForceFieldConfigException.class,
                () -> ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", "shifted.nqp"), dir)));
        assertTrue(shifted.getMessage().contains("global shift"), shifted.getMessage());
        NequipModelFile.write(dir.resolve("m.nqp"), smallWithoutGlobalShift(), "test");
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", "m.nqp"), dir))) {
            assertEquals("nequip", ff.name());
            assertEquals(3.0, ff.cutoffAngstrom());
            assertTrue(ff.supportsElement(8));
            assertFalse(ff.supportsElement(7));
            double[] f = new double[6], vir = new double[9];
            double e = ff.compute(new Atoms(new int[] {6, 8}, new double[] {0, 0, 0, 1.2, 0, 0}, Cell.NONE), NeighborList.allPairs(2, 3), f, vir);
            assertTrue(Double.isFinite(e));
            assertEquals(0, f[0] + f[3], 1e-12, "Newton's third law");
            assertEquals(-1.2 * -f[3], vir[0], 1e-12, "virial −r⊗∂E/∂r of the one pair");
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> ff.compute(new Atoms(new int[] {6, 7}, new double[] {0, 0, 0, 1.2, 0, 0}, Cell.NONE), NeighborList.allPairs(2, 3), f, null));
            assertTrue(x.getMessage().contains("element N,"), x.getMessage()); // names the element it does not know (by symbol)
        }
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class,
                () -> ForceFields.create(new ForceFieldSpec("nequip", Map.of("modle", "m.nqp"), dir)));
        assertTrue(e.getMessage().contains("did you mean 'model'"), e.getMessage());
    }

    @Test void clearErrorsForFilesThatAreNotModels() throws IOException {
        Path text = dir.resolve("x.nqp");
        Files.writeString(text, "hello");
        IOException e = assertThrows(IOException.class, () -> NequipModelFile.read(text));
        assertTrue(e.getMessage().contains("not a NequIP model file"), e.getMessage());

        Path otherZip = dir.resolve("y.nqp");
        try (OutputStream os = Files.newOutputStream(otherZip); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("a.npy"));
            z.write(1);
        }
        e = assertThrows(IOException.class, () -> NequipModelFile.read(otherZip));
        assertTrue(e.getMessage().contains("not a NequIP model file"), e.getMessage());

        Path future = dir.resolve("z.nqp");
        try (OutputStream os = Files.newOutputStream(future); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("model.json"));
            z.write("{\"format\": \"md-nequip-model\", \"version\": 99}".getBytes());
        }
        e = assertThrows(IOException.class, () -> NequipModelFile.read(future));
        assertTrue(e.getMessage().contains("version 99 is not supported"), e.getMessage());

        ForceFieldConfigException fe = assertThrows(ForceFieldConfigException.class,
                () -> ForceFields.create(new ForceFieldSpec("nequip", Map.of("model", "x.nqp"), dir)));
        assertEquals("model", fe.key());
        assertTrue(fe.getMessage().contains("x.nqp"), fe.getMessage());
    }
}
