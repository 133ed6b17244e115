package md.forcefields.nequip;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;

/**
 * {@link NequipImporter} on variants of the aspirin-l2 reference state_dict (nequip 0.6.2): Bessel
 * frequencies as a fixed buffer ({@code BesselBasis_trainable: false}), and entries it cannot place.
 */
class NequipImporterTest {

    static final String PREFIX = "model.model.func.";
    static final String BESSEL_KEY = PREFIX + Nequip.BESSEL;

    @TempDir Path dir;

    static Map<String, Object> config(boolean besselTrainable) throws IOException {
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(NequipReference.aspirin("config.yaml"))) {
            config = new Yaml().load(r);
        }
        config = new LinkedHashMap<>(config);
        config.remove("_fixture");
        config.put("BesselBasis_trainable", besselTrainable);
        return config;
    }

    static Map<String, NpyArray> weights() throws IOException {
        return new LinkedHashMap<>(Npz.read(NequipReference.aspirin("weights.npz")));
    }

    /** E (index 0) then the 3N forces of one frame, from the MD executor. */
    static double[] energyAndForces(NequipModel model, double[] r, int[] types) {
        int n = types.length;
        double[] out = new double[1 + 3 * n], f = new double[3 * n];
        PlanExecutor ev = new PlanExecutor(NequipConversion.toLearned(model));
        out[0] = ev.compute(r, types, NeighborList.allPairs(n, 5.0), f, null, null);
        ev.close();
        System.arraycopy(f, 0, out, 1, 3 * n);
        return out;
    }

    /** The fixture's frequencies plus a small change (a few 1e-2), so that they are neither nπ nor the fixture's. */
    static double[] perturbed(double[] w) {
        double[] p = w.clone();
        for (int i = 0; i < p.length; i++) p[i] += 0.03 * (i + 1) * (i % 2 == 0 ? 1 : -1);
        return p;
    }

    @Test void fixedBesselBufferReproducesTheReferenceEnergies() throws IOException {
        // The fixture's frequencies were trained (perturbed) parameters: loaded as a buffer they are the same
        // function, so nequip's own energies and forces must come out, which they could not with nπ.
        Map<String, NpyArray> sd = weights();
        double[] w = sd.get(BESSEL_KEY).data();
        double maxFromNPi = 0;
        for (int i = 0; i < w.length; i++) maxFromNPi = Math.max(maxFromNPi, Math.abs(w[i] - (i + 1) * Math.PI));
        assertTrue(maxFromNPi > 1e-2, "fixture frequencies should differ from nπ, max diff " + maxFromNPi);

        NequipModel model = NequipImporter.fromReference(config(false), sd);
        assertFalse(model.config().besselTrainable());
        assertArrayEquals(w, model.besselWeights(), 0.0);
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        int[] types = frames.get("types").asInts();
        for (int k = 0; k < 12; k++) {
            double[] ef = energyAndForces(model, frames.get("R").slice(k), types);
            assertEquals(frames.get("E").data()[k], ef[0], 1e-10, "energy of frame " + k);
            double[] fr = frames.get("F").slice(k);
            for (int i = 0; i < fr.length; i++) assertEquals(fr[i], ef[1 + i], 1e-9, "frame " + k + " force " + i);
        }
    }

    @Test void perturbedFixedBesselBufferIsUsedAndStoredInTheModelFile() throws IOException {
        Map<String, NpyArray> sd = weights();
        double[] w = perturbed(sd.get(BESSEL_KEY).data());
        sd.put(BESSEL_KEY, new NpyArray(BESSEL_KEY, "<f8", new int[] {w.length}, w, null));
        NequipModel model = NequipImporter.fromReference(config(false), sd);
        assertArrayEquals(w, model.besselWeights(), 0.0);
        // nequip counts parameters only: the 8 frequencies are a buffer now (62144 with trainable frequencies)
        assertEquals(62144 - 8, model.parameterCount());

        // Reference for these frequencies: the model layer's NequIP on the tape (autodiff forces), with the
        // state_dict's arrays placed here by their names (not by the importer).
        NequipHyperparameters hp = new NequipHyperparameters(3, 2, true, 16, 3, 4.0, 8, false, 6.0, 2, 32,
                (Double) config(false).get("avg_num_neighbors"), false, "silu", "tanh", "silu", "tanh");
        Nequip arch = new Nequip(hp, new int[] {1, 6, 8}, sd.get("model.scale_by").data()[0]);
        Map<String, double[]> values = new java.util.LinkedHashMap<>();
        for (String name : arch.parameters().keySet()) values.put(name, sd.get("model.model.func." + name).data().clone());
        TapeExecutor diff = new TapeExecutor(new LearnedModel(arch, values));
        // And the same numbers imported as a trainable parameter: the same function.
        NequipModel trainable = NequipImporter.fromReference(config(true), sd);

        Path file = dir.resolve("fixed-bessel.nqp");
        NequipModelFile.write(file, model, "test");
        NequipModel back = NequipModelFile.read(file);
        assertFalse(back.config().besselTrainable());
        assertArrayEquals(w, back.besselWeights(), 0.0);
        assertEquals(model.parameterCount(), back.parameterCount());

        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        int[] types = frames.get("types").asInts();
        int n = types.length;
        for (int k : new int[] {0, 3, 9, 10}) {
            double[] r = frames.get("R").slice(k);
            double[] ef = energyAndForces(model, r, types);
            Tensor positions = Tensor.of(r.clone(), n, 3).requireGrad();
            TapeExecutor.Result out = diff.evaluate(positions, Graph.of(types, EdgeList.isolated(r, 4.0)));
            double[] fd = out.forces(false).data();
            assertEquals(out.energy().item(), ef[0], 1e-11, "frame " + k + ": plan vs tape executor energy");
            for (int i = 0; i < 3 * n; i++) assertEquals(fd[i], ef[1 + i], 1e-10, "frame " + k + " force " + i);
            // the frequencies matter: the reference energy (fixture frequencies) is clearly different
            assertTrue(Math.abs(ef[0] - frames.get("E").data()[k]) > 1e-4, "frame " + k + ": perturbation had no effect");
            assertArrayEquals(energyAndForces(trainable, r, types), ef, 1e-12, "frame " + k + ": trainable vs buffer import");
            assertArrayEquals(ef, energyAndForces(back, r, types), 0.0, "frame " + k + ": model file round trip");
        }
    }

    @Test void fixedBesselBufferMustBePresentWithTheRightShape() throws IOException {
        Map<String, NpyArray> sd = weights();
        sd.remove(BESSEL_KEY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(config(false), sd));
        assertTrue(e.getMessage().startsWith(BESSEL_KEY) && e.getMessage().contains("missing"), e.getMessage());
        sd.put(BESSEL_KEY, new NpyArray(BESSEL_KEY, "<f8", new int[] {7}, new double[7], null));
        e = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(config(false), sd));
        assertTrue(e.getMessage().startsWith(BESSEL_KEY) && e.getMessage().contains("shape"), e.getMessage());
    }

    @Test void everyEntryTheImporterCannotPlaceIsAnErrorNamingIt() throws IOException {
        Map<String, Object> config = config(true);
        String[] extras = {
                PREFIX + "extra_module.weight",                        // numbers nothing uses
                PREFIX + "layer3_convnet.conv.linear_1.output_mask",   // a fourth layer in a 3-layer model
                PREFIX + "extra_module.bias",                          // empty, but of a module the model lacks
                PREFIX + "layer0_convnet.conv.tp._compiled_main_left_right.something", // not a _w3j_ buffer
                "model.extra_buffer",                                  // outside the network
        };
        for (String key : extras) {
            Map<String, NpyArray> sd = weights();
            int[] shape = key.endsWith(".bias") ? new int[] {0} : new int[] {3};
            sd.put(key, new NpyArray(key, "<f8", shape, new double[shape[0]], null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(config, sd), key);
            assertTrue(e.getMessage().startsWith(key + ": ") && e.getMessage().contains("not used"), e.getMessage());
        }
        // the entries nequip itself writes that carry no numbers of their own are accepted (the fixture has them all)
        Map<String, NpyArray> sd = weights();
        assertTrue(sd.containsKey(PREFIX + "layer1_convnet.conv.tp._compiled_main_left_right._w3j_1_1_1"));
        assertTrue(sd.containsKey(PREFIX + "layer0_convnet.equivariant_nonlin.mul.output_mask"));
        assertDoesNotThrow(() -> NequipImporter.fromReference(config, sd));
        // a wrong Wigner 3j buffer is named too
        String w3j = PREFIX + "layer1_convnet.conv.tp._compiled_main_left_right._w3j_1_1_1";
        double[] bad = sd.get(w3j).data().clone();
        bad[0] += 0.1;
        sd.put(w3j, new NpyArray(w3j, "<f8", sd.get(w3j).shape(), bad, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NequipImporter.fromReference(config, sd));
        assertTrue(e.getMessage().startsWith(w3j + ": "), e.getMessage());
    }

    @Test void stateDictOfTheRescaleOutputGivesTheSameModel() throws IOException {
        // nequip's RescaleOutput saved on its own: 'model.func.*' next to 'scale_by'/'shift_by'
        Map<String, NpyArray> full = weights(), inner = new LinkedHashMap<>();
        for (var e : full.entrySet()) {
            assertTrue(e.getKey().startsWith("model."), e.getKey());
            inner.put(e.getKey().substring("model.".length()), e.getValue());
        }
        NequipModel a = NequipImporter.fromReference(config(false), full), b = NequipImporter.fromReference(config(false), inner);
        assertEquals(a.config().globalScale(), b.config().globalScale());
        assertArrayEquals(a.besselWeights(), b.besselWeights(), 0.0);
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        int[] types = frames.get("types").asInts();
        double[] r = frames.get("R").slice(0);
        double[] eb = energyAndForces(b, r, types);
        assertEquals(frames.get("E").data()[0], eb[0], 1e-10);
        assertArrayEquals(energyAndForces(a, r, types), eb, 0.0);
    }
}
