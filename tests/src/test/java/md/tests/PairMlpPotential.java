package md.tests;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.SpecReader;
import md.forcefields.ml.ops.Elementwise.Activation;

/**
 * A toy learned potential written only against the model layer: E = Σ_pairs φ(r)·fc(r) + Σ_i b_{t_i}, with
 * φ a one-hidden-layer MLP of Gaussian features and fc the cosine cutoff. It exists to prove that a new
 * family gets training, MD and the model file with no other code ({@link ToyModelEndToEndTest}).
 */
public final class PairMlpPotential implements EquivariantModel {
    public static final class Family implements ModelFamily {
        @Override public String name() { return "pair-mlp"; }
        @Override public String description() { return "toy two-body MLP potential (tests only)"; }
        @Override public EquivariantModel fromSpec(Map<String, Object> spec) {
            SpecReader r = new SpecReader("pair-mlp", spec);
            return new PairMlpPotential(r.ints("atomic_numbers"), r.number("cutoff"), r.integer("basis"), r.integer("hidden"));
        }
    }

    private final int[] z;
    private final double cutoff;
    private final int basis, hidden;

    public PairMlpPotential(int[] z, double cutoff, int basis, int hidden) {
        this.z = z.clone();
        this.cutoff = cutoff;
        this.basis = basis;
        this.hidden = hidden;
    }

    @Override public String family() { return "pair-mlp"; }
    @Override public int[] atomicNumbers() { return z.clone(); }
    @Override public double cutoff() { return cutoff; }

    @Override public Map<String, Object> spec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("atomic_numbers", z.clone());
        m.put("cutoff", cutoff);
        m.put("basis", basis);
        m.put("hidden", hidden);
        return m;
    }

    @Override public Map<String, ParameterSpec> parameters() {
        Map<String, ParameterSpec> p = new LinkedHashMap<>();
        p.put("w1", ParameterSpec.trainable(basis, hidden));
        p.put("b1", ParameterSpec.trainable(1, hidden));
        p.put("w2", ParameterSpec.trainable(hidden, 1));
        p.put("shift", ParameterSpec.trainable(1, z.length));
        p.put("one", ParameterSpec.buffer(1, z.length));
        return p;
    }

    @Override public Map<String, double[]> initialParameters(Random rng) {
        Map<String, double[]> v = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterSpec> e : parameters().entrySet()) {
            double[] a = new double[e.getValue().size()];
            for (int i = 0; i < a.length; i++) a[i] = e.getKey().equals("one") ? 1 : e.getKey().equals("shift") ? 0 : 0.3 * rng.nextGaussian();
            v.put(e.getKey(), a);
        }
        return v;
    }

    @Override public <T> T atomicEnergies(Ops<T> ops) {
        T r = ops.pairLengths(ops.edgeVectors());
        T features = ops.gaussianBasis(r, 2.5, cutoff, basis, 2.0);
        T h = ops.activation(ops.linear(features, ops.parameter("w1"), ops.parameter("b1")), Activation.SHIFTED_SOFTPLUS, 1.0);
        T pairEnergy = ops.mul(ops.matmul(h, ops.parameter("w2"), 1.0), ops.cosineCutoff(r, cutoff));
        // each pair's energy is shared by its two atoms: half of it on each directed edge's centre
        T perAtom = ops.scale(ops.scatterToCentre(ops.pairsToEdges(pairEnergy)), 0.5);
        T zero = ops.scale(perAtom, 0.0);
        return ops.add(perAtom, ops.speciesAffine(zero, ops.parameter("one"), ops.parameter("shift")));
    }
}
