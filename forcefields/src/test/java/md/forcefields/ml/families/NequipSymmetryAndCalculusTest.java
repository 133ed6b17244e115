package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import md.forcefields.autodiff.GradMode;
import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Rotations;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.TapeExecutor;

import org.junit.jupiter.api.Test;

/** Random small NequIP models on the tape executor: invariance/equivariance under O(3), translations, permutations; forces = −∇E numerically. */
class NequipSymmetryAndCalculusTest {

    private record EF(double energy, double[] forces) {}

    private static EF evaluate(TapeExecutor model, double[] pos, int[] types) {
        Tensor positions = Tensor.of(pos.clone(), types.length, 3).requireGrad();
        TapeExecutor.Result out = model.evaluate(positions, Graph.of(types, EdgeList.isolated(pos, model.model().cutoff())));
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

    private static double maxRotatedForceError(double[] f, double[] fq, double[] q) {
        double err = 0, scale = 0;
        for (int i = 0; i < f.length / 3; i++) {
            double[] v = Rotations.apply(q, new double[] {f[3 * i], f[3 * i + 1], f[3 * i + 2]});
            for (int c = 0; c < 3; c++) { err = Math.max(err, Math.abs(v[c] - fq[3 * i + c])); scale = Math.max(scale, Math.abs(v[c])); }
        }
        return err / scale;
    }

    @Test
    void energyInvariantAndForcesEquivariantUnderRotationsReflectionsTranslations() {
        Random rng = new Random(3);
        int[] types = {0, 1, 1, 0, 1, 0};
        double[] pos = SmallModels.molecule(types.length, rng);
        TapeExecutor withParity = SmallModels.model(2, true, 4, 2, 21);
        TapeExecutor noParity = SmallModels.model(2, false, 4, 2, 22);
        double[] t = {0.7, -1.1, 2.3};
        for (int trial = 0; trial < 2; trial++) {
            double[] proper = Rotations.random(rng), improper = Rotations.randomImproper(rng);
            for (Object[] c : new Object[][] {{withParity, proper}, {withParity, improper}, {noParity, proper}}) {
                TapeExecutor m = (TapeExecutor) c[0];
                double[] q = (double[]) c[1];
                EF a = evaluate(m, pos, types), b = evaluate(m, transform(pos, q, t), types);
                double dE = Math.abs(a.energy() - b.energy()) / Math.abs(a.energy());
                double dF = maxRotatedForceError(a.forces(), b.forces(), q);
                assertTrue(dE < 1e-12, "energy changed by " + dE + " (relative)");
                assertTrue(dF < 1e-10, "forces not equivariant: " + dF);
            }
        }
    }

    @Test
    void withoutParityAReflectionChangesTheEnergy() {
        // The l=1 edge attributes are then treated as pseudovectors, so cross products (1e x 1e -> 1e) are
        // allowed: from three layers on a pseudoscalar (a triple product) reaches the energy, and a model
        // that stayed reflection invariant would show a bug in the parity bookkeeping.
        Random rng = new Random(4);
        int[] types = {0, 1, 1, 0, 1};
        double[] pos = SmallModels.molecule(types.length, rng);
        TapeExecutor m = SmallModels.model(1, false, 4, 3, 23);
        double e = evaluate(m, pos, types).energy(), er = evaluate(m, transform(pos, Rotations.randomImproper(rng), new double[3]), types).energy();
        assertTrue(Math.abs(e - er) > 1e-6 * Math.abs(e), "energy unchanged by a reflection: " + e + " vs " + er);
    }

    @Test
    void permutingAtomsPermutesForces() {
        Random rng = new Random(5);
        int[] types = {0, 1, 1, 0, 1};
        int[] perm = {3, 0, 4, 1, 2};
        double[] pos = SmallModels.molecule(types.length, rng);
        double[] pp = new double[pos.length];
        int[] pt = new int[types.length];
        for (int i = 0; i < types.length; i++) {
            pt[i] = types[perm[i]];
            System.arraycopy(pos, 3 * perm[i], pp, 3 * i, 3);
        }
        TapeExecutor m = SmallModels.model(1, true, 4, 2, 24);
        EF a = evaluate(m, pos, types), b = evaluate(m, pp, pt);
        assertTrue(Math.abs(a.energy() - b.energy()) < 1e-12 * Math.abs(a.energy()));
        for (int i = 0; i < types.length; i++)
            for (int c = 0; c < 3; c++) assertTrue(Math.abs(a.forces()[3 * perm[i] + c] - b.forces()[3 * i + c]) < 1e-12);
    }

    @Test
    void forcesEqualCentralDifferencesOfTheEnergyUpToL3() {
        Random rng = new Random(6);
        int[] types = {0, 1, 1, 0, 1};
        double[] pos = SmallModels.molecule(types.length, rng);
        TapeExecutor m = SmallModels.model(3, true, 4, 2, 25);
        EF ef = evaluate(m, pos, types);
        double h = 1e-5, worst = 0, scale = 0;
        try (GradMode.Scope s = GradMode.disabled()) {
            for (int k = 0; k < pos.length; k++) {
                double[] p = pos.clone();
                p[k] += h;
                double plus = evaluate(m, p, types).energy();
                p[k] -= 2 * h;
                double minus = evaluate(m, p, types).energy();
                worst = Math.max(worst, Math.abs(ef.forces()[k] + (plus - minus) / (2 * h)));
                scale = Math.max(scale, Math.abs(ef.forces()[k]));
            }
        }
        assertTrue(worst < 1e-7 * scale, "max |F + dE/dR| " + worst + " with max|F| " + scale);
    }
}
