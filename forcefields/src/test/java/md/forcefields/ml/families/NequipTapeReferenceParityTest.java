package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.nequip.NequipImporter;
import md.forcefields.nequip.NequipReference;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The NequIP model on the tape executor, loaded from the reference fixture (nequip 0.6.2 / e3nn 0.5.1,
 * aspirin, l_max=2) through {@link NequipImporter} and {@link NequipConversion#toLearned}, reproduces the
 * reference energies, per-atom energies and autodiff forces of all 12 frames (incl. rotated/reflected
 * copies and pairs at r_max ± 1e-6).
 */
public class NequipTapeReferenceParityTest {

    /** config.yaml of the fixture; avg_num_neighbors from its exact hex value. */
    static NequipHyperparameters aspirinL2() {
        return new NequipHyperparameters(3, 2, true, 16, 3, 4.0, 8, true, 6.0, 2, 32,
                Double.parseDouble("0x1.4f496f783f320p+3"), false, "silu", "tanh", "silu", "tanh");
    }

    static Map<String, Object> config() throws IOException {
        try (Reader r = Files.newBufferedReader(NequipReference.aspirin("config.yaml"))) {
            return new Yaml().load(r);
        }
    }

    /** The fixture's model as a learned model (importer, then conversion). */
    public static LearnedModel load() throws IOException {
        return NequipConversion.toLearned(NequipImporter.fromReference(config(), Npz.read(NequipReference.aspirin("weights.npz"))));
    }

    @Test
    void conversionDerivesTheFixturesHyperparameters() throws IOException {
        LearnedModel model = load();
        Nequip arch = (Nequip) model.architecture();
        assertEquals(aspirinL2(), arch.hyperparameters());
        assertEquals(4.0, arch.cutoff(), 0.0);
        // nequip counts 62144 trainable numbers in this model (the imported NequipModel counts the same, see nequip.ReferenceParityTest)
        assertEquals(62144, model.parameterCount());
    }

    @Test
    void energiesAndForcesMatchTheReferenceOnEveryFrame() throws IOException {
        TapeExecutor model = new TapeExecutor(load());
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        double[] r = frames.get("R").data(), e = frames.get("E").data(), f = frames.get("F").data(), ea = frames.get("atomic_energy").data();
        double[] nEdges = frames.get("n_edges").data();
        int[] types = Arrays.stream(frames.get("types").data()).mapToInt(v -> (int) v).toArray();
        int k = e.length, n = types.length;
        assertEquals(12, k);
        double maxDe = 0, maxDf = 0, maxDea = 0;
        for (int fr = 0; fr < k; fr++) {
            double[] pos = Arrays.copyOfRange(r, fr * n * 3, (fr + 1) * n * 3);
            EdgeList edges = EdgeList.isolated(pos, 4.0);
            assertEquals((int) nEdges[fr], edges.size(), "edges of frame " + fr);
            Tensor positions = Tensor.of(pos, n, 3).requireGrad();
            TapeExecutor.Result out = model.evaluate(positions, Graph.of(types, edges));
            Tensor forces = out.forces(false);
            maxDe = Math.max(maxDe, Math.abs(out.energy().item() - e[fr]));
            for (int i = 0; i < n; i++) maxDea = Math.max(maxDea, Math.abs(out.atomicEnergies().data()[i] - ea[fr * n + i]));
            for (int c = 0; c < 3 * n; c++) maxDf = Math.max(maxDf, Math.abs(forces.data()[c] - f[fr * 3 * n + c]));
        }
        System.out.printf("tape executor reference parity over %d frames: max|dE| %.2e eV, max|dE_atom| %.2e eV, max|dF| %.2e eV/A%n", k, maxDe, maxDea, maxDf);
        assertTrue(maxDe < 1e-8, "energy error " + maxDe);
        assertTrue(maxDea < 1e-8, "atomic energy error " + maxDea);
        assertTrue(maxDf < 1e-7, "force error " + maxDf);
    }

    /** The state_dict checks now live in the importer: an unused or a missing tensor is an error that names it. */
    @Test
    void unknownOrMissingTensorsAreNamed() throws IOException {
        Map<String, Object> config = config();
        Map<String, NpyArray> dict = new LinkedHashMap<>(Npz.read(NequipReference.aspirin("weights.npz")));
        dict.put("model.model.func.extra.weight", new NpyArray("x", "<f8", new int[] {2}, new double[2], null));
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(config, dict));
        assertTrue(extra.getMessage().contains("model.model.func.extra.weight"), extra.getMessage());
        dict.remove("model.model.func.extra.weight");
        dict.remove("model.model.func." + Nequip.layerKey(1, "sc.weight"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(config, dict));
        assertTrue(missing.getMessage().contains("layer1_convnet.conv.sc.weight"), missing.getMessage());
    }

    /** The learned model checks its parameters against the architecture: a missing or misshaped one is named. */
    @Test
    void missingOrMisshapedParametersAreNamed() throws IOException {
        LearnedModel model = load();
        Map<String, double[]> values = new LinkedHashMap<>(model.parameters());
        String key = Nequip.layerKey(1, "sc.weight");
        values.remove(key);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> new LearnedModel(model.architecture(), values));
        assertTrue(missing.getMessage().contains(key) && missing.getMessage().contains("missing"), missing.getMessage());
        values.put(key, new double[3]);
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> new LearnedModel(model.architecture(), values));
        assertTrue(shape.getMessage().contains(key) && shape.getMessage().contains("has 3 values"), shape.getMessage());
        values.put(key, model.parameter(key));
        values.put("extra.weight", new double[2]);
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> new LearnedModel(model.architecture(), values));
        assertTrue(extra.getMessage().contains("extra.weight"), extra.getMessage());
    }
}
