package md.forcefields.nequip.differentiable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.autodiff.Tensor;
import md.forcefields.nequip.NequipReference;

import org.junit.jupiter.api.Test;

/**
 * The differentiable NequIP loaded from the reference fixture (nequip 0.6.2 / e3nn 0.5.1, aspirin, l_max=2)
 * reproduces the reference energies, per-atom energies and autodiff forces of all 12 frames
 * (incl. rotated/reflected copies and pairs at r_max ± 1e-6).
 */
class ReferenceParityTest {

    /** config.yaml of the fixture; avg_num_neighbors from its exact hex value. */
    static Hyperparameters aspirinL2() {
        return new Hyperparameters(3, 2, true, 16, 3, 4.0, 8, true, 6.0, 2, 32,
                Double.parseDouble("0x1.4f496f783f320p+3"), false, "silu", "tanh", "silu", "tanh");
    }

    static DifferentiableNequip load() throws IOException {
        var path = NequipReference.aspirin("weights.npz");
        return DifferentiableNequip.fromStateDict(aspirinL2(), Npz.read(path), path.toString());
    }

    @Test
    void energiesAndForcesMatchTheReferenceOnEveryFrame() throws IOException {
        DifferentiableNequip model = load();
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        double[] r = frames.get("R").data(), e = frames.get("E").data(), f = frames.get("F").data(), ea = frames.get("atomic_energy").data();
        double[] nEdges = frames.get("n_edges").data();
        int[] types = Arrays.stream(frames.get("types").data()).mapToInt(v -> (int) v).toArray();
        int k = e.length, n = types.length;
        double maxDe = 0, maxDf = 0, maxDea = 0;
        for (int fr = 0; fr < k; fr++) {
            double[] pos = Arrays.copyOfRange(r, fr * n * 3, (fr + 1) * n * 3);
            EdgeList edges = EdgeList.isolated(pos, 4.0);
            assertEquals((int) nEdges[fr], edges.size(), "edges of frame " + fr);
            Tensor positions = Tensor.of(pos, n, 3).requireGrad();
            DifferentiableNequip.Output out = model.evaluate(positions, types, edges);
            Tensor forces = DifferentiableNequip.forces(out, positions, false);
            maxDe = Math.max(maxDe, Math.abs(out.energy().item() - e[fr]));
            for (int i = 0; i < n; i++) maxDea = Math.max(maxDea, Math.abs(out.atomicEnergies().data()[i] - ea[fr * n + i]));
            for (int c = 0; c < 3 * n; c++) maxDf = Math.max(maxDf, Math.abs(forces.data()[c] - f[fr * 3 * n + c]));
        }
        System.out.printf("reference parity over %d frames: max|dE| %.2e eV, max|dE_atom| %.2e eV, max|dF| %.2e eV/A%n", k, maxDe, maxDea, maxDf);
        assertTrue(maxDe < 1e-8, "energy error " + maxDe);
        assertTrue(maxDea < 1e-8, "atomic energy error " + maxDea);
        assertTrue(maxDf < 1e-7, "force error " + maxDf);
    }

    @Test
    void unknownOrMissingTensorsAreNamed() throws IOException {
        var path = NequipReference.aspirin("weights.npz");
        Map<String, NpyArray> dict = new LinkedHashMap<>(Npz.read(path));
        dict.put("model.model.func.extra.weight", new NpyArray("x", "<f8", new int[] {2}, new double[2], null));
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> DifferentiableNequip.fromStateDict(aspirinL2(), dict, "w.npz"));
        assertTrue(extra.getMessage().contains("model.model.func.extra.weight"), extra.getMessage());
        dict.remove("model.model.func.extra.weight");
        dict.remove(DifferentiableNequip.PREFIX + DifferentiableNequip.layerKey(1, "sc.weight"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DifferentiableNequip.fromStateDict(aspirinL2(), dict, "w.npz"));
        assertTrue(missing.getMessage().contains("layer1_convnet.conv.sc.weight"), missing.getMessage());
    }
}
