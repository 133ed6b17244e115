package md.forcefields.nequip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;

/**
 * Parity with the reference implementation (nequip 0.6.2 / e3nn 0.5.1) on the aspirin-l2 fixture:
 * every frame's energy, per-atom energies and forces, and frame 0 layer by layer.
 */
class ReferenceParityTest {

    static NequipModel model;
    static Map<String, NpyArray> frames;

    @BeforeAll static void load() throws IOException {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(NequipReference.aspirin("config.yaml"))) {
            config = new Yaml().load(r);
        }
        model = NequipImporter.fromReference(config, Npz.read(NequipReference.aspirin("weights.npz")));
        frames = Npz.read(NequipReference.aspirin("frames.npz"));
    }

    static int[] types(int[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) t[i] = model.config().typeOf(z[i]);
        return t;
    }

    @Test void derivedArchitectureMatchesReference() {
        assertEquals(62144, model.parameterCount());
        var layers = model.architecture().layers();
        assertEquals("16x0e+16x2e+16x1o", layers.get(0).gate().irrepsOut().toString());
        assertEquals("16x0e+16x1e+16x2e+16x1o+16x2o", layers.get(1).gate().irrepsOut().toString());
        assertEquals("16x0e+16x0o+16x1e+16x2e+16x1o+16x2o", layers.get(2).gate().irrepsOut().toString());
        assertEquals("48x0e+64x1o+32x1e+32x2o+64x2e", layers.get(1).tp().irrepsOut().toString());
        assertEquals("16x0o+80x0e+16x1o+16x1e+16x2o+16x2e", layers.get(2).gate().irrepsIn().toString());
        assertEquals(432, layers.get(2).tp().weightNumel());
    }

    @Test void energiesAndForcesOfEveryFrame() {
        int[] z = frames.get("z").asInts();
        int[] t = types(z);
        int n = z.length, k = frames.get("E").data().length;
        assertEquals(12, k);
        NequipEvaluator ev = new NequipEvaluator(model);
        double[] f = new double[3 * n], ea = new double[n];
        double maxDE = 0, maxDF = 0, maxDEa = 0;
        for (int frame = 0; frame < k; frame++) {
            double[] r = frames.get("R").slice(frame);
            double e = ev.compute(r, t, NeighborList.allPairs(n, 5.0), f, null, ea);
            assertEquals(frames.get("n_edges").data()[frame], ev.edgeCount(), "edges of frame " + frame);
            maxDE = Math.max(maxDE, Math.abs(e - frames.get("E").data()[frame]));
            double[] fr = frames.get("F").slice(frame), ar = frames.get("atomic_energy").slice(frame);
            for (int i = 0; i < 3 * n; i++) maxDF = Math.max(maxDF, Math.abs(f[i] - fr[i]));
            for (int i = 0; i < n; i++) maxDEa = Math.max(maxDEa, Math.abs(ea[i] - ar[i]));
        }
        System.out.printf("NequIP parity over 12 frames: max|dE| = %.3e eV, max|dF| = %.3e eV/A, max|dE_atom| = %.3e eV%n", maxDE, maxDF, maxDEa);
        assertTrue(maxDE < 1e-10, "energy error " + maxDE);
        assertTrue(maxDEa < 1e-10, "per-atom energy error " + maxDEa);
        assertTrue(maxDF < 1e-9, "force error " + maxDF);
    }

    @Test void frameZeroLayerByLayer() throws IOException {
        Map<String, NpyArray> im = Npz.read(NequipReference.aspirin("intermediates.npz"));
        int[] t = im.get("types").asInts();
        int n = t.length;
        NequipEvaluator ev = new NequipEvaluator(model);
        ev.compute(im.get("R").data(), t, NeighborList.allPairs(n, 5.0), new double[3 * n], null, null);
        assertClose("chemical_embedding", im.get("chemical_embedding").data(), ev.chemicalEmbeddingOutput(), 1e-13);
        int layers = model.architecture().layers().size();
        for (int k = 0; k < layers - 1; k++) {
            assertClose("layer" + k + ".linear_1", im.get("layer" + k + ".linear_1").data(), ev.layerLinear1(k), 1e-12);
            assertClose("layer" + k + ".aggregated", im.get("layer" + k + ".aggregated").data(), ev.layerAggregated(k), 1e-12);
            assertClose("layer" + k + ".conv_out", im.get("layer" + k + ".conv_out").data(), ev.layerGateInput(k), 1e-12);
            assertClose("layer" + k + ".out", im.get("layer" + k + ".out").data(), ev.layerOutput(k), 1e-12);
        }
        // the last block evaluates only what reaches the energy: its 0e output block (first 16 columns)
        double[] ref = im.get("layer" + (layers - 1) + ".out").data(), ours = ev.layerOutput(layers - 1);
        int dim = ref.length / n;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 16; c++) assertEquals(ref[i * dim + c], ours[i * dim + c], 1e-12, "last layer 0e output");
        assertClose("atomic_energy_raw", im.get("atomic_energy_raw").data(), ev.rawAtomicOutput(), 1e-12);
    }

    @Test void importerRejectsInconsistentWeights() throws IOException {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(NequipReference.aspirin("config.yaml"))) {
            config = new Yaml().load(r);
        }
        Map<String, NpyArray> sd = new java.util.LinkedHashMap<>(Npz.read(NequipReference.aspirin("weights.npz")));
        String key = "model.model.func.layer1_convnet.conv.linear_2.weight";
        sd.remove(key);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(config, sd));
        assertTrue(e.getMessage().startsWith(key) && e.getMessage().contains("missing"), e.getMessage());
        Map<String, Object> c2 = new java.util.LinkedHashMap<>(config);
        c2.put("l_max", 1);
        e = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(c2, Npz.read(NequipReference.aspirin("weights.npz"))));
        assertTrue(e.getMessage().contains("shape") || e.getMessage().contains("not used"), e.getMessage());
    }

    private static void assertClose(String what, double[] ref, double[] ours, double tol) {
        assertEquals(ref.length, ours.length, what + " size");
        double max = 0;
        for (int i = 0; i < ref.length; i++) max = Math.max(max, Math.abs(ref[i] - ours[i]));
        assertTrue(max < tol, what + ": max abs difference " + max);
    }
}
