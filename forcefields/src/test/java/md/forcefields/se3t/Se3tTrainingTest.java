package md.forcefields.se3t;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.ml.model.ModelFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code md train}'s SE(3)-Transformer initialiser: option errors name their key; an untrained model's
 * energy is the sum of the per-species shifts plus σ_F times the raw network energy (small), with
 * conservative forces (no net force, −∇E); the initial parameters are a function of the seed.
 */
class Se3tTrainingTest {
    @TempDir Path dir;

    private static final ModelFamily.Training TRAINING = ModelFamilies.get(Se3Transformer.FAMILY).training();
    /** H, C, O with shifts of the size of real atomic reference energies (eV) and σ_F = 1.3 eV/Å. */
    private static final DatasetStatistics STATS = new DatasetStatistics(new int[] {1, 6, 8}, 8.0, new double[] {-13.6, -1029.8, -2041.3}, 1.3);
    /** An ethanol-like molecule (Å) and its species indices (H 0, C 1, O 2). */
    private static final double[] POS = {0, 0, 0, 1.52, 0, 0, 2.0, 1.35, 0, -0.39, 1.03, 0, -0.39, -0.51, 0.89, -0.39, -0.51, -0.89,
            1.9, -0.52, 0.89, 1.9, -0.52, -0.89, 2.95, 1.3, 0.1};
    private static final int[] TYPES = {1, 1, 2, 0, 0, 0, 0, 0, 0};

    private static ForceFieldSpec options(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new ForceFieldSpec(Se3Transformer.FAMILY, m, null);
    }

    private static ForceFieldSpec small() {
        return options("num_layers", 2, "n_heads", 2, "num_channels", 2, "max_degree", 1, "radial_mlp", Map.of("hidden", 8));
    }

    private static String errorKey(ForceFieldSpec o) {
        ForceFieldConfigException e = assertThrows(ForceFieldConfigException.class, () -> TRAINING.validate(o));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        return e.key();
    }

    private static double energy(LearnedModel m, double[] forces) {
        try (PlanExecutor plan = new PlanExecutor(m)) {
            return plan.compute(POS, TYPES, NeighborList.allPairs(TYPES.length, m.architecture().cutoff()), forces, null, null);
        }
    }

    @Test
    void optionErrorsNameTheKey() {
        assertEquals("num_layer", errorKey(options("num_layer", 2)));
        ForceFieldConfigException typo = assertThrows(ForceFieldConfigException.class, () -> TRAINING.validate(options("num_layer", 2)));
        assertTrue(typo.getMessage().contains("did you mean 'num_layers'"), typo.getMessage());
        assertEquals("n_heads", errorKey(options("n_heads", 0)));
        assertEquals("num_channels", errorKey(options("num_channels", 2.5)));
        assertEquals("max_degree", errorKey(options("max_degree", 0)));
        assertEquals("aggregation", errorKey(options("aggregation", "max")));
        assertEquals("cutoff", errorKey(options("cutoff", -1.0)));
        assertEquals("cutoff", errorKey(options("cutoff", "far")));
        assertEquals("div", errorKey(options("div", 4)));
        assertEquals("num_degrees", errorKey(options("num_degrees", 3)));
        assertEquals("energy_units", errorKey(options("energy_units", "eV")));
        assertEquals("radial_mlp", errorKey(options("radial_mlp", 32)));
        assertEquals("radial_mlp.hidden", errorKey(options("radial_mlp", Map.of("hidden", 0))));
        assertEquals("radial_mlp.width", errorKey(options("radial_mlp", Map.of("width", 8))));
        assertEquals("radial_mlp.layernorm_eps", errorKey(options("radial_mlp", Map.of("layernorm_eps", 1e-3))));
        assertEquals("norm_nonlinearity.norm_clamp_min", errorKey(options("norm_nonlinearity", Map.of("norm_clamp_min", 0.0))));
        // help lists every top-level key
        String help = String.join("\n", TRAINING.help());
        for (String k : Se3tTraining.KEYS) assertTrue(help.contains(k + ":"), k);
    }

    @Test
    void cutoffIsFullyConnectedUnlessGiven() {
        assertEquals(Double.POSITIVE_INFINITY, TRAINING.cutoffAngstrom(options()), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, TRAINING.cutoffAngstrom(options("cutoff", Double.POSITIVE_INFINITY)), 0.0);
        assertEquals(5.0, TRAINING.cutoffAngstrom(options("cutoff", 5.0)), 0.0);
        assertEquals(5.0, TRAINING.initial(options("cutoff", 5.0, "num_layers", 1), STATS, 1).architecture().cutoff(), 0.0);
        // the defaults are the workshop paper's "basic" variant: the fixture's parameter count for 4 species
        LearnedModel basic = TRAINING.initial(options(), new DatasetStatistics(new int[] {1, 6, 7, 8}, 8, new double[4], 1), 0);
        assertEquals(174224, basic.parameterCount());
    }

