package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;

import org.junit.jupiter.api.Test;

/** The trainer on Morse-labelled small molecules: learning, overfitting, exact resume, stopping, NaN skip, EMA export. */
class TrainerTest {
    static final int[] SPECIES = SyntheticMolecules.ELEMENTS;

    private static Trainer.Options options(int epochs, int batch, int threads, double emaDecay) {
        return new Trainer.Options(epochs, batch, 7, threads, LossWeights.defaults(), Adam.Options.adam(0.01).withAmsgrad(true), 0,
                emaDecay, Double.POSITIVE_INFINITY, 0.5, 50, 1e-4, 1e-7, 1000, Double.POSITIVE_INFINITY);
    }

    private static Trainer trainer(List<TrainingFrame> train, List<TrainingFrame> val, Trainer.Options o) {
        return trainer(train, train, val, o);
    }

    /** A trainer whose initial model (force scale, energy shifts, neighbour count) is set from the {@code statistics} frames. */
    private static Trainer trainer(List<TrainingFrame> statistics, List<TrainingFrame> train, List<TrainingFrame> val, Trainer.Options o) {
        double scale = TrainingStatistics.forceRms(statistics);
        double[] shifts = TrainingStatistics.perSpeciesEnergyShifts(statistics, SPECIES);
        NequipHyperparameters hp = NequipHyperparameters.of(3, 1, true, 4, 2, 4.0, TrainingStatistics.averageNeighbours(statistics, 4.0)).withRadial(6, 1, 8);
        return new Trainer(Nequip.initial(hp, SPECIES, shifts, scale, 3), scale, train, val, o);
    }

    @Test
    void validationLossDecreasesOnATinySet() {
        List<TrainingFrame> train = SyntheticMolecules.frames(8, 4, 1, Objective.ENERGY_AND_FORCES);
        List<TrainingFrame> val = SyntheticMolecules.frames(4, 4, 2, Objective.ENERGY_AND_FORCES);
        try (Trainer t = trainer(train, val, options(15, 2, 1, 0))) {
            double first = t.validate().loss();
            double last = first;
            while (!t.finished()) last = t.runEpoch().validation().loss();
            assertTrue(last < 0.5 * first, "validation loss " + first + " -> " + last);
        }
    }

    /** StepLR as PyTorch steps it once per epoch: lr = lr₀·γ^⌊epoch/step_size⌋ after each epoch; the plateau schedule is off. */
    @Test
    void stepScheduleMultipliesTheRateEveryStepSizeEpochs() {
        List<TrainingFrame> train = SyntheticMolecules.frames(4, 4, 1, Objective.ENERGY_AND_FORCES);
        List<TrainingFrame> val = SyntheticMolecules.frames(2, 4, 2, Objective.ENERGY_AND_FORCES);
        Trainer.Options o = new Trainer.Options(7, 2, 7, 1, LossWeights.defaults(), Adam.Options.adam(0.01), 0, 0, Double.POSITIVE_INFINITY,
                0.5, 0, 1e-4, 1e-9, 1000, Double.POSITIVE_INFINITY, 3, 0.5);
        try (Trainer t = trainer(train, val, o)) {
            double[] expected = {0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025};
            for (double lr : expected) assertEquals(lr, t.runEpoch().learningRate(), 1e-15);
        }
    }

    @Test
    void overfitsFiveFramesToNearZeroForceError() {
        List<TrainingFrame> five = SyntheticMolecules.frames(5, 4, 4, Objective.FORCES);
        double rms = TrainingStatistics.forceRms(five);
        try (Trainer t = trainer(five, five, options(250, 1, 1, 0))) {
            double before = t.validate().errors().forces().mae();
            Trainer.EpochReport r = null;
            while (!t.finished()) r = t.runEpoch();
            double after = r.validation().errors().forces().mae();
            // from an untrained error of the order of the forces themselves to 2% of their RMS
            assertTrue(before > 0.3 * rms, "untrained MAE " + before + " vs RMS " + rms);
            assertTrue(after < 0.02 * rms, "force MAE after overfitting " + after + " eV/Å, force RMS " + rms);
        }
    }

