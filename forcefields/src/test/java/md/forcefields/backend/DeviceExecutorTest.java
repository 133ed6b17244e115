package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.ml.Shape;
import md.forcefields.ml.executors.Plan;
import md.forcefields.ml.executors.PlanExecutor;
import md.forcefields.ml.families.NequipPlanParityTest;
import md.forcefields.ml.families.NequipTapeReferenceParityTest;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.ops.Elementwise;
import md.forcefields.ml.ops.Ops;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipConversion;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipPeriodicTest;
import md.forcefields.nequip.NequipReference;

/**
 * The accelerator executor ({@link DeviceExecutor}): a model's plan run by a backend's kernels found by op
 * name. Java (every op's own kernels), OpenCL (PoCL here) and CUDA (skipped without a GPU) must give the
 * host plan's results: the NequIP reference fixture to 1e-12 on all frames, random NequIP models of every
 * l_max in a periodic cell (forces and virial), and a model that uses every op with a device kernel.
 */
@org.junit.jupiter.api.parallel.ResourceLock(DeviceBackends.LOCK)
class DeviceExecutorTest {
    private static final double FIXTURE_TOL = 1e-12, RELATIVE_TOL = 1e-12;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "opencl", "cuda"})
    void nequipReferenceFixtureOnEveryFrame(String device) throws IOException {
        KernelBackend backend = DeviceBackends.require(device);
        LearnedModel learned = NequipTapeReferenceParityTest.load();
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        int[] z = frames.get("z").asInts();
        int n = z.length;
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = learned.architecture().typeOf(z[i]);
        double[] e = frames.get("E").data();
        double[] forces = new double[3 * n], atomic = new double[n];
        double de = 0, df = 0, da = 0;
        try (DeviceExecutor ex = new DeviceExecutor(learned, backend)) {
            if (!device.equals("java")) assertEquals(List.of(), ex.hostOps(), "NequIP ops without a " + device + " kernel");
            for (int fr = 0; fr < e.length; fr++) {
                double[] r = frames.get("R").slice(fr), fRef = frames.get("F").slice(fr), aRef = frames.get("atomic_energy").slice(fr);
                double energy = ex.compute(r, types, NeighborList.allPairs(n, 5.0), forces, null, atomic);
                de = Math.max(de, Math.abs(energy - e[fr]));
                for (int i = 0; i < 3 * n; i++) df = Math.max(df, Math.abs(forces[i] - fRef[i]));
                for (int i = 0; i < n; i++) da = Math.max(da, Math.abs(atomic[i] - aRef[i]));
            }
        }
        System.out.printf("%s device executor, reference parity over %d frames: max|dE| %.2e eV, max|dE_atom| %.2e eV, max|dF| %.2e eV/A%n",
                device, e.length, de, da, df);
        assertTrue(de <= FIXTURE_TOL && da <= FIXTURE_TOL && df <= FIXTURE_TOL, device + ": dE " + de + ", dE_atom " + da + ", dF " + df);
    }

    static Stream<Arguments> devicesAndModels() {
        List<Arguments> out = new ArrayList<>();
        for (String d : List.of("java", "opencl"))
            NequipPlanParityTest.randomModels().forEach(a -> out.add(Arguments.of(d, a.get()[0], a.get()[1])));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("devicesAndModels")
    void randomNequipModelsInAPeriodicCell(String device, String name, NequipConfig config) {
        KernelBackend backend = DeviceBackends.require(device);
        LearnedModel learned = NequipConversion.toLearned(NequipModel.withRandomWeights(config, 17));
        Random rnd = new Random(31);
        int n = 5;
        double[] x = NequipPlanParityTest.periodicCluster(rnd, n);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rnd.nextInt(3);
        NeighborList nl = NequipPeriodicTest.halfList(x, n, NequipPlanParityTest.CELL, NequipPlanParityTest.R_MAX);
        compareWithPlan(device + ", " + name, learned, backend, x, t, nl);
    }

    /** Device results equal the host plan's (energy, per-atom energies, forces, virial), and a second call repeats them exactly. */
    private static void compareWithPlan(String name, LearnedModel learned, KernelBackend backend, double[] x, int[] t, NeighborList nl) {
        compareWithPlan(name, learned, backend, x, t, nl, Set.of());
    }

    /** As above, with the ops in {@code onHost} allowed (and expected) to run on the host fallback. */
    private static void compareWithPlan(String name, LearnedModel learned, KernelBackend backend, double[] x, int[] t, NeighborList nl, Set<String> onHost) {
        int n = t.length;
        double[] fp = new double[3 * n], wp = new double[9], ap = new double[n], fd = new double[3 * n], wd = new double[9], ad = new double[n];
        double ePlan;
        try (PlanExecutor plan = new PlanExecutor(learned)) {
            ePlan = plan.compute(x, t, nl, fp, wp, ap);
        }
        try (DeviceExecutor ex = new DeviceExecutor(learned, backend)) {
            if (!backend.name().equals("java")) assertEquals(new TreeSet<>(onHost), new TreeSet<>(ex.hostOps()), name + ": ops without a device kernel");
            double eDev = ex.compute(x, t, nl, fd, wd, ad);
            double dE = Math.abs(eDev - ePlan), dA = maxDiff(ad, ap), dF = maxDiff(fd, fp), dW = maxDiff(wd, wp);
            System.out.printf("%-40s device vs host plan: |dE| %.1e (E %.3f), max|dE_atom| %.1e, max|dF| %.1e (max|F| %.2f), max|dW| %.1e%n",
                    name, dE, ePlan, dA, dF, maxAbs(fp), dW);
            double eScale = Math.max(1, Math.abs(ePlan)), fScale = Math.max(1, maxAbs(fp)), wScale = Math.max(1, maxAbs(wp));
            assertTrue(dE <= RELATIVE_TOL * eScale && dA <= RELATIVE_TOL * eScale, name + ": energies differ by " + dE + " / " + dA);
            assertTrue(dF <= RELATIVE_TOL * fScale, name + ": forces differ by " + dF);
            assertTrue(dW <= RELATIVE_TOL * wScale, name + ": virial differs by " + dW);
            assertTrue(maxAbs(fp) > 1e-3 && maxAbs(wp) > 1e-3, name + ": forces and virial should not vanish");
            double[] f2 = new double[3 * n], w2 = new double[9], a2 = new double[n];
            assertEquals(eDev, ex.compute(x, t, nl, f2, w2, a2), 0.0, name + ": second call");
            assertArrayEquals(fd, f2, 0.0, name + ": forces of the second call");
            assertArrayEquals(wd, w2, 0.0, name + ": virial of the second call");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "opencl"})
    void aModelUsingEveryOpWithADeviceKernel(String device) {
        KernelBackend backend = DeviceBackends.require(device);
        AllOps model = new AllOps();
        LearnedModel learned = new LearnedModel(model, model.initialParameters(new Random(5)));
        // with the NequIP tests above, every device kernel is checked against the op's own Java kernels
        Set<String> used = new TreeSet<>();
        for (Plan.Node node : new Plan(learned).forward()) used.add(node.op.name());
        NequipPlanParityTest.randomModels().forEach(a -> {
            for (Plan.Node node : new Plan(NequipConversion.toLearned(NequipModel.withRandomWeights((NequipConfig) a.get()[1], 1))).forward())
                used.add(node.op.name());
        });
        // and a small Equivariant Transformer (its ops: componentLinear, headSum, concatColumns, expNormalBasis, layerNorm, ...)
        LearnedModel et = md.forcefields.ml.model.ModelFamilies.get("torchmdnet-et").training().initial(
                new md.forcefields.ForceFieldSpec("torchmdnet-et", Map.of("embedding_dimension", 16, "num_layers", 2, "num_rbf", 8, "num_heads", 2,
                        "cutoff_upper", NequipPlanParityTest.R_MAX), null),
                new md.forcefields.ml.model.DatasetStatistics(new int[] {1, 6, 8}, 10.0, new double[] {-1, -2, -3}, 0.7), 3);
        for (Plan.Node node : new Plan(et).forward()) used.add(node.op.name());
        assertTrue(used.containsAll(DeviceOpKernels.NAMES), "device kernels no test model uses: "
                + new TreeSet<>(DeviceOpKernels.NAMES).stream().filter(k -> !used.contains(k)).toList());
        Random rnd = new Random(8);
        int n = 6;
        double[] x = NequipPlanParityTest.periodicCluster(rnd, n);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rnd.nextInt(2);
        NeighborList nl = NequipPeriodicTest.halfList(x, n, NequipPlanParityTest.CELL, NequipPlanParityTest.R_MAX);
        compareWithPlan(device + ", every op", learned, backend, x, t, nl);
        compareWithPlan(device + ", equivariant transformer", et, backend, x, t, nl);
    }

    /** A nonsensical but smooth potential that applies every op with a device kernel, NequIP's included. */
    private static final class AllOps implements EquivariantModel {
        private static final double CUTOFF = NequipPlanParityTest.R_MAX;
        private final md.forcefields.ml.ops.SphericalHarmonicsOp sh = new md.forcefields.ml.ops.SphericalHarmonicsOp(2);
        private final md.forcefields.ml.ops.BlockLinear embed = new md.forcefields.ml.ops.BlockLinear(
                md.forcefields.e3nn.Irreps.parse("2x0e"), md.forcefields.e3nn.Irreps.parse("4x0e+4x1o"), 1);
        private final md.forcefields.ml.ops.BlockLinear self = new md.forcefields.ml.ops.BlockLinear(
                md.forcefields.e3nn.Irreps.parse("4x0e+4x1o"), md.forcefields.e3nn.Irreps.parse("4x0e+4x1o"), 2);

        @Override public String family() { return "all-ops-test"; }
        @Override public Map<String, Object> spec() { return Map.of(); }
        @Override public int[] atomicNumbers() { return new int[] {1, 8}; }
        @Override public double cutoff() { return CUTOFF; }

        @Override public Map<String, ParameterSpec> parameters() {
            Map<String, ParameterSpec> m = new LinkedHashMap<>();
            m.put("bessel", ParameterSpec.trainable(1, 6));
            m.put("radial", ParameterSpec.trainable(6, 4));
            m.put("embed", ParameterSpec.trainable(1, embed.weightCount()));
            m.put("self", ParameterSpec.trainable(1, self.weightCount()));
            m.put("out", ParameterSpec.trainable(4, 1));
            m.put("scales", ParameterSpec.buffer(1, 2));
            m.put("shifts", ParameterSpec.buffer(1, 2));
            return m;
        }

        @Override public Map<String, double[]> initialParameters(Random rng) {
            Map<String, double[]> v = new LinkedHashMap<>();
            for (Map.Entry<String, ParameterSpec> e : parameters().entrySet()) {
                double[] a = new double[e.getValue().size()];
                for (int i = 0; i < a.length; i++) a[i] = e.getKey().equals("bessel") ? (i + 1) * Math.PI : rng.nextGaussian();
                v.put(e.getKey(), a);
            }
            return v;
        }

        @Override public <T> T atomicEnergies(Ops<T> ops) {
            T v = ops.edgeVectors();
            T rPair = ops.pairLengths(v), rEdge = ops.edgeLengths(v);
            T radial = ops.mul(ops.besselBasis(rPair, ops.parameter("bessel"), CUTOFF), ops.polynomialCutoff(rPair, CUTOFF, 6.0));
            T h = ops.activation(ops.matmul(radial, ops.parameter("radial"), 0.5), Elementwise.Activation.TANH, 1.2); // pairs x 4
            T onEdges = ops.pairsToEdges(h);
            T y = ops.apply(sh, v); // edges x 9
            T atoms = ops.apply(embed, ops.speciesOneHot(2), ops.parameter("embed")); // atoms x 16
            T feat = ops.apply(self, atoms, ops.parameter("self"));
            T nbr = ops.gatherNeighbour(ops.activation(feat, Elementwise.Activation.SIGMOID, 1.0));
            T ctr = ops.gatherCentre(ops.activation(feat, Elementwise.Activation.RELU, 1.0));
            T sh4 = ops.apply(new md.forcefields.ml.ops.SliceColumns(0, 4), y); // edges x 4 (harmonics l = 0, 1)
            T nb4 = ops.apply(new md.forcefields.ml.ops.SliceColumns(0, 4), nbr);
            T ct4 = ops.apply(new md.forcefields.ml.ops.SliceColumns(4, 8), ctr);
            T m = ops.mul(ops.mul(ops.add(onEdges, sh4), ops.add(nb4, ct4)), ops.activation(rEdge, Elementwise.Activation.SHIFTED_SOFTPLUS, 1.0));
            T perAtom = ops.scatterToCentre(ops.activation(m, Elementwise.Activation.SILU, 1.7));
            T e = ops.matmul(ops.scale(perAtom, 0.3), ops.parameter("out"), 1.0);
            return ops.speciesAffine(e, ops.parameter("scales"), ops.parameter("shifts"));
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
