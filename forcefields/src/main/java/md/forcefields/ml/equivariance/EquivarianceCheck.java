package md.forcefields.ml.equivariance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import md.core.Cell;
import md.core.Elements;
import md.forcefields.NeighborList;
import md.forcefields.autodiff.Tensor;
import md.forcefields.ml.EdgeList;
import md.forcefields.ml.Graph;
import md.forcefields.ml.executors.TapeExecutor;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.Representation;

/**
 * The equivariance error of every layer a model declares ({@link md.forcefields.ml.ops.Ops#named(String,
 * Object, Representation)}) and of its outputs, for orthogonal maps Q of the positions:
 * <pre>
 *   Δ_EQ = ‖Φ(Q·r) − L(Q)·Φ(r)‖ / ‖L(Q)·Φ(r)‖      (Frobenius norms over all rows)
 * </pre>
 * with Φ the map from the positions to the layer's features and L(Q) the layer's declared representation.
 * Each layer is compared on its own (features of the rotated input against rotated features of the
 * original input), so an error shows in the first layer that has it. Besides the declared layers every
 * model gets the rows {@value #ATOMIC_ENERGIES} and {@value #ENERGY} (invariant), {@value #FORCES}
 * (−∂E/∂r, vectors) and, with a direct force head, {@value #DIRECT_FORCES}.
 *
 * <p>Both evaluations use one graph (the same edges; image shifts rotated with the positions), so a
 * cutoff cannot add or drop an edge between them. Evaluation is the tape executor's, in float64.
 */
public final class EquivarianceCheck {
    public static final String ATOMIC_ENERGIES = "atomic_energies", ENERGY = "energy", FORCES = "forces", DIRECT_FORCES = "direct_forces";

    private EquivarianceCheck() {}

    /** Δ_EQ of one layer over the transforms: the largest and the mean, and the layer's shape. */
    public record Layer(String name, String representation, int rows, int width, double max, double mean) {}

    /** A declared value of one evaluation: its numbers (rows × width) and representation. */
    private record Observed(double[] values, Representation representation) {}

    /**
     * Δ_EQ of every declared layer and output of {@code model} on a structure (positions in Å, row-major; cell
     * {@link Cell#NONE} or periodic, which then rotates with the positions), over the 3×3 row-major
     * orthogonal {@code transforms}. Layers are in the order the forward pass declares them, outputs last.
     */
    public static List<Layer> measure(LearnedModel model, int[] atomicNumbers, double[] positions, Cell cell, List<double[]> transforms) {
        EquivariantModel arch = model.architecture();
        if (positions.length != 3 * atomicNumbers.length)
            throw new IllegalArgumentException(positions.length + " coordinates for " + atomicNumbers.length + " atoms");
        int[] types = new int[atomicNumbers.length];
        for (int i = 0; i < types.length; i++) {
            types[i] = arch.typeOf(atomicNumbers[i]);
            if (types[i] < 0) throw new IllegalArgumentException("the " + arch.family() + " model has no species " + Elements.symbol(atomicNumbers[i])
                    + " (atom " + i + "); it knows " + symbols(arch.atomicNumbers()));
        }
        double cutoff = arch.cutoff();
        EdgeList edges = EdgeList.fromHalfList(NeighborList.within(positions, cell, cutoff), positions, cutoff);
        TapeExecutor tape = new TapeExecutor(model);
        Map<String, Observed> reference = evaluate(tape, Graph.of(types, edges), positions);
        Map<String, double[]> max = new LinkedHashMap<>(), sum = new LinkedHashMap<>();
        for (double[] q : transforms) {
            EdgeList rotatedEdges = new EdgeList(edges.centre(), edges.neighbour(), rotate(q, edges.shifts()));
            Map<String, Observed> rotated = evaluate(tape, Graph.of(types, rotatedEdges), rotate(q, positions));
            for (Map.Entry<String, Observed> e : reference.entrySet()) {
                Observed ref = e.getValue(), got = rotated.get(e.getKey());
                if (got == null) throw new IllegalStateException(arch.family() + ": layer '" + e.getKey() + "' was declared for one input and not for another");
                double d = delta(got.values(), ref.representation().act(q, ref.values()));
                max.merge(e.getKey(), new double[] {d}, (a, b) -> new double[] {Math.max(a[0], b[0])});
                sum.merge(e.getKey(), new double[] {d}, (a, b) -> new double[] {a[0] + b[0]});
            }
        }
        List<Layer> out = new ArrayList<>();
        for (Map.Entry<String, Observed> e : reference.entrySet()) {
            Representation rep = e.getValue().representation();
            int width = rep.width(), rows = e.getValue().values().length / width;
            double mx = transforms.isEmpty() ? 0 : max.get(e.getKey())[0], mean = transforms.isEmpty() ? 0 : sum.get(e.getKey())[0] / transforms.size();
            out.add(new Layer(e.getKey(), rep.toString(), rows, width, mx, mean));
        }
        return out;
    }

