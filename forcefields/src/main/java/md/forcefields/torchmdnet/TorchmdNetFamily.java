package md.forcefields.torchmdnet;

import java.util.Map;

import md.core.io.NpyArray;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.families.EquivariantTransformerHyperparameters;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;

/** Registers the TorchMD-Net {@link EquivariantTransformer} family, its importer ({@code md import torchmdnet}) and {@code md train} ({@link TorchmdNetTraining}). */
public final class TorchmdNetFamily implements ModelFamily {
    @Override public String name() { return EquivariantTransformer.FAMILY; }

    @Override public String description() { return "TorchMD-Net Equivariant Transformer (Thölke & De Fabritiis 2022), torchmd-net 2.4 conventions"; }

    @Override public EquivariantModel fromSpec(Map<String, Object> spec) { return EquivariantTransformer.fromSpec(spec); }

    @Override public Training training() { return new TorchmdNetTraining(); }

    @Override public Importer importer() {
        return new Importer() {
            @Override public String kind() { return "torchmdnet"; }

            @Override public String help() {
                return """
                        torchmdnet  TorchMD-Net 2.4 Equivariant Transformer. CONFIG: the arguments given to create_model
                                    (a training configuration or a checkpoint's hparams.yaml); WEIGHTS: the model's
                                    state_dict saved with numpy. Energies in the units it was trained in. See docs/torchmdnet.md.""";
            }

            @Override public LearnedModel fromReference(Map<String, Object> config, Map<String, NpyArray> stateDict) {
                return TorchmdNetImporter.fromReference(config, stateDict);
            }

            @Override public String describe(LearnedModel model) {
                EquivariantTransformerHyperparameters h = ((EquivariantTransformer) model.architecture()).hyperparameters();
                return "TorchMD-Net ET, " + h.embeddingDimension() + " channels, " + h.numLayers() + " layers, " + h.numHeads() + " heads, "
                        + h.numRbf() + " RBF, cutoff " + h.cutoffUpper() + " Å, vector_cutoff " + h.vectorCutoff()
                        + (h.vectorCutoff() ? "" : " (warning: the energy jumps when a pair crosses the cutoff, which breaks energy conservation in MD;"
                        + " see docs/torchmdnet.md)");
            }
        };
    }
}
