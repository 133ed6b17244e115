package md.forcefields.nequip;

import java.util.List;
import java.util.Set;

import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.families.NequipHyperparameters;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;

/** {@code md train}'s {@code model} section for NequIP (nequip's own key names; avg_num_neighbors comes from the data). */
final class NequipTraining implements ModelFamily.Training {
    static final Set<String> KEYS = Set.of("l_max", "parity", "num_features", "num_layers", "r_max", "num_basis", "invariant_layers", "invariant_neurons",
            "avg_num_neighbors");

    @Override public List<String> help() {
        return List.of(
                "l_max: 1              highest rotation order of features and edge spherical harmonics",
                "parity: true          features of both parities (O(3)); false: SO(3)",
                "num_features: 32      channels per irrep",
                "num_layers: 4         interaction layers",
                "r_max: 4.0            cutoff radius, Å",
                "num_basis: 8          Bessel functions of the radial basis",
                "invariant_layers: 2   hidden layers of the radial MLPs",
                "invariant_neurons: 64 width of the radial MLPs",
                "avg_num_neighbors: auto  the messages are divided by its square root: auto = the training data's mean number of neighbours within r_max, or a number (1: no normalisation)");
    }

    @Override public void validate(ForceFieldSpec o) { hyperparameters(o, 1, 1.0); }

    @Override public double cutoffAngstrom(ForceFieldSpec o) { return o.getPositive("r_max", 4.0, "the cutoff radius in Å"); }

    @Override public LearnedModel initial(ForceFieldSpec o, DatasetStatistics s, long seed) {
        return Nequip.initial(hyperparameters(o, s.atomicNumbers().length, s.averageNeighbours()), s.atomicNumbers(),
                s.perSpeciesEnergyShiftsEv(), s.forceRmsEvPerAngstrom(), seed);
    }

    /** avg_num_neighbors: "auto" (default, {@code fromData}) or a fixed positive number, as in nequip. */
    private static double averageNeighbours(ForceFieldSpec o, double fromData) {
        if (!o.has("avg_num_neighbors") || "auto".equals(o.params().get("avg_num_neighbors"))) return fromData;
        return o.getPositive("avg_num_neighbors", fromData, "auto or the number of neighbours the messages are normalised by");
    }

    static NequipHyperparameters hyperparameters(ForceFieldSpec o, int numTypes, double avgNumNeighbors) {
        o.rejectUnknownKeys(KEYS);
        return NequipHyperparameters.of(numTypes, o.getIntAtLeast("l_max", 1, 0, "the highest rotation order l_max"), o.getBoolean("parity", true),
                        o.getIntAtLeast("num_features", 32, 1, "a number of features per irrep"), o.getIntAtLeast("num_layers", 4, 1, "a number of interaction layers"),
                        o.getPositive("r_max", 4.0, "the cutoff radius in Å"), averageNeighbours(o, avgNumNeighbors))
                .withRadial(o.getIntAtLeast("num_basis", 8, 1, "a number of Bessel functions"),
                        o.getIntAtLeast("invariant_layers", 2, 0, "a number of radial MLP hidden layers"), o.getIntAtLeast("invariant_neurons", 64, 1, "a radial MLP width"));
    }
}
