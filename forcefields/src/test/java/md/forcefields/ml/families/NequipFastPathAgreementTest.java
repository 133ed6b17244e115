package md.forcefields.ml.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;

import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.nequip.NequipEvaluator;
import md.forcefields.nequip.NequipModel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The NequIP model on the tape executor (converted with {@link NequipConversion#toLearned}) and the
 * hand-differentiated fast path ({@link NequipEvaluator}) are the same function: energies, per-atom energies and forces agree on random-weight models of several
 * configurations (two independent implementations of the same conventions).
 */
class NequipFastPathAgreementTest {
    private static final int[] SPECIES = {1, 6, 8};

    static Stream<Arguments> configs() {
        double[] s = {0.9, 1.1, 1.2}, b = {-0.5, -1.5, -1.2};
        return Stream.of(
                Arguments.of("lmax0", NequipConfig.simple(SPECIES, 3.5, 0, true, 8, 2, 6, 2, 16, 6.0, s, b, 1.3)),
                Arguments.of("lmax1", NequipConfig.simple(SPECIES, 3.5, 1, true, 8, 3, 8, 1, 16, 6.0, s, b, 0.7)),
                Arguments.of("lmax2-noparity", NequipConfig.simple(SPECIES, 3.5, 2, false, 6, 3, 8, 2, 16, 6.0, s, b, 1.0)),
                Arguments.of("lmax3", NequipConfig.simple(SPECIES, 3.5, 3, true, 4, 2, 8, 2, 8, 6.0, s, b, 1.0)),
                // 32 channels: the register-blocked kernels (4 vectors of 8 lanes) of the benchmark models
                Arguments.of("lmax2-32ch", NequipConfig.simple(SPECIES, 3.5, 2, true, 32, 2, 8, 2, 32, 6.0, s, b, 1.0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void sameEnergyAndForcesAsTheFastPath(String name, NequipConfig config) {
        assertSameFunction(name, NequipModel.withRandomWeights(config, 42));
    }

    static void assertSameFunction(String name, NequipModel fast) {
        NequipConfig config = fast.config();
        TapeExecutor diff = new TapeExecutor(NequipConversion.toLearned(fast));
        Random rng = new Random(7);
        int n = 10;
        double[] pos = new double[3 * n];
        int[] types = new int[n];
        double[] base = SmallModels.molecule(n, rng);
        for (int i = 0; i < 3 * n; i++) pos[i] = 1.4 * base[i]; // spread so that some pairs are beyond r_max
        for (int i = 0; i < n; i++) types[i] = rng.nextInt(SPECIES.length);

        double[] fastForces = new double[3 * n], fastAtomic = new double[n];
        NequipEvaluator ev = new NequipEvaluator(fast);
        double eFast = ev.compute(pos, types, NeighborList.allPairs(n, config.rMax()), fastForces, null, fastAtomic);
        ev.close();
        Tensor r = Tensor.of(pos.clone(), n, 3).requireGrad();
        EdgeList edges = EdgeList.isolated(pos, config.rMax());
        assertTrue(edges.size() < n * (n - 1), "test geometry should have pairs beyond the cutoff");
        TapeExecutor.Result out = diff.evaluate(r, Graph.of(types, edges));
        double[] f = out.forces(false).data();
        double dF = 0, scale = 0, dA = 0;
        for (int k = 0; k < 3 * n; k++) { dF = Math.max(dF, Math.abs(f[k] - fastForces[k])); scale = Math.max(scale, Math.abs(f[k])); }
        for (int i = 0; i < n; i++) dA = Math.max(dA, Math.abs(out.atomicEnergies().data()[i] - fastAtomic[i]));
        double dE = Math.abs(out.energy().item() - eFast);
        System.out.printf("%s: tape executor vs fast path |dE| %.1e, max|dE_atom| %.1e, max|dF| %.1e (max|F| %.2f)%n", name, dE, dA, dF, scale);
        assertTrue(dE < 1e-12 * Math.max(1, Math.abs(eFast)), name + ": energy differs by " + dE);
        assertTrue(dA < 1e-12 * Math.max(1, Math.abs(eFast)), name + ": atomic energies differ by " + dA);
        assertTrue(dF < 1e-11 * Math.max(1, scale), name + ": forces differ by " + dF + " (max |F| " + scale + ")");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void weightsRoundTripThroughTheFastPathModel(String name, NequipConfig config) {
        NequipModel fast = NequipModel.withRandomWeights(config, 43);
        LearnedModel learned = NequipConversion.toLearned(fast);
        // every weight of the imported model is a parameter of the same name, unchanged
        for (var e : fast.weights().entrySet())
            assertTrue(java.util.Arrays.equals(e.getValue(), learned.parameter(e.getKey())), name + ": " + e.getKey());
        assertTrue(java.util.Arrays.equals(config.perSpeciesScales(), learned.parameter(Nequip.SCALES)), name + ": scales");
        assertTrue(java.util.Arrays.equals(config.perSpeciesShifts(), learned.parameter(Nequip.SHIFTS)), name + ": shifts");
        NequipModel back = NequipConversion.toNequipModel(learned);
        assertEquals(fast.weights().keySet(), back.weights().keySet(), name);
        for (var e : fast.weights().entrySet())
            assertTrue(java.util.Arrays.equals(e.getValue(), back.weight(e.getKey())), name + ": " + e.getKey());
        assertEquals(config.globalScale(), back.config().globalScale(), 0.0, name);
        assertTrue(java.util.Arrays.equals(config.perSpeciesScales(), back.config().perSpeciesScales()), name + ": scales");
        assertTrue(java.util.Arrays.equals(config.perSpeciesShifts(), back.config().perSpeciesShifts()), name + ": shifts");
    }

    /** BesselBasis_trainable: false with frequencies other than nπ (a buffer): both paths use them, and toModel keeps them. */
    @org.junit.jupiter.api.Test
    void fixedBesselFrequenciesAreCarriedBothWays() {
        NequipConfig c = NequipConfig.simple(SPECIES, 3.5, 1, true, 8, 2, 6, 2, 16, 6.0, new double[] {0.9, 1.1, 1.2}, new double[] {-0.5, -1.5, -1.2}, 0.9);
        NequipConfig fixed = new NequipConfig(c.atomicNumbers(), c.rMax(), c.numBasis(), false, c.polynomialCutoffP(), c.numLayers(),
                c.featureIrrepsHidden(), c.irrepsEdgeSh(), c.chemicalEmbeddingIrreps(), c.convToOutputHiddenIrreps(), c.invariantLayers(),
                c.invariantNeurons(), c.avgNumNeighbors(), false, true, c.scalarsEven(), c.scalarsOdd(), c.gatesEven(), c.gatesOdd(),
                c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale(), 0.0, c.energyUnit(), c.lengthUnit());
        double[] w = {2.9, 6.6, 9.0, 12.8, 15.9, 18.5};
        NequipModel fast = new NequipModel(fixed, NequipModel.withRandomWeights(fixed, 5).weights(), w);
        assertSameFunction("fixed-bessel", fast);
        LearnedModel learned = NequipConversion.toLearned(fast);
        assertTrue(!learned.architecture().parameters().get(Nequip.BESSEL).trainable(), "a fixed buffer is not a trainable parameter");
        assertTrue(!new TapeExecutor(learned).trainableParameters().containsKey(Nequip.BESSEL), "the tape does not train a buffer");
        org.junit.jupiter.api.Assertions.assertArrayEquals(w, NequipConversion.toNequipModel(learned).besselWeights(), 0.0);
    }

    @org.junit.jupiter.api.Test
    void configurationsOutsideSimpleIrrepsAreRejectedWithAReason() {
        NequipConfig c = NequipConfig.simple(SPECIES, 3.5, 1, true, 8, 2, 6, 2, 16, 6.0, new double[] {1, 1, 1}, new double[3], 1.0);
        NequipConfig noSc = new NequipConfig(c.atomicNumbers(), c.rMax(), c.numBasis(), c.besselTrainable(), c.polynomialCutoffP(), c.numLayers(),
                c.featureIrrepsHidden(), c.irrepsEdgeSh(), c.chemicalEmbeddingIrreps(), c.convToOutputHiddenIrreps(), c.invariantLayers(),
                c.invariantNeurons(), c.avgNumNeighbors(), false, false, c.scalarsEven(), c.scalarsOdd(), c.gatesEven(), c.gatesOdd(),
                c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale(), 0.0, c.energyUnit(), c.lengthUnit());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NequipConversion.toLearned(NequipModel.withRandomWeights(noSc, 1)));
        assertTrue(e.getMessage().contains("use_sc false"), e.getMessage());
    }
}
