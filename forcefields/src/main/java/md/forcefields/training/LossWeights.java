package md.forcefields.training;

/**
 * Weights and parameters of the training loss (docs/training.md, "Objectives" and "Loss forms"). Every term
 * is a mean squared error in a unit u: by default the training set's force RMS σ_F (energies divided by
 * u·1 Å, forces by u), as nequip computes its loss on normalised quantities; or a fixed unit ({@link #unitEv}).
 * The weights are relative (nequip's {@code loss_coeffs}).
 *
 * <p>{@link Form#NEQUIP} (default):
 * <pre>
 * L = w_E/B_E · Σ_f ((E_f − Ê_f)/(N_f u))²  +  w_F/C_F · Σ_f Σ_i |F_fi − F̂_fi|²/u²   (+ equilibrium terms)
 * </pre>
 * {@link Form#SE3T_WORKSHOP} (the SE(3)-Transformer ANI-1x workshop paper's loss):
 * <pre>
 * L = W_e/B_E · Σ_f ((E_f − Ê_f)/u)²  +  w_F/B_F · Σ_f (1/N_f) Σ_i |F_fi − F̂_fi|²/u²   (+ equilibrium terms)
 * </pre>
 * {@link Form#GEOMATT} (GeomAtt's {@code FNeuralNet.get_loss}: ρ·MSE(E) + MSE(F)/N_v with torch's MSELoss, the
 * force MSE a mean over the batch's B·N·3 components, then divided by the atom count; u = σ_E, the training energies'
 * standard deviation, because the authors train on StandardScaler-ed energies and forces divided by its scale):
 * <pre>
 * L = ρ/B_E · Σ_f ((E_f − Ê_f)/u)²  +  w_F/B_F · Σ_f (1/(3 N_f²)) Σ_i |F_fi − F̂_fi|²/u²   (+ equilibrium terms)
 * </pre>
 * (B_E, B_F: frames of the batch trained on energies / forces, C_F: force components, N_f: atoms of frame f;
 * the equilibrium terms are the same in both forms.) Both forms add, for frames with a stress label,
 * <pre>
 * w_S/C_S · Σ_f Σ_ab ((σ_f,ab − σ̂_f,ab)/u)²       (C_S = 9 × the batch's frames with a stress)
 * </pre>
 * the stress in eV/Å³ as nequip's {@code stress} MSE (σ = −W/V from the virial; u's number, as for forces).
 *
 * @param energyPerAtom    the energy weight: w_E of the per-atom energy MSE (nequip's PerAtomMSELoss on
 *                         total_energy) in the nequip form, W_e of the total-energy MSE in the workshop form
 * @param forces           weight of the force MSE (nequip: mean over force components; workshop: mean over a
 *                         molecule's atoms of |ΔF|², then over molecules)
 * @param zeroForce        weight of ET-OREO's zero-force regularisation on equilibrium frames: MSE of the
 *                         predicted forces against zero
 * @param denoising        weight of ET-OREO's force-based denoising on equilibrium frames: MSE of the
 *                         forces predicted at x + ε against the restoring force −κε
 * @param noiseVarianceA2  σ² of the isotropic Gaussian displacement ε per Cartesian component (Å²)
 * @param restoringStiffness κ (eV/Å²) of the denoising target −κε; 1 makes the target equal to the
 *                         restoring displacement −ε itself (ET-OREO's noise-prediction form)
 * @param forceHead        which force head(s) the force terms (labelled, zero-force and denoising) train;
 *                         with {@link ForceHead#BOTH} each term is applied to both heads and the two are added
 * @param form             how the energy and force errors are averaged, above
 * @param unitEv           the loss unit u in eV (energies; eV/Å for forces), or NaN for the training set's σ_F
 * @param stress           weight w_S of the stress MSE (frames with a stress label)
 * @param energyStdUnit    the loss unit u is the training energies' population standard deviation σ_E (eV; per Å
 *                         for forces) instead of {@code unitEv}/σ_F: GeomAtt's standardised energies
 */
