package md.forcefields.training;

import java.util.List;
import java.util.Random;

import md.forcefields.autodiff.Autograd;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.TapeExecutor;

/**
 * The loss of one batch, assembled frame by frame so that frames can be differentiated in parallel:
 * <pre>
 * L = w_E/B_E · Σ_f ((E_f − Ê_f)/(N_f σ_F))²           frames trained on energies (B_E of them)
 *   + w_F/C_F · Σ_f Σ_i ((F_fi − F̂_fi)/σ_F)²             frames trained on forces (C_F components)
 *   + w_0/C_0 · Σ_f Σ_i (F_fi(x)/σ_F)²                   equilibrium frames (C_0 components)
 *   + w_D/C_0 · Σ_f Σ_i ((F_fi(x + ε) + κε_i)/σ_F)²      equilibrium frames, denoising
 * </pre>
 * (the nequip form, in units σ_F; the workshop and GeomAtt forms replace the first two lines by
 * W_e/B_E · Σ_f ((E_f − Ê_f)/u)² + w_F/B_F · Σ_f c(N_f) Σ_i |F_fi − F̂_fi|²/u² with c(N) = 1/N or 1/(3N²), see {@link LossWeights}),
 * where F is the force head {@link LossWeights#forceHead()} names; with {@link ForceHead#BOTH} each force
 * term is the sum of the term for the conservative head and the term for the direct head.
 * Frames with a stress label add w_S/C_S · Σ_f Σ_ab ((σ_f,ab − σ̂_f,ab)/u)² (C_S = 9 × such frames in the batch),
 * σ = −W/V with the virial W = −∂E/∂ε from {@link TapeExecutor#evaluateStrained}, kept differentiable like the forces.
 * Each frame's share is a separate graph; the batch gradient is the sum of the frames' gradients.
 */
public final class BatchLoss {
    private BatchLoss() {}

    /**
     * The denominators of one batch: frames with an energy term (B_E), force components (C_F), equilibrium components (C_0),
     * frames with a force term (B_F), stress components (C_S).
     */
    public record Counts(int energyFrames, int forceComponents, int equilibriumComponents, int forceFrames, int stressComponents) {
        /** A batch without stress labels. */
        public Counts(int energyFrames, int forceComponents, int equilibriumComponents, int forceFrames) {
            this(energyFrames, forceComponents, equilibriumComponents, forceFrames, 0);
        }

        public static Counts of(List<TrainingFrame> batch) {
            int e = 0, f = 0, q = 0, ff = 0, s = 0;
            for (TrainingFrame t : batch) {
                if (t.trainsEnergy()) e++;
                if (t.trainsForces()) { f += 3 * t.size(); ff++; }
                if (t.objective() == Objective.EQUILIBRIUM) q += 3 * t.size();
                if (t.trainsStress()) s += 9;
            }
            return new Counts(e, f, q, ff, s);
        }
    }

    /** One frame's share of the batch loss (value, its parts) and its gradient for every parameter. */
    public record FrameResult(double loss, double energyPart, double forcePart, double equilibriumPart, double stressPart, Tensor[] gradients) {}

