package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.NeighborList;
import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.Irreps;
import md.forcefields.nequip.NequipConfig;
import md.forcefields.nequip.NequipEvaluator;
import md.forcefields.nequip.NequipImporter;
import md.forcefields.nequip.NequipModel;
import md.forcefields.nequip.NequipReference;

/**
 * The backend-driven NequIP evaluator against {@link NequipEvaluator} (itself at parity with the
 * reference implementation), on every backend available here: random models of several
 * configurations, periodic systems with images, the neighbour-list skin (pairs crossing r_max without
 * a list rebuild), batched replicas against separate evaluations, and the reference fixture.
 */
class BackendNequipEvaluatorTest {

    static final int[] SPECIES = {1, 6, 8};
    static final double[] SCALES = {0.9, 1.1, 1.2}, SHIFTS = {-0.5, -1.5, -1.0};

    static List<NequipConfig> configs() {
        NequipConfig l2 = NequipConfig.simple(SPECIES, 3.5, 2, false, 6, 3, 8, 2, 16, 6.0, SCALES, SHIFTS, 1.0);
        NequipConfig resnet = new NequipConfig(l2.atomicNumbers(), l2.rMax(), l2.numBasis(), l2.besselTrainable(), l2.polynomialCutoffP(),
                l2.numLayers(), l2.featureIrrepsHidden(), l2.irrepsEdgeSh(), l2.chemicalEmbeddingIrreps(), l2.convToOutputHiddenIrreps(),
                l2.invariantLayers(), l2.invariantNeurons(), l2.avgNumNeighbors(), true, l2.useSc(), l2.scalarsEven(), l2.scalarsOdd(),
                l2.gatesEven(), l2.gatesOdd(), l2.perSpeciesScales(), l2.perSpeciesShifts(), 1.0, 0.25, "eV", "Angstrom");
        NequipConfig explicit = new NequipConfig(SPECIES, 3.2, 5, false, 5.0, 2, Irreps.parse("12x0e+6x1o+4x1e+3x0o"),
                Irreps.sphericalHarmonics(2, true), Irreps.parse("10x0e"), Irreps.parse("5x0e"), 1, 12, 4.0, false, false,
                Activation.SILU, Activation.TANH, Activation.SILU, Activation.TANH, SCALES, SHIFTS, 1.0, 0.0, "eV", "Angstrom");
        return List.of(
                NequipConfig.simple(SPECIES, 3.5, 0, true, 8, 2, 6, 2, 16, 6.0, SCALES, SHIFTS, 1.3),
                NequipConfig.simple(SPECIES, 3.5, 1, true, 8, 3, 8, 1, 16, 6.0, SCALES, SHIFTS, 0.7),
                NequipConfig.simple(SPECIES, 3.5, 3, true, 4, 2, 8, 2, 8, 6.0, SCALES, SHIFTS, 1.0),
                resnet, explicit);
    }

