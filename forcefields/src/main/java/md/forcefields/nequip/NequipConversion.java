package md.forcefields.nequip;

import java.util.LinkedHashMap;
import java.util.Map;

import md.forcefields.ml.model.EquivariantModel.ParameterSpec;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;

/**
 * An imported NequIP model ({@link NequipModel}, nequip's configuration and state_dict names) as a
 * {@link LearnedModel} of the {@link Nequip} family, which every executor runs.
 */
public final class NequipConversion {
    private NequipConversion() {}

    /**
     * The {@link Nequip} architecture of a configuration, its global shift aside. Supports the configurations
     * nequip's SimpleIrrepsConfig produces (hidden irreps from l_max, parity and num_features) with
     * self-connection; anything else is an IllegalArgumentException that says what differs.
     */
    static Nequip architecture(NequipConfig c) {
        int lMax = c.irrepsEdgeSh().lmax();
        boolean parity = c.featureIrrepsHidden().blocks().stream().anyMatch(b -> b.ir().p() == -1);
        int f = c.chemicalEmbeddingIrreps().mul(0);
        NequipConfig simple = NequipConfig.simple(c.atomicNumbers(), c.rMax(), lMax, parity, f, c.numLayers(), c.numBasis(),
                c.invariantLayers(), c.invariantNeurons(), c.avgNumNeighbors(), c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale());
        if (!c.featureIrrepsHidden().equals(simple.featureIrrepsHidden()) || !c.irrepsEdgeSh().equals(simple.irrepsEdgeSh())
                || !c.convToOutputHiddenIrreps().equals(simple.convToOutputHiddenIrreps()) || !c.useSc())
            throw new IllegalArgumentException("supported NequIP models are SimpleIrrepsConfig models (hidden irreps from l_max, parity and"
                    + " num_features) with self-connection and no global shift; this model has hidden " + c.featureIrrepsHidden()
                    + ", edge irreps " + c.irrepsEdgeSh() + ", use_sc " + c.useSc());
        NequipHyperparameters hp = new NequipHyperparameters(c.numTypes(), lMax, parity, f, c.numLayers(), c.rMax(), c.numBasis(),
                c.besselTrainable(), c.polynomialCutoffP(), c.invariantLayers(), c.invariantNeurons(), c.avgNumNeighbors(), c.resnet(),
                c.scalarsEven().key(), c.scalarsOdd().key(), c.gatesEven().key(), c.gatesOdd().key());
        return new Nequip(hp, c.atomicNumbers(), c.globalScale());
    }

    /**
     * Every weight a configuration needs, by nequip's state_dict name (without the {@code model.model.func.}
     * prefix), with its state_dict shape, in a fixed order: the {@link Nequip} family's trainable parameters
     * (the Bessel frequencies only when trainable; the per-species scales and shifts are statistics of the
     * configuration). Configurations outside {@link #architecture} are an IllegalArgumentException.
     */
    public static Map<String, int[]> weightShapes(NequipConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterSpec> e : architecture(c).parameters().entrySet()) {
            String name = e.getKey();
            if (!e.getValue().trainable()) continue; // fixed Bessel frequencies, per-species scales and shifts
            ParameterSpec s = e.getValue();
            // the radial MLP's matrices are 2-d in the state_dict, every other weight a flat vector
            m.put(name, name.contains(".fc.layer") ? new int[] {s.shape().fixedRows(), s.shape().width()} : new int[] {s.size()});
        }
        return m;
    }

    /**
     * The same function as a {@link Nequip} model. Supports the configurations of {@link #architecture} without
     * a global shift; anything else is an IllegalArgumentException that says what differs.
     */
    public static LearnedModel toLearned(NequipModel model) {
        NequipConfig c = model.config();
        Nequip arch = architecture(c);
        if (c.globalShift() != 0)
            throw new IllegalArgumentException("supported NequIP models are SimpleIrrepsConfig models (hidden irreps from l_max, parity and"
                    + " num_features) with self-connection and no global shift; this model has global shift " + c.globalShift());
        Map<String, double[]> v = new LinkedHashMap<>();
        for (String name : arch.parameters().keySet()) {
            v.put(name, switch (name) {
                case Nequip.BESSEL -> model.besselWeights().clone();
                case Nequip.SCALES -> c.perSpeciesScales().clone();
                case Nequip.SHIFTS -> c.perSpeciesShifts().clone();
                default -> model.weight(name).clone();
            });
        }
        return new LearnedModel(arch, v);
    }
}
