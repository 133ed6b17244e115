package md.forcefields.ml.equivariance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import md.core.Cell;
import md.core.SharedData;
import md.core.io.Npz;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFamily;

/**
 * Δ_EQ of the reference fixtures' models (../shared/data/*-reference, non-trivial trained-like weights, as
 * {@code md import} reads them): every layer at round-off under rotations; under reflections the same for
 * the E(3) families, while the SE(3)-Transformer's energy changes by far more (it is only SE(3)-invariant).
 * Skipped when the shared data is absent.
 */
class ReferenceModelsEquivarianceTest {

    static LearnedModel imported(String kind, String fixture) throws IOException {
        Path config = SharedData.require(fixture + "/config.yaml"), weights = SharedData.require(fixture + "/weights.npz");
        Map<String, Object> c;
        try (Reader r = Files.newBufferedReader(config)) {
            c = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        }
        ModelFamily.Importer importer = ModelFamilies.all().values().stream().map(ModelFamily::importer)
                .filter(i -> i != null && i.kind().equals(kind)).findFirst().orElseThrow();
        return importer.fromReference(c, Npz.read(weights));
    }

    static List<EquivarianceCheck.Layer> measure(LearnedModel m, boolean improper) {
        TestMolecule ethanol = TestMolecule.forSpecies(m.architecture().atomicNumbers());
        return EquivarianceCheck.measure(m, ethanol.atomicNumbers(), ethanol.positions(), Cell.NONE, EquivarianceCheck.randomTransforms(2, 5, improper));
    }

    @ParameterizedTest
    @CsvSource({"nequip, nequip-reference/aspirin-l2", "torchmdnet, torchmdnet-reference/ethanol-et",
                "se3t, se3t-reference/ethanol-basic", "geomatt, geomatt-reference/ethanol-k234"})
    void fixtureModelsAreEquivariantLayerByLayer(String kind, String fixture) throws IOException {
        LearnedModel m = imported(kind, fixture);
        for (EquivarianceCheck.Layer l : measure(m, false))
            assertTrue(l.max() < 1e-12, kind + ": Δ_EQ of " + l.name() + " (" + l.representation() + ") is " + l.max());
        List<EquivarianceCheck.Layer> mirrored = measure(m, true);
        if (kind.equals("se3t")) {
            // SE(3), not E(3): a mirror image of ethanol gets another energy (Δ_EQ ~ 1e-2 with these weights)
            double energy = mirrored.stream().filter(l -> l.name().equals(EquivarianceCheck.ENERGY)).findFirst().orElseThrow().max();
            assertTrue(energy > 1e-4, "the SE(3)-Transformer's energy should change under reflection, Δ_EQ = " + energy);
        } else {
            for (EquivarianceCheck.Layer l : mirrored)
                assertTrue(l.max() < 1e-12, kind + ": Δ_EQ of " + l.name() + " under reflections is " + l.max());
        }
    }
}