    @Test
    void untrainedEnergyIsTheSumOfSpeciesShiftsAndForcesAreConservative() {
        LearnedModel m = TRAINING.initial(small(), STATS, 7);
        Se3Transformer a = (Se3Transformer) m.architecture();
        assertArrayEquals(new int[] {1, 6, 8}, a.atomicNumbers());
        assertEquals(1.3, a.hyperparameters().energyScale(), 0.0);
        double shifts = 0;
        for (int t : TYPES) shifts += STATS.perSpeciesEnergyShiftsEv()[t];
        double[] f = new double[POS.length];
        double e = energy(m, f);
        // the raw network energy (energy unit 1, no shifts), same parameters
        Se3Transformer raw = new Se3Transformer(a.hyperparameters().withEnergyScale(1.0), a.atomicNumbers());
        double[] fRaw = new double[POS.length];
        double eRaw = energy(new LearnedModel(raw, m.parameters()), fRaw);
        assertEquals(shifts + 1.3 * eRaw, e, 1e-12 * Math.abs(shifts));
        for (int i = 0; i < f.length; i++) assertEquals(1.3 * fRaw[i], f[i], 1e-12);
        // near the data: within σ_F per atom of the shifts (the shifts are ~4000 eV here)
        assertTrue(Math.abs(e - shifts) < 1.3 * TYPES.length, "E - Σb = " + (e - shifts));
        // conservative forces: no net force, and −∂E/∂x of atom 2 by central differences
        for (int c = 0; c < 3; c++) {
            double net = 0;
            for (int i = 0; i < TYPES.length; i++) net += f[3 * i + c];
            assertEquals(0, net, 1e-10);
        }
        double h = 1e-5;
        double[] p = POS.clone();
        for (int c = 0; c < 3; c++) {
            p[6 + c] = POS[6 + c] + h;
            double ep = energyAt(m, p);
            p[6 + c] = POS[6 + c] - h;
            double em = energyAt(m, p);
            p[6 + c] = POS[6 + c];
            assertEquals(-(ep - em) / (2 * h), f[6 + c], 1e-6);
        }
        boolean moving = false;
        for (double v : f) moving |= Math.abs(v) > 1e-6;
        assertTrue(moving, "an untrained model still has forces");
        // the training executor (tape) agrees with the MD plan
        Tensor x = Tensor.of(POS.clone(), TYPES.length, 3).requireGrad();
        TapeExecutor.Result r = new TapeExecutor(m).evaluate(x, Graph.of(TYPES, EdgeList.isolated(POS, a.cutoff())));
        assertEquals(e, r.energy().item(), 1e-10 * Math.abs(e));
        assertArrayEquals(f, r.forces(false).data(), 1e-10);
    }

    private static double energyAt(LearnedModel m, double[] pos) {
        try (PlanExecutor plan = new PlanExecutor(m)) {
            return plan.compute(pos, TYPES, NeighborList.allPairs(TYPES.length, m.architecture().cutoff()), new double[pos.length], null, null);
        }
    }

    @Test
    void deterministicInTheSeedAndKeptByTheModelFile() throws Exception {
        LearnedModel a = TRAINING.initial(small(), STATS, 11), b = TRAINING.initial(small(), STATS, 11), c = TRAINING.initial(small(), STATS, 12);
        assertEquals(a.parameters().keySet(), b.parameters().keySet());
        boolean differs = false;
        for (String k : a.parameters().keySet()) {
            assertArrayEquals(a.parameters().get(k), b.parameters().get(k), 0.0, k);
            differs |= !java.util.Arrays.equals(a.parameters().get(k), c.parameters().get(k));
        }
        assertTrue(differs, "another seed draws other weights");
        double[] f = new double[POS.length];
        assertEquals(energy(a, f), energy(b, new double[POS.length]), 0.0);
        assertFalse(energy(a, f) == energy(c, new double[POS.length]));
        // the shifts and the energy unit are part of the spec, so the model file reproduces the energy
        Path file = dir.resolve("init.model");
        ModelFile.write(file, a, "test");
        LearnedModel back = ModelFile.read(file);
        assertArrayEquals(STATS.perSpeciesEnergyShiftsEv(), ((Se3Transformer) back.architecture()).energyShifts(), 0.0);
        assertEquals(energy(a, new double[POS.length]), energy(back, new double[POS.length]), 0.0);
        // a model without shifts (an imported one) keeps its spec unchanged
        assertFalse(new Se3Transformer(((Se3Transformer) a.architecture()).hyperparameters(), new int[] {1, 6, 8}).spec().containsKey("energy_shifts"));
        assertTrue(List.of(a.architecture().spec().keySet().toArray()).contains("energy_shifts"));
    }
}
