package md.forcefields.ml.equivariance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;

/**
 * Δ_EQ layer by layer for a small random model of every family: round-off (float64) under proper
 * rotations in every declared layer and output; under reflections the same for the E(3)-equivariant
 * families, while the SE(3)-Transformer's energy changes (it is only SE(3)-equivariant).
 */
class EquivarianceCheckTest {

    /** md train's initialisation with small options, every weight then perturbed so that no layer starts out zero. */
    static LearnedModel small(String family, long seed) {
        Map<String, Object> options = switch (family) {
            case "nequip" -> Map.of("l_max", 2, "num_features", 4, "num_layers", 3, "r_max", 3.5, "num_basis", 4, "invariant_neurons", 8);
            case "torchmdnet-et" -> Map.of("embedding_dimension", 8, "num_layers", 2, "num_rbf", 8, "num_heads", 2, "max_z", 10);
            case "se3-transformer" -> Map.of("num_layers", 3, "n_heads", 2, "num_channels", 2, "max_degree", 2, "radial_mlp", Map.of("hidden", 8));
            case "geomatt" -> Map.of("orders", List.of(2, 3), "N_L", 2, "F", 8, "F_v", 8, "d_max", 4.0, "interval", 0.1);
            default -> throw new IllegalArgumentException(family);
        };
        LearnedModel m = ModelFamilies.get(family).training().initial(new ForceFieldSpec(family, options, null),
                new DatasetStatistics(new int[] {1, 6, 8}, 6.0, new double[] {-13.6, -1029.0, -2041.0}, 1.0), seed);
        Random rng = new Random(seed);
        Map<String, double[]> v = new LinkedHashMap<>();
        for (Map.Entry<String, EquivariantModel.ParameterSpec> e : m.architecture().parameters().entrySet()) {
            double[] a = m.parameters().get(e.getKey()).clone();
            if (e.getValue().trainable()) for (int i = 0; i < a.length; i++) a[i] += 0.1 * rng.nextGaussian();
            v.put(e.getKey(), a);
        }
        return new LearnedModel(m.architecture(), v);
    }

    static List<EquivarianceCheck.Layer> measure(LearnedModel m, boolean improper) {
        TestMolecule ethanol = TestMolecule.forSpecies(m.architecture().atomicNumbers());
        return EquivarianceCheck.measure(m, ethanol.atomicNumbers(), ethanol.positions(), Cell.NONE, EquivarianceCheck.randomTransforms(3, 7, improper));
    }

    static EquivarianceCheck.Layer layer(List<EquivarianceCheck.Layer> layers, String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no layer " + name + " in " + layers));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nequip", "torchmdnet-et", "se3-transformer", "geomatt"})
    void everyLayerIsEquivariantUnderRotations(String family) {
        List<EquivarianceCheck.Layer> layers = measure(small(family, 3), false);
        // declared layers (embedding, interaction layers, readout) and the four outputs, or three without direct forces
        int outputs = family.equals("se3-transformer") ? 4 : 3;
        assertTrue(layers.size() >= outputs + 3, family + ": too few layers declared: " + layers);
        for (EquivarianceCheck.Layer l : layers) {
            assertTrue(l.max() < 1e-12, family + ": Δ_EQ of " + l.name() + " (" + l.representation() + ") is " + l.max());
            assertTrue(l.mean() <= l.max());
        }
        layer(layers, EquivarianceCheck.FORCES);
        if (family.equals("se3-transformer")) {
            layer(layers, EquivarianceCheck.DIRECT_FORCES);
            // degree-2 features are the ones whose basis (the reference's harmonics) could differ from e3nn's
            assertTrue(layer(layers, "layer0.out").representation().contains("2: 2"), layer(layers, "layer0.out").representation());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nequip", "torchmdnet-et", "geomatt"})
    void theE3FamiliesAreAlsoEquivariantUnderReflections(String family) {
        for (EquivarianceCheck.Layer l : measure(small(family, 4), true))
            assertTrue(l.max() < 1e-12, family + ": Δ_EQ of " + l.name() + " under reflections is " + l.max());
    }

    /**
     * The SE(3)-Transformer is SE(3)- but not E(3)-equivariant: its TFN kernels combine harmonics of both
     * parities, so a mirror image has another energy. The check must show that as a large Δ_EQ.
     */
    @Test
    void theSe3TransformerEnergyIsNotMirrorInvariant() {
        LearnedModel m = small("se3-transformer", 5);
        List<EquivarianceCheck.Layer> proper = measure(m, false), mirrored = measure(m, true);
        // layer2.type0: the per-atom energies before the per-species shifts, which dilute the total energy's relative Δ
        for (String name : List.of("layer2.type0", EquivarianceCheck.ENERGY))
            assertTrue(layer(proper, name).max() < 1e-12, name + " under rotations: " + layer(proper, name));
        assertTrue(layer(mirrored, "layer2.type0").max() > 1e-3, "mirror images should get other atomic energies: " + layer(mirrored, "layer2.type0"));
        assertTrue(layer(mirrored, EquivarianceCheck.ENERGY).max() > 1e-10, "and another total energy: " + layer(mirrored, EquivarianceCheck.ENERGY));
    }

    @Test
    void noRotationsMeansNoError() {
        TestMolecule t = TestMolecule.forSpecies(new int[] {1, 8});
        assertEquals(4, t.atomicNumbers().length);
        LearnedModel m = small("geomatt", 1);
        TestMolecule ethanol = TestMolecule.forSpecies(m.architecture().atomicNumbers());
        for (EquivarianceCheck.Layer l : EquivarianceCheck.measure(m, ethanol.atomicNumbers(), ethanol.positions(), Cell.NONE, List.of()))
            assertEquals(0.0, l.max());
    }

    @Test
    void randomTransformsAreOrthogonalWithTheAskedDeterminant() {
        for (boolean improper : new boolean[] {false, true})
            for (double[] q : EquivarianceCheck.randomTransforms(5, 11, improper)) {
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) {
                        double dot = 0;
                        for (int k = 0; k < 3; k++) dot += q[3 * i + k] * q[3 * j + k];
                        assertEquals(i == j ? 1 : 0, dot, 1e-14);
                    }
                double det = q[0] * (q[4] * q[8] - q[5] * q[7]) - q[1] * (q[3] * q[8] - q[5] * q[6]) + q[2] * (q[3] * q[7] - q[4] * q[6]);
                assertEquals(improper ? -1 : 1, det, 1e-14);
            }
    }
}
