package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;

import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.ml.executors.PlanExecutor;

import org.junit.jupiter.api.Test;

/**
 * The loss terms against hand-computed values, and each objective's share of a batch loss against the
 * same formula evaluated from the MD executor's (PlanExecutor) energies and forces.
 */
class ObjectivesTest {

    @Test
    void squaredErrorsMatchHandComputedValues() {
        Tensor f = Tensor.of(new double[] {1, -2, 0.5, 0, 3, -1}, 2, 3);
        double[] target = {0.5, -2, 0, 1, 1, -1};
        // ((0.5)² + 0 + (0.5)² + 1 + 4 + 0) / 2² = 5.5 / 4
        assertEquals(5.5 / 4, LossTerms.forceSquaredError(f, target, 2).item(), 1e-15);
        // zero target: (1 + 4 + 0.25 + 0 + 9 + 1) / 0.25
        assertEquals(15.25 / 0.25, LossTerms.forceSquaredError(f, null, 0.5).item(), 1e-12);
        // ((−10.3 + 10) / (3 · 0.5))² = (−0.3/1.5)² = 0.04
        assertEquals(0.04, LossTerms.energyPerAtomSquaredError(Tensor.scalar(-10.3), -10, 3, 0.5).item(), 1e-15);
    }

    @Test
    void denoisingTargetIsTheRestoringForceOfTheDisplacement() {
        double[] x = {0, 0, 0, 1.1, 0, 0, 0, 1.2, 0.3};
        ForceCentricTargets.Denoising d = ForceCentricTargets.denoising(x, 0.04, 2.5, new Random(5));
        for (int i = 0; i < x.length; i++) assertEquals(-2.5 * (d.positions()[i] - x[i]), d.targetForces()[i], 1e-15);
        // ε ~ N(0, σ²) per component: mean 0 and variance 0.04 within 5 standard errors over 90 000 draws
        Random rng = new Random(9);
        double s = 0, s2 = 0;
        int n = 0;
        for (int k = 0; k < 10_000; k++) {
            ForceCentricTargets.Denoising dk = ForceCentricTargets.denoising(x, 0.04, 1.0, rng);
            for (int i = 0; i < x.length; i++) { double e = dk.positions()[i] - x[i]; s += e; s2 += e * e; n++; }
        }
        double var = s2 / n;
        assertEquals(0, s / n, 5 * Math.sqrt(0.04 / n));
        assertEquals(0.04, var, 5 * 0.04 * Math.sqrt(2.0 / n));
    }

    /** A random small model. */
    private static LearnedModel model() {
        NequipHyperparameters hp = NequipHyperparameters.of(3, 1, true, 4, 2, 4.0, 3.0).withRadial(4, 1, 8);
        Nequip arch = new Nequip(hp, SyntheticMolecules.ELEMENTS, 0.7);
        java.util.Map<String, double[]> v = arch.initialParameters(new Random(2));
        v.put(Nequip.SCALES, new double[] {1, 1, 1});
        v.put(Nequip.SHIFTS, new double[] {-0.3, -1.1, -2.0});
        return new LearnedModel(arch, v);
    }

    private static Graph graph(TrainingFrame f) { return Graph.of(types(f), EdgeList.isolated(f.positions(), 4.0)); }

    private static int[] types(TrainingFrame f) {
        int[] t = new int[f.size()];
        for (int i = 0; i < t.length; i++) t[i] = java.util.Arrays.binarySearch(SyntheticMolecules.ELEMENTS, f.atomicNumbers()[i]);
        return t;
    }

    /** Energy and forces from the MD executor (an evaluation independent of the loss's tape). */
    private static double[] planForces(LearnedModel m, double[] x, int[] types, double[] energyOut) {
        double[] f = new double[x.length];
        energyOut[0] = new PlanExecutor(m).compute(x, types, NeighborList.allPairs(types.length, 4.0), f, null, null);
        return f;
    }

