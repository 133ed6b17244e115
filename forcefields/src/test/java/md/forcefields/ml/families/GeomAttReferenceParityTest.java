package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;

import md.core.Units;
import md.core.io.NpyArray;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.geomatt.GeomAttInspector;
import md.forcefields.geomatt.GeomAttReference;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.model.LearnedModel;

import org.junit.jupiter.api.Test;

/**
 * GeomAtt against the authors' own code (geomatt-reference/ethanol-k234: streams of orders 2, 3, 4, three layers,
 * random weights; 12 frames incl. a rotated, a reflected, a permuted and a translated copy): energies, per-atom
 * energies and forces of both executors, in model units and in physical units, to round-off; every
 * intermediate of frame 0, forward and the gradient checkpoints.
 */
class GeomAttReferenceParityTest {
    /** Relative to the largest magnitude of the compared quantity (the fixture's own suggestion: 1e-12 on E, 1e-11 on F). */
    private static final double E_TOL = 1e-12, F_TOL = 1e-11, STAGE_TOL = 1e-12;

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    @Test
    void bothExecutorsReproduceEveryFrameInModelUnits() throws IOException {
        check(GeomAttReference.modelUnits(), 1.0, "E", "F");
    }

    @Test
    void bothExecutorsReproduceEveryFrameInPhysicalUnits() throws IOException {
        // E_phys (kcal/mol) = σ_E·Ê + μ_E: the model gives eV
        check(GeomAttReference.physical(), Units.KCAL_PER_MOL_TO_EV, "E_phys", "F_phys");
    }

    private static void check(LearnedModel model, double unit, String eKey, String fKey) throws IOException {
        Map<String, NpyArray> frames = GeomAttReference.frames();
        int frameCount = frames.get("E").data().length, n = frames.get("z").asInts().length;
        assertEquals(12, frameCount);
        boolean modelUnits = unit == 1.0;
        double[] eRef = frames.get(eKey).data();
        double fScale = maxAbs(frames.get(fKey).data()) * unit, eScale = maxAbs(eRef) * unit;
        PlanExecutor plan = new PlanExecutor(model);
        TapeExecutor tape = new TapeExecutor(model);
        double[] forces = new double[3 * n], atomic = new double[n];
        double planE = 0, planF = 0, planA = 0, tapeE = 0, tapeF = 0, tapeA = 0;
        for (int k = 0; k < frameCount; k++) {
            int[] types = GeomAttReference.types(model, slice(frames.get("Z").asInts(), k, n));
            double[] r = frames.get("R").slice(k), fRef = frames.get(fKey).slice(k), aRef = frames.get("atomic_energy").slice(k);
            // a list cutoff far below the molecule's size: the model still sees every pair (its cutoff is +infinity)
            double e = plan.compute(r, types, NeighborList.allPairs(n, 1.0), forces, null, atomic);
            assertEquals(n * (n - 1), plan.graph().edges(), "frame " + k + ": all ordered pairs");
            planE = Math.max(planE, Math.abs(e - eRef[k] * unit));
            for (int i = 0; i < 3 * n; i++) planF = Math.max(planF, Math.abs(forces[i] - fRef[i] * unit));
            if (modelUnits) for (int i = 0; i < n; i++) planA = Math.max(planA, Math.abs(atomic[i] - aRef[i]));

            Tensor positions = Tensor.of(r.clone(), n, 3).requireGrad();
            TapeExecutor.Result out = tape.evaluate(positions, Graph.of(types, EdgeList.isolated(r, model.architecture().cutoff())));
            double[] f = out.forces(false).data(), a = out.atomicEnergies().data();
            tapeE = Math.max(tapeE, Math.abs(out.energy().item() - eRef[k] * unit));
            for (int i = 0; i < 3 * n; i++) tapeF = Math.max(tapeF, Math.abs(f[i] - fRef[i] * unit));
            if (modelUnits) for (int i = 0; i < n; i++) tapeA = Math.max(tapeA, Math.abs(a[i] - aRef[i]));
        }
        System.out.printf("GeomAtt %s: plan max|dE| %.2e (rel %.1e), max|dF| %.2e (rel %.1e), max|de_i| %.2e; tape %.2e / %.2e / %.2e%n",
                eKey, planE, planE / eScale, planF, planF / fScale, planA, tapeE, tapeF, tapeA);
        assertTrue(planE <= E_TOL * eScale && tapeE <= E_TOL * eScale, "energies: plan " + planE + ", tape " + tapeE + " (scale " + eScale + ")");
        assertTrue(planF <= F_TOL * fScale && tapeF <= F_TOL * fScale, "forces: plan " + planF + ", tape " + tapeF + " (scale " + fScale + ")");
        assertTrue(planA <= E_TOL * eScale && tapeA <= E_TOL * eScale, "per-atom energies: plan " + planA + ", tape " + tapeA);
    }

