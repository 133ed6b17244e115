package md.forcefields.torchmdnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.families.EquivariantTransformerHyperparameters;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.training.ModelEvaluation;
import md.forcefields.training.Objective;
import md.forcefields.training.TrainingFrame;

/**
 * {@code md train}'s torchmdnet-et options: errors name their key; a new model's energy is the fitted
 * composition energy plus σ_F times the untrained network's output, its forces σ_F times the network's;
 * the initialisation depends on the seed only.
 */
class TorchmdNetTrainingTest {
    private static final int[] SPECIES = {1, 6, 8};
    private static final double[] SHIFTS = {-13.6, -1029.8, -2041.3};
    private static final double FORCE_RMS = 1.7;
    private static final DatasetStatistics STATS = new DatasetStatistics(SPECIES, 3.0, SHIFTS, FORCE_RMS);
    private static final Map<String, Object> SMALL = Map.of("embedding_dimension", 16, "num_layers", 2, "num_rbf", 8, "num_heads", 4, "cutoff_upper", 4.0);

    private static ModelFamily.Training training() {
        ModelFamily.Training t = ModelFamilies.get(EquivariantTransformer.FAMILY).training();
        assertTrue(t instanceof TorchmdNetTraining, "torchmdnet-et's md train support is registered");
        return t;
    }

    private static ForceFieldSpec options(Map<String, Object> o) { return new ForceFieldSpec(EquivariantTransformer.FAMILY, o, null); }

    private static Map<String, Object> small(Object... keyValues) {
        Map<String, Object> m = new HashMap<>(SMALL);
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    @Test
    void badOptionsAreErrorsNamingTheirKey() {
        ModelFamily.Training t = training();
        Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
        cases.put(small("num_heads", 5), "num_heads");                     // does not divide 16
        cases.put(small("embedding_dimenson", 32), "embedding_dimenson");  // typo: unknown key
        cases.put(small("rbf_type", "gauss"), "rbf_type");
        cases.put(small("cutoff_upper", -1.0), "cutoff_upper");
        cases.put(small("cutoff_upper", "far"), "cutoff_upper");
        cases.put(small("cutoff_lower", 0.5), "cutoff_lower");
        cases.put(small("activation", "gelu"), "activation");
        cases.put(small("attn_activation", 3), "attn_activation");
        cases.put(small("distance_influence", "all"), "distance_influence");
        cases.put(small("num_layers", 0), "num_layers");
        cases.put(small("num_rbf", 2.5), "num_rbf");
        cases.put(small("trainable_rbf", "yes"), "trainable_rbf");
        cases.put(small("vector_cutoff", 1), "vector_cutoff");
        cases.put(small("max_num_neighbors", 32), "max_num_neighbors");
        cases.put(small("prior_model", "Atomref"), "prior_model");
        cases.put(small("std", 2.0), "std");
        for (Map.Entry<Map<String, Object>, String> c : cases.entrySet()) {
            ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class, () -> t.validate(options(c.getKey())), c.getKey().toString());
            assertEquals(c.getValue(), e.key(), e.getMessage());
        }
        ForceFieldConfigException typo = assertThrows(ForceFieldConfigException.class, () -> t.validate(options(small("embedding_dimenson", 32))));
        assertTrue(typo.getMessage().contains("did you mean 'embedding_dimension'"), typo.getMessage());
        // max_z is checked against the data's species when the model is made
        ForceFieldConfigException z = assertThrows(ForceFieldConfigException.class, () -> t.initial(options(small("max_z", 8)), STATS, 1));
        assertEquals("max_z", z.key(), z.getMessage());

        t.validate(options(Map.of()));
        assertEquals(5.0, t.cutoffAngstrom(options(Map.of())));
        assertEquals(4.0, t.cutoffAngstrom(options(SMALL)));
        // every option is documented in help(), one line each
        List<String> help = t.help();
        assertEquals(TorchmdNetTraining.KEYS.size(), help.size());
        for (String key : TorchmdNetTraining.KEYS) assertTrue(help.stream().anyMatch(l -> l.startsWith(key + ":")), key + " in help");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        EquivariantTransformer et = (EquivariantTransformer) training().initial(options(Map.of()), STATS, 3).architecture();
        assertEquals(new EquivariantTransformerHyperparameters(64, 3, 32, 8, 5.0, 100, true, "both", "silu", "silu", true, true, true), et.hyperparameters());
        assertArrayEquals(SPECIES, et.atomicNumbers());
    }

