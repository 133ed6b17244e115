package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.ml.model.LearnedModel;

/**
 * Training on periodic frames: the tape executor (training) on a frame's edges, including its atoms'
 * periodic images and an atom's own images in a cell narrower than the cutoff, gives the energy and forces
 * of the MD executor on the frame's half list; forces are −∂E/∂R (finite differences); and translating an
 * atom by a lattice vector changes nothing.
 */
class PeriodicTrainingFrameTest {
    static final int[] Z = {1, 6, 8};
    static final double RC = 4.2;
    // triclinic; widths ≈ 3.9–4.4 Å, below or near the cutoff, so atoms see their own images
    static final Cell CELL = new Cell(new double[] {4.0, 0, 0, 0.8, 4.2, 0, 0.3, -0.5, 4.5}, new boolean[] {true, true, true});

    static LearnedModel model() {
        NequipHyperparameters hp = NequipHyperparameters.of(3, 1, true, 8, 2, RC, 20.0).withRadial(8, 1, 16);
        return Nequip.initial(hp, Z, new double[] {-1.0, -2.0, -3.0}, 0.7, 5);
    }

    static TrainingFrame frame(double[] x, Cell cell) {
        int[] z = new int[x.length / 3];
        for (int i = 0; i < z.length; i++) z[i] = Z[i % 3];
        return new TrainingFrame(z, x, 0.0, new double[x.length], Objective.ENERGY_AND_FORCES, "box", cell);
    }

    static double[] positions(long seed, int n) {
        Random r = new Random(seed);
        double[] x = new double[3 * n];
        for (int i = 0; i < x.length; i++) x[i] = -1.0 + 6.5 * r.nextDouble(); // partly outside the cell: unwrapped
        return x;
    }

    static int[] types(LearnedModel m, TrainingFrame f) {
        int[] t = new int[f.size()];
        for (int i = 0; i < t.length; i++) t[i] = m.architecture().typeOf(f.atomicNumbers()[i]);
        return t;
    }

    static double tapeEnergy(TapeExecutor tape, TrainingFrame f, int[] t, double[] x, double[] forcesOut) {
        TapeExecutor.Result r = tape.evaluate(Tensor.of(x.clone(), f.size(), 3).requireGrad(), Graph.of(t, f.edges(x, RC)));
        if (forcesOut != null) System.arraycopy(r.forces(false).data(), 0, forcesOut, 0, x.length);
        return r.energy().item();
    }

    @Test void tapeAndPlanAgreeOnPeriodicFramesAndForcesAreEnergyGradients() {
        LearnedModel m = model();
        TapeExecutor tape = new TapeExecutor(m);
        PlanExecutor plan = new PlanExecutor(m);
        double[] x = positions(3, 7);
        TrainingFrame f = frame(x, CELL);
        int[] t = types(m, f);
        assertTrue(f.pairs(x, RC).pairCount() > 7 * 6 / 2, "images contribute pairs");

        double[] ft = new double[x.length], fp = new double[x.length];
        double et = tapeEnergy(tape, f, t, x, ft);
        double ep = plan.compute(x, t, f.pairs(x, RC), fp, null, null);
        assertEquals(ep, et, 1e-12 * Math.abs(ep), "tape vs plan energy");
        for (int i = 0; i < x.length; i++) assertEquals(fp[i], ft[i], 1e-11, "tape vs plan force " + i);

        double h = 1e-5, maxErr = 0, maxF = 0;
        for (int i = 0; i < x.length; i++) {
            double[] xp = x.clone(), xm = x.clone();
            xp[i] += h; xm[i] -= h;
            double fd = -(tapeEnergy(tape, f, t, xp, null) - tapeEnergy(tape, f, t, xm, null)) / (2 * h);
            maxErr = Math.max(maxErr, Math.abs(fd - ft[i]));
            maxF = Math.max(maxF, Math.abs(ft[i]));
        }
        System.out.printf(java.util.Locale.ROOT, "periodic frame: E %.6f eV, tape-plan |dE| %.1e, max|F - F_fd| %.1e (max|F| %.3f)%n",
                et, Math.abs(et - ep), maxErr, maxF);
        assertTrue(maxF > 1e-3, "non-trivial forces");
        assertTrue(maxErr < 1e-6 * Math.max(1, maxF), "forces vs finite differences: " + maxErr);
    }

    @Test void anAtomMovedByALatticeVectorChangesNothing() {
        LearnedModel m = model();
        TapeExecutor tape = new TapeExecutor(m);
        double[] x = positions(8, 6);
        TrainingFrame f = frame(x, CELL);
        int[] t = types(m, f);
        double e = tapeEnergy(tape, f, t, x, null);
        double[] y = x.clone();
        double[] v = CELL.vectors();
        for (int k = 0; k < 3; k++) y[3 * 2 + k] += v[k] - 2 * v[3 + k] + v[6 + k]; // atom 2 by a − 2b + c
        assertEquals(e, tapeEnergy(tape, frame(y, CELL), t, y, null), 1e-12 * Math.abs(e));
        // the same atoms without the cell are another system
        double isolated = tapeEnergy(tape, frame(x, Cell.NONE), t, x, null);
        assertTrue(Math.abs(isolated - e) > 1e-6, "periodic images must matter: " + isolated + " vs " + e);
    }

    @Test void averageNeighboursCountsImages() {
        double[] x = {0.5, 0.5, 0.5};
        TrainingFrame one = new TrainingFrame(new int[] {1}, x, 0.0, new double[3], Objective.ENERGY_AND_FORCES, "one", Cell.orthorhombic(3, 3, 3));
        // one atom in a 3 Å cube: within 3.5 Å it sees its 6 face images (3 Å) only; the edge images are at 4.24 Å
        assertEquals(6.0, TrainingStatistics.averageNeighbours(java.util.List.of(one), 3.5), 0);
        assertEquals(6.0 + 12.0, TrainingStatistics.averageNeighbours(java.util.List.of(one), 4.3), 0);
    }
}
