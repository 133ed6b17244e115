package md.forcefields.nequip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import md.forcefields.NeighborList;
import md.forcefields.e3nn.Rotations;
import md.forcefields.ml.executors.PlanExecutor;

/**
 * Physics checks of the MD executor ({@link PlanExecutor} on {@link NequipConversion#toLearned}) on
 * random-weight models of other configurations than the reference fixture: invariance of E and
 * equivariance of F under rotations, reflections (with parity), translations and permutations;
 * F = −∇E by central differences; 2 threads = 1 thread.
 */
public class NequipSymmetryTest {

    static final int[] SPECIES = {1, 6, 7, 8};

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("lmax0", NequipConfig.simple(SPECIES, 3.5, 0, true, 8, 2, 6, 2, 16, 6.0, scales(), shifts(), 1.3), true),
                Arguments.of("lmax1", NequipConfig.simple(SPECIES, 3.5, 1, true, 8, 3, 8, 1, 16, 6.0, scales(), shifts(), 0.7), true),
                Arguments.of("lmax3", NequipConfig.simple(SPECIES, 3.5, 3, true, 4, 2, 8, 2, 8, 6.0, scales(), shifts(), 1.0), true),
                Arguments.of("lmax2-noparity-resnet", withResnet(NequipConfig.simple(SPECIES, 3.5, 2, false, 6, 3, 8, 2, 16, 6.0, scales(), shifts(), 1.0), 0.0), false),
                Arguments.of("lmax2-fixed-bessel", fixedBessel(), true));
    }

    static double[] scales() { return new double[] {0.9, 1.1, 1.2, 1.05}; }
    static double[] shifts() { return new double[] {-0.5, -1.5, -1.2, -1.0}; }

    /** {@code c} with residual connections and a global energy shift. */
    static NequipConfig withResnet(NequipConfig c, double globalShift) {
        return new NequipConfig(c.atomicNumbers(), c.rMax(), c.numBasis(), c.besselTrainable(), c.polynomialCutoffP(), c.numLayers(),
                c.featureIrrepsHidden(), c.irrepsEdgeSh(), c.chemicalEmbeddingIrreps(), c.convToOutputHiddenIrreps(), c.invariantLayers(),
                c.invariantNeurons(), c.avgNumNeighbors(), true, c.useSc(), c.scalarsEven(), c.scalarsOdd(), c.gatesEven(), c.gatesOdd(),
                c.perSpeciesScales(), c.perSpeciesShifts(), c.globalScale(), globalShift, c.energyUnit(), c.lengthUnit());
    }

    /** Fixed (non-trainable) Bessel frequencies, 5 basis functions, cutoff exponent 5, one radial hidden layer. */
    static NequipConfig fixedBessel() {
        NequipConfig c = NequipConfig.simple(SPECIES, 3.2, 2, true, 6, 2, 5, 1, 12, 4.0, scales(), shifts(), 1.0);
        return new NequipConfig(c.atomicNumbers(), c.rMax(), c.numBasis(), false, 5.0, c.numLayers(), c.featureIrrepsHidden(), c.irrepsEdgeSh(),
                c.chemicalEmbeddingIrreps(), c.convToOutputHiddenIrreps(), c.invariantLayers(), c.invariantNeurons(), c.avgNumNeighbors(), false,
                true, c.scalarsEven(), c.scalarsOdd(), c.gatesEven(), c.gatesOdd(), scales(), shifts(), 1.0, 0.0, "eV", "Angstrom");
    }

    /** A random cluster of {@code n} atoms in a 4.5 Å box with no pair closer than 0.9 Å (also used by the ml tests). */
    public static double[] cluster(Random rnd, int n) {
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++) {
            while (true) {
                for (int d = 0; d < 3; d++) x[3 * i + d] = 4.5 * rnd.nextDouble();
                boolean ok = true;
                for (int j = 0; j < i; j++) {
                    double r2 = 0;
                    for (int d = 0; d < 3; d++) r2 += Math.pow(x[3 * i + d] - x[3 * j + d], 2);
                    ok &= r2 > 0.81;
                }
                if (ok) break;
            }
        }
        return x;
    }

    record Result(double e, double[] f) {}

    static Result eval(PlanExecutor ev, double[] x, int[] types) {
        double[] f = new double[x.length];
        double e = ev.compute(x, types, NeighborList.allPairs(types.length, 10), f, null, null);
        return new Result(e, f);
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void invarianceEquivarianceAndFiniteDifferences(String name, NequipConfig config, boolean reflections) {
        NequipModel model = NequipModel.withRandomWeights(config, name.hashCode());
        PlanExecutor ev = new PlanExecutor(NequipConversion.toLearned(model));
        Random rnd = new Random(42);
        int n = 14;
        double[] x = cluster(rnd, n);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) types[i] = rnd.nextInt(SPECIES.length);
        Result ref = eval(ev, x, types);
        double fScale = maxAbs(ref.f()), eScale = Math.abs(ref.e()) + 1;
        assertTrue(fScale > 1e-3, "forces are not trivially zero");
        assertTrue(ev.graph().edges() > 2 * n, "the cluster is connected (" + ev.graph().edges() + " edges)");

        for (int trial = 0; trial < (reflections ? 4 : 2); trial++) {
            double[] q = trial < 2 ? Rotations.random(rnd) : Rotations.randomImproper(rnd);
            double[] shift = {rnd.nextGaussian() * 3, rnd.nextGaussian() * 3, rnd.nextGaussian() * 3};
            double[] xq = new double[3 * n];
            for (int i = 0; i < n; i++) {
                double[] v = Rotations.apply(q, new double[] {x[3 * i], x[3 * i + 1], x[3 * i + 2]});
                for (int d = 0; d < 3; d++) xq[3 * i + d] = v[d] + shift[d];
            }
            Result r = eval(ev, xq, types);
            assertEquals(ref.e(), r.e(), 1e-10 * eScale, name + ": energy invariant under Q (det " + (trial < 2 ? "+1" : "-1") + ") and translation");
            for (int i = 0; i < n; i++) {
                double[] fq = Rotations.apply(q, new double[] {ref.f()[3 * i], ref.f()[3 * i + 1], ref.f()[3 * i + 2]});
                for (int d = 0; d < 3; d++) assertEquals(fq[d], r.f()[3 * i + d], 1e-10 * fScale, name + ": force equivariance");
            }
        }

        // permutation
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = rnd.nextInt(i + 1); int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
        double[] xp = new double[3 * n];
        int[] tp = new int[n];
        for (int i = 0; i < n; i++) {
            tp[i] = types[perm[i]];
            System.arraycopy(x, 3 * perm[i], xp, 3 * i, 3);
        }
        Result rp = eval(ev, xp, tp);
        assertEquals(ref.e(), rp.e(), 1e-10 * eScale, name + ": permutation");
        for (int i = 0; i < n; i++)
            for (int d = 0; d < 3; d++) assertEquals(ref.f()[3 * perm[i] + d], rp.f()[3 * i + d], 1e-10 * fScale, name + ": permuted forces");

        // finite differences on every coordinate
        double h = 1e-5, maxErr = 0;
        for (int k = 0; k < 3 * n; k++) {
            double[] xp1 = x.clone(), xm1 = x.clone();
            xp1[k] += h;
            xm1[k] -= h;
            double fd = -(eval(ev, xp1, types).e() - eval(ev, xm1, types).e()) / (2 * h);
            maxErr = Math.max(maxErr, Math.abs(fd - ref.f()[k]));
        }
        assertTrue(maxErr < 1e-6 * Math.max(1, fScale), name + ": |F - F_fd| = " + maxErr + " (max|F| " + fScale + ")");

        // two threads give the same result
        PlanExecutor ev2 = new PlanExecutor(NequipConversion.toLearned(model), 2);
        Result r2 = eval(ev2, x, types);
        ev2.close();
        assertEquals(ref.e(), r2.e(), 1e-12 * eScale, name + ": 2 threads energy");
        for (int k = 0; k < 3 * n; k++) assertEquals(ref.f()[k], r2.f()[k], 1e-12 * fScale, name + ": 2 threads forces");
    }
}
