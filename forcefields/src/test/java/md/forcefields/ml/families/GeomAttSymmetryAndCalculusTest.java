package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import md.forcefields.NeighborList;
import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.geomatt.GeomAttInspector;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.model.LearnedModel;

import org.junit.jupiter.api.Test;

/**
 * GeomAtt beyond the fixture: a model with every variant (orders 2 to 5, a shared correlator, a stream without
 * correlator biases, streams of different depths), on a 6-atom molecule: energies invariant and forces
 * equivariant under rotations, a reflection, translations and permutations; forces and the gradient of a
 * force loss with respect to the parameters equal central differences; the attention of orders 3 to 5 is the
 * chain Δ·Σ_f A_1 A_2 ⋯ A_{k−1} over all intermediate atoms (written out as plain loops here), with the shared
 * factor at every position.
 */
class GeomAttSymmetryAndCalculusTest {
    static final int[] Z = {6, 6, 8, 1, 1, 1};
    static final double[] R = {
        0.00, 0.00, 0.00,
        1.52, 0.05, -0.02,
        2.05, 1.31, 0.10,
        -0.38, 1.02, 0.11,
        -0.41, -0.49, -0.89,
        2.93, 1.40, -0.30};

    static LearnedModel model() {
        GeomAtt arch = new GeomAtt(new int[] {1, 6, 8}, 6, List.of(
                new GeomAtt.Stream(2, 4, 2, false, true),
                new GeomAtt.Stream(3, 3, 1, true, true),
                new GeomAtt.Stream(4, 2, 1, false, false),
                new GeomAtt.Stream(5, 2, 2, false, true)), 5, 0.0, 0.25, 16, 2.0, 0.7, -3.0);
        Map<String, double[]> v = arch.initialParameters(new Random(11));
        // larger than PyTorch's initial values, so that the many-body terms are not negligible
        for (Map.Entry<String, double[]> e : v.entrySet())
            if (!e.getKey().equals(GeomAtt.GRID)) for (int i = 0; i < e.getValue().length; i++) e.getValue()[i] *= 3;
        return new LearnedModel(arch, v);
    }

    static int[] types(LearnedModel m, int[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) t[i] = m.architecture().typeOf(z[i]);
        return t;
    }

    private static double energy(PlanExecutor plan, double[] r, int[] z, double[] forces) {
        int n = z.length;
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = plan.model().typeOf(z[i]);
        return plan.compute(r, t, NeighborList.allPairs(n, 1.0), forces, null, null);
    }

    private static double[] rotate(double[] r, double[][] q, double[] shift) {
        double[] out = new double[r.length];
        for (int a = 0; a < r.length / 3; a++)
            for (int i = 0; i < 3; i++) {
                double s = shift[i];
                for (int j = 0; j < 3; j++) s += q[i][j] * r[3 * a + j];
                out[3 * a + i] = s;
            }
        return out;
    }

