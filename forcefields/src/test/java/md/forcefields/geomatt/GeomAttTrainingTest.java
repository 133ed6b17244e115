package md.forcefields.geomatt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.training.ModelEvaluation;
import md.forcefields.training.Objective;
import md.forcefields.training.TrainingFrame;

/**
 * {@code md train}'s GeomAtt options ({@link GeomAttTraining}): defaults are the paper's model, errors name the key,
 * and an initial model's energy is the sum of the per-species shifts plus σ_F times an order-one model energy.
 */
class GeomAttTrainingTest {
    private static final ModelFamily.Training TRAINING = new GeomAttFamily().training();
    /** Ethanol, C C O H×6 (Å). */
    private static final int[] Z = {6, 6, 8, 1, 1, 1, 1, 1, 1};
    private static final double[] X = {0.00, 0.00, 0.00, 1.52, 0.00, 0.00, 2.00, 1.35, 0.00, -0.39, 1.02, 0.00, -0.39, -0.51, 0.88,
            -0.39, -0.51, -0.88, 1.90, -0.50, 0.89, 1.90, -0.50, -0.89, 2.96, 1.33, 0.05};
    private static final int[] SPECIES = {1, 6, 8};
    private static final double[] SHIFTS = {-13.6, -1029.8, -2041.7};
    private static final double FORCE_RMS = 1.3;
    private static final DatasetStatistics STATS = new DatasetStatistics(SPECIES, 8.0, SHIFTS, FORCE_RMS);

    private static ForceFieldSpec options(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new ForceFieldSpec("geomatt", m, null);
    }

    private static ModelEvaluation.Prediction predict(LearnedModel model) {
        TrainingFrame f = new TrainingFrame(Z, X.clone(), 0.0, new double[X.length], Objective.ENERGY_AND_FORCES, "ethanol");
        return ModelEvaluation.predict(model, List.of(f)).get(0);
    }

    private static String printable(Map<String, Object> spec) {
        Map<String, Object> m = new java.util.TreeMap<>(spec);
        m.put("atomic_numbers", Arrays.toString((int[]) m.get("atomic_numbers")));
        return m.toString();
    }

