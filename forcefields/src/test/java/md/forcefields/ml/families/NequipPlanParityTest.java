package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipPeriodicTest;
import md.forcefields.nequip.NequipReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MD executor ({@link PlanExecutor}) on NequIP models:
 * <ul>
 *   <li>the reference fixture (nequip 0.6.2 / e3nn 0.5.1, aspirin, l_max=2, all 12 frames incl. rotated and
 *       reflected copies and pairs at r_max ± 1e-6), loaded through the importer and the conversion: energies,
 *       per-atom energies and forces of the plan and of the tape executor equal the reference to 1e-12;</li>
 *   <li>random models of every l_max ≤ 3 with and without parity in a periodic cell whose half neighbour list
 *       holds several images of a pair: energy, per-atom energies and forces equal those of the tape executor
 *       (autodiff of the ops' tapes, an independent derivation) on the same edges to 1e-12 relative; the virial
 *       equals −∂E/∂ε of a homogeneous strain (central differences, 1e-6 relative). Until the hand-written
 *       fast path was deleted, this test compared the plan with it (to 1e-12, virial included).</li>
 * </ul>
 */
public class NequipPlanParityTest {
    private static final double FIXTURE_TOL = 1e-12, RELATIVE_TOL = 1e-12;

    @Test
    void planAndTapeReproduceTheReferenceOnEveryFrame() throws IOException {
        LearnedModel learned = NequipTapeReferenceParityTest.load();
        PlanExecutor plan = new PlanExecutor(learned);
        TapeExecutor tape = new TapeExecutor(learned);
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        int[] z = frames.get("z").asInts();
        int n = z.length;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = learned.architecture().typeOf(z[i]);
        assertArrayEquals(frames.get("types").asInts(), types, "species indices of the fixture");
        double[] e = frames.get("E").data(), nEdges = frames.get("n_edges").data();
        int k = e.length;
        assertEquals(12, k);
        double[] forces = new double[3 * n], atomic = new double[n], virial = new double[9];
        double planDe = 0, planDf = 0, planDa = 0, tapeDe = 0, tapeDf = 0, tapeDa = 0, planVsTape = 0;
        for (int fr = 0; fr < k; fr++) {
            double[] r = frames.get("R").slice(fr), fRef = frames.get("F").slice(fr), aRef = frames.get("atomic_energy").slice(fr);
            // the list reaches beyond r_max (5 Å > 4 Å): the plan keeps the pairs within r_max
            double ePlan = plan.compute(r, types, NeighborList.allPairs(n, 5.0), forces, virial, atomic);
            assertEquals((int) nEdges[fr], plan.graph().edges(), "edges of frame " + fr);
            planDe = Math.max(planDe, Math.abs(ePlan - e[fr]));
            for (int i = 0; i < 3 * n; i++) planDf = Math.max(planDf, Math.abs(forces[i] - fRef[i]));
            for (int i = 0; i < n; i++) planDa = Math.max(planDa, Math.abs(atomic[i] - aRef[i]));

            Tensor positions = Tensor.of(r.clone(), n, 3).requireGrad();
            EdgeList edges = EdgeList.isolated(r, learned.architecture().cutoff());
            assertEquals((int) nEdges[fr], edges.size(), "edges of frame " + fr);
            TapeExecutor.Result out = tape.evaluate(positions, Graph.of(types, edges));
            double[] fTape = out.forces(false).data(), aTape = out.atomicEnergies().data();
            tapeDe = Math.max(tapeDe, Math.abs(out.energy().item() - e[fr]));
            for (int i = 0; i < 3 * n; i++) tapeDf = Math.max(tapeDf, Math.abs(fTape[i] - fRef[i]));
            for (int i = 0; i < n; i++) tapeDa = Math.max(tapeDa, Math.abs(aTape[i] - aRef[i]));
            planVsTape = Math.max(planVsTape, Math.abs(ePlan - out.energy().item()));
            for (int i = 0; i < 3 * n; i++) planVsTape = Math.max(planVsTape, Math.abs(forces[i] - fTape[i]));
        }
        System.out.printf("plan executor reference parity over %d frames: max|dE| %.2e eV, max|dE_atom| %.2e eV, max|dF| %.2e eV/A%n",
                k, planDe, planDa, planDf);
        System.out.printf("tape executor reference parity over %d frames: max|dE| %.2e eV, max|dE_atom| %.2e eV, max|dF| %.2e eV/A%n",
                k, tapeDe, tapeDa, tapeDf);
        System.out.printf("plan vs tape executor: max difference %.2e%n", planVsTape);
        assertTrue(planDe <= FIXTURE_TOL, "plan energy error " + planDe);
        assertTrue(planDa <= FIXTURE_TOL, "plan per-atom energy error " + planDa);
        assertTrue(planDf <= FIXTURE_TOL, "plan force error " + planDf);
        assertTrue(tapeDe <= FIXTURE_TOL, "tape energy error " + tapeDe);
        assertTrue(tapeDa <= FIXTURE_TOL, "tape per-atom energy error " + tapeDa);
        assertTrue(tapeDf <= FIXTURE_TOL, "tape force error " + tapeDf);
    }

    // ---- random models, periodic cell -------------------------------------------------------------

    /** r_max > CELL: atoms see several images of a partner, and images of themselves. */
    public static final double CELL = 3.3, R_MAX = 3.5;

    /** {@code n} atoms in the cell, no two (or images) closer than 0.9 Å. */
    public static double[] periodicCluster(Random rnd, int n) {
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++) {
            boolean ok;
            do {
                for (int d = 0; d < 3; d++) x[3 * i + d] = CELL * rnd.nextDouble();
                ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double r2 = 0;
                    for (int d = 0; d < 3; d++) {
                        double dx = x[3 * i + d] - x[3 * j + d];
                        dx -= CELL * Math.rint(dx / CELL);
                        r2 += dx * dx;
                    }
                    ok = r2 > 0.81;
                }
            } while (!ok);
        }
        return x;
    }

    public static Stream<Arguments> randomModels() {
        int[] z = {1, 6, 8};
        double[] s = {0.9, 1.1, 1.2}, b = {-0.5, -1.5, -1.2};
        List<Arguments> list = new ArrayList<>();
        for (int lmax = 0; lmax <= 3; lmax++)
            for (boolean parity : new boolean[] {true, false})
                list.add(Arguments.of("l_max=" + lmax + (parity ? ", parity" : ", no parity"),
                        NequipConfig.simple(z, R_MAX, lmax, parity, lmax == 3 ? 4 : 8, lmax == 0 ? 2 : 3, 8, 2, 16, 12.0, s, b, 1.3)));
        // 32 channels: the vector kernels' register-blocked path
        list.add(Arguments.of("l_max=2, parity, 32 channels", NequipConfig.simple(z, R_MAX, 2, true, 32, 2, 8, 2, 32, 12.0, s, b, 0.8)));
        return list.stream();
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("randomModels")
    void planEqualsTheTapeInAPeriodicCell(String name, NequipConfig config) {
        LearnedModel learned = NequipConversion.toLearned(NequipModel.withRandomWeights(config, 17));
        try (PlanExecutor plan = new PlanExecutor(learned)) {
            TapeExecutor tape = new TapeExecutor(learned);
            Random rnd = new Random(31);
            int n = 5;
            double[] x = periodicCluster(rnd, n);
            int[] t = new int[n];
            for (int i = 0; i < n; i++) t[i] = rnd.nextInt(3);
            NeighborList nl = NequipPeriodicTest.halfList(x, n, CELL, R_MAX);
            boolean selfImage = false, twoImages = false;
            for (int p = 0; p < nl.pairCount(); p++) {
                selfImage |= nl.first(p) == nl.second(p);
                for (int q = 0; q < p; q++) twoImages |= nl.first(p) == nl.first(q) && nl.second(p) == nl.second(q);
            }
            assertTrue(selfImage && twoImages, "the cell should hold self-images and several images of a pair");

            double[] fp = new double[3 * n], wp = new double[9], ap = new double[n];
            double ePlan = plan.compute(x, t, nl, fp, wp, ap);
            EdgeList edges = EdgeList.fromHalfList(nl, x, R_MAX);
            TapeExecutor.Result out = tape.evaluate(Tensor.of(x.clone(), n, 3).requireGrad(), Graph.of(t, edges));
            double eTape = out.energy().item();
            double[] ff = out.forces(false).data(), af = out.atomicEnergies().data();
            assertEquals(edges.size(), plan.graph().edges(), name + ": edges");
            double dE = Math.abs(ePlan - eTape), dA = maxDiff(ap, af), dF = maxDiff(fp, ff);
            double fScale = Math.max(1, maxAbs(ff)), eScale = Math.max(1, Math.abs(eTape));
            System.out.printf("%-30s plan vs tape: |dE| %.1e (E %.3f), max|dE_atom| %.1e, max|dF| %.1e (max|F| %.2f), max|W| %.2f, %d edges%n",
                    name, dE, eTape, dA, dF, maxAbs(ff), maxAbs(wp), plan.graph().edges());
            assertTrue(dE <= RELATIVE_TOL * eScale, name + ": energy differs by " + dE);
            assertTrue(dA <= RELATIVE_TOL * eScale, name + ": per-atom energies differ by " + dA);
            assertTrue(dF <= RELATIVE_TOL * fScale, name + ": forces differ by " + dF + " (max |F| " + fScale + ")");
            assertTrue(maxAbs(ff) > 1e-3 && maxAbs(wp) > 1e-3, name + ": forces and virial should not vanish");

            // virial W_ba = −dE/dε_ab for the homogeneous strain x → (1+ε)x of atoms and image shifts
            double h = 1e-5;
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) {
                    double[] ep = new double[2];
                    for (int sgn = 0; sgn < 2; sgn++) {
                        double eps = sgn == 0 ? h : -h;
                        double[] xs = x.clone();
                        for (int i = 0; i < n; i++) xs[3 * i + b] += eps * x[3 * i + a];
                        double[] sh = nl.shiftArray().clone();
                        for (int p = 0; p < nl.pairCount(); p++) sh[3 * p + b] += eps * nl.shift(p, a);
                        NeighborList deformed = new NeighborList();
                        deformed.set(nl.firstArray().clone(), nl.secondArray().clone(), sh, nl.pairCount(), R_MAX);
                        ep[sgn] = plan.compute(xs, t, deformed, new double[3 * n], null, null);
                    }
                    double dEde = (ep[0] - ep[1]) / (2 * h);
                    assertEquals(-dEde, wp[3 * b + a], 1e-6 * Math.max(1, Math.abs(dEde)), name + ": virial " + b + "," + a);
                }

            // the warm plan reuses its buffers: a smaller isolated system in between changes nothing
            double[] fi = new double[9];
            plan.compute(Arrays.copyOf(x, 9), new int[] {0, 1, 2}, NeighborList.allPairs(3, R_MAX), fi, null, null);
            double[] f2 = new double[3 * n], w2 = new double[9], a2 = new double[n];
            assertEquals(ePlan, plan.compute(x, t, nl, f2, w2, a2), 0.0, name + ": second call");
            assertArrayEquals(fp, f2, 0.0, name + ": forces of the second call");
            assertArrayEquals(wp, w2, 0.0, name + ": virial of the second call");
            assertArrayEquals(ap, a2, 0.0, name + ": per-atom energies of the second call");
        }
    }
}
