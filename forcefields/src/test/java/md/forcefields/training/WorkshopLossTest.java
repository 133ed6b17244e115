package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.core.Units;
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

import org.junit.jupiter.api.Test;

/**
 * The workshop paper's loss (form se3t_workshop): per batch, the mean over molecules of
 * W_e (ΔE/u)² + w_F · (1/N) Σ_i |ΔF_i|²/u², computed here by hand from the MD executor's predictions for a
 * batch of 4- and 5-atom molecules (where it differs from the nequip form), in σ_F and in kcal/mol; the
 * training batch loss, its gradient (finite differences) and the validation loss agree with it.
 */
class WorkshopLossTest {
    private static final int[] SPECIES = SyntheticMolecules.ELEMENTS;

    private static LearnedModel model(List<TrainingFrame> stats) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("num_layers", 2);
        o.put("n_heads", 2);
        o.put("num_channels", 2);
        o.put("max_degree", 1);
        o.put("radial_mlp", Map.of("hidden", 6));
        DatasetStatistics s = new DatasetStatistics(SPECIES, 3.0, TrainingStatistics.perSpeciesEnergyShifts(stats, SPECIES),
                TrainingStatistics.forceRms(stats));
        return ModelFamilies.get(Se3Transformer.FAMILY).training().initial(new ForceFieldSpec(Se3Transformer.FAMILY, o, null), s, 8);
    }

    private static int[] types(TrainingFrame f) {
        int[] t = new int[f.size()];
        for (int i = 0; i < t.length; i++) t[i] = java.util.Arrays.binarySearch(SPECIES, f.atomicNumbers()[i]);
        return t;
    }

    private static List<TrainingFrame> batch() {
        List<TrainingFrame> b = new ArrayList<>(SyntheticMolecules.frames(2, 4, 41, Objective.ENERGY_AND_FORCES));
        b.addAll(SyntheticMolecules.frames(2, 5, 42, Objective.ENERGY_AND_FORCES));
        return b;
    }

    /** The paper's loss by hand: (1/B) Σ_f [W_e (ΔE_f/u)² + w_F (1/N_f) Σ_i |ΔF_fi|²/u²], with the given head's forces. */
    private static double byHand(LearnedModel m, List<TrainingFrame> frames, double we, double wf, double u, boolean direct) {
        double sum = 0;
        try (PlanExecutor p = new PlanExecutor(m, 1, direct)) {
            for (TrainingFrame f : frames) {
                double[] forces = new double[3 * f.size()];
                double e = p.compute(f.positions(), types(f), NeighborList.allPairs(f.size(), Double.POSITIVE_INFINITY), forces, null, null);
                double perAtom = 0;
                for (int i = 0; i < f.size(); i++) {
                    double sq = 0;
                    for (int c = 0; c < 3; c++) sq += Math.pow(forces[3 * i + c] - f.forcesEvPerA()[3 * i + c], 2);
                    perAtom += sq / (u * u);
                }
                sum += we * Math.pow((e - f.energyEv()) / u, 2) + wf * perAtom / f.size();
            }
        }
        return sum / frames.size();
    }

    private static double batchLoss(TapeExecutor tape, List<TrainingFrame> frames, LossWeights w, double u) {
        BatchLoss.Counts c = BatchLoss.Counts.of(frames);
        double l = 0;
        for (TrainingFrame f : frames)
            l += BatchLoss.frameLoss(tape, f, types(f), Graph.of(types(f), f.edges(f.positions(), Double.POSITIVE_INFINITY)), c, w, u, new Random(1), null).item();
        return l;
    }

    @Test
    void batchLossIsThePapersLoss() {
        List<TrainingFrame> frames = batch();
        LearnedModel m = model(frames);
        TapeExecutor tape = new TapeExecutor(m);
        double sigma = TrainingStatistics.forceRms(frames), kcal = Units.energyToEv("kcal/mol");
        for (ForceHead h : new ForceHead[] {ForceHead.CONSERVATIVE, ForceHead.DIRECT}) {
            LossWeights w = new LossWeights(0.3, 2, 0, 0, 0.04, 1, h, LossWeights.Form.SE3T_WORKSHOP, Double.NaN);
            for (double u : new double[] {sigma, kcal}) {
                double expected = byHand(m, frames, 0.3, 2, u, h.direct());
                assertEquals(expected, batchLoss(tape, frames, w, u), 1e-10 * expected, h.key() + " u=" + u);
            }
            // the nequip form differs on molecules of different sizes (per-atom energy, components pooled over the batch)
            double nequip = batchLoss(tape, frames, w.withForm(LossWeights.Form.NEQUIP), sigma);
            assertTrue(Math.abs(nequip - byHand(m, frames, 0.3, 2, sigma, h.direct())) > 1e-3 * nequip);
        }
        // W_e weighs the total-energy term: the loss with W_e = 0 is the force term alone
        LossWeights forcesOnly = new LossWeights(0, 1, 0, 0, 0.04, 1, ForceHead.DIRECT, LossWeights.Form.SE3T_WORKSHOP, Double.NaN);
        assertEquals(byHand(m, frames, 0, 1, sigma, true), batchLoss(tape, frames, forcesOnly, sigma), 1e-12);
        // a fixed unit replaces σ_F
        assertEquals(kcal, forcesOnly.withUnitEv(kcal).unit(sigma), 0.0);
        assertEquals(sigma, forcesOnly.unit(sigma), 0.0);
    }

    @Test
    void gradientMatchesFiniteDifferencesAndValidationLossIsThePapersLoss() {
        List<TrainingFrame> frames = batch();
        LearnedModel m = model(frames);
        double kcal = Units.energyToEv("kcal/mol"), sigma = TrainingStatistics.forceRms(frames);
        LossWeights w = new LossWeights(0.5, 1, 0, 0, 0.04, 1, ForceHead.DIRECT, LossWeights.Form.SE3T_WORKSHOP, kcal);
        TapeExecutor tape = new TapeExecutor(m);
        Tensor[] ps = tape.trainableParameters().values().toArray(new Tensor[0]);
        BatchLoss.Counts c = BatchLoss.Counts.of(frames);
        Tensor[] grads = new Tensor[ps.length];
        for (TrainingFrame f : frames) {
            Tensor[] g = Autograd.grad(BatchLoss.frameLoss(tape, f, types(f), Graph.of(types(f), f.edges(f.positions(), Double.POSITIVE_INFINITY)), c, w,
                    sigma, new Random(1), null), ps);
            for (int k = 0; k < ps.length; k++) {
                if (grads[k] == null) grads[k] = Tensor.of(g[k].data().clone(), ps[k].shape());
                else for (int j = 0; j < g[k].data().length; j++) grads[k].data()[j] += g[k].data()[j];
            }
        }
        Random pick = new Random(3);
        int checked = 0;
        for (int k = 0; k < ps.length; k++) {
            double[] x = ps[k].data();
            int j = pick.nextInt(x.length);
            // central differences with a small step: the radial MLPs' ReLUs put kinks within ~1e-4 of some parameters
            double x0 = x[j], h = 1e-5;
            x[j] = x0 + h;
            double lp = batchLoss(tape, frames, w, sigma);
            x[j] = x0 - h;
            double lm = batchLoss(tape, frames, w, sigma);
            x[j] = x0;
            double fd = (lp - lm) / (2 * h);
            assertEquals(fd, grads[k].data()[j], 1e-6 * Math.max(1, Math.abs(fd)), "parameter " + k + "[" + j + "]");
            checked++;
        }
        assertTrue(checked > 15, "checked " + checked);
        // the trainer's validation loss on these frames (the unit from the loss, not σ_F)
        Trainer.Options o = new Trainer.Options(1, 2, 1, 1, w, Adam.Options.adam(1e-3), 0, 0, Double.POSITIVE_INFINITY, 0.5, 5, 1e-4, 1e-7, 10,
                Double.POSITIVE_INFINITY);
        try (Trainer t = new Trainer(m, TrainingStatistics.forceRms(frames), frames, frames, o)) {
            double expected = byHand(m, frames, 0.5, 1, kcal, true);
            assertEquals(expected, t.validate().loss(), 1e-10 * expected);
        }
    }
}
