package md.forcefields.torchmdnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.GradMode;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.training.Adam;
import md.forcefields.training.LossWeights;
import md.forcefields.training.Objective;
import md.forcefields.training.Trainer;
import md.forcefields.training.TrainingFrame;

import org.junit.jupiter.api.Test;

/**
 * The Equivariant Transformer in training: second derivatives flow (∂/∂θ of a force loss equals finite
 * differences in every trainable tensor), and the existing trainer fits forces of a teacher ET.
 */
class EquivariantTransformerTrainingTest {
    private static final int[] Z = {6, 1, 8, 1, 1, 6, 7};

    @Test
    void forceLossGradientMatchesFiniteDifferencesInEveryTensor() {
        LearnedModel m = EquivariantTransformerPhysicsTest.randomModel("both", true, 21);
        TapeExecutor model = new TapeExecutor(m);
        Random rng = new Random(22);
        double[] pos = EquivariantTransformerPhysicsTest.molecule(Z.length, rng);
        int[] types = EquivariantTransformerPhysicsTest.types(m, Z);
        EdgeList edges = EdgeList.isolated(pos, m.architecture().cutoff());
        Tensor reference = Tensor.randn(rng, Z.length, 3).mul(0.3);
        Map<String, Tensor> params = model.trainableParameters();
        Tensor[] theta = params.values().toArray(new Tensor[0]);
        Tensor[] analytic = Autograd.grad(loss(model, pos, types, edges, reference, true), theta);
        double h = 1e-6, worst = 0;
        String worstAt = "";
        int checked = 0, t = 0;
        java.util.Set<String> independent = new java.util.TreeSet<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            double[] w = e.getValue().data(), g = analytic[t++].data();
            double scale = 0;
            for (double v : g) scale = Math.max(scale, Math.abs(v));
            // every entry of small tensors and 12 spread-out entries of the others (first and last included): each
            // tensor's gradient is checked, at a fifth of the cost of all 2,692 weights
            int stride = Math.max(1, (w.length - 1) / 11);
            for (int j = 0; j < w.length; j = (j == w.length - 1) ? w.length : Math.min(j + stride, w.length - 1)) {
                double keep = w[j];
                w[j] = keep + h;
                double plus = loss(model, pos, types, edges, reference, false).item();
                w[j] = keep - h;
                double minus = loss(model, pos, types, edges, reference, false).item();
                w[j] = keep;
                double err = Math.abs(g[j] - (plus - minus) / (2 * h)) / Math.max(scale, 1e-12);
                if (err > worst) { worst = err; worstAt = e.getKey() + "[" + j + "]"; }
                checked++;
            }
            if (scale == 0) independent.add(e.getKey());
        }
        // exactly these have no effect on forces, as in TorchMD-Net: the last head block's vec2_proj (its vector
        // output is discarded), the first layer's vec_proj (it acts on the vector features, which start at zero) and
        // the last bias (a constant per atom)
        assertEquals(java.util.Set.of(EquivariantTransformer.head(1, "vec2_proj.weight"), EquivariantTransformer.layer(0, "vec_proj.weight"),
                EquivariantTransformer.head(1, "update_net.layers.2.bias")), independent, "parameters the force loss does not depend on");
        System.out.printf("ET force-loss gradient: %d weights in %d tensors, max relative error %.2e (%s)%n", checked, params.size(), worst, worstAt);
        assertTrue(worst < 1e-6, "worst " + worst + " at " + worstAt);
    }

    private static Tensor loss(TapeExecutor model, double[] pos, int[] types, EdgeList edges, Tensor reference, boolean createGraph) {
        Tensor positions = Tensor.of(pos.clone(), pos.length / 3, 3).requireGrad();
        Tensor forces = model.evaluate(positions, Graph.of(types, edges)).forces(createGraph);
        if (createGraph) return forces.sub(reference).square().sum();
        try (GradMode.Scope s = GradMode.disabled()) {
            return forces.sub(reference).square().sum();
        }
    }

    /** A fresh ET learns the forces of a random teacher ET on random molecules (force-only objective, AdamW). */
    @Test
    void theTrainerFitsATeachersForces() {
        LearnedModel teacher = EquivariantTransformerPhysicsTest.randomModel("both", true, 31);
        TapeExecutor t = new TapeExecutor(teacher);
        Random rng = new Random(32);
        List<TrainingFrame> frames = new ArrayList<>();
        double sumSq = 0;
        int count = 0;
        for (int k = 0; k < 8; k++) {
            double[] pos = EquivariantTransformerPhysicsTest.molecule(Z.length, rng);
            TapeExecutor.Result r = t.evaluate(Tensor.of(pos.clone(), Z.length, 3).requireGrad(),
                    Graph.of(EquivariantTransformerPhysicsTest.types(teacher, Z), EdgeList.isolated(pos, teacher.architecture().cutoff())));
            double[] f = r.forces(false).data();
            for (double v : f) { sumSq += v * v; count++; }
            frames.add(new TrainingFrame(Z, pos, r.energy().item(), f, Objective.FORCES, "teacher"));
        }
        double forceScale = Math.sqrt(sumSq / count);
        EquivariantTransformer arch = (EquivariantTransformer) teacher.architecture();
        LearnedModel student = new LearnedModel(arch, arch.initialParameters(new Random(33)));
        Trainer.Options o = new Trainer.Options(30, 2, 7, 1, LossWeights.defaults(), Adam.Options.adamW(0.005), 0, 0,
                Double.POSITIVE_INFINITY, 0.5, 50, 1e-4, 1e-7, 1000, Double.POSITIVE_INFINITY);
        try (Trainer trainer = new Trainer(student, forceScale, frames.subList(0, 6), frames.subList(6, 8), o)) {
            double first = trainer.runEpoch().trainForcePart(), last = first;
            while (!trainer.finished()) last = trainer.runEpoch().trainForcePart();
            System.out.printf("ET trainer, force-only: force loss %.4f after epoch 1, %.4f after %d epochs%n", first, last, trainer.epoch());
            assertTrue(Double.isFinite(last) && last < 0.5 * first, "force loss " + first + " -> " + last);
        }
    }
}
