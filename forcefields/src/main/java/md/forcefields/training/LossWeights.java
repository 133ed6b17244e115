package md.forcefields.training;

/**
 * Weights and parameters of the training loss. Every term is a mean squared error in units of the
 * training set's force RMS σ_F (energies per atom divided by σ_F, forces divided by σ_F), as nequip
 * computes its loss on normalised quantities; the weights are relative (nequip's {@code loss_coeffs}).
 *
 * @param energyPerAtom    weight of the per-atom energy MSE (nequip's PerAtomMSELoss on total_energy)
 * @param forces           weight of the force MSE (mean over force components)
 * @param zeroForce        weight of ET-OREO's zero-force regularisation on equilibrium frames: MSE of the
 *                         predicted forces against zero
 * @param denoising        weight of ET-OREO's force-based denoising on equilibrium frames: MSE of the
 *                         forces predicted at x + ε against the restoring force −κε
 * @param noiseVarianceA2  σ² of the isotropic Gaussian displacement ε per Cartesian component (Å²)
 * @param restoringStiffness κ (eV/Å²) of the denoising target −κε; 1 makes the target equal to the
 *                         restoring displacement −ε itself (ET-OREO's noise-prediction form)
 * @param forceHead        which force head(s) the force terms (labelled, zero-force and denoising) train;
 *                         with {@link ForceHead#BOTH} each term is applied to both heads and the two are added
 */
public record LossWeights(double energyPerAtom, double forces, double zeroForce, double denoising,
                          double noiseVarianceA2, double restoringStiffness, ForceHead forceHead) {

    /** The conservative head only. */
    public LossWeights(double energyPerAtom, double forces, double zeroForce, double denoising, double noiseVarianceA2, double restoringStiffness) {
        this(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, ForceHead.CONSERVATIVE);
    }

    /** The same weights training {@code head}. */
    public LossWeights withForceHead(ForceHead head) {
        return new LossWeights(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, head);
    }

    public LossWeights {
        if (forceHead == null) forceHead = ForceHead.CONSERVATIVE;
        for (double w : new double[] {energyPerAtom, forces, zeroForce, denoising})
            if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("loss weights must be finite and >= 0, got " + w);
        if (!(noiseVarianceA2 > 0) || Double.isInfinite(noiseVarianceA2))
            throw new IllegalArgumentException("noise variance must be > 0 Å², got " + noiseVarianceA2);
        if (!(restoringStiffness > 0) || Double.isInfinite(restoringStiffness))
            throw new IllegalArgumentException("restoring stiffness must be > 0 eV/Å², got " + restoringStiffness);
    }

    /**
     * Defaults: forces 1000 : per-atom energy 1 (the NequIP paper's rMD17 weighting); the force-centric
     * terms weigh like forces; σ² = 0.04 Å² (ET-OREO); κ = 1 eV/Å².
     */
    public static LossWeights defaults() { return new LossWeights(1, 1000, 1000, 1000, 0.04, 1.0); }
}
