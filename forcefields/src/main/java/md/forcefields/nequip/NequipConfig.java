package md.forcefields.nequip;

import java.util.Arrays;
import java.util.List;

import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.Irreps;

/**
 * Hyperparameters and dataset statistics of a NequIP model (nequip 0.6 semantics).
 *
 * @param atomicNumbers           species in type order (type index = position; nequip sorts by atomic number)
 * @param rMax                    cutoff radius (Å); edges are pairs with |r_ij| &lt; rMax
 * @param numBasis                number of Bessel functions
 * @param besselTrainable         whether the Bessel frequencies are weights (else they are nπ)
 * @param polynomialCutoffP       exponent p of the polynomial envelope
 * @param numLayers               interaction blocks
 * @param featureIrrepsHidden     irreps of the hidden features (e.g. 32x0e+32x1e+32x0o+32x1o)
 * @param irrepsEdgeSh            spherical harmonics of the edges (e.g. 1x0e+1x1o+1x2e)
 * @param chemicalEmbeddingIrreps output irreps of the species embedding (F×0e)
 * @param convToOutputHiddenIrreps irreps of the readout's hidden layer (e.g. 16x0e)
 * @param invariantLayers         hidden layers of each radial MLP
 * @param invariantNeurons        width of the radial MLPs
 * @param avgNumNeighbors         messages are divided by √avgNumNeighbors
 * @param resnet                  residual connections where a layer's output irreps equal its input irreps
 * @param useSc                   self-connection
 * @param scalarsEven             activation of even scalars (and the radial MLPs); odd scalars use scalarsOdd
 * @param gatesEven               activation of even gates; odd gates use gatesOdd
 * @param perSpeciesScales        per-species scale s_t applied to the raw atomic output (already in units of globalScale)
 * @param perSpeciesShifts        per-species shift b_t (same units)
 * @param globalScale             g: E = g·Σ_i (s_t ε_i + b_t) + globalShift
 * @param globalShift             constant added to the total energy (0 when absent)
 * @param energyUnit              unit of the energies the model produces (informational: "eV")
 * @param lengthUnit              unit of positions the model expects ("Angstrom")
 */
public record NequipConfig(int[] atomicNumbers, double rMax, int numBasis, boolean besselTrainable, double polynomialCutoffP,
                           int numLayers, Irreps featureIrrepsHidden, Irreps irrepsEdgeSh, Irreps chemicalEmbeddingIrreps,
                           Irreps convToOutputHiddenIrreps, int invariantLayers, int invariantNeurons, double avgNumNeighbors,
                           boolean resnet, boolean useSc, Activation scalarsEven, Activation scalarsOdd,
                           Activation gatesEven, Activation gatesOdd, double[] perSpeciesScales, double[] perSpeciesShifts,
                           double globalScale, double globalShift, String energyUnit, String lengthUnit) {

    public NequipConfig {
        atomicNumbers = atomicNumbers.clone();
        perSpeciesScales = perSpeciesScales.clone();
        perSpeciesShifts = perSpeciesShifts.clone();
        int t = atomicNumbers.length;
        if (t == 0) throw new IllegalArgumentException("a NequIP model needs at least one species");
        for (int i = 1; i < t; i++)
            if (atomicNumbers[i] <= atomicNumbers[i - 1])
                throw new IllegalArgumentException("species must be sorted by atomic number without repeats, got " + Arrays.toString(atomicNumbers));
        if (perSpeciesScales.length != t || perSpeciesShifts.length != t)
            throw new IllegalArgumentException("per-species scales/shifts need " + t + " values (one per species)");
        if (!(rMax > 0)) throw new IllegalArgumentException("r_max must be > 0, got " + rMax);
        if (numBasis < 1 || numLayers < 1 || invariantNeurons < 1 || invariantLayers < 0)
            throw new IllegalArgumentException("num_basis, num_layers, invariant_neurons must be >= 1 and invariant_layers >= 0");
        if (!(avgNumNeighbors > 0)) throw new IllegalArgumentException("avg_num_neighbors must be > 0, got " + avgNumNeighbors);
        if (chemicalEmbeddingIrreps.size() != 1 || chemicalEmbeddingIrreps.ir(0).l() != 0 || chemicalEmbeddingIrreps.ir(0).p() != 1)
            throw new IllegalArgumentException("chemical embedding irreps must be F x 0e, got " + chemicalEmbeddingIrreps);
    }

    /**
     * The configuration nequip's {@code SimpleIrrepsConfig} derives from l_max, parity and num_features:
     * hidden = [F×(l, e) for l ≤ lmax] + [F×(l, o) for l ≤ lmax] (even only without parity), edge SH of
     * parity (-1)^l (all even without parity), embedding F×0e, readout hidden max(1, F/2)×0e.
     */
    public static NequipConfig simple(int[] atomicNumbers, double rMax, int lmax, boolean parity, int numFeatures, int numLayers,
                                      int numBasis, int invariantLayers, int invariantNeurons, double avgNumNeighbors,
                                      double[] perSpeciesScales, double[] perSpeciesShifts, double globalScale) {
        StringBuilder hidden = new StringBuilder();
        for (int p : parity ? new int[] {1, -1} : new int[] {1})
            for (int l = 0; l <= lmax; l++) hidden.append(hidden.isEmpty() ? "" : "+").append(numFeatures).append("x").append(l).append(p == 1 ? "e" : "o");
        return new NequipConfig(atomicNumbers, rMax, numBasis, true, 6.0, numLayers, Irreps.parse(hidden.toString()),
                Irreps.sphericalHarmonics(lmax, parity), Irreps.parse(numFeatures + "x0e"), Irreps.parse(Math.max(1, numFeatures / 2) + "x0e"),
                invariantLayers, invariantNeurons, avgNumNeighbors, false, true, Activation.SILU, Activation.TANH,
                Activation.SILU, Activation.TANH, perSpeciesScales, perSpeciesShifts, globalScale, 0.0, "eV", "Angstrom");
    }

    public int numTypes() { return atomicNumbers.length; }

    /** Type index of an element, or −1 when the model has no such species. */
    public int typeOf(int atomicNumber) {
        int i = Arrays.binarySearch(atomicNumbers, atomicNumber);
        return i >= 0 ? i : -1;
    }

    public List<Integer> species() { return Arrays.stream(atomicNumbers).boxed().toList(); }
}
