package md.forcefields.torchmdnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.Random;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Rotations;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.families.EquivariantTransformerHyperparameters;
import md.forcefields.ml.model.LearnedModel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Physics of the Equivariant Transformer on random models (no fixture needed) and on the fixture's weights:
 * E invariant and F equivariant under rotations, reflections, translations and permutations; F = −∇E
 * by central differences; the plan executor equals the tape; the energy jump at r_c of vector_cutoff =
 * false and its absence with vector_cutoff = true; an isolated atom (vector features exactly 0) gets a
 * finite energy and no force.
 */
class EquivariantTransformerPhysicsTest {
    private static final int[] Z = {6, 1, 8, 1, 1, 6, 7};

    static LearnedModel randomModel(String distanceInfluence, boolean vectorCutoff, long seed) {
        EquivariantTransformerHyperparameters hp = new EquivariantTransformerHyperparameters(8, 2, 5, 2, 3.0, 10, true, distanceInfluence,
                "silu", "silu", vectorCutoff, true, true);
        EquivariantTransformer et = new EquivariantTransformer(hp, new int[] {1, 6, 7, 8});
        Random rng = new Random(seed);
        Map<String, double[]> v = et.initialParameters(rng);
        // away from the initial values (zero biases, unit LayerNorm, zero mean and reference energies)
        for (double[] a : v.values()) for (int i = 0; i < a.length; i++) a[i] += 0.3 * rng.nextGaussian();
        return new LearnedModel(et, v);
    }

    static int[] types(LearnedModel m, int[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) t[i] = m.architecture().typeOf(z[i]);
        return t;
    }

