package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.GradMode;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.TapeExecutor;

import org.junit.jupiter.api.Test;

/**
 * Second derivatives through the backward pass: ∂/∂θ of L = Σ (F − F_ref)², F = −∂E/∂R computed with a
 * graph by the tape executor, equals central finite differences of L for every element of every trainable
 * tensor of a NequIP model.
 */
class NequipForceLossGradientTest {

    @Test
    void forceLossGradientMatchesFiniteDifferencesForEveryWeight() {
        TapeExecutor model = SmallModels.model(1, true, 4, 2, 11);
        Random rng = new Random(12);
        int n = 5;
        double[] pos = SmallModels.molecule(n, rng);
        int[] types = {0, 1, 0, 1, 1};
        EdgeList edges = EdgeList.isolated(pos, model.model().cutoff());
        Tensor reference = Tensor.randn(rng, n, 3).mul(0.3);
        Map<String, Tensor> params = model.trainableParameters();
        Tensor[] theta = params.values().toArray(new Tensor[0]);
        // every trainable parameter of the model is checked (the Bessel frequencies included), and nothing else
        assertEquals(model.model().parameters().values().stream().filter(p -> p.trainable()).count(), params.size());
        assertTrue(params.containsKey(Nequip.BESSEL) && !params.containsKey(Nequip.SCALES) && !params.containsKey(Nequip.SHIFTS));

        Tensor[] analytic = Autograd.grad(loss(model, pos, types, edges, reference, true), theta);

        double h = 1e-5, worst = 0;
        String worstAt = "";
        int checked = 0, t = 0;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            double[] w = e.getValue().data();
            double[] g = analytic[t++].data();
            double scale = 0;
            for (double v : g) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < w.length; j++) {
                double keep = w[j];
                w[j] = keep + h;
                double plus = loss(model, pos, types, edges, reference, false).item();
                w[j] = keep - h;
                double minus = loss(model, pos, types, edges, reference, false).item();
                w[j] = keep;
                double numeric = (plus - minus) / (2 * h);
                // Relative to the tensor's largest gradient so that tiny entries do not dominate.
                double err = Math.abs(g[j] - numeric) / Math.max(scale, 1e-12);
                if (err > worst) { worst = err; worstAt = e.getKey() + "[" + j + "]: analytic " + g[j] + ", numeric " + numeric; }
                checked++;
            }
            assertTrue(scale > 0, "force loss does not depend on " + e.getKey());
        }
        System.out.printf("force-loss gradient: %d weights in %d tensors, max relative error %.2e (%s)%n", checked, params.size(), worst, worstAt);
        assertTrue(worst < 1e-6, "worst " + worst + " at " + worstAt);
    }

    /** Σ (F − F_ref)² with forces from autodiff; {@code createGraph} keeps the graph through the forces. */
    private static Tensor loss(TapeExecutor model, double[] pos, int[] types, EdgeList edges, Tensor reference, boolean createGraph) {
        Tensor positions = Tensor.of(pos.clone(), pos.length / 3, 3).requireGrad();
        // one graph per evaluation (a graph caches tables of the op data of its evaluations)
        Tensor forces = model.evaluate(positions, Graph.of(types, edges)).forces(createGraph);
        if (createGraph) return forces.sub(reference).square().sum();
        try (GradMode.Scope s = GradMode.disabled()) {
            return forces.sub(reference).square().sum();
        }
    }
}