    @Test
    void energyAndForceFrameLossIsTheWeightedNormalisedMse() {
        LearnedModel learned = model();
        TapeExecutor model = new TapeExecutor(learned);
        List<TrainingFrame> batch = SyntheticMolecules.frames(3, 4, 1, Objective.ENERGY_AND_FORCES);
        BatchLoss.Counts counts = BatchLoss.Counts.of(batch);
        assertEquals(new BatchLoss.Counts(3, 36, 0, 3), counts);
        LossWeights w = new LossWeights(2, 1000, 0, 0, 0.04, 1);
        double scale = 0.8;
        TrainingFrame f = batch.get(1);
        double[] e = new double[1];
        double[] pf = planForces(learned, f.positions(), types(f), e);
        double forceSq = 0;
        for (int i = 0; i < pf.length; i++) forceSq += Math.pow((pf[i] - f.forcesEvPerA()[i]) / scale, 2);
        double expected = 2.0 / 3 * Math.pow((e[0] - f.energyEv()) / (4 * scale), 2) + 1000.0 / 36 * forceSq;
        Tensor loss = BatchLoss.frameLoss(model, f, types(f), graph(f), counts, w, scale, new Random(0), null);
        assertEquals(expected, loss.item(), 1e-9 * expected);
    }

    @Test
    void forceOnlyFramesIgnoreTheirEnergy() {
        TapeExecutor model = new TapeExecutor(model());
        TrainingFrame good = SyntheticMolecules.frames(1, 4, 3, Objective.FORCES).get(0);
        TrainingFrame wrongEnergy = new TrainingFrame(good.atomicNumbers(), good.positions(), good.energyEv() + 1e3, good.forcesEvPerA(), Objective.FORCES, "x");
        BatchLoss.Counts c = BatchLoss.Counts.of(List.of(good));
        assertEquals(0, c.energyFrames());
        LossWeights w = LossWeights.defaults();
        double a = BatchLoss.frameLoss(model, good, types(good), graph(good), c, w, 1, new Random(0), null).item();
        double b = BatchLoss.frameLoss(model, wrongEnergy, types(good), graph(good), c, w, 1, new Random(0), null).item();
        assertEquals(a, b, 0.0);
    }

    @Test
    void equilibriumFramesGetZeroForceAndDenoisingTerms() {
        LearnedModel learned = model();
        TapeExecutor model = new TapeExecutor(learned);
        TrainingFrame labelled = SyntheticMolecules.frames(1, 5, 4, Objective.FORCES).get(0);
        // no labels at all: the objective needs none
        TrainingFrame eq = new TrainingFrame(labelled.atomicNumbers(), labelled.positions(), null, null, Objective.EQUILIBRIUM, "eq");
        BatchLoss.Counts c = BatchLoss.Counts.of(List.of(eq));
        assertEquals(new BatchLoss.Counts(0, 0, 15, 0), c);
        int[] t = types(eq);
        double scale = 1.3, kappa = 4.0;

        double[] e = new double[1];
        double[] f0 = planForces(learned, eq.positions(), t, e);
        double zero = 0;
        for (double v : f0) zero += (v / scale) * (v / scale);
        double onlyZero = BatchLoss.frameLoss(model, eq, t, graph(eq), c, new LossWeights(1, 1, 7, 0, 0.04, kappa), scale, new Random(11), null).item();
        assertEquals(7.0 / 15 * zero, onlyZero, 1e-9 * onlyZero);

        // the same noise stream gives the displaced structure; its forces should be −κε
        ForceCentricTargets.Denoising d = ForceCentricTargets.denoising(eq.positions(), 0.04, kappa, new Random(11));
        double[] fd = planForces(learned, d.positions(), t, e);
        double den = 0;
        for (int i = 0; i < fd.length; i++) den += Math.pow((fd[i] - d.targetForces()[i]) / scale, 2);
        double onlyDenoise = BatchLoss.frameLoss(model, eq, t, graph(eq), c, new LossWeights(1, 1, 0, 3, 0.04, kappa), scale, new Random(11), null).item();
        assertEquals(3.0 / 15 * den, onlyDenoise, 1e-9 * onlyDenoise);
    }

    @Test
    void framesMustCarryTheLabelsTheirObjectiveNeeds() {
        int[] z = {1, 8};
        double[] x = {0, 0, 0, 1, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> new TrainingFrame(z, x, null, new double[6], Objective.ENERGY_AND_FORCES, "g"));
        assertThrows(IllegalArgumentException.class, () -> new TrainingFrame(z, x, 1.0, null, Objective.FORCES, "g"));
        assertEquals(Objective.EQUILIBRIUM, new TrainingFrame(z, x, null, null, Objective.EQUILIBRIUM, "g").objective());
        assertEquals(Objective.FORCES, Objective.byKey("forces"));
        assertThrows(IllegalArgumentException.class, () -> Objective.byKey("energy"));
    }
}