    /** ‖got − expected‖/‖expected‖; 0 when both vanish (a layer that is identically zero is trivially equivariant). */
    static double delta(double[] got, double[] expected) {
        double diff = 0, norm = 0;
        for (int i = 0; i < got.length; i++) {
            double d = got[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        if (diff == 0) return 0;
        return Math.sqrt(diff) / Math.sqrt(norm);
    }

    /** One tape evaluation: the declared layers, then energies and forces. */
    private static Map<String, Observed> evaluate(TapeExecutor tape, Graph graph, double[] positions) {
        Map<String, Observed> seen = new LinkedHashMap<>();
        boolean direct = tape.model().hasDirectForces();
        int n = graph.atoms();
        TapeExecutor.Result r = tape.evaluate(Tensor.of(positions.clone(), n, 3).requireGrad(), graph, direct, (name, value, rep) -> {
            if (value.numel() % Math.max(rep.width(), 1) != 0 || rep.width() == 0)
                throw new IllegalStateException(tape.model().family() + ": layer '" + name + "' declares " + rep + " (width " + rep.width()
                        + ") for a value of shape " + java.util.Arrays.toString(value.shape()));
            seen.put(name, new Observed(value.data().clone(), rep));
        });
        seen.put(ATOMIC_ENERGIES, new Observed(r.atomicEnergies().data().clone(), Representation.scalars(1)));
        seen.put(ENERGY, new Observed(new double[] {r.energy().item()}, Representation.scalars(1)));
        seen.put(FORCES, new Observed(r.forces(false).data().clone(), Representation.vector()));
        if (direct) seen.put(DIRECT_FORCES, new Observed(r.directForces().data().clone(), Representation.vector()));
        return seen;
    }

    /** Q·v for every row of a row-major (n × 3) array. */
    static double[] rotate(double[] q, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length / 3; i++)
            for (int a = 0; a < 3; a++)
                out[3 * i + a] = q[3 * a] * v[3 * i] + q[3 * a + 1] * v[3 * i + 1] + q[3 * a + 2] * v[3 * i + 2];
        return out;
    }

    /**
     * {@code n} random 3×3 orthogonal matrices (row-major), uniform over SO(3) (from unit quaternions);
     * {@code improper}: each times the inversion −1 (det −1: a rotation composed with a mirror).
     */
    public static List<double[]> randomTransforms(int n, long seed, boolean improper) {
        Random rng = new Random(seed);
        List<double[]> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            double a = rng.nextGaussian(), b = rng.nextGaussian(), c = rng.nextGaussian(), d = rng.nextGaussian();
            double s = Math.sqrt(a * a + b * b + c * c + d * d), sign = improper ? -1 : 1;
            a /= s; b /= s; c /= s; d /= s;
            double[] q = {
                a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
                2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
                2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d};
            for (int i = 0; i < 9; i++) q[i] *= sign;
            out.add(q);
        }
        return out;
    }

    private static String symbols(int[] z) {
        StringBuilder s = new StringBuilder();
        for (int v : z) s.append(s.isEmpty() ? "" : ", ").append(Elements.symbol(v));
        return s.toString();
    }
}