    /**
     * The frame's loss as a graph over the parameters (positions of equilibrium frames are displaced with {@code rng});
     * {@code partsOut} (may be null) receives the energy, force, equilibrium and (when it has a fourth entry) stress parts.
     * Every force term is taken over the head(s) {@code w.forceHead()} names: the conservative head −∂E/∂R (kept
     * differentiable: second derivatives), the direct head (a forward output), or both (the terms added).
     */
    public static Tensor frameLoss(TapeExecutor model, TrainingFrame frame, int[] types, Graph graph, Counts counts,
                                   LossWeights w, double forceScale, Random rng, double[] partsOut) {
        int n = frame.size();
        ForceHead head = w.forceHead();
        if (frame.objective() == Objective.EQUILIBRIUM) {
            Tensor zero = forceTerm(model.evaluate(positions(frame.positions(), n, head), graph, head.direct()), null, head, null, forceScale)
                    .mul(w.zeroForce() / counts.equilibriumComponents());
            ForceCentricTargets.Denoising d = ForceCentricTargets.denoising(frame.positions(), w.noiseVarianceA2(), w.restoringStiffness(), rng);
            Graph displaced = Graph.of(types, frame.edges(d.positions(), model.model().cutoff()));
            Tensor denoise = forceTerm(model.evaluate(positions(d.positions(), n, head), displaced, head.direct()), null, head, d.targetForces(), forceScale)
                    .mul(w.denoising() / counts.equilibriumComponents());
            Tensor total = zero.add(denoise);
            if (partsOut != null) partsOut[2] += total.item();
            return total;
        }
        LossWeights.Form form = w.form();
        boolean stress = frame.trainsStress() && w.stress() > 0;
        Tensor x = positions(frame.positions(), n, head);
        TapeExecutor.Result out = stress ? model.evaluateStrained(x, graph, head.direct()) : model.evaluate(x, graph, head.direct());
        Tensor forces = null, virial = null;
        if (stress && head.conservative()) {
            Tensor[] fw = out.forcesAndVirial(true); // one backward pass for both
            forces = fw[0];
            virial = fw[1];
        } else if (stress) {
            virial = Autograd.grad(out.energy(), new Tensor[] {out.strain()}, null, true)[0].neg();
        }
        Tensor forceTerm = forceTerm(out, forces, head, frame.forcesEvPerA(), forceScale)
                .mul(form == LossWeights.Form.NEQUIP ? w.forces() / counts.forceComponents() : w.forces() * form.perFrameForceWeight(n) / counts.forceFrames());
        Tensor total = forceTerm;
        if (partsOut != null) partsOut[1] += forceTerm.item();
        if (stress) {
            Tensor s = LossTerms.stressSquaredError(virial, frame.cell().volume(), frame.stressEvPerA3(), forceScale)
                    .mul(w.stress() / counts.stressComponents());
            if (partsOut != null && partsOut.length > 3) partsOut[3] += s.item();
            total = total.add(s);
        }
        if (frame.trainsEnergy() && w.energyPerAtom() > 0) {
            Tensor e = (form.totalEnergy() ? LossTerms.energySquaredError(out.energy(), frame.energyEv(), forceScale)
                    : LossTerms.energyPerAtomSquaredError(out.energy(), frame.energyEv(), n, forceScale)).mul(w.energyPerAtom() / counts.energyFrames());
            if (partsOut != null) partsOut[0] += e.item();
            total = total.add(e);
        }
        return total;
    }

    /** Positions as an (N, 3) tensor; they require a gradient only when the conservative head −∂E/∂R is needed. */
    private static Tensor positions(double[] x, int n, ForceHead head) {
        Tensor r = Tensor.of(x.clone(), n, 3);
        return head.conservative() ? r.requireGrad() : r;
    }

    /**
     * Σ ((F − target)/scale)² summed over the trained head(s) (target null: zero); {@code conservative} is −∂E/∂R
     * when already differentiated (null: differentiated here).
     */
    private static Tensor forceTerm(TapeExecutor.Result out, Tensor conservative, ForceHead head, double[] target, double scale) {
        Tensor sum = null;
        if (head.conservative()) sum = LossTerms.forceSquaredError(conservative != null ? conservative : out.forces(true), target, scale);
        if (head.direct()) {
            Tensor d = LossTerms.forceSquaredError(out.directForces(), target, scale);
            sum = sum == null ? d : sum.add(d);
        }
        return sum;
    }

    /** {@link #frameLoss} and its gradient with respect to {@code params} (graph-free). */
    public static FrameResult frame(TapeExecutor model, Tensor[] params, TrainingFrame frame, int[] types, Graph graph,
                                    Counts counts, LossWeights w, double forceScale, Random rng) {
        double[] parts = new double[4];
        Tensor loss = frameLoss(model, frame, types, graph, counts, w, forceScale, rng, parts);
        return new FrameResult(loss.item(), parts[0], parts[1], parts[2], parts[3], Autograd.grad(loss, params));
    }
}