    /**
     * E = σ_F·Σ_i ε_i + Σ_i shift[Z_i] exactly (ε the raw network, std 1 and no prior, same weights), forces
     * σ_F times the raw network's, and the network's part is of the order of σ_F per atom: an untrained model
     * starts at the composition energy.
     */
    @Test
    void anInitialModelStartsAtTheSpeciesShiftsWithinTheNetworkScale() {
        LearnedModel m = training().initial(options(SMALL), STATS, 11);
        assertEquals(FORCE_RMS, m.parameter(EquivariantTransformer.STD)[0]);
        assertEquals(0.0, m.parameter(EquivariantTransformer.MEAN)[0]);
        Map<String, double[]> raw = new HashMap<>(m.parameters());
        raw.put(EquivariantTransformer.STD, new double[] {1});
        raw.put(EquivariantTransformer.ATOMREF, new double[m.parameter(EquivariantTransformer.ATOMREF).length]);
        LearnedModel network = new LearnedModel(m.architecture(), raw);

        Random rng = new Random(5);
        double worstPerAtom = 0;
        for (int k = 0; k < 4; k++) {
            int[] z = {8, 6, 1, 1, 6, 1, 1 + 7 * (k % 2)};
            double[] pos = molecule(z.length, rng);
            double composition = 0;
            for (int a : z) composition += SHIFTS[java.util.Arrays.binarySearch(SPECIES, a)];
            List<TrainingFrame> frame = List.of(new TrainingFrame(z, pos, null, null, Objective.EQUILIBRIUM, "test"));
            ModelEvaluation.Prediction p = ModelEvaluation.predict(m, frame).get(0), n = ModelEvaluation.predict(network, frame).get(0);
            assertEquals(composition + FORCE_RMS * n.energyEv(), p.energyEv(), 1e-12 * Math.abs(composition));
            double fNorm = 0;
            for (int i = 0; i < pos.length; i++) {
                assertEquals(FORCE_RMS * n.forcesEvPerA()[i], p.forcesEvPerA()[i], 1e-12 * FORCE_RMS * (1 + Math.abs(n.forcesEvPerA()[i])));
                fNorm += p.forcesEvPerA()[i] * p.forcesEvPerA()[i];
            }
            assertTrue(fNorm > 0, "the untrained model's forces depend on the positions");
            double perAtom = Math.abs(p.energyEv() - composition) / z.length;
            worstPerAtom = Math.max(worstPerAtom, perAtom);
            System.out.printf("frame %d: E − Σ shifts = %.4f eV (%d atoms; shifts sum to %.1f eV)%n", k, p.energyEv() - composition, z.length, composition);
        }
        assertTrue(worstPerAtom > 0 && worstPerAtom < 3 * FORCE_RMS, "network part per atom " + worstPerAtom + " eV vs σ_F " + FORCE_RMS);
    }

    @Test
    void theInitialisationDependsOnTheSeedOnly() {
        ModelFamily.Training t = training();
        LearnedModel a = t.initial(options(SMALL), STATS, 7), b = t.initial(options(SMALL), STATS, 7), c = t.initial(options(SMALL), STATS, 8);
        assertEquals(a.parameters().keySet(), b.parameters().keySet());
        boolean differs = false;
        for (String k : a.parameters().keySet()) {
            assertArrayEquals(a.parameter(k), b.parameter(k), 0.0, k);
            differs |= !java.util.Arrays.equals(a.parameter(k), c.parameter(k));
        }
        assertTrue(differs, "another seed draws other weights");
        assertEquals(((EquivariantTransformer) a.architecture()).hyperparameters(), ((EquivariantTransformer) c.architecture()).hyperparameters());
        assertArrayEquals(a.architecture().atomicNumbers(), c.architecture().atomicNumbers());
        assertFalse(java.util.Arrays.equals(a.parameter(EquivariantTransformer.EMBEDDING), c.parameter(EquivariantTransformer.EMBEDDING)));
    }

    /** n atoms in a 3 Å box, no two closer than 0.9 Å. */
    private static double[] molecule(int n, Random rng) {
        double[] r = new double[3 * n];
        for (int i = 0; i < n; i++) {
            boolean ok;
            do {
                for (int c = 0; c < 3; c++) r[3 * i + c] = 3.0 * rng.nextDouble();
                ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double d2 = 0;
                    for (int c = 0; c < 3; c++) d2 += (r[3 * i + c] - r[3 * j + c]) * (r[3 * i + c] - r[3 * j + c]);
                    ok = d2 > 0.81;
                }
            } while (!ok);
        }
        return r;
    }
}