    @Test
    void resumeFromStateIsBitIdenticalAndThreadCountDoesNotMatter() {
        List<TrainingFrame> train = new ArrayList<>(SyntheticMolecules.frames(6, 4, 5, Objective.ENERGY_AND_FORCES));
        train.addAll(SyntheticMolecules.frames(3, 5, 6, Objective.ENERGY_AND_FORCES)); // mixed sizes in one batch
        train.add(equilibrium(SyntheticMolecules.frames(1, 4, 8, Objective.FORCES).get(0)));
        List<TrainingFrame> val = SyntheticMolecules.frames(3, 4, 7, Objective.ENERGY_AND_FORCES);
        Map<String, double[]> straight;
        try (Trainer t = trainer(train, val, options(4, 3, 1, 0.99))) {
            for (int e = 0; e < 4; e++) t.runEpoch();
            straight = t.state().parameters();
        }
        Trainer.State half;
        try (Trainer t = trainer(train, val, options(4, 3, 2, 0.99))) {
            t.runEpoch();
            t.runEpoch();
            half = t.state();
        }
        try (Trainer t = trainer(train, val, options(4, 3, 2, 0.99))) {
            t.restore(half);
            assertEquals(2, t.epoch());
            t.runEpoch();
            t.runEpoch();
            Trainer.State end = t.state();
            assertEquals(straight.keySet(), end.parameters().keySet());
            for (String k : straight.keySet()) assertArrayEquals(straight.get(k), end.parameters().get(k), 0.0, k);
            assertEquals(Trainer.STOP_MAX_EPOCHS, t.stopReason());
        }
    }

    private static TrainingFrame equilibrium(TrainingFrame f) {
        return new TrainingFrame(f.atomicNumbers(), f.positions(), null, null, Objective.EQUILIBRIUM, "eq");
    }

    @Test
    void aStepWithNaNLossIsSkippedAndChangesNothing() {
        List<TrainingFrame> good = SyntheticMolecules.frames(1, 4, 9, Objective.FORCES);
        double[] nanForces = good.get(0).forcesEvPerA().clone();
        nanForces[2] = Double.NaN;
        TrainingFrame bad = new TrainingFrame(good.get(0).atomicNumbers(), good.get(0).positions(), null, nanForces, Objective.FORCES, "bad");
        List<TrainingStep.Result> skipped = new ArrayList<>();
        // the model is set up from finite statistics (a learned model rejects non-finite parameters): only the label is NaN
        try (Trainer t = trainer(good, List.of(bad), good, options(2, 1, 1, 0.99))) {
            t.setListener(new Trainer.Listener() {
                @Override public void stepSkipped(int epoch, int batch, TrainingStep.Result r) { skipped.add(r); }
            });
            Map<String, double[]> before = t.state().parameters();
            Trainer.EpochReport r = t.runEpoch();
            assertEquals(1, r.skippedSteps());
            assertEquals(1, skipped.size());
            assertTrue(Double.isNaN(skipped.get(0).loss()));
            Trainer.State after = t.state();
            for (String k : before.keySet()) assertArrayEquals(before.get(k), after.parameters().get(k), 0.0);
            assertEquals(0, after.optimizer().steps());
            assertEquals(1, after.skippedSteps());
        }
    }