    /**
     * standardise_energies: E = σ_E·Ê + μ_E with the training energies' statistics (no species shifts); continuing such a
     * model on another data set (init_from) re-fits σ_E and μ_E as the authors' transfer learning does, keeping every weight,
     * so the new model's energy is σ_B·Ê + μ_B for the old model's Ê; a model with species shifts is kept as it is.
     */
    @Test
    void standardisedEnergiesAndTheirRefitForFineTuning() {
        DatasetStatistics a = new DatasetStatistics(SPECIES, 8.0, SHIFTS, FORCE_RMS, -4200.0, 0.2);
        DatasetStatistics b = new DatasetStatistics(SPECIES, 8.0, SHIFTS, FORCE_RMS, -3300.0, 0.05);
        ForceFieldSpec small = options("orders", List.of(2, 3), "F", 4, "F_v", 4, "N_L", 1, "standardise_energies", true);
        LearnedModel m = TRAINING.initial(small, a, 3);
        assertFalse(m.architecture().spec().containsKey(GeomAtt.SPECIES_SHIFTS));
        assertEquals(0.2, m.architecture().spec().get("energy_scale"));
        assertEquals(-4200.0, m.architecture().spec().get("energy_shift"));
        double eA = predict(m).energyEv(), modelUnits = (eA + 4200.0) / 0.2;
        LearnedModel t = TRAINING.fineTuningStart(m, b);
        assertEquals(0.05, t.architecture().spec().get("energy_scale"));
        assertEquals(-3300.0, t.architecture().spec().get("energy_shift"));
        for (String k : m.parameters().keySet()) assertArrayEquals(m.parameter(k), t.parameter(k), 0.0, k);
        assertEquals(0.05 * modelUnits - 3300.0, predict(t).energyEv(), 1e-9);
        LearnedModel shifted = TRAINING.initial(options("orders", List.of(2), "F", 4, "F_v", 4, "N_L", 1), a, 3);
        assertEquals(shifted, TRAINING.fineTuningStart(shifted, b));
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class,
                () -> TRAINING.initial(small, new DatasetStatistics(SPECIES, 8.0, SHIFTS, FORCE_RMS), 3));
        assertEquals("standardise_energies", e.key());
    }

    @Test
    void defaultsAreThePapersMd17ModelWithoutCutoff() {
        assertNotNull(TRAINING);
        assertEquals(Double.POSITIVE_INFINITY, TRAINING.cutoffAngstrom(options()));
        GeomAtt g = (GeomAtt) TRAINING.initial(options(), STATS, 1).architecture();
        assertEquals(List.of(new GeomAtt.Stream(2, 128, 3, false, true), new GeomAtt.Stream(3, 64, 3, false, true), new GeomAtt.Stream(4, 32, 3, false, true)),
                g.streams());
        assertEquals(128, g.embeddingFeatures());
        assertEquals(192, g.readoutHidden());
        assertEquals(100, g.gridSize());
        assertArrayEquals(GeomAtt.grid(0.0, 0.05, 100), TRAINING.initial(options(), STATS, 1).parameter(GeomAtt.GRID));
        // trainable: the reference's paper-size parameters (its 436,545 count 4 embeddings, H Li C O, here 3 of 128);
        // buffers: the grid and the species shifts (fixed, eV)
        int trainable = 0;
        for (EquivariantModel.ParameterSpec p : g.parameters().values()) if (p.trainable()) trainable += p.size();
        assertEquals(436_417, trainable);
        assertFalse(g.parameters().get(GeomAtt.SPECIES_SHIFTS).trainable());
        // F as a list: per-stream widths
        GeomAtt h = (GeomAtt) TRAINING.initial(options("orders", List.of(2, 5), "F", List.of(3, 2), "N_L", 1, "F_v", 6), STATS, 1).architecture();
        assertEquals(List.of(new GeomAtt.Stream(2, 3, 1, false, true), new GeomAtt.Stream(5, 2, 1, false, true)), h.streams());
        assertEquals(6, h.readoutHidden());
    }

    @Test
    void optionErrorsNameTheKey() {
        Object[][] bad = {
                {"r_max", 5.0}, {"orders", List.of()}, {"orders", List.of(2, 6)}, {"orders", List.of(2, "three")}, {"orders", 3},
                {"N_L", 0}, {"N_L", 1.5}, {"F_v", 0}, {"F", 2}, {"F", List.of(8)}, {"F", List.of(8, 0, 4)}, {"readout_hidden", 0},
                {"gamma", -1.0}, {"gamma", "wide"}, {"interval", 0.0}, {"interval", 0.3}, {"d_max", -1.0}, {"d_min", Double.NaN},
                {"shared", "yes"}, {"bias", 1}};
        for (Object[] b : bad) {
            ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class, () -> TRAINING.validate(options(b)), Arrays.toString(b));
            assertEquals(b[0], e.key(), Arrays.toString(b) + ": " + e.getMessage());
            assertThrows(ForceFieldConfigException.class, () -> TRAINING.cutoffAngstrom(options(b)));
        }
        // F = 2 fails only because of the order-4 stream (int(2/4) = 0 features); with orders [2, 3] it is fine
        TRAINING.validate(options("F", 2, "orders", List.of(2, 3)));
        for (String line : TRAINING.help()) assertFalse(line.isBlank());
    }

    @Test
    void anInitialModelStartsAtTheSumOfTheSpeciesShifts() {
        LearnedModel m = TRAINING.initial(options(), STATS, 3);
        assertArrayEquals(SHIFTS, m.parameter(GeomAtt.SPECIES_SHIFTS));
        double shiftSum = 6 * SHIFTS[0] + 2 * SHIFTS[1] + SHIFTS[2];
        ModelEvaluation.Prediction p = predict(m);
        // the same parameters in model units (σ = 1, no shifts): Ê and F̂ = −∂Ê/∂R
        Map<String, double[]> unitParameters = new HashMap<>(m.parameters());
        unitParameters.put(GeomAtt.SPECIES_SHIFTS, new double[SHIFTS.length]);
        GeomAtt arch = (GeomAtt) m.architecture();
        ModelEvaluation.Prediction u = predict(new LearnedModel(arch.withEnergyStandardisation(1, 0), unitParameters));
        System.out.printf("GeomAtt initial model on ethanol: E - sum of shifts = %.4f eV (sum %.2f eV), Ê = %.4f, max |F| = %.4f eV/Å%n",
                p.energyEv() - shiftSum, shiftSum, u.energyEv(), Arrays.stream(p.forcesEvPerA()).map(Math::abs).max().orElseThrow());
        // E = σ_F·Ê + Σ_i b_{t_i} (eV) and F = σ_F·F̂ (eV/Å)
        assertEquals(FORCE_RMS * u.energyEv() + shiftSum, p.energyEv(), 1e-12 * Math.abs(shiftSum));
        for (int i = 0; i < X.length; i++) assertEquals(FORCE_RMS * u.forcesEvPerA()[i], p.forcesEvPerA()[i], 1e-12);
        // untrained: an order-one energy per atom in units of σ_F, so E lies within σ_F per atom of the shifts
        assertTrue(Math.abs(p.energyEv() - shiftSum) < FORCE_RMS * Z.length, "E = " + p.energyEv() + " vs shifts " + shiftSum);
        assertTrue(Math.abs(p.energyEv() - shiftSum) < 1e-3 * Math.abs(shiftSum));
        for (double f : p.forcesEvPerA()) assertTrue(Double.isFinite(f) && Math.abs(f) < 10 * FORCE_RMS, "force " + f);
    }

    @Test
    void initialModelsAreDeterministicInTheSeedAndTheSpecRoundTrips() {
        ForceFieldSpec small = options("orders", List.of(2, 3), "N_L", 2, "F", 8, "F_v", 8, "interval", 0.1);
        LearnedModel a = TRAINING.initial(small, STATS, 11), b = TRAINING.initial(small, STATS, 11), c = TRAINING.initial(small, STATS, 12);
        assertEquals(a.parameters().keySet(), b.parameters().keySet());
        boolean differs = false;
        for (String k : a.parameters().keySet()) {
            assertArrayEquals(a.parameter(k), b.parameter(k), 0.0, k);
            differs |= !Arrays.equals(a.parameter(k), c.parameter(k));
        }
        assertTrue(differs, "seeds 11 and 12 give the same weights");
        assertEquals(predict(a).energyEv(), predict(b).energyEv(), 0.0);
        assertTrue(predict(a).energyEv() != predict(c).energyEv());
        // the spec carries the species shifts option; a spec without it (imported models) has no shifts buffer
        Map<String, Object> spec = a.architecture().spec();
        assertEquals(Boolean.TRUE, spec.get("species_energy_shifts"));
        assertEquals(printable(spec), printable(GeomAtt.fromSpec(spec).spec()));
        Map<String, Object> plain = new HashMap<>(spec);
        plain.remove("species_energy_shifts");
        GeomAtt imported = GeomAtt.fromSpec(plain);
        assertFalse(imported.speciesEnergyShifts());
        assertFalse(imported.parameters().containsKey(GeomAtt.SPECIES_SHIFTS));
        assertFalse(imported.spec().containsKey("species_energy_shifts"));
    }
}