    private static int[] slice(int[] a, int k, int n) { return java.util.Arrays.copyOfRange(a, k * n, (k + 1) * n); }

    /** Frame 0 stage by stage: every captured tensor of the reference, and the gradient checkpoints. */
    @Test
    void everyIntermediateOfFrameZero() throws IOException {
        LearnedModel model = GeomAttReference.modelUnits();
        Map<String, NpyArray> ref = GeomAttReference.intermediates();
        int[] z = ref.get("z").asInts();
        int n = z.length;
        Tensor positions = Tensor.of(ref.get("R").data().clone(), n, 3).requireGrad();
        Map<String, Tensor> ours = GeomAttInspector.intermediates(model, positions, GeomAttReference.types(model, z));
        assertArrayEquals(ref.get("mu").data(), model.parameter(md.forcefields.ml.families.GeomAtt.GRID), 0.0, "the grid, bit for bit");
        int compared = 0;
        double worst = 0;
        String worstKey = "";
        for (Map.Entry<String, Tensor> e : ours.entrySet()) {
            NpyArray r = ref.get(e.getKey());
            if (r == null) continue;
            double d = relative(e.getValue().data(), r.data());
            if (d > worst) { worst = d; worstKey = e.getKey(); }
            assertTrue(d <= STAGE_TOL, e.getKey() + " differs by " + d + " (relative to its largest value)");
            compared++;
        }
        // gradient checkpoints: ∂Ê/∂α per stream and layer, ∂Ê/∂(layer output), ∂Ê/∂u, ∂Ê/∂h
        Tensor energy = ours.get("energy");
        int gradients = 0;
        for (String key : ref.keySet()) {
            if (!key.startsWith("grad.") || !ours.containsKey(key.substring(5))) continue;
            Tensor g = Autograd.grad(energy, new Tensor[] {ours.get(key.substring(5))}, null, false)[0];
            double d = relative(g.data(), ref.get(key).data());
            if (d > worst) { worst = d; worstKey = key; }
            assertTrue(d <= STAGE_TOL, key + " differs by " + d);
            gradients++;
        }
        System.out.printf("GeomAtt frame 0: %d intermediates and %d gradient checkpoints, worst relative deviation %.1e (%s)%n", compared, gradients, worst, worstKey);
        assertTrue(compared >= 3 * 3 * 6 + 4, "compared only " + compared + " intermediates");
        assertTrue(gradients >= 3 * 3 * 2 + 2, "compared only " + gradients + " gradients");
    }

    /** The attention maps for analysis: ᾱ = (|α| + |αᵀ|)/2 with a zero diagonal, from the reference's α of every stream and layer. */
    @Test
    void symmetrisedAttentionMapsOfFrameZero() throws IOException {
        LearnedModel model = GeomAttReference.modelUnits();
        Map<String, NpyArray> ref = GeomAttReference.intermediates();
        int[] z = ref.get("z").asInts();
        int n = z.length;
        Map<String, Tensor> ours = GeomAttInspector.intermediates(model, Tensor.of(ref.get("R").data().clone(), n, 3), GeomAttReference.types(model, z));
        for (int s = 0; s < 3; s++)
            for (int l = 0; l < 3; l++) {
                double[] map = GeomAttInspector.symmetrisedAttention(ours, s, l), alpha = ref.get("stream" + s + ".layer" + l + ".alpha").data();
                double[] expected = new double[n * n];
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) expected[i * n + j] = i == j ? 0 : (Math.abs(alpha[i * n + j]) + Math.abs(alpha[j * n + i])) / 2;
                assertTrue(relative(map, expected) <= STAGE_TOL, "stream " + s + " layer " + l);
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) assertEquals(map[j * n + i], map[i * n + j], 0.0);
            }
    }

    private static double relative(double[] a, double[] b) {
        assertEquals(b.length, a.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d / Math.max(maxAbs(b), 1e-300);
    }
}
