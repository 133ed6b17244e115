package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import md.core.io.NpyArray;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.TfnClebschGordan;

import org.junit.jupiter.api.Test;

/**
 * The SE(3)-Transformer potential reproduces the reference fixture {@code se3t-reference/ethanol-basic}
 * (made with Fuchs et al.'s own modules, float64): the Clebsch–Gordan matrices Q_J, then on every frame
 * (fully connected graphs, rotated and mirrored copies, and radius graphs r &lt; 3 Å) the energies, per-atom
 * energies and conservative forces through both executors, and the direct forces (type-1 output) on the
 * tape.
 */
class Se3TransformerReferenceParityTest {

    @Test
    void clebschGordanMatricesEqualTheReferences() throws IOException {
        Map<String, NpyArray> q = Se3tReference.npz("Q_J.npz");
        double worst = 0;
        int count = 0;
        for (Map.Entry<String, NpyArray> e : q.entrySet()) {
            // Q_J{J}_in{l_in}_out{l_out}
            String[] p = e.getKey().substring(3).split("_in|_out");
            int j = Integer.parseInt(p[0]), li = Integer.parseInt(p[1]), lo = Integer.parseInt(p[2]);
            double[] ours = TfnClebschGordan.q(j, li, lo, TfnClebschGordan.REFERENCE_SIGNS);
            double[] ref = e.getValue().data();
            assertEquals(ref.length, ours.length, e.getKey());
            for (int i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - ours[i]));
            count++;
        }
        System.out.printf("Q_J: %d matrices, max |ours - reference| %.1e%n", count, worst);
        assertEquals(19, count); // Σ over l_in, l_out ≤ 2 of 2·min(l_in, l_out) + 1
        assertTrue(worst < 2e-15, "Q_J differ from the reference by " + worst);
    }

    /** Per-atom species indices of the fixture's molecule. */
    private static int[] types(LearnedModel m, double[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) t[i] = m.architecture().typeOf((int) z[i]);
        return t;
    }

    @Test
    void everyFrameMatchesTheReferenceThroughBothExecutors() throws IOException {
        Map<String, NpyArray> f = Se3tReference.npz("frames.npz");
        NpyArray r = f.get("R");
        double[] z = f.get("z").data(), e = f.get("E").data(), fc = f.get("F_cons").data(), ea = f.get("atomic_energy").data(), cut = f.get("graph_cutoff").data();
        int frames = r.dim(0), n = r.dim(1);
        LearnedModel full = Se3tReference.model(Double.POSITIVE_INFINITY);
        int[] types = types(full, z);
        double worstE = 0, worstEi = 0, worstF = 0, worstPlanE = 0, worstPlanF = 0, worstPlanEi = 0;
        for (int k = 0; k < frames; k++) {
            LearnedModel m = Double.isInfinite(cut[k]) ? full : Se3tReference.model(cut[k]);
            double[] pos = r.slice(k);
            Graph g = Graph.of(types, EdgeList.isolated(pos, m.architecture().cutoff()));
            assertEquals((int) f.get("n_edges").data()[k], g.edges(), "frame " + k + " edges");
            TapeExecutor tape = new TapeExecutor(m);
            TapeExecutor.Result res = tape.evaluate(Tensor.of(pos.clone(), n, 3).requireGrad(), g);
            double[] forces = res.forces(false).data();
            worstE = Math.max(worstE, Math.abs(res.energy().item() - e[k]) / Math.abs(e[k]));
            for (int a = 0; a < n; a++) worstEi = Math.max(worstEi, Math.abs(res.atomicEnergies().data()[a] - ea[k * n + a]));
            for (int i = 0; i < 3 * n; i++) worstF = Math.max(worstF, Math.abs(forces[i] - fc[k * 3 * n + i]));
            try (PlanExecutor plan = new PlanExecutor(m)) {
                double[] pf = new double[3 * n], pe = new double[n];
                double energy = plan.compute(pos, types, NeighborList.allPairs(n, m.architecture().cutoff()), pf, null, pe);
                worstPlanE = Math.max(worstPlanE, Math.abs(energy - e[k]) / Math.abs(e[k]));
                for (int a = 0; a < n; a++) worstPlanEi = Math.max(worstPlanEi, Math.abs(pe[a] - ea[k * n + a]));
                for (int i = 0; i < 3 * n; i++) worstPlanF = Math.max(worstPlanF, Math.abs(pf[i] - fc[k * 3 * n + i]));
            }
            System.out.printf("frame %2d (%s, %d edges): E %.12f (ref %.12f)%n", k, Double.isInfinite(cut[k]) ? "full" : "r < " + cut[k], g.edges(),
                    res.energy().item(), e[k]);
        }
        System.out.printf("tape: max rel |dE| %.1e, max |dE_i| %.1e, max |dF_cons| %.1e; plan: %.1e, %.1e, %.1e%n",
                worstE, worstEi, worstF, worstPlanE, worstPlanEi, worstPlanF);
        assertTrue(worstE < 1e-12 && worstPlanE < 1e-12, "energies: tape " + worstE + ", plan " + worstPlanE);
        assertTrue(worstEi < 1e-12 && worstPlanEi < 1e-12, "per-atom energies: tape " + worstEi + ", plan " + worstPlanEi);
        assertTrue(worstF < 1e-11 && worstPlanF < 1e-11, "conservative forces: tape " + worstF + ", plan " + worstPlanF);
    }

    @Test
    void directForcesAreTheTypeOneOutput() throws IOException {
        Map<String, NpyArray> f = Se3tReference.npz("frames.npz");
        NpyArray r = f.get("R");
        double[] z = f.get("z").data(), fd = f.get("F_direct").data(), cut = f.get("graph_cutoff").data();
        double[] e = f.get("E").data();
        int frames = r.dim(0), n = r.dim(1);
        double worst = 0, worstTape = 0, worstPlan = 0, worstPlanE = 0;
        for (int k = 0; k < frames; k++) {
            LearnedModel m = Se3tReference.model(cut[k]);
            double[] pos = r.slice(k);
            int[] types = types(m, z);
            Graph g = Graph.of(types, EdgeList.isolated(pos, m.architecture().cutoff()));
            Tensor x = Tensor.of(pos.clone(), n, 3);
            Tensor vectors = x.indexSelect(g.neighbour()).sub(x.indexSelect(g.centre()));
            Tensor direct = ((Se3Transformer) m.architecture()).directForces(new Se3tReference.TapeOps(m, g, vectors));
            assertEquals(List.of(n, 3), List.of(direct.size(0), direct.size(1)));
            for (int i = 0; i < 3 * n; i++) worst = Math.max(worst, Math.abs(direct.data()[i] - fd[k * 3 * n + i]));
            // the executors' direct force head: the tape (training) and the plan (MD: forward pass only)
            double[] tape = new TapeExecutor(m).evaluate(Tensor.of(pos.clone(), n, 3), g, true).directForces().data();
            for (int i = 0; i < 3 * n; i++) worstTape = Math.max(worstTape, Math.abs(tape[i] - fd[k * 3 * n + i]));
            try (PlanExecutor plan = new PlanExecutor(m, 1, true)) {
                assertEquals(0, plan.plan().backward().length, "a direct-force plan has no backward pass");
                double[] pf = new double[3 * n], virial = new double[9];
                double energy = plan.compute(pos, types, NeighborList.allPairs(n, m.architecture().cutoff()), pf, virial, null);
                worstPlanE = Math.max(worstPlanE, Math.abs(energy - e[k]) / Math.abs(e[k]));
                for (int i = 0; i < 3 * n; i++) worstPlan = Math.max(worstPlan, Math.abs(pf[i] - fd[k * 3 * n + i]));
                assertTrue(Double.isNaN(virial[0]), "direct forces define no virial");
            }
        }
        System.out.printf("direct forces: max |dF| %.1e (ops), %.1e (tape executor), %.1e (plan; energy %.1e) over %d frames%n",
                worst, worstTape, worstPlan, worstPlanE, frames);
        assertTrue(worst < 1e-11 && worstTape < 1e-11 && worstPlan < 1e-11, "direct forces differ by " + worst + ", " + worstTape + ", " + worstPlan);
        assertTrue(worstPlanE < 1e-12, "energy of the direct-force plan differs by " + worstPlanE);
    }
}