    @Test
    void energyIsInvariantAndForcesEquivariantUnderRotationReflectionTranslationAndPermutation() {
        LearnedModel m = model();
        PlanExecutor plan = new PlanExecutor(m);
        int n = Z.length;
        double[] f0 = new double[3 * n], f = new double[3 * n];
        double e0 = energy(plan, R, Z, f0), fScale = 0;
        for (double v : f0) fScale = Math.max(fScale, Math.abs(v));
        assertTrue(fScale > 1e-3, "forces are not negligible: " + fScale);
        double c = Math.cos(0.7), s = Math.sin(0.7);
        double[][] rot = {{c, -s, 0}, {s * 0.6, c * 0.6, 0.8}, {-s * 0.8, -c * 0.8, 0.6}};
        double[][] mirror = {{-1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double worstE = 0, worstF = 0;
        for (double[][] q : List.of(rot, mirror)) {
            double e = energy(plan, rotate(R, q, new double[] {3.1, -2.0, 7.5}), Z, f);
            worstE = Math.max(worstE, Math.abs(e - e0));
            double[] expected = rotate(f0, q, new double[3]);
            for (int i = 0; i < 3 * n; i++) worstF = Math.max(worstF, Math.abs(f[i] - expected[i]));
        }
        int[] perm = {3, 0, 5, 1, 4, 2};
        double[] rp = new double[3 * n];
        int[] zp = new int[n];
        for (int a = 0; a < n; a++) {
            zp[a] = Z[perm[a]];
            System.arraycopy(R, 3 * perm[a], rp, 3 * a, 3);
        }
        double e = energy(plan, rp, zp, f);
        worstE = Math.max(worstE, Math.abs(e - e0));
        for (int a = 0; a < n; a++) for (int k = 0; k < 3; k++) worstF = Math.max(worstF, Math.abs(f[3 * a + k] - f0[3 * perm[a] + k]));
        System.out.printf("GeomAtt symmetries: max|dE| %.1e (E %.4f), max|dF| %.1e (max|F| %.3f)%n", worstE, e0, worstF, fScale);
        assertTrue(worstE <= 1e-12 * Math.abs(e0), "energy changed by " + worstE);
        assertTrue(worstF <= 1e-12 * fScale, "forces differ by " + worstF);
    }

    @Test
    void forcesAreMinusTheGradientOfTheEnergy() {
        PlanExecutor plan = new PlanExecutor(model());
        int n = Z.length;
        double[] f = new double[3 * n], scratch = new double[3 * n];
        energy(plan, R, Z, f);
        double h = 1e-5, worst = 0, scale = 0;
        for (int i = 0; i < 3 * n; i++) {
            double[] rp = R.clone(), rm = R.clone();
            rp[i] += h;
            rm[i] -= h;
            double fd = -(energy(plan, rp, Z, scratch) - energy(plan, rm, Z, scratch)) / (2 * h);
            worst = Math.max(worst, Math.abs(fd - f[i]));
            scale = Math.max(scale, Math.abs(f[i]));
        }
        System.out.printf("GeomAtt forces vs central differences (h 1e-5): max|dF| %.1e (max|F| %.3f)%n", worst, scale);
        assertTrue(worst <= 1e-8 * scale, "forces differ from central differences by " + worst);
    }

    /** What training differentiates: a force loss, with respect to parameters of every kind (second derivatives of E). */
    @Test
    void forceLossGradientsEqualCentralDifferences() {
        LearnedModel m = model();
        int n = Z.length;
        int[] types = types(m, Z);
        Graph graph = Graph.of(types, EdgeList.isolated(R, Double.POSITIVE_INFINITY));
        TapeExecutor tape = new TapeExecutor(m);
        Tensor positions = Tensor.of(R.clone(), n, 3).requireGrad();
        Tensor loss = tape.evaluate(positions, graph).forces(true).square().sum();
        List<String> names = List.of(GeomAtt.EMBEDDINGS, GeomAtt.factorKey(0, 1, 0, false) + ".weight", GeomAtt.factorKey(1, 0, 0, true) + ".bias",
                GeomAtt.factorKey(2, 0, 2, false) + ".weight", GeomAtt.factorKey(3, 1, 3, true) + ".weight", GeomAtt.updateKey(3, 0) + ".bias",
                GeomAtt.READOUT_HIDDEN + ".weight");
        Tensor[] params = names.stream().map(k -> tape.trainableParameters().get(k)).toArray(Tensor[]::new);
        Tensor[] grads = Autograd.grad(loss, params, null, false);
        // central differences of a loss L carry round-off ~ 1e-16·L/h: errors are judged against the largest gradient
        double h = 1e-5, worst = 0, largest = 0;
        List<double[]> pairs = new java.util.ArrayList<>();
        for (int p = 0; p < params.length; p++) {
            double[] data = params[p].data();
            for (int i = 0; i < data.length; i += Math.max(1, data.length / 4)) {
                double keep = data[i];
                data[i] = keep + h;
                double up = tape.evaluate(Tensor.of(R.clone(), n, 3).requireGrad(), graph).forces(false).square().sum().item();
                data[i] = keep - h;
                double down = tape.evaluate(Tensor.of(R.clone(), n, 3).requireGrad(), graph).forces(false).square().sum().item();
                data[i] = keep;
                pairs.add(new double[] {(up - down) / (2 * h), grads[p].data()[i], p, i});
                largest = Math.max(largest, Math.abs(grads[p].data()[i]));
            }
        }
        for (double[] q : pairs) {
            double err = Math.abs(q[0] - q[1]) / largest;
            worst = Math.max(worst, err);
            assertTrue(err < 1e-7, names.get((int) q[2]) + "[" + (int) q[3] + "]: autograd " + q[1] + ", central differences " + q[0]);
        }
        assertTrue(pairs.size() > 20 && largest > 0);
        System.out.printf("GeomAtt force-loss gradients vs central differences: %d entries, worst error %.1e of the largest gradient %.2e (loss %.3e)%n", pairs.size(), worst, largest, loss.item());
    }

    /** C of orders 3 to 5 written out as loops over every intermediate atom, from the model's own overlap functions. */
    @Test
    void attentionIsTheChainThroughAllIntermediateAtoms() {
        LearnedModel m = model();
        GeomAtt arch = (GeomAtt) m.architecture();
        int n = Z.length;
        Map<String, Tensor> values = GeomAttInspector.intermediates(m, Tensor.of(R.clone(), n, 3), types(m, Z));
        for (int s = 1; s < arch.streams().size(); s++) {
            GeomAtt.Stream st = arch.streams().get(s);
            String at = "stream" + s + ".layer0.";
            int w = st.features(), links = st.order() - 1;
            double[][] a = new double[links][];
            for (int t = 0; t < links; t++) a[t] = values.get(at + "factor" + (st.shared() ? 1 : t + 1) + ".A").data();
            double[] c = values.get(at + "C").data();
            double worst = 0, scale = 0;
            for (int first = 0; first < n; first++)
                for (int last = 0; last < n; last++) {
                    double sum = 0;
                    int[] path = new int[links + 1];
                    path[0] = first;
                    path[links] = last;
                    int inner = links - 1, combos = (int) Math.pow(n, inner);
                    for (int code = 0; code < combos; code++) {
                        for (int k = 0, rest = code; k < inner; k++, rest /= n) path[k + 1] = rest % n;
                        for (int f = 0; f < w; f++) {
                            double prod = 1;
                            for (int t = 0; t < links; t++) prod *= a[t][(path[t] * n + path[t + 1]) * w + f];
                            sum += prod;
                        }
                    }
                    double expected = arch.gridSpacing() * sum;
                    worst = Math.max(worst, Math.abs(c[first * n + last] - expected));
                    scale = Math.max(scale, Math.abs(expected));
                }
            System.out.printf("GeomAtt order %d%s: C vs explicit loops max|diff| %.1e (max|C| %.2e)%n", st.order(), st.shared() ? " (shared)" : "", worst, scale);
            assertTrue(scale > 0 && worst <= 1e-13 * scale, "order " + st.order() + ": " + worst);
            assertEquals(n * n, c.length);
        }
    }
}
