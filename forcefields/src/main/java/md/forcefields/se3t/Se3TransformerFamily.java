package md.forcefields.se3t;

import java.util.Map;

import md.core.io.NpyArray;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.families.Se3TransformerHyperparameters;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;

/** Registers the {@link Se3Transformer} family, its importer ({@code md import se3t}) and its training ({@code md train}). */
public final class Se3TransformerFamily implements ModelFamily {
    @Override public String name() { return Se3Transformer.FAMILY; }

    @Override public String description() { return "SE(3)-Transformer potential (Fuchs et al. 2020), reference se3-transformer-public conventions"; }

    @Override public EquivariantModel fromSpec(Map<String, Object> spec) { return Se3Transformer.fromSpec(spec); }

    /** {@code md train} with {@code model: {family: se3-transformer, ...}} (the importer's keys; conservative forces). */
    @Override public Training training() { return new Se3tTraining(); }

    @Override public Importer importer() {
        return new Importer() {
            @Override public String kind() { return "se3t"; }

            @Override public String help() {
                return """
                        se3t        SE(3)-Transformer potential (se3-transformer-public modules). CONFIG: species_onehot,
                                    num_layers, n_heads, num_channels, max_degree, aggregation, optional cutoff and
                                    energy_units (default kcal/mol); WEIGHTS: the state_dict saved with numpy.
                                    See docs/se3-transformer.md.""";
            }

            @Override public LearnedModel fromReference(Map<String, Object> config, Map<String, NpyArray> stateDict) {
                return Se3tImporter.fromReference(config, stateDict);
            }

            @Override public String describe(LearnedModel model) {
                Se3TransformerHyperparameters h = ((Se3Transformer) model.architecture()).hyperparameters();
                return "SE(3)-Transformer, " + h.numLayers() + " layers, " + h.heads() + " heads x " + h.channels() + " channels, degrees <= "
                        + h.maxDegree() + ", " + (h.mean() ? "mean" : "sum") + " aggregation, "
                        + (Double.isInfinite(h.cutoff()) ? "fully connected" : "cutoff " + h.cutoff() + " Å") + ", energy unit " + h.energyScale() + " eV";
            }
        };
    }
}
