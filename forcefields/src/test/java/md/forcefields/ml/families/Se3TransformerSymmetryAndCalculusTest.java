package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.Random;

import md.core.io.NpyArray;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.GradMode;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.TfnClebschGordan;

import org.junit.jupiter.api.Test;

/**
 * Physics of the SE(3)-Transformer potential with the fixture's weights (ethanol frame 0) and of a small
 * freshly initialised one: invariance of E under proper rotations and translations with co-rotating
 * conservative and direct forces; <b>no</b> invariance under reflections (the model is SE(3)-, not
 * E(3)-equivariant: its kernels contain both parities); conservative forces = −∇E by finite differences;
 * and the gradient of a force loss (second derivatives through the backward pass) by finite differences.
 */
class Se3TransformerSymmetryAndCalculusTest {

    private record Eval(double energy, double[] forces, double[] direct) {}

    private static int[] types(LearnedModel m, double[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) t[i] = m.architecture().typeOf((int) z[i]);
        return t;
    }

    /** Energy and conservative forces by the plan, direct forces by the tape. */
    private static Eval eval(LearnedModel m, PlanExecutor plan, double[] pos, int[] types) {
        int n = types.length;
        double[] f = new double[3 * n];
        double e = plan.compute(pos, types, NeighborList.allPairs(n, m.architecture().cutoff()), f, null, null);
        Graph g = Graph.of(types, EdgeList.isolated(pos, m.architecture().cutoff()));
        Tensor x = Tensor.of(pos.clone(), n, 3);
        Tensor direct = ((Se3Transformer) m.architecture()).directForces(new Se3tReference.TapeOps(m, g, x.indexSelect(g.neighbour()).sub(x.indexSelect(g.centre()))));
        return new Eval(e, f, direct.data().clone());
    }