    @Test
    void earlyStoppingOnWallClockLearningRateFloorAndPatience() {
        List<TrainingFrame> train = SyntheticMolecules.frames(3, 4, 10, Objective.FORCES);
        Trainer.Options base = options(100, 3, 1, 0);
        Trainer.Options wall = new Trainer.Options(100, 3, 7, 1, base.loss(), base.optimizer(), 0, 0, Double.POSITIVE_INFINITY, 0.5, 50, 1e-4,
                1e-7, 1000, 1e-3);
        try (Trainer t = trainer(train, train, wall)) {
            assertEquals(Trainer.STOP_WALL_CLOCK, t.runEpoch().stopReason());
            // a wall-clock stop does not survive a resume: the limit is per invocation
            Trainer.State s = t.state();
            try (Trainer u = trainer(train, train, wall)) {
                u.restore(s);
                assertFalse(u.finished());
            }
        }
        // plateau patience 0, factor 0.5, relative threshold 0.99 (no later epoch counts as a plateau improvement), floor
        // 0.004: the second epoch halves 0.01 → 0.005 (above the floor), the third to 0.0025 (below): stop.
        Trainer.Options floor = new Trainer.Options(100, 3, 7, 1, base.loss(), Adam.Options.adam(0.01), 0, 0, Double.POSITIVE_INFINITY, 0.5, 0,
                0.99, 0.004, 1000, Double.POSITIVE_INFINITY);
        try (Trainer t = trainer(train, train, floor)) {
            t.setListener(null);
            Trainer.EpochReport r1 = t.runEpoch(), r2 = t.runEpoch(), r3 = t.runEpoch();
            assertEquals(0.01, r1.learningRate(), 0.0);
            assertNull(r1.stopReason());
            assertNull(r2.stopReason());
            assertEquals(0.005, r2.learningRate(), 1e-15);
            assertEquals(Trainer.STOP_LR_FLOOR, r3.stopReason());
            assertEquals(0.0025, r3.learningRate(), 1e-15);
        }
        // a learning rate of 0 never improves on the first epoch's validation loss: patience 2 stops after epoch 3
        Trainer.Options patient = new Trainer.Options(100, 3, 7, 1, base.loss(), Adam.Options.adam(0), 0, 0, Double.POSITIVE_INFINITY, 0.5, 50,
                1e-4, 0, 2, Double.POSITIVE_INFINITY);
        try (Trainer t = trainer(train, train, patient)) {
            assertNull(t.runEpoch().stopReason());
            assertNull(t.runEpoch().stopReason());
            assertEquals(Trainer.STOP_PATIENCE, t.runEpoch().stopReason());
            assertEquals(1, t.bestEpoch());
        }
    }

    @Test
    void exportedModelCarriesTheEmaWeightsAndMatchesTheTapeExecutor() {
        List<TrainingFrame> train = SyntheticMolecules.frames(4, 4, 11, Objective.ENERGY_AND_FORCES);
        try (Trainer t = trainer(train, train, options(2, 2, 1, 0.9))) {
            t.runEpoch();
            t.runEpoch();
            Trainer.State s = t.state();
            LearnedModel exported = t.exportModel();
            // EMA weights differ from the live ones after updates, and the export holds the averages
            int k = 0;
            for (Map.Entry<String, double[]> e : s.parameters().entrySet()) {
                String name = e.getKey();
                assertArrayEquals(s.emaAverages()[k], exported.parameter(name), 0.0, name);
                if (k == 1) assertNotEquals(e.getValue()[0], exported.parameter(name)[0]);
                k++;
            }
            // the live model exported for the MD executor predicts what the tape (training) executor predicts
            TapeExecutor live = t.model();
            LearnedModel liveFast = live.snapshot();
            TrainingFrame f = train.get(0);
            int[] types = {0, 1, 2, 0};
            Tensor r = Tensor.of(f.positions().clone(), 4, 3).requireGrad();
            TapeExecutor.Result out = live.evaluate(r, Graph.of(types, EdgeList.isolated(f.positions(), 4.0)));
            double[] fd = out.forces(false).data();
            double[] ff = new double[12];
            double e = new PlanExecutor(liveFast).compute(f.positions(), types, NeighborList.allPairs(4, 4.0), ff, null, null);
            assertEquals(out.energy().item(), e, 1e-10 * Math.abs(e));
            assertArrayEquals(fd, ff, 1e-10);
        }
    }

