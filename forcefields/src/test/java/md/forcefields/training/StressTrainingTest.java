package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.forcefields.Atoms;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.classical.LennardJones;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.potential.LearnedForceField;

/**
 * Stress in training. The tape executor's virial W = −∂E/∂ε (training) equals the MD executor's
 * ({@link LearnedForceField}, whose virial VirialStrainDerivativeTest checks against strain differences) on a
 * triclinic frame narrower than the cutoff, with the same energy and forces; the stress term of the batch loss equals
 * the formula evaluated by hand from {@link LearnedForceField}'s virial; its weight gradient equals finite
 * differences of the loss (second derivatives, as for forces); every force head (conservative, direct, both) trains
 * the same stress, the energy's (an SE(3)-Transformer with a radius graph); and a tiny NequIP trained for a few epochs on
 * 32-atom Lennard-Jones argon at several densities, labelled with md's own {@link LennardJones} (energy, forces,
 * virial → stress), lowers its energy, force and stress errors.
 */
class StressTrainingTest {
    static final double RC = PeriodicTrainingFrameTest.RC;

    /** A periodic frame of {@link PeriodicTrainingFrameTest} with a made-up stress label (eV/Å³). */
    static TrainingFrame labelled(double[] x) {
        TrainingFrame f = PeriodicTrainingFrameTest.frame(x, PeriodicTrainingFrameTest.CELL);
        double[] s = {0.01, -0.002, 0.003, -0.002, -0.02, 0.001, 0.003, 0.001, 0.005};
        return new TrainingFrame(f.atomicNumbers(), x, -30.0, f.forcesEvPerA(), Objective.ENERGY_AND_FORCES, "box", f.cell(), s);
    }

    /** Energy, forces and virial of the MD executor through the force field md run uses. */
    static double mdCompute(LearnedModel m, TrainingFrame f, double[] forces, double[] virial) {
        try (LearnedForceField ff = new LearnedForceField(m)) {
            return ff.compute(new Atoms(f.atomicNumbers(), f.positions(), f.cell()), f.pairs(f.positions(), RC), forces, virial);
        }
    }

    @Test void tapeVirialEqualsTheMdExecutorsOnAPeriodicFrame() {
        LearnedModel m = PeriodicTrainingFrameTest.model();
        TapeExecutor tape = new TapeExecutor(m);
        TrainingFrame f = labelled(PeriodicTrainingFrameTest.positions(3, 7));
        int[] t = PeriodicTrainingFrameTest.types(m, f);
        TapeExecutor.Result r = tape.evaluateStrained(Tensor.of(f.positions().clone(), f.size(), 3).requireGrad(),
                Graph.of(t, f.edges(f.positions(), RC)), false);
        Tensor[] fw = r.forcesAndVirial(false);
        double[] fmd = new double[3 * f.size()], wmd = new double[9];
        double emd = mdCompute(m, f, fmd, wmd);
        assertEquals(emd, r.energy().item(), 1e-12 * Math.abs(emd), "energy");
        for (int i = 0; i < fmd.length; i++) assertEquals(fmd[i], fw[0].data()[i], 1e-11, "force " + i);
        double scale = 0;
        for (int c = 0; c < 9; c++) {
            assertEquals(wmd[c], fw[1].data()[c], 1e-11 * Math.max(1, Math.abs(wmd[c])), "virial " + c);
            scale = Math.max(scale, Math.abs(wmd[c]));
        }
        assertTrue(scale > 1e-2, "a non-trivial virial: " + scale);
        // the strained evaluation has the plain one's energy and forces
        TapeExecutor.Result plain = tape.evaluate(Tensor.of(f.positions().clone(), f.size(), 3).requireGrad(), Graph.of(t, f.edges(f.positions(), RC)));
        assertEquals(plain.energy().item(), r.energy().item(), 0);
        System.out.printf(Locale.ROOT, "tape vs MD executor virial on a triclinic frame: max|W| %.3g eV%n", scale);
    }