public record LossWeights(double energyPerAtom, double forces, double zeroForce, double denoising,
                          double noiseVarianceA2, double restoringStiffness, ForceHead forceHead, Form form, double unitEv,
                          double stress, boolean energyStdUnit) {

    /** With a fixed unit or σ_F ({@code unitEv} NaN). */
    public LossWeights(double energyPerAtom, double forces, double zeroForce, double denoising,
                       double noiseVarianceA2, double restoringStiffness, ForceHead forceHead, Form form, double unitEv, double stress) {
        this(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, forceHead, form, unitEv, stress, false);
    }

    /** Stress weighted like forces (w_S = w_F). */
    public LossWeights(double energyPerAtom, double forces, double zeroForce, double denoising,
                       double noiseVarianceA2, double restoringStiffness, ForceHead forceHead, Form form, double unitEv) {
        this(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, forceHead, form, unitEv, forces);
    }

    /** How energy and force errors are averaged (the loss key {@code form}). */
    public enum Form {
        /** Per-atom energy error; force error averaged over all force components of the batch. */
        NEQUIP("nequip"),
        /** Total energy error per molecule; |ΔF|² averaged over each molecule's atoms, then over the molecules. */
        SE3T_WORKSHOP("se3t_workshop"),
        /** Total energy error per molecule; |ΔF|² averaged over each molecule's 3·N_f components and divided by N_f, then over the molecules. */
        GEOMATT("geomatt");

        private final String key;

        Form(String key) { this.key = key; }

        public String key() { return key; }

        public static Form byKey(String key) {
            for (Form f : values()) if (f.key.equals(key)) return f;
            throw new IllegalArgumentException("unknown loss form '" + key + "'; expected nequip, se3t_workshop or geomatt");
        }

        /** Whether the energy term is the total energy's error (else the per-atom energy's). */
        public boolean totalEnergy() { return this != NEQUIP; }

        /**
         * The weight of one frame's Σ_i |ΔF_i|² before the division by the frames with a force term, for the forms that
         * average per molecule (1/N_f or 1/(3 N_f²)); NaN for the nequip form, which pools the batch's force components.
         */
        public double perFrameForceWeight(int atoms) {
            return switch (this) {
                case NEQUIP -> Double.NaN;
                case SE3T_WORKSHOP -> 1.0 / atoms;
                case GEOMATT -> 1.0 / (3.0 * atoms * atoms);
            };
        }
    }

    /** The conservative head, the nequip form, σ_F units. */
    public LossWeights(double energyPerAtom, double forces, double zeroForce, double denoising, double noiseVarianceA2, double restoringStiffness) {
        this(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, ForceHead.CONSERVATIVE);
    }

    /** The nequip form in σ_F units. */
    public LossWeights(double energyPerAtom, double forces, double zeroForce, double denoising, double noiseVarianceA2, double restoringStiffness,
                       ForceHead forceHead) {
        this(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, forceHead, Form.NEQUIP, Double.NaN);
    }

    /** The same weights training {@code head}. */
    public LossWeights withForceHead(ForceHead head) {
        return new LossWeights(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, head, form, unitEv, stress, energyStdUnit);
    }

    /** The same weights in the form {@code f}. */
    public LossWeights withForm(Form f) {
        return new LossWeights(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, forceHead, f, unitEv, stress, energyStdUnit);
    }

    /** The same weights with the loss unit {@code eV} (NaN: the training set's σ_F). */
    public LossWeights withUnitEv(double eV) {
        return new LossWeights(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, forceHead, form, eV, stress, false);
    }

    /** The same weights with the stress weight {@code w}. */
    public LossWeights withStress(double w) {
        return new LossWeights(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, forceHead, form, unitEv, w, energyStdUnit);
    }

    /** The same weights in units of the training energies' standard deviation σ_E. */
    public LossWeights withEnergyStdUnit() {
        return new LossWeights(energyPerAtom, forces, zeroForce, denoising, noiseVarianceA2, restoringStiffness, forceHead, form, Double.NaN, stress, true);
    }

    /** The loss unit u (eV, per Å for forces): the fixed unit, or {@code forceRms} (σ_F) when none is set. */
    public double unit(double forceRms) {
        if (energyStdUnit) throw new IllegalStateException("the loss unit is σ_E: use unit(forceRms, energyStd)");
        return Double.isNaN(unitEv) ? forceRms : unitEv;
    }

    /** The loss unit u: σ_E ({@code energyStd}) when {@link #energyStdUnit}, else as {@link #unit(double)}. */
    public double unit(double forceRms, double energyStd) {
        if (!energyStdUnit) return unit(forceRms);
        if (!(energyStd > 0) || !Double.isFinite(energyStd))
            throw new IllegalArgumentException("the loss unit sigma_E needs training energies that vary; their standard deviation is " + energyStd + " eV");
        return energyStd;
    }

    public LossWeights {
        if (forceHead == null) forceHead = ForceHead.CONSERVATIVE;
        if (form == null) form = Form.NEQUIP;
        if (!Double.isNaN(unitEv) && !(unitEv > 0 && Double.isFinite(unitEv))) throw new IllegalArgumentException("the loss unit must be > 0 eV, got " + unitEv);
        for (double w : new double[] {energyPerAtom, forces, zeroForce, denoising, stress})
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

    /** The workshop form's defaults: W_e = 1, w_F = 1 (the paper's L = W_e ΔE² + mean_i |ΔF_i|²), other terms as {@link #defaults()}. */
    public static LossWeights workshopDefaults() {
        return new LossWeights(1, 1, 1000, 1000, 0.04, 1.0, ForceHead.CONSERVATIVE, Form.SE3T_WORKSHOP, Double.NaN);
    }

    /** The GeomAtt form's defaults: ρ = 0.01, w_F = 1 (the authors' train.py), u = σ_E, other terms as {@link #defaults()}. */
    public static LossWeights geomattDefaults() {
        return new LossWeights(0.01, 1, 1000, 1000, 0.04, 1.0, ForceHead.CONSERVATIVE, Form.GEOMATT, Double.NaN, 1, true);
    }
}
