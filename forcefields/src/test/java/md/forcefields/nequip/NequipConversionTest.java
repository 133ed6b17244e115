package md.forcefields.nequip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Nequip;
import md.forcefields.ml.model.LearnedModel;

/**
 * {@link NequipConversion}: an imported model's weights become the {@link Nequip} family's parameters of
 * the same names, unchanged; fixed Bessel frequencies stay a buffer; configurations the family cannot
 * express are rejected with the reason.
 */
class NequipConversionTest {
    private static final int[] SPECIES = {1, 6, 8};

    static Stream<Arguments> configs() {
        double[] s = {0.9, 1.1, 1.2}, b = {-0.5, -1.5, -1.2};
        return Stream.of(
                Arguments.of("lmax0", NequipConfig.simple(SPECIES, 3.5, 0, true, 8, 2, 6, 2, 16, 6.0, s, b, 1.3)),
                Arguments.of("lmax1", NequipConfig.simple(SPECIES, 3.5, 1, true, 8, 3, 8, 1, 16, 6.0, s, b, 0.7)),
                Arguments.of("lmax2-noparity", NequipConfig.simple(SPECIES, 3.5, 2, false, 6, 3, 8, 2, 16, 6.0, s, b, 1.0)),
                Arguments.of("lmax3", NequipConfig.simple(SPECIES, 3.5, 3, true, 4, 2, 8, 2, 8, 6.0, s, b, 1.0)),
                Arguments.of("lmax2-32ch", NequipConfig.simple(SPECIES, 3.5, 2, true, 32, 2, 8, 2, 32, 6.0, s, b, 1.0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void weightsAreTheFamilysParametersUnchanged(String name, NequipConfig config) {
        NequipModel imported = NequipModel.withRandomWeights(config, 43);
        LearnedModel learned = NequipConversion.toLearned(imported);
        // every weight of the imported model is a parameter of the same name, unchanged
        for (var e : imported.weights().entrySet())
            assertTrue(Arrays.equals(e.getValue(), learned.parameter(e.getKey())), name + ": " + e.getKey());
        assertTrue(Arrays.equals(config.perSpeciesScales(), learned.parameter(Nequip.SCALES)), name + ": scales");
        assertTrue(Arrays.equals(config.perSpeciesShifts(), learned.parameter(Nequip.SHIFTS)), name + ": shifts");
        assertEquals(config.globalScale(), ((Nequip) learned.architecture()).globalScale(), 0.0, name);
        assertEquals(imported.parameterCount(), learned.parameterCount(), name + ": trainable numbers");
    }

    /** BesselBasis_trainable: false with frequencies other than nπ: a buffer of the learned model, with those values. */
    @Test
    void fixedBesselFrequenciesAreCarriedAsABuffer() {
        NequipConfig c = NequipConfig.simple(SPECIES, 3.5, 1, true, 8, 2, 6, 2, 16, 6.0, new double[] {0.9, 1.1, 1.2}, new double[] {-0.5, -1.5, -1.2}, 0.9);
        NequipConfig fixed = new NequipConfig(c.atomicNumbers(), c.rMax(), c.numBasis(), false, c.polynomialCutoffP(), c.numLayers(),
                c.featureIrrepsHidden(), c.irrepsEdgeSh(), c.chemicalEmbeddingIrreps(), c.convToOutputHiddenIrreps(), c.invariantLayers(),
                c.invariantNeurons(), c.avgNumNeighbors(), false, true, c.scalarsEven(), c.scalarsOdd(), c.gatesEven(), c.gatesOdd(),
                c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale(), 0.0, c.energyUnit(), c.lengthUnit());
        double[] w = {2.9, 6.6, 9.0, 12.8, 15.9, 18.5};
        NequipModel imported = new NequipModel(fixed, NequipModel.withRandomWeights(fixed, 5).weights(), w);
        LearnedModel learned = NequipConversion.toLearned(imported);
        assertFalse(learned.architecture().parameters().get(Nequip.BESSEL).trainable(), "a fixed buffer is not a trainable parameter");
        assertFalse(new TapeExecutor(learned).trainableParameters().containsKey(Nequip.BESSEL), "the tape does not train a buffer");
        assertArrayEquals(w, learned.parameter(Nequip.BESSEL), 0.0);
    }

    @Test
    void configurationsOutsideSimpleIrrepsAreRejectedWithAReason() {
        NequipConfig c = NequipConfig.simple(SPECIES, 3.5, 1, true, 8, 2, 6, 2, 16, 6.0, new double[] {1, 1, 1}, new double[3], 1.0);
        NequipConfig noSc = new NequipConfig(c.atomicNumbers(), c.rMax(), c.numBasis(), c.besselTrainable(), c.polynomialCutoffP(), c.numLayers(),
                c.featureIrrepsHidden(), c.irrepsEdgeSh(), c.chemicalEmbeddingIrreps(), c.convToOutputHiddenIrreps(), c.invariantLayers(),
                c.invariantNeurons(), c.avgNumNeighbors(), false, false, c.scalarsEven(), c.scalarsOdd(), c.gatesEven(), c.gatesOdd(),
                c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale(), 0.0, c.energyUnit(), c.lengthUnit());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NequipConversion.toLearned(NequipModel.withRandomWeights(noSc, 1)));
        assertTrue(e.getMessage().contains("use_sc false"), e.getMessage());
        NequipConfig shifted = NequipSymmetryTest.withResnet(c, 0.25);
        e = assertThrows(IllegalArgumentException.class, () -> NequipConversion.toLearned(NequipModel.withRandomWeights(shifted, 1)));
        assertTrue(e.getMessage().contains("global shift 0.25"), e.getMessage());
    }
}