    @Test void stressTermEqualsTheFormulaFromTheMdExecutor() {
        LearnedModel m = PeriodicTrainingFrameTest.model();
        TapeExecutor tape = new TapeExecutor(m);
        TrainingFrame a = labelled(PeriodicTrainingFrameTest.positions(4, 6)), b = labelled(PeriodicTrainingFrameTest.positions(5, 6));
        TrainingFrame noStress = PeriodicTrainingFrameTest.frame(PeriodicTrainingFrameTest.positions(6, 6), PeriodicTrainingFrameTest.CELL);
        BatchLoss.Counts c = BatchLoss.Counts.of(List.of(a, b, noStress));
        assertEquals(18, c.stressComponents());
        double u = 0.7, wS = 250;
        LossWeights only = new LossWeights(0, 0, 0, 0, 0.04, 1).withStress(wS);
        double[] parts = new double[4];
        double loss = BatchLoss.frameLoss(tape, a, PeriodicTrainingFrameTest.types(m, a), Graph.of(PeriodicTrainingFrameTest.types(m, a),
                a.edges(a.positions(), RC)), c, only, u, new Random(1), parts).item();
        double[] w = new double[9];
        mdCompute(m, a, new double[3 * a.size()], w);
        double v = a.cell().volume(), sq = 0;
        for (int k = 0; k < 9; k++) sq += Math.pow((-w[k] / v - a.stressEvPerA3()[k]) / u, 2);
        double expected = wS * sq / 18;
        assertEquals(expected, loss, 1e-10 * expected);
        assertEquals(expected, parts[3], 1e-10 * expected, "the stress part is reported");
        // a frame without a stress label adds no stress term; nor does weight 0
        assertEquals(0, BatchLoss.frameLoss(tape, noStress, PeriodicTrainingFrameTest.types(m, noStress), Graph.of(PeriodicTrainingFrameTest.types(m, noStress),
                noStress.edges(noStress.positions(), RC)), c, only, u, new Random(1), null).item(), 0);
        // stress needs the volume of a cell periodic along all axes
        Cell slab = new Cell(PeriodicTrainingFrameTest.CELL.vectors(), new boolean[] {true, true, false});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainingFrame(a.atomicNumbers(), a.positions(), 0.0,
                a.forcesEvPerA(), Objective.ENERGY_AND_FORCES, "slab", slab, a.stressEvPerA3()));
        assertTrue(e.getMessage().contains("periodic along all three axes"), e.getMessage());
    }

    @Test void stressLossGradientMatchesFiniteDifferences() {
        LearnedModel m = PeriodicTrainingFrameTest.model();
        TapeExecutor tape = new TapeExecutor(m);
        TrainingFrame f = labelled(PeriodicTrainingFrameTest.positions(7, 6));
        int[] t = PeriodicTrainingFrameTest.types(m, f);
        Graph g = Graph.of(t, f.edges(f.positions(), RC));
        BatchLoss.Counts c = BatchLoss.Counts.of(List.of(f));
        for (LossWeights w : new LossWeights[] {new LossWeights(0, 0, 0, 0, 0.04, 1).withStress(3e3), new LossWeights(1, 10, 0, 0, 0.04, 1).withStress(3e3)}) {
            Map<String, Tensor> params = tape.trainableParameters();
            Tensor[] ps = params.values().toArray(new Tensor[0]);
            Tensor[] grads = Autograd.grad(BatchLoss.frameLoss(tape, f, t, g, c, w, 0.9, new Random(1), null), ps);
            java.util.function.DoubleSupplier loss = () -> BatchLoss.frameLoss(tape, f, t, g, c, w, 0.9, new Random(1), null).item();
            Random pick = new Random(23);
            List<String> names = new ArrayList<>(params.keySet());
            double scaleOfGrad = 0;
            int checked = 0;
            for (int k = 0; k < ps.length; k++) {
                double[] x = ps[k].data(), gr = grads[k].data();
                for (double v : gr) scaleOfGrad = Math.max(scaleOfGrad, Math.abs(v));
                for (int rep = 0; rep < 2; rep++) {
                    int j = pick.nextInt(x.length);
                    double x0 = x[j], step = 1e-3;
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
                    double fd = (4 * d[1] - d[0]) / 3; // Richardson: O(h⁴)
                    assertEquals(fd, gr[j], 1e-6 * Math.max(1, Math.abs(fd)), names.get(k) + "[" + j + "]");
                    checked++;
                }
            }
            assertTrue(checked > 20, "checked " + checked);
            assertTrue(scaleOfGrad > 1e-3, "a non-trivial gradient: " + scaleOfGrad);
        }
    }

    @Test void everyForceHeadTrainsTheEnergysStress() {
        // the SE(3)-Transformer with a radius graph has a direct force head; the stress is the energy's strain derivative whatever the head
        md.forcefields.ml.families.Se3TransformerHyperparameters hp = new md.forcefields.ml.families.Se3TransformerHyperparameters(3, 2, 2, 2, 1,
                false, 4, 1e-5, 1e-12, 3.0, md.forcefields.ml.ops.TfnClebschGordan.REFERENCE_SIGNS, 1.0);
        md.forcefields.ml.families.Se3Transformer arch = new md.forcefields.ml.families.Se3Transformer(hp, new int[] {1, 6, 8});
        LearnedModel m = new LearnedModel(arch, arch.initialParameters(new Random(5)));
        TrainingFrame f = labelled(PeriodicTrainingFrameTest.positions(9, 6));
        int[] t = PeriodicTrainingFrameTest.types(m, f);
        BatchLoss.Counts c = BatchLoss.Counts.of(List.of(f));
        double[] w = new double[9];
        try (LearnedForceField ff = new LearnedForceField(m)) {
            ff.compute(new Atoms(f.atomicNumbers(), f.positions(), f.cell()), f.pairs(f.positions(), 3.0), new double[3 * f.size()], w);
        }
        double sq = 0;
        for (int k = 0; k < 9; k++) sq += Math.pow(-w[k] / f.cell().volume() - f.stressEvPerA3()[k], 2);
        for (ForceHead head : ForceHead.values()) {
            double[] parts = new double[4];
            BatchLoss.frameLoss(new TapeExecutor(m), f, t, Graph.of(t, f.edges(f.positions(), 3.0)), c,
                    new LossWeights(1, 1, 0, 0, 0.04, 1).withForceHead(head).withStress(9), 1.0, new Random(1), parts);
            assertEquals(sq, parts[3], 1e-10 * sq, head.key());
        }
    }

    // ---- a tiny periodic data set: Lennard-Jones argon ---------------------------------------------------------

    static final double AR_EPSILON = 0.0104, AR_SIGMA = 3.40, LJ_CUTOFF = 5.0;

    /**
     * {@code count} frames of 32-atom fcc argon (2×2×2 conventional cells) at lattice constants 5.15–5.45 Å,
     * atoms displaced by N(0, (0.12 Å)²) and the cell sheared by up to 2%, labelled with md's Lennard-Jones (ε = 10.4
     * meV, σ = 3.40 Å, force-shifted at 5 Å): energy, forces and stress σ = −W/V.
     */
    static List<TrainingFrame> argon(int count, long seed) {
        LennardJones lj = LennardJones.builder().species(18, AR_EPSILON, AR_SIGMA).cutoff(LJ_CUTOFF).shift(LennardJones.Shift.FORCE).build();
        Random r = new Random(seed);
        double[][] basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
        List<TrainingFrame> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            double a = 5.15 + 0.30 * r.nextDouble();
            double[] h = {2 * a, 0, 0, 0, 2 * a, 0, 0, 0, 2 * a};
            for (int i = 0; i < 9; i++) if (i % 4 != 0) h[i] += 0.02 * 2 * a * (2 * r.nextDouble() - 1);
            Cell cell = new Cell(h, new boolean[] {true, true, true});
            double[] x = new double[3 * 32];
            int n = 0;
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    for (int l = 0; l < 2; l++)
                        for (double[] b : basis) {
                            double[] s = {(i + b[0]) / 2, (j + b[1]) / 2, (l + b[2]) / 2};
                            cell.toCartesian(s, x, 3 * n);
                            for (int c = 0; c < 3; c++) x[3 * n + c] += 0.12 * r.nextGaussian();
                            n++;
                        }
            int[] z = new int[32];
            java.util.Arrays.fill(z, 18);
            double[] f = new double[x.length], w = new double[9];
            double e = lj.compute(new Atoms(z, x, cell), NeighborList.within(x, cell, LJ_CUTOFF), f, w);
            double[] stress = new double[9];
            for (int c = 0; c < 9; c++) stress[c] = -w[c] / cell.volume();
            out.add(new TrainingFrame(z, x, e, f, Objective.ENERGY_AND_FORCES, "argon", cell, stress));
        }
        return out;
    }

    @Test void aFewEpochsOnLennardJonesArgonLowerEnergyForceAndStressErrors() {
        List<TrainingFrame> train = argon(24, 1), val = argon(6, 2);
        double sigmaF = TrainingStatistics.forceRms(train);
        NequipHyperparameters hp = NequipHyperparameters.of(1, 1, true, 4, 2, LJ_CUTOFF, TrainingStatistics.averageNeighbours(train, LJ_CUTOFF))
                .withRadial(6, 1, 8);
        LearnedModel initial = Nequip.initial(hp, new int[] {18}, TrainingStatistics.perSpeciesEnergyShifts(train, new int[] {18}), sigmaF, 3);
        // stress values are ~1e-3 eV/Å³ against forces of ~σ_F: weigh the stress up so that it is seen
        LossWeights w = new LossWeights(100, 100, 0, 0, 0.04, 1).withStress(1e5);
        Trainer.Options o = new Trainer.Options(30, 4, 5, 1, w, Adam.Options.adam(0.01), 0, 0, Double.POSITIVE_INFINITY, 0.5, 50, 1e-4, 1e-7, 1000,
                Double.POSITIVE_INFINITY);
        try (Trainer t = new Trainer(initial, sigmaF, train, val, o)) {
            ErrorMetrics before = t.validate().errors();
            assertEquals(54, before.stress().count(), "6 frames × 9 components");
            long t0 = System.nanoTime();
            Trainer.EpochReport last = null;
            while (!t.finished()) last = t.runEpoch();
            ErrorMetrics after = t.validate().errors();
            System.out.printf(Locale.ROOT, "LJ argon (σ_F %.4f eV/Å, 24 train / 6 val frames, 30 epochs in %.1f s): energy MAE %.2f -> %.2f meV/atom, "
                            + "force MAE %.1f -> %.1f meV/Å, stress MAE %.3f -> %.3f meV/Å³ (train stress part %.3g)%n",
                    sigmaF, (System.nanoTime() - t0) * 1e-9, before.energyPerAtom().mae() * 1e3, after.energyPerAtom().mae() * 1e3,
                    before.forces().mae() * 1e3, after.forces().mae() * 1e3, before.stress().mae() * 1e3, after.stress().mae() * 1e3,
                    last.trainStressPart());
            assertTrue(after.energyPerAtom().mae() < 0.7 * before.energyPerAtom().mae(), "energy error must fall");
            assertTrue(after.forces().mae() < 0.7 * before.forces().mae(), "force error must fall");
            assertTrue(after.stress().mae() < 0.7 * before.stress().mae(), "stress error must fall");
            assertTrue(last.trainStressPart() > 0, "the stress term is in the training loss");
        }
    }
}