    private static double[] transform(double[] rot, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length / 3; i++)
            for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) out[3 * i + a] += rot[3 * a + b] * v[3 * i + b];
        return out;
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void properRotationsAndTranslationsButNotReflections() throws IOException {
        Map<String, NpyArray> f = Se3tReference.npz("frames.npz");
        double[] pos = f.get("R").slice(0), z = f.get("z").data();
        LearnedModel m = Se3tReference.model(Double.POSITIVE_INFINITY);
        int[] types = types(m, z);
        try (PlanExecutor plan = new PlanExecutor(m)) {
            Eval base = eval(m, plan, pos, types);
            Random rng = new Random(21);
            for (int trial = 0; trial < 3; trial++) {
                double[] rot = md.forcefields.ml.ops.Se3TransformerOpsTestAccess.rotation(rng);
                double[] shift = {rng.nextGaussian() * 5, rng.nextGaussian() * 5, rng.nextGaussian() * 5};
                double[] moved = transform(rot, pos);
                for (int i = 0; i < moved.length; i++) moved[i] += shift[i % 3];
                Eval r = eval(m, plan, moved, types);
                double dE = Math.abs(r.energy() - base.energy()), dF = maxDiff(r.forces(), transform(rot, base.forces())), dD = maxDiff(r.direct(), transform(rot, base.direct()));
                System.out.printf("rotation+translation %d: |dE| %.1e, conservative forces co-rotate to %.1e, direct forces to %.1e%n", trial, dE, dF, dD);
                assertTrue(dE < 1e-13 && dF < 1e-13 && dD < 1e-13, "rotation " + trial + ": " + dE + ", " + dF + ", " + dD);
            }
            // A mirror image is a different molecule to this model: E changes by far more than round-off ...
            double[] mirror = transform(new double[] {1, 0, 0, 0, 1, 0, 0, 0, -1}, pos);
            Eval mir = eval(m, plan, mirror, types);
            System.out.printf("mirror image: E %.6f vs %.6f (not invariant: the model is SE(3)-, not E(3)-equivariant)%n", mir.energy(), base.energy());
            assertTrue(Math.abs(mir.energy() - base.energy()) > 1e-3, "the model should tell a molecule from its mirror image");
            // ... and equals the point-inverted molecule (mirror = rotation by π about z after inversion)
            double[] inverted = pos.clone();
            for (int i = 0; i < inverted.length; i++) inverted[i] = -inverted[i];
            assertEquals(eval(m, plan, inverted, types).energy(), mir.energy(), 1e-13);
        }
    }

    @Test
    void conservativeForcesAreMinusTheGradientOfTheEnergy() throws IOException {
        Map<String, NpyArray> f = Se3tReference.npz("frames.npz");
        double[] pos = f.get("R").slice(0), z = f.get("z").data();
        LearnedModel m = Se3tReference.model(Double.POSITIVE_INFINITY);
        int[] types = types(m, z);
        int n = types.length;
        NeighborList all = NeighborList.allPairs(n, Double.POSITIVE_INFINITY);
        try (PlanExecutor plan = new PlanExecutor(m)) {
            double[] forces = new double[3 * n], scratch = new double[3 * n];
            plan.compute(pos, types, all, forces, null, null);
            double h = 1e-5, worst = 0;
            for (int i = 0; i < 3 * n; i++) {
                double[] p = pos.clone();
                p[i] += h;
                double plus = plan.compute(p, types, all, scratch, null, null);
                p[i] -= 2 * h;
                double minus = plan.compute(p, types, all, scratch, null, null);
                worst = Math.max(worst, Math.abs(-(plus - minus) / (2 * h) - forces[i]));
            }
            System.out.printf("conservative forces vs central differences (h = 1e-5 Å): max |diff| %.1e%n", worst);
            assertTrue(worst < 1e-8, "forces differ from -dE/dR by " + worst);
        }
    }

    /** A small model: 2 species, 2 layers, 2 heads × 2 channels, degrees ≤ 1, radial MLPs of 4, fully connected. */
    static LearnedModel small(boolean mean, long seed) {
        Se3TransformerHyperparameters hp = new Se3TransformerHyperparameters(2, 2, 2, 2, 1, mean, 4, 1e-5, 1e-12, Double.POSITIVE_INFINITY,
                TfnClebschGordan.REFERENCE_SIGNS, 1.0);
        Se3Transformer arch = new Se3Transformer(hp, new int[] {1, 8});
        return new LearnedModel(arch, arch.initialParameters(new Random(seed)));
    }

    @Test
    void forceLossGradientMatchesFiniteDifferences() {
        for (boolean mean : new boolean[] {false, true}) {
            TapeExecutor model = new TapeExecutor(small(mean, 31));
            Random rng = new Random(32);
            int n = 4;
            double[] pos = SmallModels.molecule(n, rng);
            int[] types = {1, 0, 0, 1};
            EdgeList edges = EdgeList.isolated(pos, Double.POSITIVE_INFINITY);
            Tensor reference = Tensor.randn(rng, n, 3).mul(0.3);
            Map<String, Tensor> params = model.trainableParameters();
            Tensor[] theta = params.values().toArray(new Tensor[0]);
            Tensor[] analytic = Autograd.grad(loss(model, pos, types, edges, reference, true), theta);
            double h = 1e-4, worst = 0;
            String worstAt = "";
            int checked = 0, t = 0;
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                double[] w = e.getValue().data(), g = analytic[t++].data();
                double scale = 0;
                for (double v : g) scale = Math.max(scale, Math.abs(v));
                // every entry of tensors shorter than 6, about 3 spread-out entries of the others (each of the 121 tensors is checked)
                int step = Math.max(1, w.length / 3);
                for (int j = 0; j < w.length; j += step) {
                    double keep = w[j];
                    // central differences with steps h and h/2, extrapolated (Richardson): the loss has large third
                    // derivatives (the O(h²) error of one step is 2e-5 relative at h = 1e-5), round-off forbids smaller h
                    double[] d = new double[2];
                    for (int s = 0; s < 2; s++) {
                        double hs = h / (1 << s);
                        w[j] = keep + hs;
                        double plus = loss(model, pos, types, edges, reference, false).item();
                        w[j] = keep - hs;
                        double minus = loss(model, pos, types, edges, reference, false).item();
                        d[s] = (plus - minus) / (2 * hs);
                    }
                    w[j] = keep;
                    double numeric = (4 * d[1] - d[0]) / 3;
                    double err = Math.abs(g[j] - numeric) / Math.max(scale, 1e-12);
                    if (err > worst) { worst = err; worstAt = e.getKey() + "[" + j + "]: analytic " + g[j] + ", numeric " + numeric + ", scale " + scale; }
                    checked++;
                }
            }
            System.out.printf("force-loss gradient (%s): %d entries of %d tensors, max relative error %.1e (%s)%n", mean ? "mean" : "sum", checked,
                    params.size(), worst, worstAt);
            assertTrue(worst < 1e-6, "worst " + worst + " at " + worstAt);
        }
    }

    private static Tensor loss(TapeExecutor model, double[] pos, int[] types, EdgeList edges, Tensor reference, boolean createGraph) {
        Tensor positions = Tensor.of(pos.clone(), pos.length / 3, 3).requireGrad();
        Tensor forces = model.evaluate(positions, Graph.of(types, edges)).forces(createGraph);
        if (createGraph) return forces.sub(reference).square().sum();
        try (GradMode.Scope s = GradMode.disabled()) {
            return forces.sub(reference).square().sum();
        }
    }

    /** The plan and the tape agree on the small model (mean aggregation included) and a model file keeps it exactly. */
    @Test
    void planEqualsTapeAndSpecRoundTrips() {
        for (boolean mean : new boolean[] {false, true}) {
            LearnedModel m = small(mean, 41);
            Random rng = new Random(42);
            double[] pos = SmallModels.molecule(5, rng);
            int[] types = {1, 0, 0, 1, 0};
            TapeExecutor.Result r = new TapeExecutor(m).evaluate(Tensor.of(pos.clone(), 5, 3).requireGrad(), Graph.of(types, EdgeList.isolated(pos, Double.POSITIVE_INFINITY)));
            double[] tf = r.forces(false).data();
            Se3Transformer again = Se3Transformer.fromSpec(m.architecture().spec());
            try (PlanExecutor plan = new PlanExecutor(new LearnedModel(again, m.parameters()))) {
                double[] pf = new double[15];
                double e = plan.compute(pos, types, NeighborList.allPairs(5, Double.POSITIVE_INFINITY), pf, null, null);
                assertEquals(r.energy().item(), e, 1e-13 * Math.max(1, Math.abs(e)));
                assertTrue(maxDiff(tf, pf) < 1e-13, "forces");
            }
            assertEquals(md.core.io.Json.write(m.architecture().spec()), md.core.io.Json.write(again.spec()));
        }
    }

    /** An MD step of the plan (fully connected 12-atom molecule, the fixture's architecture) allocates nothing once warm. */
    @Test
    @org.junit.jupiter.api.Tag("allocation") // in a JVM of its own: see pom.xml
    void aWarmPlanStepAllocatesNothing() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        Se3Transformer arch = new Se3Transformer(Se3tReference.basic(Double.POSITIVE_INFINITY), Se3tReference.SPECIES_Z);
        LearnedModel m = new LearnedModel(arch, arch.initialParameters(new Random(51)));
        int n = 12;
        double[] pos = SmallModels.molecule(n, new Random(52));
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = i % 4;
        NeighborList all = NeighborList.allPairs(n, Double.POSITIVE_INFINITY);
        double[] f = new double[3 * n], virial = new double[9], atomic = new double[n];
        try (PlanExecutor plan = new PlanExecutor(m)) {
            long best = Long.MAX_VALUE, id = Thread.currentThread().threadId();
            // up to 300 windows: on a loaded machine C2 compiles the kernels later (60 windows were not always enough
            // in CI when another build ran beside it); the loop ends at the first allocation-free window
            for (int w = 0; w < 300 && best >= 1024; w++) {
                long before = mx.getThreadAllocatedBytes(id);
                for (int s = 0; s < 5; s++) plan.compute(pos, types, all, f, virial, atomic);
                best = Math.min(best, (mx.getThreadAllocatedBytes(id) - before) / 5);
            }
            System.out.printf("se3-transformer plan: %d bytes allocated per warm step (%d step ops)%n", best, plan.stepOps());
            assertTrue(best < 1024, "a warm step allocates " + best + " bytes");
        }
    }

    /**
     * The workshop paper's variants (Table 1) build from their spec keys and are rotation invariant with
     * co-rotating forces (random initial weights; the "higher" variant uses Q_J of degree 3, whose reference
     * signs no fixture pins down). Basic has the fixture's 174,224 parameters.
     */
    @Test
    void theWorkshopVariantsAreRotationInvariant() {
        Map<String, Se3TransformerHyperparameters> variants = new java.util.LinkedHashMap<>();
        Se3TransformerHyperparameters b = Se3tReference.basic(Double.POSITIVE_INFINITY);
        variants.put("basic", b);
        variants.put("mean", new Se3TransformerHyperparameters(4, 3, 4, 4, 2, true, 32, 1e-5, 1e-12, b.cutoff(), b.basisSigns(), 1.0));
        variants.put("higher", new Se3TransformerHyperparameters(4, 3, 4, 4, 3, false, 32, 1e-5, 1e-12, b.cutoff(), b.basisSigns(), 1.0));
        variants.put("wider", new Se3TransformerHyperparameters(4, 3, 4, 8, 2, false, 32, 1e-5, 1e-12, b.cutoff(), b.basisSigns(), 1.0));
        variants.put("deeper", new Se3TransformerHyperparameters(4, 4, 4, 4, 2, false, 32, 1e-5, 1e-12, b.cutoff(), b.basisSigns(), 1.0));
        variants.put("heads", new Se3TransformerHyperparameters(4, 3, 8, 4, 2, false, 32, 1e-5, 1e-12, b.cutoff(), b.basisSigns(), 1.0));
        Random rng = new Random(61);
        int n = 6;
        double[] pos = SmallModels.molecule(n, rng);
        int[] types = {1, 0, 3, 0, 1, 0};
        double[] rot = md.forcefields.ml.ops.Se3TransformerOpsTestAccess.rotation(rng);
        NeighborList all = NeighborList.allPairs(n, Double.POSITIVE_INFINITY);
        for (Map.Entry<String, Se3TransformerHyperparameters> v : variants.entrySet()) {
            Se3Transformer arch = Se3Transformer.fromSpec(new Se3Transformer(v.getValue(), Se3tReference.SPECIES_Z).spec());
            LearnedModel m = new LearnedModel(arch, arch.initialParameters(new Random(62)));
            if (v.getKey().equals("basic")) assertEquals(174224, m.parameterCount());
            try (PlanExecutor plan = new PlanExecutor(m)) {
                double[] f = new double[3 * n], fr = new double[3 * n];
                double e = plan.compute(pos, types, all, f, null, null), er = plan.compute(transform(rot, pos), types, all, fr, null, null);
                double dF = maxDiff(fr, transform(rot, f));
                System.out.printf("variant %-7s %7d parameters: E %.6f, |dE| under rotation %.1e, forces co-rotate to %.1e%n", v.getKey(), m.parameterCount(), e, Math.abs(er - e), dF);
                assertTrue(Math.abs(er - e) < 1e-12 * Math.max(1, Math.abs(e)) && dF < 1e-12, v.getKey());
            }
        }
    }
}