    /** n atoms in a box of side {@code box}, no pair closer than 0.9 Å. */
    static double[] cluster(Random rnd, int n, double box) {
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++)
            while (true) {
                for (int d = 0; d < 3; d++) x[3 * i + d] = box * rnd.nextDouble();
                boolean ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double r2 = 0;
                    for (int d = 0; d < 3; d++) r2 += Math.pow(x[3 * i + d] - x[3 * j + d], 2);
                    ok = r2 > 0.81;
                }
                if (ok) break;
            }
        return x;
    }

    static int[] types(Random rnd, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rnd.nextInt(SPECIES.length);
        return t;
    }

    /** Half list of a cubic periodic cell by brute force over neighbouring images (cell ≥ cutoff). */
    static NeighborList periodicList(double[] x, double cell, double cutoff) {
        int n = x.length / 3;
        List<int[]> ij = new ArrayList<>();
        List<double[]> sh = new ArrayList<>();
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
                for (int a = -1; a <= 1; a++) for (int b = -1; b <= 1; b++) for (int c = -1; c <= 1; c++) {
                    if (i == j && (a < 0 || (a == 0 && (b < 0 || (b == 0 && c <= 0))))) continue; // self: one of ±image, not 0
                    double[] s = {a * cell, b * cell, c * cell};
                    double r2 = 0;
                    for (int d = 0; d < 3; d++) r2 += Math.pow(x[3 * j + d] + s[d] - x[3 * i + d], 2);
                    if (r2 < cutoff * cutoff) { ij.add(new int[] {i, j}); sh.add(s); }
                }
        int m = ij.size();
        int[] f = new int[m], g = new int[m];
        double[] s = new double[3 * m];
        for (int p = 0; p < m; p++) { f[p] = ij.get(p)[0]; g[p] = ij.get(p)[1]; System.arraycopy(sh.get(p), 0, s, 3 * p, 3); }
        NeighborList nl = new NeighborList();
        nl.set(f, g, s, m, cutoff);
        return nl;
    }

    /** Asserts |a − b| ≤ tol·max(1, max|a|) entry by entry; returns the max difference. */
    static double assertClose(String what, double[] a, double[] b, double tol) {
        double diff = 0, scale = 1;
        for (int i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(a[i])); }
        assertTrue(diff <= tol * scale, what + ": max difference " + diff + " (scale " + scale + ")");
        return diff;
    }

    @ParameterizedTest @ValueSource(strings = {"java", "opencl", "cuda"})
    void randomModelsMatchTheHostEvaluator(String name) {
        KernelBackend backend = name.equals("java") ? new JavaBackend() : DeviceBackends.require(name);
        Random rnd = new Random(11);
        for (NequipConfig cfg : configs()) {
            NequipModel model = NequipModel.withRandomWeights(cfg, rnd.nextLong());
            int n = 12;
            double[] x = cluster(rnd, n, 4.5);
            int[] t = types(rnd, n);
            NeighborList nl = NeighborList.allPairs(n, cfg.rMax() + 1);
            double[] fRef = new double[3 * n], wRef = new double[9], eaRef = new double[n];
            double eRef = new NequipEvaluator(model).compute(x, t, nl, fRef, wRef, eaRef);
            try (BackendNequipEvaluator ev = new BackendNequipEvaluator(model, backend)) {
                double[] f = new double[3 * n], w = new double[9], ea = new double[n];
                double e = ev.compute(x, t, nl, f, w, ea);
                String what = name + " " + cfg.irrepsEdgeSh() + " " + cfg.featureIrrepsHidden();
                assertEquals(eRef, e, 1e-10 * Math.max(1, Math.abs(eRef)), what + " energy");
                assertClose(what + " forces", fRef, f, 1e-10);
                assertClose(what + " virial", wRef, w, 1e-10);
                assertClose(what + " atomic energies", eaRef, ea, 1e-10);
            }
        }
    }

    @ParameterizedTest @ValueSource(strings = {"java", "opencl", "cuda"})
    void periodicSystemAcrossTheSkinAndBatchedReplicas(String name) {
        KernelBackend backend = name.equals("java") ? new JavaBackend() : DeviceBackends.require(name);
        Random rnd = new Random(12);
        NequipConfig cfg = configs().get(3); // l_max 2, resnet, global shift
        NequipModel model = NequipModel.withRandomWeights(cfg, 5);
        NequipEvaluator host = new NequipEvaluator(model);
        double cell = 7.0;
        int n = 16;
        double[] x = cluster(rnd, n, cell);
        int[] t = types(rnd, n);
        NeighborList nl = periodicList(x, cell, cfg.rMax() + 1.0); // 1 Å skin: many listed pairs beyond r_max
        try (BackendNequipEvaluator resident = new BackendNequipEvaluator(model, backend);
             BackendNequipEvaluator filtered = new BackendNequipEvaluator(model, backend)) {
            resident.setEdgeMode(BackendNequipEvaluator.EdgeMode.RESIDENT);
            filtered.setEdgeMode(BackendNequipEvaluator.EdgeMode.HOST_FILTERED);
            for (int step = 0; step < 3; step++) {
                // move atoms without rebuilding the list: pairs cross r_max, the resident graph stays
                for (int i = 0; i < 3 * n; i++) x[i] += 0.15 * rnd.nextGaussian();
                double[] fRef = new double[3 * n], wRef = new double[9], f = new double[3 * n], w = new double[9];
                double eRef = host.compute(x, t, nl, fRef, wRef, null);
                double e = resident.compute(x, t, nl, f, w, null);
                assertEquals(eRef, e, 1e-10 * Math.abs(eRef), "resident energy, step " + step);
                assertClose("resident forces, step " + step, fRef, f, 1e-10);
                assertClose("resident virial, step " + step, wRef, w, 1e-10);
                double e2 = filtered.compute(x, t, nl, f, w, null);
                assertEquals(eRef, e2, 1e-10 * Math.abs(eRef), "host-filtered energy, step " + step);
                assertClose("host-filtered forces, step " + step, fRef, f, 1e-10);
            }
            assertTrue(resident.pairCount() > filtered.pairCount(), "the skin holds pairs beyond r_max");

            // replicas: the periodic system, a molecule, and the periodic system again moved
            double[] m = cluster(rnd, 9, 3.5), x2 = x.clone();
            int[] tm = types(rnd, 9);
            for (int i = 0; i < 3 * n; i++) x2[i] += 0.05 * rnd.nextGaussian();
            NeighborList ml = NeighborList.allPairs(9, 5);
            double[][] pos = {x, m, x2};
            int[][] ty = {t, tm, t};
            NeighborList[] lists = {nl, ml, nl};
            List<BackendNequipEvaluator.Replica> reps = new ArrayList<>();
            double[][] fb = new double[3][], wb = new double[3][];
            for (int k = 0; k < 3; k++) {
                fb[k] = new double[pos[k].length];
                wb[k] = new double[9];
                reps.add(new BackendNequipEvaluator.Replica(pos[k], ty[k], lists[k], fb[k], wb[k], null));
            }
            double[] eb = resident.computeBatch(reps);
            for (int k = 0; k < 3; k++) {
                double[] f = new double[pos[k].length], w = new double[9];
                double e = resident.compute(pos[k], ty[k], lists[k], f, w, null);
                assertEquals(e, eb[k], 1e-12 * Math.abs(e), "batched energy of replica " + k);
                assertClose("batched forces of replica " + k, f, fb[k], 1e-12);
                assertClose("batched virial of replica " + k, w, wb[k], 1e-12);
                double eRef = host.compute(pos[k], ty[k], lists[k], f, w, null);
                assertEquals(eRef, eb[k], 1e-10 * Math.abs(eRef), "batched energy of replica " + k + " vs host evaluator");
            }
        }
    }

    @ParameterizedTest @ValueSource(strings = {"java", "opencl", "cuda"})
    void referenceFixture(String name) throws IOException {
        KernelBackend backend = name.equals("java") ? new JavaBackend() : DeviceBackends.require(name);
        Map<String, Object> config;
        try (Reader r = Files.newBufferedReader(NequipReference.aspirin("config.yaml"))) {
            config = new Yaml().load(r);
        }
        NequipModel model = NequipImporter.fromReference(config, Npz.read(NequipReference.aspirin("weights.npz")));
        Map<String, NpyArray> frames = Npz.read(NequipReference.aspirin("frames.npz"));
        int[] z = frames.get("z").asInts();
        int n = z.length, k = frames.get("E").data().length;
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = model.config().typeOf(z[i]);
        double maxDE = 0, maxDF = 0;
        try (BackendNequipEvaluator ev = new BackendNequipEvaluator(model, backend)) {
            List<BackendNequipEvaluator.Replica> all = new ArrayList<>();
            double[][] fb = new double[k][3 * n];
            for (int frame = 0; frame < k; frame++) {
                double[] f = new double[3 * n];
                double e = ev.compute(frames.get("R").slice(frame), t, NeighborList.allPairs(n, 5.0), f, null, null);
                maxDE = Math.max(maxDE, Math.abs(e - frames.get("E").data()[frame]));
                double[] fr = frames.get("F").slice(frame);
                for (int i = 0; i < 3 * n; i++) maxDF = Math.max(maxDF, Math.abs(f[i] - fr[i]));
                all.add(new BackendNequipEvaluator.Replica(frames.get("R").slice(frame), t, NeighborList.allPairs(n, 5.0), fb[frame], null, null));
            }
            double[] eb = ev.computeBatch(all); // all 12 frames as one batch
            for (int frame = 0; frame < k; frame++) {
                maxDE = Math.max(maxDE, Math.abs(eb[frame] - frames.get("E").data()[frame]));
                double[] fr = frames.get("F").slice(frame);
                for (int i = 0; i < 3 * n; i++) maxDF = Math.max(maxDF, Math.abs(fb[frame][i] - fr[i]));
            }
        }
        System.out.printf("%s backend vs nequip 0.6.2 over %d frames (single and batched): max|dE| = %.2e eV, max|dF| = %.2e eV/A%n",
                name, k, maxDE, maxDF);
        assertTrue(maxDE < 1e-8, "energy error " + maxDE);
        assertTrue(maxDF < 1e-7, "force error " + maxDF);
    }
}