    @Test
    void equilibriumFramesAreDrivenToZeroForceAndRestoringDenoisedForces() {
        TrainingFrame eq = equilibrium(SyntheticMolecules.frames(1, 4, 12, Objective.FORCES).get(0));
        LossWeights w = new LossWeights(1, 1000, 1000, 1000, 0.04, 1.0);
        Trainer.Options o = new Trainer.Options(150, 1, 7, 1, w, Adam.Options.adam(0.01), 0, 0, Double.POSITIVE_INFINITY, 0.5, 50, 1e-4,
                1e-7, 1000, Double.POSITIVE_INFINITY);
        NequipHyperparameters hp = NequipHyperparameters.of(3, 1, true, 4, 2, 4.0, 3.0).withRadial(6, 1, 8);
        try (Trainer t = new Trainer(Nequip.initial(hp, SPECIES, new double[3], 1.0, 3), 1.0, List.of(eq), List.of(eq), o)) {
            Random probe = new Random(99);
            double[] before = forceErrors(t.exportModel(), eq, probe);
            while (!t.finished()) t.runEpoch();
            double[] after = forceErrors(t.exportModel(), eq, new Random(99));
            // zero-force term: RMS force at the structure; denoising term: RMS deviation from the learnable part of −ε
            assertTrue(after[0] < 0.25 * before[0], "RMS force at equilibrium " + before[0] + " -> " + after[0]);
            assertTrue(after[1] < 0.7 * before[1], "RMS error against -eps (internal part) " + before[1] + " -> " + after[1]);
        }
    }

    /**
     * RMS force at the structure, and RMS of F(x + ε) + Pε over 20 fresh displacements (σ² = 0.04 Å²),
     * P removing ε's rigid translation and rotation: forces of an invariant energy have no net force or
     * torque, so only the internal part of the restoring target can be learnt (the rest is a floor).
     */
    private static double[] forceErrors(LearnedModel m, TrainingFrame f, Random rng) {
        PlanExecutor ev = new PlanExecutor(m);
        int[] types = {0, 1, 2, 0};
        double[] force = new double[12];
        ev.compute(f.positions(), types, NeighborList.allPairs(4, 4.0), force, null, null);
        double zero = 0, den = 0;
        for (double v : force) zero += v * v;
        for (int k = 0; k < 20; k++) {
            ForceCentricTargets.Denoising d = ForceCentricTargets.denoising(f.positions(), 0.04, 1.0, rng);
            ev.compute(d.positions(), types, NeighborList.allPairs(4, 4.0), force, null, null);
            double[] target = internalPart(d.targetForces(), d.positions());
            for (int i = 0; i < 12; i++) den += Math.pow(force[i] - target[i], 2);
        }
        return new double[] {Math.sqrt(zero / 12), Math.sqrt(den / 240)};
    }

    /** v minus its projection on the six rigid-body modes (translations, rotations about the centroid) of x. */
    static double[] internalPart(double[] v, double[] x) {
        int n = x.length / 3;
        double[] c = new double[3];
        for (int i = 0; i < n; i++) for (int k = 0; k < 3; k++) c[k] += x[3 * i + k] / n;
        List<double[]> basis = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            double[] m = new double[3 * n];
            for (int i = 0; i < n; i++) {
                double[] r = {x[3 * i] - c[0], x[3 * i + 1] - c[1], x[3 * i + 2] - c[2]};
                if (k < 3) m[3 * i + k] = 1;
                else { int a = (k - 2) % 3, b = (k - 1) % 3; m[3 * i + a] = r[b]; m[3 * i + b] = -r[a]; } // e_k × r
            }
            for (double[] q : basis) { double d = dot(m, q); for (int i = 0; i < m.length; i++) m[i] -= d * q[i]; }
            double norm = Math.sqrt(dot(m, m));
            for (int i = 0; i < m.length; i++) m[i] /= norm;
            basis.add(m);
        }
        double[] out = v.clone();
        for (double[] q : basis) { double d = dot(v, q); for (int i = 0; i < out.length; i++) out[i] -= d * q[i]; }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void mixSeedsDifferPerEpochAndFrame() {
        assertNotEquals(Trainer.mix(1, 1, 0), Trainer.mix(1, 2, 0));
        assertNotEquals(Trainer.mix(1, 1, 1), Trainer.mix(1, 1, 2));
        assertEquals(Trainer.mix(5, 3, 9), Trainer.mix(5, 3, 9));
        assertNotEquals(new Random(Trainer.mix(1, 1, 1)).nextLong(), new Random(Trainer.mix(2, 1, 1)).nextLong());
    }
}
