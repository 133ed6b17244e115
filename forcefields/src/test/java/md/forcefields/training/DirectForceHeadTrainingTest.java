package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.forcefields.ForceFieldSpec;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFamily;

import org.junit.jupiter.api.Test;

/**
 * {@code force_head: direct | both} on a small random SE(3)-Transformer (2 layers, 2 heads × 2 channels,
 * degrees ≤ 1): the frame loss equals the loss computed by hand from the MD executor's predictions of the
 * two heads; its parameter gradient equals central finite differences of the loss; a few epochs with the
 * direct head lower the direct head's validation error.
 */
class DirectForceHeadTrainingTest {
    private static final ModelFamily.Training TRAINING = ModelFamilies.get(Se3Transformer.FAMILY).training();
    private static final int[] SPECIES = SyntheticMolecules.ELEMENTS;

    private static LearnedModel model(List<TrainingFrame> stats, long seed) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("num_layers", 2);
        o.put("n_heads", 2);
        o.put("num_channels", 2);
        o.put("max_degree", 1);
        o.put("radial_mlp", Map.of("hidden", 6));
        double scale = TrainingStatistics.forceRms(stats);
        DatasetStatistics s = new DatasetStatistics(SPECIES, 3.0, TrainingStatistics.perSpeciesEnergyShifts(stats, SPECIES), scale);
        return TRAINING.initial(new ForceFieldSpec(Se3Transformer.FAMILY, o, null), s, seed);
    }

    private static int[] types(TrainingFrame f) {
        int[] t = new int[f.size()];
        for (int i = 0; i < t.length; i++) t[i] = java.util.Arrays.binarySearch(SPECIES, f.atomicNumbers()[i]);
        return t;
    }

    private static Graph graph(TrainingFrame f) { return Graph.of(types(f), f.edges(f.positions(), Double.POSITIVE_INFINITY)); }

    /** The MD executor's energy and forces of one head (direct: the force head's output). */
    private static double predict(LearnedModel m, TrainingFrame f, boolean direct, double[] forces) {
        try (PlanExecutor p = new PlanExecutor(m, 1, direct)) {
            return p.compute(f.positions(), types(f), NeighborList.allPairs(f.size(), Double.POSITIVE_INFINITY), forces, null, null);
        }
    }

    private static double squaredError(double[] a, double[] b, double scale) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]) / (scale * scale);
        return s;
    }

    @Test
    void frameLossIsTheHandComputedLossOfTheTrainedHeads() {
        List<TrainingFrame> frames = SyntheticMolecules.frames(3, 5, 21, Objective.ENERGY_AND_FORCES);
        LearnedModel m = model(frames, 4);
        TapeExecutor tape = new TapeExecutor(m);
        TrainingFrame f = frames.get(0);
        double scale = 0.7, wE = 3, wF = 50;
        BatchLoss.Counts counts = BatchLoss.Counts.of(frames); // 3 energy frames, 45 force components
        double[] fc = new double[15], fd = new double[15];
        double e = predict(m, f, false, fc), ed = predict(m, f, true, fd);
        assertEquals(e, ed, 1e-12 * Math.abs(e)); // one energy, whichever head
        double energyTerm = wE / 3 * Math.pow((e - f.energyEv()) / (5 * scale), 2);
        double cons = wF / 45 * squaredError(fc, f.forcesEvPerA(), scale), dir = wF / 45 * squaredError(fd, f.forcesEvPerA(), scale);
        assertTrue(Math.abs(cons - dir) > 1e-3 * cons, "the two heads differ on a random model");
        Map<ForceHead, Double> expected = Map.of(ForceHead.CONSERVATIVE, energyTerm + cons, ForceHead.DIRECT, energyTerm + dir,
                ForceHead.BOTH, energyTerm + cons + dir);
        for (ForceHead h : ForceHead.values()) {
            LossWeights w = new LossWeights(wE, wF, 0, 0, 0.04, 1).withForceHead(h);
            double[] parts = new double[3];
            double l = BatchLoss.frameLoss(tape, f, types(f), graph(f), counts, w, scale, new Random(1), parts).item();
            assertEquals(expected.get(h), l, 1e-10 * l, h.key());
            assertEquals(energyTerm, parts[0], 1e-10 * energyTerm, h.key());
            assertEquals(expected.get(h) - energyTerm, parts[1], 1e-10 * l, h.key());
        }
        // equilibrium frames: the zero-force term uses the trained head(s) too
        TrainingFrame eq = new TrainingFrame(f.atomicNumbers(), f.positions(), null, null, Objective.EQUILIBRIUM, "eq");
        BatchLoss.Counts c = BatchLoss.Counts.of(List.of(eq));
        for (ForceHead h : ForceHead.values()) {
            double l = BatchLoss.frameLoss(tape, eq, types(eq), graph(eq), c, new LossWeights(1, 1, 7, 0, 0.04, 1).withForceHead(h), scale,
                    new Random(1), null).item();
            double zero = 7.0 / 15 * ((h.conservative() ? squaredError(fc, new double[15], scale) : 0) + (h.direct() ? squaredError(fd, new double[15], scale) : 0));
            assertEquals(zero, l, 1e-10 * zero, h.key());
        }
    }

    @Test
    void directAndBothLossGradientsMatchFiniteDifferences() {
        List<TrainingFrame> frames = SyntheticMolecules.frames(2, 4, 5, Objective.ENERGY_AND_FORCES);
        LearnedModel m = model(frames, 9);
        TrainingFrame f = frames.get(1);
        BatchLoss.Counts counts = BatchLoss.Counts.of(frames);
        for (ForceHead h : new ForceHead[] {ForceHead.DIRECT, ForceHead.BOTH}) {
            TapeExecutor tape = new TapeExecutor(m);
            LossWeights w = new LossWeights(2, 10, 0, 0, 0.04, 1).withForceHead(h);
            Map<String, Tensor> params = tape.trainableParameters();
            Tensor[] ps = params.values().toArray(new Tensor[0]);
            Tensor[] grads = Autograd.grad(BatchLoss.frameLoss(tape, f, types(f), graph(f), counts, w, 0.9, new Random(1), null), ps);
            java.util.function.DoubleSupplier loss = () -> BatchLoss.frameLoss(tape, f, types(f), graph(f), counts, w, 0.9, new Random(1), null).item();
            Random pick = new Random(17);
            double scaleOfGrad = 0;
            int checked = 0;
            List<String> names = new ArrayList<>(params.keySet());
            for (int k = 0; k < ps.length; k++) {
                double[] x = ps[k].data(), g = grads[k].data();
                for (double v : g) scaleOfGrad = Math.max(scaleOfGrad, Math.abs(v));
                for (int rep = 0; rep < (h == ForceHead.DIRECT ? 3 : 1); rep++) {
                    int j = pick.nextInt(x.length);
                    double x0 = x[j];
                    // Richardson-extrapolated central differences: error O(h⁴)
                    double step = 1e-3;
                    double[] d = new double[2];
                    for (int s = 0; s < 2; s++) {
                        double hh = step / (1 << s);
                        x[j] = x0 + hh;
                        double lp = loss.getAsDouble();
                        x[j] = x0 - hh;
                        double lm = loss.getAsDouble();
                        x[j] = x0;
                        d[s] = (lp - lm) / (2 * hh);
                    }
                    double fd = (4 * d[1] - d[0]) / 3;
                    assertEquals(fd, g[j], 1e-6 * Math.max(1, Math.abs(fd)), h.key() + " " + names.get(k) + "[" + j + "]");
                    checked++;
                }
            }
            assertTrue(checked > 40, "checked " + checked);
            assertTrue(scaleOfGrad > 1e-3, "a non-trivial gradient");
        }
    }

    @Test
    void aFewEpochsLowerTheDirectHeadsError() {
        List<TrainingFrame> train = SyntheticMolecules.frames(40, 4, 31, Objective.ENERGY_AND_FORCES);
        List<TrainingFrame> val = SyntheticMolecules.frames(4, 4, 32, Objective.ENERGY_AND_FORCES);
        LearnedModel initial = model(train, 2);
        double scale = TrainingStatistics.forceRms(train);
        LossWeights w = new LossWeights(1, 100, 0, 0, 0.04, 1).withForceHead(ForceHead.DIRECT);
        Trainer.Options o = new Trainer.Options(15, 4, 5, 1, w, Adam.Options.adam(0.01), 0, 0, Double.POSITIVE_INFINITY, 0.5, 50, 1e-4, 1e-7, 1000,
                Double.POSITIVE_INFINITY);
        double before = directMae(initial, val);
        try (Trainer t = new Trainer(initial, scale, train, val, o)) {
            Trainer.Validation v0 = t.validate();
            assertEquals(before, v0.errors().directForces().mae(), 1e-12);
            assertEquals(0, v0.errors().forces().count(), "only the trained head is evaluated");
            while (!t.finished()) t.runEpoch();
            double after = directMae(t.exportModel(), val);
            assertTrue(after < 0.6 * before, "direct-head force MAE " + before + " -> " + after + " eV/Å");
            // the validation loss is the direct-head loss computed by hand (energy per atom + force components)
            LearnedModel m = t.exportModel();
            double eSq = 0, fSq = 0;
            for (TrainingFrame f : val) {
                double[] fd = new double[3 * f.size()];
                double e = predict(m, f, true, fd);
                eSq += Math.pow((e - f.energyEv()) / (f.size() * scale), 2);
                fSq += squaredError(fd, f.forcesEvPerA(), scale);
            }
            double expected = eSq / val.size() + 100 * fSq / (12 * val.size());
            assertEquals(expected, t.validate().loss(), 1e-10 * expected);
        }
        // a model without a direct head is refused
        LearnedModel nequip = md.forcefields.ml.families.Nequip.initial(md.forcefields.ml.families.NequipHyperparameters.of(3, 1, true, 2, 1, 4.0, 3.0)
                .withRadial(4, 1, 4), SPECIES, new double[3], 1.0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(nequip, 1.0, train, val, o));
        assertTrue(e.getMessage().contains("direct force head"), e.getMessage());
    }

    /** Mean absolute error of the direct head's force components (eV/Å), from the MD executor. */
    private static double directMae(LearnedModel m, List<TrainingFrame> frames) {
        double s = 0;
        int n = 0;
        for (TrainingFrame f : frames) {
            double[] fd = new double[3 * f.size()];
            predict(m, f, true, fd);
            for (int i = 0; i < fd.length; i++) { s += Math.abs(fd[i] - f.forcesEvPerA()[i]); n++; }
        }
        return s / n;
    }
}
