package md.forcefields.ml.equivariance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import md.core.Cell;
import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.families.Se3Transformer;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.Fiber;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.ops.Representation;
import md.forcefields.ml.ops.SumColumns;

/**
 * The check can fail: a layer declared with the wrong representation, an op that breaks the symmetry, and
 * a real family's features read in the wrong layout all give a large Δ_EQ, at the layer where it happens.
 */
class BrokenModelsTest {

    enum Fault { NONE, WRONG_REPRESENTATION, SYMMETRY_BREAKING_OP }

    /**
     * A two-layer toy: per-atom vectors m_i = Σ_j φ(r_ij)·r_ij (declared "vectors", an equivariant layer),
     * then ε_i = |m_i|² (declared "norms", invariant). Faults: m declared as three scalars; ε_i = m_ix² (only
     * the x component: a symmetry-breaking op, as a bug that mixes up axes would be).
     */
    record Toy(Fault fault) implements EquivariantModel {
        @Override public String family() { return "toy"; }
        @Override public Map<String, Object> spec() { return Map.of(); }
        @Override public int[] atomicNumbers() { return new int[] {1, 6, 8}; }
        @Override public double cutoff() { return 4.0; }
        @Override public Map<String, ParameterSpec> parameters() { return Map.of(); }
        @Override public Map<String, double[]> initialParameters(Random rng) { return Map.of(); }

        @Override public <T> T atomicEnergies(Ops<T> ops) {
            T v = ops.edgeVectors();
            T m = ops.scatterToCentre(ops.mul(v, ops.cosineCutoff(ops.edgeLengths(v), cutoff())));
            ops.named("vectors", m, fault == Fault.WRONG_REPRESENTATION ? Representation.scalars(3) : Representation.vector());
            T squares = ops.mul(m, m);
            T norms = fault == Fault.SYMMETRY_BREAKING_OP ? ops.sliceColumns(squares, 0, 1) : ops.apply(new SumColumns(1.0), squares);
            return ops.named("norms", norms, Representation.scalars(1));
        }
    }

    static List<EquivarianceCheck.Layer> check(Fault fault) {
        TestMolecule ethanol = TestMolecule.forSpecies(new int[] {1, 6, 8});
        return EquivarianceCheck.measure(new LearnedModel(new Toy(fault), Map.of()), ethanol.atomicNumbers(), ethanol.positions(), Cell.NONE,
                EquivarianceCheck.randomTransforms(4, 2, false));
    }

    static double delta(List<EquivarianceCheck.Layer> layers, String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow().max();
    }

    @Test
    void theCorrectToyPasses() {
        List<EquivarianceCheck.Layer> layers = check(Fault.NONE);
        assertEquals(List.of("vectors", "norms", "atomic_energies", "energy", "forces"), layers.stream().map(EquivarianceCheck.Layer::name).toList());
        for (EquivarianceCheck.Layer l : layers) assertTrue(l.max() < 1e-13, l.toString());
    }

    @Test
    void aWronglyDeclaredRepresentationFailsInThatLayerOnly() {
        List<EquivarianceCheck.Layer> layers = check(Fault.WRONG_REPRESENTATION);
        assertTrue(delta(layers, "vectors") > 0.1, "vectors declared as scalars: " + layers);
        // the model itself is still equivariant: the later layers and the outputs pass
        assertTrue(delta(layers, "norms") < 1e-13 && delta(layers, "forces") < 1e-13, layers.toString());
    }

    @Test
    void aSymmetryBreakingOpFailsFromItsLayerOn() {
        List<EquivarianceCheck.Layer> layers = check(Fault.SYMMETRY_BREAKING_OP);
        assertTrue(delta(layers, "vectors") < 1e-13, "the layer before the fault is fine: " + layers);
        for (String later : List.of("norms", "atomic_energies", "energy", "forces"))
            assertTrue(delta(layers, later) > 1e-3, later + " must show the broken symmetry: " + layers);
    }

    /**
     * The SE(3)-Transformer's hidden features are channel-major (a {@link Fiber}); read component-major,
     * as NequIP's, the same numbers are not equivariant. So the layout the family declares is checked too.
     */
    @Test
    void aFiberReadInTheWrongLayoutFails() {
        LearnedModel m = EquivarianceCheckTest.small("se3-transformer", 6);
        TestMolecule ethanol = TestMolecule.forSpecies(m.architecture().atomicNumbers());
        int[] types = new int[ethanol.atomicNumbers().length];
        for (int i = 0; i < types.length; i++) types[i] = m.architecture().typeOf(ethanol.atomicNumbers()[i]);
        double[] q = EquivarianceCheck.randomTransforms(1, 9, false).get(0);
        double[] x = ethanol.positions(), qx = EquivarianceCheck.rotate(q, x);
        Graph g = Graph.of(types, EdgeList.isolated(x, m.architecture().cutoff()));
        TapeExecutor tape = new TapeExecutor(m);
        double[][] features = new double[2][];
        Representation[] declared = new Representation[1];
        for (int k = 0; k < 2; k++) {
            int at = k;
            tape.evaluate(Tensor.of((k == 0 ? x : qx).clone(), types.length, 3), g, false, (name, value, rep) -> {
                if (name.equals("layer0.out")) { features[at] = value.data().clone(); declared[0] = rep; }
            });
        }
        Fiber hidden = Fiber.uniform(2, 2); // max_degree 2, num_channels 2
        assertEquals(Se3Transformer.representation(hidden).toString(), declared[0].toString());
        assertTrue(EquivarianceCheck.delta(features[1], declared[0].act(q, features[0])) < 1e-12);
        Representation wrong = Representation.irreps(Irreps.parse("2x0e+2x1o+2x2e"));
        assertEquals(declared[0].width(), wrong.width());
        assertTrue(EquivarianceCheck.delta(features[1], wrong.act(q, features[0])) > 0.1);
    }
}
