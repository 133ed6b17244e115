package md.forcefields.torchmdnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.nequip.NequipPeriodicTest;

import org.junit.jupiter.api.Test;

/**
 * The Equivariant Transformer in a periodic cell smaller than twice its cutoff (atoms see several images of
 * a partner and images of themselves, which are ordinary edges, not TorchMD-Net's self-loops): the MD plan
 * equals the tape on the same edges (energy, per-atom energies, forces), and the trace of the plan's
 * virial equals −dE/dε of a uniform dilation by central differences; a second call on a warm plan after
 * another system gives the same numbers.
 */
class EquivariantTransformerPeriodicTest {
    private static final double CELL = 2.8; // < r_c = 3 Å: every atom sees its own images

    @Test
    void planEqualsTapeAndVirialIsTheStrainDerivative() {
        LearnedModel m = EquivariantTransformerPhysicsTest.randomModel("both", true, 41);
        double rc = m.architecture().cutoff();
        Random rng = new Random(42);
        int n = 5;
        int[] z = {6, 1, 8, 1, 7};
        int[] types = EquivariantTransformerPhysicsTest.types(m, z);
        double[] x = new double[3 * n];
        for (int i = 0; i < x.length; i++) x[i] = CELL * rng.nextDouble();
        NeighborList nl = NequipPeriodicTest.halfList(x, n, CELL, rc);
        boolean selfImage = false;
        for (int p = 0; p < nl.pairCount(); p++) selfImage |= nl.first(p) == nl.second(p);
        assertTrue(selfImage, "the cell should hold self-images");

        double[] f = new double[3 * n], w = new double[9], a = new double[n];
        double e;
        try (PlanExecutor plan = new PlanExecutor(m)) {
            e = plan.compute(x, types, nl, f, w, a);
            TapeExecutor.Result t = new TapeExecutor(m).evaluate(Tensor.of(x.clone(), n, 3).requireGrad(), Graph.of(types, EdgeList.fromHalfList(nl, x, rc)));
            double[] ft = t.forces(false).data(), at = t.atomicEnergies().data();
            double dF = 0, dA = 0, fmax = 0;
            for (int k = 0; k < 3 * n; k++) { dF = Math.max(dF, Math.abs(f[k] - ft[k])); fmax = Math.max(fmax, Math.abs(ft[k])); }
            for (int k = 0; k < n; k++) dA = Math.max(dA, Math.abs(a[k] - at[k]));
            // uniform dilation of positions and cell: tr(W) = −dE/dε
            double h = 1e-6;
            double up = energy(plan, x, types, 1 + h, rc), down = energy(plan, x, types, 1 - h, rc);
            double trace = w[0] + w[4] + w[8], fd = -(up - down) / (2 * h);
            System.out.printf("ET periodic (%d edges): plan vs tape |dE| %.1e, max|dE_atom| %.1e, max|dF| %.1e (max|F| %.2f); tr(W) %.6f vs -dE/de %.6f%n",
                    plan.graph().edges(), Math.abs(e - t.energy().item()), dA, dF, fmax, trace, fd);
            assertEquals(t.energy().item(), e, 1e-12 * Math.max(1, Math.abs(e)));
            assertTrue(dA < 1e-12 * Math.max(1, Math.abs(e)) && dF < 1e-12 * Math.max(1, fmax), "per-atom " + dA + ", forces " + dF);
            assertTrue(fmax > 1e-3 && Math.abs(trace) > 1e-3, "forces and virial should not vanish");
            assertEquals(fd, trace, 1e-7 * Math.max(1, Math.abs(trace)), "virial trace");
            // a warm plan, after another (smaller, isolated) system, gives the same numbers
            plan.compute(java.util.Arrays.copyOf(x, 9), new int[] {types[0], types[1], types[2]}, NeighborList.allPairs(3, rc), new double[9], null, null);
            double[] f2 = new double[3 * n], w2 = new double[9];
            assertEquals(e, plan.compute(x, types, nl, f2, w2, null), 0.0);
            assertArrayEquals(f, f2, 0.0);
            assertArrayEquals(w, w2, 0.0);
        }
    }

    private static double energy(PlanExecutor plan, double[] x, int[] types, double scale, double rc) {
        double[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] *= scale;
        return plan.compute(y, types, NequipPeriodicTest.halfList(y, types.length, CELL * scale, rc), new double[y.length], null, null);
    }
}