    /** n atoms in a 2.6 Å box, none closer than 0.8 Å: every pair within a 3 Å cutoff... or nearly. */
    static double[] molecule(int n, Random rng) {
        double[] r = new double[3 * n];
        for (int i = 0; i < n; i++) {
            boolean ok;
            do {
                for (int c = 0; c < 3; c++) r[3 * i + c] = 3.2 * rng.nextDouble();
                ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double d2 = 0;
                    for (int c = 0; c < 3; c++) d2 += (r[3 * i + c] - r[3 * j + c]) * (r[3 * i + c] - r[3 * j + c]);
                    ok = d2 > 0.64;
                }
            } while (!ok);
        }
        return r;
    }

    private record EF(double energy, double[] forces) {}

    private static EF tape(TapeExecutor ex, double[] pos, int[] types) {
        TapeExecutor.Result out = ex.evaluate(Tensor.of(pos.clone(), types.length, 3).requireGrad(),
                Graph.of(types, EdgeList.isolated(pos, ex.model().cutoff())));
        return new EF(out.energy().item(), out.forces(false).data());
    }

    private static double[] transform(double[] pos, double[] q, double[] t) {
        double[] out = new double[pos.length];
        for (int i = 0; i < pos.length / 3; i++) {
            double[] v = Rotations.apply(q, new double[] {pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]});
            for (int c = 0; c < 3; c++) out[3 * i + c] = v[c] + t[c];
        }
        return out;
    }

    @ParameterizedTest(name = "distance_influence {0}, vector_cutoff {1}")
    @CsvSource({"both,false", "both,true", "keys,false", "values,true", "none,false"})
    void symmetriesAndForcesAsMinusTheGradient(String influence, boolean vectorCutoff) {
        LearnedModel m = randomModel(influence, vectorCutoff, 11);
        TapeExecutor ex = new TapeExecutor(m);
        Random rng = new Random(5);
        int[] types = types(m, Z);
        double[] pos = molecule(Z.length, rng);
        EF a = tape(ex, pos, types);
        double fmax = 0;
        for (double f : a.forces()) fmax = Math.max(fmax, Math.abs(f));
        assertTrue(fmax > 1e-3, "forces too small to test: " + fmax);
        double worstE = 0, worstF = 0;
        for (double[] q : new double[][] {Rotations.random(rng), Rotations.randomImproper(rng)}) {
            EF b = tape(ex, transform(pos, q, new double[] {0.4, -1.3, 2.1}), types);
            worstE = Math.max(worstE, Math.abs(a.energy() - b.energy()));
            for (int i = 0; i < Z.length; i++) {
                double[] f = Rotations.apply(q, new double[] {a.forces()[3 * i], a.forces()[3 * i + 1], a.forces()[3 * i + 2]});
                for (int c = 0; c < 3; c++) worstF = Math.max(worstF, Math.abs(f[c] - b.forces()[3 * i + c]));
            }
        }
        // permutation: reversed atom order
        int n = Z.length;
        double[] pp = new double[3 * n];
        int[] tp = new int[n];
        for (int i = 0; i < n; i++) {
            tp[i] = types[n - 1 - i];
            System.arraycopy(pos, 3 * (n - 1 - i), pp, 3 * i, 3);
        }
        EF p = tape(ex, pp, tp);
        worstE = Math.max(worstE, Math.abs(a.energy() - p.energy()));
        for (int i = 0; i < n; i++) for (int c = 0; c < 3; c++) worstF = Math.max(worstF, Math.abs(a.forces()[3 * i + c] - p.forces()[3 * (n - 1 - i) + c]));
        // five-point central differences (error O(h⁴): these random models have steep, large forces)
        double h = 1e-4, worstFd = 0;
        for (int k = 0; k < 3 * n; k++) {
            double[] e = new double[4];
            double[] steps = {2 * h, h, -h, -2 * h};
            for (int s = 0; s < 4; s++) {
                double[] x = pos.clone();
                x[k] += steps[s];
                e[s] = tape(ex, x, types).energy();
            }
            double fd = -(-e[0] + 8 * e[1] - 8 * e[2] + e[3]) / (12 * h);
            worstFd = Math.max(worstFd, Math.abs(fd - a.forces()[k]));
        }
        // the plan executor
        double[] f = new double[3 * n];
        double ePlan;
        try (PlanExecutor plan = new PlanExecutor(m)) {
            ePlan = plan.compute(pos, types, NeighborList.allPairs(n, 10.0), f, null, null);
        }
        double planDiff = Math.abs(ePlan - a.energy());
        for (int k = 0; k < 3 * n; k++) planDiff = Math.max(planDiff, Math.abs(f[k] - a.forces()[k]));
        System.out.printf("ET %s/%s: |E| %.3f, max|F| %.3f; O(3)+translation+permutation max|dE| %.1e, max|dF| %.1e; FD max|dF| %.1e; plan vs tape %.1e%n",
                influence, vectorCutoff, Math.abs(a.energy()), fmax, worstE, worstF, worstFd, planDiff);
        assertTrue(worstE < 1e-12 * Math.max(1, Math.abs(a.energy())), "energy not invariant: " + worstE);
        assertTrue(worstF < 1e-11 * Math.max(1, fmax), "forces not equivariant: " + worstF);
        assertTrue(worstFd < 1e-8 * Math.max(1, fmax), "forces differ from -dE/dR by " + worstFd);
        assertTrue(planDiff < 1e-12 * Math.max(1, fmax), "plan differs from tape by " + planDiff);
    }

    /**
     * Heads 8 channels wide (the random models above have 4, below the vector length): the plan runs the
     * attention's Vector API kernels, which read the packed distance filters in place (dk | dv_0 | dv_1 | dv_2,
     * or the parts a model has, the others stood in by ones); they must give the tape's energy and forces.
     */
    @ParameterizedTest(name = "distance_influence {0}, vector_cutoff {1}")
    @CsvSource({"both,false", "both,true", "keys,false", "values,true", "none,false"})
    void vectorKernelsReadThePackedFiltersAsTheTape(String influence, boolean vectorCutoff) {
        EquivariantTransformerHyperparameters hp = new EquivariantTransformerHyperparameters(16, 3, 6, 2, 3.0, 10, true, influence,
                "silu", "silu", vectorCutoff, true, true);
        EquivariantTransformer et = new EquivariantTransformer(hp, new int[] {1, 6, 7, 8});
        Random rng = new Random(21);
        Map<String, double[]> v = et.initialParameters(rng);
        for (double[] a : v.values()) for (int i = 0; i < a.length; i++) a[i] += 0.3 * rng.nextGaussian();
        LearnedModel m = new LearnedModel(et, v);
        int[] types = types(m, Z);
        double[] pos = molecule(Z.length, rng);
        EF a = tape(new TapeExecutor(m), pos, types);
        double[] f = new double[3 * Z.length];
        double e;
        try (PlanExecutor plan = new PlanExecutor(m)) {
            e = plan.compute(pos, types, NeighborList.allPairs(Z.length, 10.0), f, null, null);
        }
        double fmax = 0, diff = Math.abs(e - a.energy());
        for (int k = 0; k < f.length; k++) {
            fmax = Math.max(fmax, Math.abs(a.forces()[k]));
            diff = Math.max(diff, Math.abs(f[k] - a.forces()[k]));
        }
        assertTrue(fmax > 1e-3, "forces too small to test: " + fmax);
        assertTrue(diff < 1e-12 * Math.max(1, fmax), influence + ": plan (vector kernels) differs from tape by " + diff);
    }

    @Test
    void anIsolatedAtomHasFiniteEnergyAndNoForce() {
        LearnedModel m = randomModel("both", false, 12);
        int[] z = {6, 1, 8, 7};
        int[] types = types(m, z);
        double[] pos = {0, 0, 0, 1.1, 0, 0, 0, 1.3, 0, 20, 20, 20}; // N far from the others: no edges, vector features stay 0
        EF a = tape(new TapeExecutor(m), pos, types);
        double[] f = new double[12];
        double e;
        try (PlanExecutor plan = new PlanExecutor(m)) {
            e = plan.compute(pos, types, NeighborList.allPairs(4, 40.0), f, null, null);
        }
        assertTrue(Double.isFinite(a.energy()) && Double.isFinite(e), "energy " + a.energy() + ", plan " + e);
        assertEquals(a.energy(), e, 1e-12);
        for (int c = 0; c < 3; c++) {
            assertEquals(0.0, a.forces()[9 + c], 0.0, "tape force on the isolated atom");
            assertEquals(0.0, f[9 + c], 0.0, "plan force on the isolated atom");
        }
        for (int k = 0; k < 9; k++) assertTrue(Double.isFinite(a.forces()[k]) && Math.abs(f[k] - a.forces()[k]) < 1e-12);
    }

    /** The fixture's weights: forces of frames 0 and 10 by central differences (h = 1e-5 and, 1e-6 Å inside r_c, 2e-7). */
    @Test
    void fixtureForcesAreMinusTheGradient() throws IOException {
        LearnedModel m = EtReference.model();
        Map<String, NpyArray> frames = Npz.read(EtReference.file("frames.npz"));
        int[] types = types(m, frames.get("z").asInts());
        TapeExecutor ex = new TapeExecutor(m);
        for (int[] fr : new int[][] {{0, 100000}, {10, 5000000}}) {
            double h = 1.0 / fr[1];
            double[] pos = frames.get("R").slice(fr[0]);
            double[] force = tape(ex, pos, types).forces();
            double worst = 0;
            for (int k = 0; k < pos.length; k++) {
                double[] up = pos.clone(), down = pos.clone();
                up[k] += h;
                down[k] -= h;
                worst = Math.max(worst, Math.abs(-(tape(ex, up, types).energy() - tape(ex, down, types).energy()) / (2 * h) - force[k]));
            }
            System.out.printf("ET fixture frame %d: max|F - F_fd| %.2e kcal/mol/A (h = %.0e; torchmd-net's own: frame 0 2.05e-09, frame 10 7.71e-09)%n",
                    fr[0], worst, h);
            assertTrue(worst < (fr[0] == 0 ? 1e-8 : 5e-8), "frame " + fr[0] + ": " + worst);
        }
    }

    /**
     * Frames 10/11 put a pair at r_c ∓ 1e-6. With vector_cutoff = false (the fixture) the vector message does
     * not vanish at r_c: E jumps by −6.244264e-02 kcal/mol beyond the smooth part −F·ΔR. The same weights with
     * vector_cutoff = true are continuous there.
     */
    @Test
    void energyJumpsAtTheCutoffOnlyWithoutVectorCutoff() throws IOException {
        LearnedModel m = EtReference.model();
        EquivariantTransformer et = (EquivariantTransformer) m.architecture();
        EquivariantTransformerHyperparameters h = et.hyperparameters();
        LearnedModel smooth = new LearnedModel(new EquivariantTransformer(new EquivariantTransformerHyperparameters(h.embeddingDimension(),
                h.numLayers(), h.numRbf(), h.numHeads(), h.cutoffUpper(), h.maxZ(), h.neighborEmbedding(), h.distanceInfluence(), h.activation(),
                h.attnActivation(), true, h.trainableRbf(), h.atomref()), et.atomicNumbers()), m.parameters());
        Map<String, NpyArray> frames = Npz.read(EtReference.file("frames.npz"));
        int[] types = types(m, frames.get("z").asInts());
        double[] in = frames.get("R").slice(10), out = frames.get("R").slice(11);
        double[] jump = new double[2];
        for (int v = 0; v < 2; v++) {
            TapeExecutor ex = new TapeExecutor(v == 0 ? m : smooth);
            EF a = tape(ex, in, types), b = tape(ex, out, types);
            double smoothPart = 0;
            for (int k = 0; k < in.length; k++) smoothPart -= 0.5 * (a.forces()[k] + b.forces()[k]) * (out[k] - in[k]);
            jump[v] = (b.energy() - a.energy()) - smoothPart;
        }
        System.out.printf("ET energy jump at r_c: vector_cutoff false %.6e, true %.1e kcal/mol%n", -jump[0], jump[1]);
        assertEquals(-6.244264e-02, -jump[0], 1e-8, "vector_cutoff false: the fixture's jump");
        assertTrue(Math.abs(jump[1]) < 1e-9, "vector_cutoff true: E continuous at r_c, remainder " + jump[1]);
    }
}
