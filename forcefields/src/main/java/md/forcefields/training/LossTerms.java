package md.forcefields.training;

import md.forcefields.autodiff.Tensor;

/**
 * The squared-error sums the loss is made of, as differentiable tensors. Each is a plain sum over one
 * frame; the batch divides by its counts ({@link BatchLoss}) so frames of different sizes weigh by
 * their number of force components, as in nequip's MSE over a batch.
 */
public final class LossTerms {
    private LossTerms() {}

    /** Σ ((F_pred − F_target)/scale)² over all components; {@code target} null means zero. */
    public static Tensor forceSquaredError(Tensor predicted, double[] target, double scale) {
        Tensor diff = target == null ? predicted : predicted.sub(Tensor.of(target.clone(), predicted.shape()));
        return diff.mul(1.0 / scale).square().sum();
    }

    /** ((E_pred − E_target) / scale)²: the total energy error in units of {@code scale} (× 1 Å). */
    public static Tensor energySquaredError(Tensor energy, double target, double scale) {
        return energy.add(-target).mul(1.0 / scale).square();
    }

    /** ((E_pred − E_target) / (N · scale))²: the per-atom energy error in units of {@code scale}. */
    public static Tensor energyPerAtomSquaredError(Tensor energy, double target, int atoms, double scale) {
        return energy.add(-target).mul(1.0 / (atoms * scale)).square();
    }

    /**
     * Σ_ab ((σ_ab − σ̂_ab)/scale)² with the model's stress σ = −W/V (eV/Å³, ASE's sign) from its virial W (3, 3, eV)
     * and the cell volume V (Å³); the target is row-major.
     */
    public static Tensor stressSquaredError(Tensor virial, double volumeA3, double[] target, double scale) {
        return virial.mul(-1.0 / volumeA3).sub(Tensor.of(target.clone(), 3, 3)).mul(1.0 / scale).square().sum();
    }
}
