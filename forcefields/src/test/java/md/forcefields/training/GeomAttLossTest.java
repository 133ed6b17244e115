package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import md.forcefields.ForceFieldSpec;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.NeighborList;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;

/**
 * GeomAtt's loss (form geomatt), as the authors' {@code FNeuralNet.get_loss} computes it with torch's MSELoss on
 * standardised energies and forces divided by the energy scale: ρ·mean_f(ΔE_f²)/σ_E² + mean_{f,i,c}(ΔF_fic²)/(N σ_E²) for a
 * batch of one molecule (N atoms), written here in that form from the MD executor's predictions; per molecule
 * (ρ ΔE² + Σ|ΔF|²/(3N²))/σ_E² averaged over the batch for molecules of different sizes. The training batch loss, its
 * parameter gradient (central differences) and the trainer's validation loss agree with it; σ_E is the population
 * standard deviation of the training energies.
 */
class GeomAttLossTest {
    private static final int[] SPECIES = SyntheticMolecules.ELEMENTS;

    private static LearnedModel model(List<TrainingFrame> stats, boolean standardised) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("orders", List.of(2, 3));
        o.put("N_L", 2);
        o.put("F", 4);
        o.put("F_v", 4);
        o.put("interval", 0.25);
        o.put("gamma", 4.0);
        o.put("standardise_energies", standardised);
        DatasetStatistics s = new DatasetStatistics(SPECIES, 3.0, TrainingStatistics.perSpeciesEnergyShifts(stats, SPECIES),
                TrainingStatistics.forceRms(stats), TrainingStatistics.energyMean(stats), TrainingStatistics.energyStd(stats));
        return ModelFamilies.get("geomatt").training().initial(new ForceFieldSpec("geomatt", o, null), s, 5);
    }

    private static int[] types(TrainingFrame f) {
        int[] t = new int[f.size()];
        for (int i = 0; i < t.length; i++) t[i] = java.util.Arrays.binarySearch(SPECIES, f.atomicNumbers()[i]);
        return t;
    }

    /** Energies (index 0 of each row) and forces of the frames from the MD executor. */
    private static double[][] predict(LearnedModel m, List<TrainingFrame> frames) {
        double[][] out = new double[frames.size()][];
        try (PlanExecutor p = new PlanExecutor(m, 1, false)) {
            for (int k = 0; k < frames.size(); k++) {
                TrainingFrame f = frames.get(k);
                double[] forces = new double[3 * f.size()];
                double e = p.compute(f.positions(), types(f), NeighborList.allPairs(f.size(), Double.POSITIVE_INFINITY), forces, null, null);
                out[k] = new double[1 + forces.length];
                out[k][0] = e;
                System.arraycopy(forces, 0, out[k], 1, forces.length);
            }
        }
        return out;
    }

    /** FNeuralNet.get_loss for one batch of a single molecule: rho * MSELoss(E) + MSELoss(F) / N_v, in units sigma. */
    private static double torchForm(LearnedModel m, List<TrainingFrame> frames, double rho, double sigma) {
        double[][] p = predict(m, frames);
        int n = frames.get(0).size();
        double eMse = 0, fMse = 0;
        for (int k = 0; k < frames.size(); k++) {
            TrainingFrame f = frames.get(k);
            assertEquals(n, f.size());
            eMse += Math.pow((p[k][0] - f.energyEv()) / sigma, 2);
            for (int c = 0; c < 3 * n; c++) fMse += Math.pow((p[k][1 + c] - f.forcesEvPerA()[c]) / sigma, 2);
        }
        eMse /= frames.size();
        fMse /= frames.size() * n * 3.0;
        return rho * eMse + fMse / n;
    }

    /** Per molecule, then averaged: (1/B) Σ_f [rho (ΔE_f/σ)² + Σ_i |ΔF_fi|²/(3 N_f² σ²)]. */
    private static double perMolecule(LearnedModel m, List<TrainingFrame> frames, double rho, double sigma) {
        double[][] p = predict(m, frames);
        double sum = 0;
        for (int k = 0; k < frames.size(); k++) {
            TrainingFrame f = frames.get(k);
            double sq = 0;
            for (int c = 0; c < 3 * f.size(); c++) sq += Math.pow((p[k][1 + c] - f.forcesEvPerA()[c]) / sigma, 2);
            sum += rho * Math.pow((p[k][0] - f.energyEv()) / sigma, 2) + sq / (3.0 * f.size() * f.size());
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

    private static double populationStd(List<TrainingFrame> frames) {
        double mean = frames.stream().mapToDouble(TrainingFrame::energyEv).average().orElseThrow();
        return Math.sqrt(frames.stream().mapToDouble(f -> Math.pow(f.energyEv() - mean, 2)).sum() / frames.size());
    }

    @Test
    void batchLossIsTheAuthorsLossOnStandardisedEnergies() {
        List<TrainingFrame> same = SyntheticMolecules.frames(4, 5, 61, Objective.ENERGY_AND_FORCES);
        double sigmaE = TrainingStatistics.energyStd(same);
        assertEquals(populationStd(same), sigmaE, 1e-12 * sigmaE);
        LossWeights w = LossWeights.geomattDefaults();
        assertEquals(sigmaE, w.unit(TrainingStatistics.forceRms(same), sigmaE), 0.0);
        for (boolean standardised : new boolean[] {true, false}) {
            LearnedModel m = model(same, standardised);
            if (standardised) assertEquals(sigmaE, ((GeomAtt) m.architecture()).spec().get("energy_scale"));
            double expected = torchForm(m, same, 0.01, sigmaE);
            assertEquals(expected, batchLoss(new TapeExecutor(m), same, w, sigmaE), 1e-10 * expected);
        }
        // molecules of different sizes: each molecule's force term divided by 3 N_f², then the mean over molecules
        List<TrainingFrame> mixed = new ArrayList<>(SyntheticMolecules.frames(2, 4, 62, Objective.ENERGY_AND_FORCES));
        mixed.addAll(SyntheticMolecules.frames(2, 6, 63, Objective.ENERGY_AND_FORCES));
        LearnedModel m = model(mixed, false);
        double u = TrainingStatistics.energyStd(mixed);
        LossWeights rho = new LossWeights(0.3, 1, 0, 0, 0.04, 1, ForceHead.CONSERVATIVE, LossWeights.Form.GEOMATT, Double.NaN, 1, true);
        double expected = perMolecule(m, mixed, 0.3, u);
        assertEquals(expected, batchLoss(new TapeExecutor(m), mixed, rho, u), 1e-10 * expected);
        double workshop = batchLoss(new TapeExecutor(m), mixed, rho.withForm(LossWeights.Form.SE3T_WORKSHOP), u);
        assertTrue(Math.abs(workshop - expected) > 1e-2 * expected, "the geomatt form is not the workshop form");
    }

    @Test
    void gradientMatchesFiniteDifferencesAndValidationLossIsTheAuthorsLoss() {
        List<TrainingFrame> frames = new ArrayList<>(SyntheticMolecules.frames(2, 4, 71, Objective.ENERGY_AND_FORCES));
        frames.addAll(SyntheticMolecules.frames(1, 5, 72, Objective.ENERGY_AND_FORCES));
        LearnedModel m = model(frames, true);
        LossWeights w = LossWeights.geomattDefaults();
        double u = TrainingStatistics.energyStd(frames);
        TapeExecutor tape = new TapeExecutor(m);
        Tensor[] ps = tape.trainableParameters().values().toArray(new Tensor[0]);
        BatchLoss.Counts c = BatchLoss.Counts.of(frames);
        Tensor[] grads = new Tensor[ps.length];
        for (TrainingFrame f : frames) {
            Tensor[] g = Autograd.grad(BatchLoss.frameLoss(tape, f, types(f), Graph.of(types(f), f.edges(f.positions(), Double.POSITIVE_INFINITY)), c, w,
                    u, new Random(1), null), ps);
            for (int k = 0; k < ps.length; k++) {
                if (grads[k] == null) grads[k] = Tensor.of(g[k].data().clone(), ps[k].shape());
                else for (int j = 0; j < g[k].data().length; j++) grads[k].data()[j] += g[k].data()[j];
            }
        }
        Random pick = new Random(3);
        int checked = 0;
        double largest = 0;
        for (Tensor g : grads) for (double v : g.data()) largest = Math.max(largest, Math.abs(v));
        for (int k = 0; k < ps.length; k++) {
            double[] x = ps[k].data();
            int j = pick.nextInt(x.length);
            double x0 = x[j], h = 1e-5;
            x[j] = x0 + h;
            double lp = batchLoss(tape, frames, w, u);
            x[j] = x0 - h;
            double lm = batchLoss(tape, frames, w, u);
            x[j] = x0;
            double fd = (lp - lm) / (2 * h);
            assertEquals(fd, grads[k].data()[j], 1e-6 * Math.max(largest, Math.abs(fd)), "parameter " + k + "[" + j + "]");
            checked++;
        }
        assertTrue(checked > 10, "checked " + checked);
        // the trainer's validation loss (no EMA) is the same loss in σ_E of its training frames
        Trainer.Options o = new Trainer.Options(1, 3, 1, 1, w, Adam.Options.adam(1e-4), 0, 0, Double.POSITIVE_INFINITY, 0.5, 5, 1e-4, 1e-7, 10,
                Double.POSITIVE_INFINITY, 1000, 0.96);
        try (Trainer t = new Trainer(m, TrainingStatistics.forceRms(frames), frames, frames, o)) {
            double expected = perMolecule(m, frames, 0.01, u);
            assertEquals(expected, t.validate().loss(), 1e-10 * expected);
        }
    }
}
