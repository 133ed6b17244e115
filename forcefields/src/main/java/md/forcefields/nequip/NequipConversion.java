package md.forcefields.nequip;

import java.util.LinkedHashMap;
import java.util.Map;

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
     * The same function as a {@link Nequip} model. Supports the configurations nequip's SimpleIrrepsConfig
     * produces (hidden irreps from l_max, parity and num_features), with self-connection and no global shift;
     * anything else is an IllegalArgumentException that says what differs.
     */
    public static LearnedModel toLearned(NequipModel model) {
        NequipConfig c = model.config();
        int lMax = c.irrepsEdgeSh().lmax();
        boolean parity = c.featureIrrepsHidden().blocks().stream().anyMatch(b -> b.ir().p() == -1);
        int f = c.chemicalEmbeddingIrreps().mul(0);
        NequipConfig simple = NequipConfig.simple(c.atomicNumbers(), c.rMax(), lMax, parity, f, c.numLayers(), c.numBasis(),
                c.invariantLayers(), c.invariantNeurons(), c.avgNumNeighbors(), c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale());
        if (!c.featureIrrepsHidden().equals(simple.featureIrrepsHidden()) || !c.irrepsEdgeSh().equals(simple.irrepsEdgeSh())
                || !c.convToOutputHiddenIrreps().equals(simple.convToOutputHiddenIrreps()) || !c.useSc() || c.globalShift() != 0)
            throw new IllegalArgumentException("supported NequIP models are SimpleIrrepsConfig models (hidden irreps from l_max, parity and"
                    + " num_features) with self-connection and no global shift; this model has hidden " + c.featureIrrepsHidden()
                    + ", edge irreps " + c.irrepsEdgeSh() + ", use_sc " + c.useSc() + ", global shift " + c.globalShift());
        NequipHyperparameters hp = new NequipHyperparameters(c.numTypes(), lMax, parity, f, c.numLayers(), c.rMax(), c.numBasis(),
                c.besselTrainable(), c.polynomialCutoffP(), c.invariantLayers(), c.invariantNeurons(), c.avgNumNeighbors(), c.resnet(),
                c.scalarsEven().key(), c.scalarsOdd().key(), c.gatesEven().key(), c.gatesOdd().key());
        Nequip arch = new Nequip(hp, c.atomicNumbers(), c.globalScale());
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

    /**
     * A {@link Nequip} model as the imported-model type (the accelerator backends still take it).
     */
    public static NequipModel toNequipModel(LearnedModel learned) {
        if (!(learned.architecture() instanceof Nequip n)) throw new IllegalArgumentException("not a NequIP model: " + learned.architecture().family());
        NequipHyperparameters hp = n.hyperparameters();
        StringBuilder hidden = new StringBuilder();
        for (int p : hp.parity() ? new int[] {1, -1} : new int[] {1})
            for (int l = 0; l <= hp.lMax(); l++) hidden.append(hidden.isEmpty() ? "" : "+").append(hp.numFeatures()).append('x').append(l).append(p == 1 ? 'e' : 'o');
        md.forcefields.ml.families.NequipLayout layout = md.forcefields.ml.families.NequipLayout.derive(hp);
        NequipConfig config = new NequipConfig(n.atomicNumbers(), hp.rMax(), hp.numBasis(), hp.besselTrainable(), hp.cutoffP(), hp.numLayers(),
                md.forcefields.e3nn.Irreps.parse(hidden.toString()), layout.edgeAttrs(), layout.embedding(), layout.readoutHidden(), hp.invariantLayers(),
                hp.invariantNeurons(), hp.avgNumNeighbors(), hp.resnet(), true, md.forcefields.e3nn.Activation.byKey(hp.scalarEven()),
                md.forcefields.e3nn.Activation.byKey(hp.scalarOdd()), md.forcefields.e3nn.Activation.byKey(hp.gateEven()),
                md.forcefields.e3nn.Activation.byKey(hp.gateOdd()), learned.parameter(Nequip.SCALES), learned.parameter(Nequip.SHIFTS),
                n.globalScale(), 0.0, "eV", "Angstrom");
        Map<String, double[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : learned.parameters().entrySet()) {
            String k = e.getKey();
            if (k.equals(Nequip.SCALES) || k.equals(Nequip.SHIFTS) || (k.equals(Nequip.BESSEL) && !hp.besselTrainable())) continue;
            w.put(k, e.getValue().clone());
        }
        return hp.besselTrainable() ? new NequipModel(config, w) : new NequipModel(config, w, learned.parameter(Nequip.BESSEL));
    }
}
