package md.forcefields.torchmdnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.model.LearnedModel;

import org.junit.jupiter.api.Test;

/**
 * The TorchMD-Net Equivariant Transformer against torchmd-net 2.4.10 itself (fixture ethanol-et: all 12
 * frames, incl. a rotated and a reflected copy and a pair at r_c ∓ 1e-6): energies, per-atom energies and
 * forces (kcal/mol, kcal/mol/Å) through the tape executor (training) and the plan executor (MD). The
 * per-atom energies here carry mean/N each (the mean once per molecule, shared by the atoms), the
 * fixture's do not.
 */
class EquivariantTransformerParityTest {
    private static final double ENERGY_TOL = 1e-12, FORCE_TOL = 1e-10;

    @Test
    void tapeAndPlanReproduceTorchmdNetOnEveryFrame() throws IOException {
        LearnedModel model = EtReference.model();
        assertEquals(50146, model.parameterCount(), "trainable parameters (fixture: n_parameters)");
        Map<String, NpyArray> frames = Npz.read(EtReference.file("frames.npz"));
        int[] z = frames.get("z").asInts();
        int n = z.length;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = model.architecture().typeOf(z[i]);
        double[] e = frames.get("E").data(), nEdges = frames.get("n_edges").data();
        double mean = model.parameter("mean")[0];
        TapeExecutor tape = new TapeExecutor(model);
        double[] forces = new double[3 * n], atomic = new double[n];
        double[] worst = new double[6]; // tape dE, dA, dF; plan dE, dA, dF
        try (PlanExecutor plan = new PlanExecutor(model)) {
            for (int k = 0; k < e.length; k++) {
                double[] r = frames.get("R").slice(k), fRef = frames.get("F").slice(k), aRef = frames.get("atomic_energy").slice(k);
                EdgeList edges = EdgeList.isolated(r, model.architecture().cutoff());
                assertEquals((int) nEdges[k], edges.size(), "edges of frame " + k);
                TapeExecutor.Result out = tape.evaluate(Tensor.of(r.clone(), n, 3).requireGrad(), Graph.of(types, edges));
                record(worst, 0, out.energy().item(), e[k], out.atomicEnergies().data(), aRef, mean / n, out.forces(false).data(), fRef);
                // the neighbour list reaches beyond r_c: the plan keeps the pairs strictly within it
                double ePlan = plan.compute(r, types, NeighborList.allPairs(n, 6.0), forces, null, atomic);
                assertEquals((int) nEdges[k], plan.graph().edges(), "plan edges of frame " + k);
                record(worst, 3, ePlan, e[k], atomic, aRef, mean / n, forces, fRef);
            }
        }
        System.out.printf("ET tape vs torchmd-net, 12 frames: max|dE| %.2e, max|dE_atom| %.2e kcal/mol, max|dF| %.2e kcal/mol/A%n", worst[0], worst[1], worst[2]);
        System.out.printf("ET plan vs torchmd-net, 12 frames: max|dE| %.2e, max|dE_atom| %.2e kcal/mol, max|dF| %.2e kcal/mol/A%n", worst[3], worst[4], worst[5]);
        for (int x = 0; x < 2; x++) {
            String ex = x == 0 ? "tape" : "plan";
            assertTrue(worst[3 * x] <= ENERGY_TOL, ex + " energy error " + worst[3 * x]);
            assertTrue(worst[3 * x + 1] <= ENERGY_TOL, ex + " per-atom energy error " + worst[3 * x + 1]);
            assertTrue(worst[3 * x + 2] <= FORCE_TOL, ex + " force error " + worst[3 * x + 2]);
        }
    }

    private static void record(double[] worst, int at, double energy, double eRef, double[] atomic, double[] aRef, double share, double[] f, double[] fRef) {
        worst[at] = Math.max(worst[at], Math.abs(energy - eRef));
        for (int i = 0; i < aRef.length; i++) worst[at + 1] = Math.max(worst[at + 1], Math.abs(atomic[i] - share - aRef[i]));
        for (int i = 0; i < fRef.length; i++) worst[at + 2] = Math.max(worst[at + 2], Math.abs(f[i] - fRef[i]));
    }
}
