package md.forcefields.ml.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import md.forcefields.ml.Graph;
import md.forcefields.ml.Shape;
import md.forcefields.ml.Workspace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SE(3)-Transformer's ops ({@link TfnBasis}, {@link TfnConvolution}, {@link FiberLinear},
 * {@link AttentionLogits}, {@link AttentionAggregate}, {@link NormNonlinearity}, {@link Transpose}) through
 * {@link OpKernelsTest}'s three checks on its periodic graph: forward kernel = tape (1e-13), backward
 * kernel = autograd of the tape (1e-12, all inputs and each alone), tape first and second derivatives vs
 * central finite differences. Plus the properties that define them (equivariance is tested with the model).
 */
class Se3TransformerOpsTest {
    private static final OpKernelsTest CHECKS = new OpKernelsTest();
    private static final int[] SPECIES = {2, 0, 1, 2, 0};

    private static OpKernelsTest.In randn(Shape s) {
        return new OpKernelsTest.In(s, (rng, n) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
            return v;
        });
    }

    /** Gaussian values kept away from 0 by {@code gap} (the norm and relu kinks), shifted by {@code shift}. */
    private static OpKernelsTest.In away(Shape s, double gap, double shift) {
        return new OpKernelsTest.In(s, (rng, n) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) do v[i] = shift + rng.nextGaussian(); while (Math.abs(v[i]) < gap);
            return v;
        });
    }

    /**
     * Features whose channel norms are spread out (scale 1 … 7 by column): the LayerNorm over nearly
     * equal norms has large higher derivatives, which spoil the finite differences of second derivatives
     * (as for {@link LayerNorm} in OpKernelsTest).
     */
    private static OpKernelsTest.In spread(Shape s) {
        return new OpKernelsTest.In(s, (rng, n) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) do v[i] = (1 + i % 7) * rng.nextGaussian(); while (Math.abs(v[i]) < 0.3);
            return v;
        });
    }

    /**
     * LayerNorm biases ±(1.5 … 2.5) with both signs: the ReLU's argument stays away from its kink (the
     * second-order finite differences would step across it), and some channels are switched off.
     */
    private static OpKernelsTest.In biases(Shape s) {
        return new OpKernelsTest.In(s, (rng, n) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = (i % 3 == 2 ? -1 : 1) * (1.5 + rng.nextDouble());
            return v;
        });
    }

    private static OpKernelsTest.Case c(String name, md.forcefields.ml.Op op, OpKernelsTest.In... in) {
        return new OpKernelsTest.Case(name, op, SPECIES, in);
    }

    /** Every (l_in, l_out) with both ≤ max, l_in-major. */
    static List<int[]> allPairs(int max) {
        List<int[]> p = new ArrayList<>();
        for (int li = 0; li <= max; li++) for (int lo = 0; lo <= max; lo++) p.add(new int[] {li, lo});
        return p;
    }

    static List<OpKernelsTest.Case> allCases() {
        List<OpKernelsTest.Case> cases = new ArrayList<>();
        List<int[]> pairs = allPairs(2);
        TfnBasis basis = new TfnBasis(pairs, TfnClebschGordan.REFERENCE_SIGNS);
        cases.add(c("tfnBasis l<=2", basis, randn(Shape.edges(25))));
        cases.add(c("tfnBasis (1,3),(3,0)", new TfnBasis(List.of(new int[] {1, 3}, new int[] {3, 0}), java.util.Map.of()), randn(Shape.edges(25))));
        Fiber in = new Fiber(new int[] {0, 1, 2}, new int[] {2, 1, 2}), out = new Fiber(new int[] {0, 1}, new int[] {2, 3});
        // both kernel implementations (plain Java, and the Vector API ones where the JVM has them)
        for (TfnKernels kernels : new TfnKernels[] {new TfnKernels.Plain(), TfnKernels.best()}) {
            String kind = kernels instanceof TfnKernels.Plain ? " plain" : "";
            for (boolean perPair : new boolean[] {true, false}) {
                TfnConvolution conv = new TfnConvolution(in, out, basis, pairs, perPair, kernels);
                List<OpKernelsTest.In> inputs = new ArrayList<>(List.of(randn(Shape.atoms(in.dim())), randn(Shape.edges(basis.width()))));
                for (int k = 0; k < conv.pairCount(); k++) inputs.add(randn(perPair ? Shape.pairs(conv.radialWidth(k)) : Shape.edges(conv.radialWidth(k))));
                cases.add(c("tfnConvolution" + kind + " " + (perPair ? "(pair radials)" : "(edge radials)"), conv, inputs.toArray(OpKernelsTest.In[]::new)));
            }
            Fiber scalarsIn = new Fiber(new int[] {0}, new int[] {3});
            TfnConvolution first = new TfnConvolution(scalarsIn, Fiber.uniform(2, 2), basis, pairs, true, kernels);
            List<OpKernelsTest.In> fi = new ArrayList<>(List.of(randn(Shape.atoms(3)), randn(Shape.edges(basis.width()))));
            for (int k = 0; k < first.pairCount(); k++) fi.add(randn(Shape.pairs(first.radialWidth(k))));
            cases.add(c("tfnConvolution" + kind + " (scalar input)", first, fi.toArray(OpKernelsTest.In[]::new)));
            // 4 input channels: φ rows of K = 4·nJ, whole vectors of 4 lanes (the model's hidden layers)
            Fiber four = Fiber.uniform(2, 4), some = new Fiber(new int[] {0, 2}, new int[] {5, 4});
            TfnConvolution hidden = new TfnConvolution(four, some, basis, pairs, true, kernels);
            List<OpKernelsTest.In> hi = new ArrayList<>(List.of(randn(Shape.atoms(four.dim())), randn(Shape.edges(basis.width()))));
            for (int k = 0; k < hidden.pairCount(); k++) hi.add(randn(Shape.pairs(hidden.radialWidth(k))));
            cases.add(c("tfnConvolution" + kind + " (4 channels)", hidden, hi.toArray(OpKernelsTest.In[]::new)));
        }
        Fiber wide = new Fiber(new int[] {0, 1, 2}, new int[] {4, 4, 2}), narrow = new Fiber(new int[] {0, 2}, new int[] {3, 1});
        cases.add(c("fiberLinear (atoms)", new FiberLinear(wide, narrow), randn(Shape.atoms(wide.dim())), randn(Shape.fixed(3, 4)), randn(Shape.fixed(1, 2))));
        cases.add(c("fiberLinear (edges)", new FiberLinear(narrow, narrow), randn(Shape.edges(narrow.dim())), randn(Shape.fixed(3, 3)), randn(Shape.fixed(1, 1))));
        Fiber keys = new Fiber(new int[] {0, 1}, new int[] {4, 2});
        cases.add(c("attentionLogits 2 heads", new AttentionLogits(keys, 2, 0.3), randn(Shape.edges(keys.dim())), randn(Shape.atoms(keys.dim()))));
        Fiber values = new Fiber(new int[] {0, 1, 2}, new int[] {2, 4, 2});
        cases.add(c("attentionSum 2 heads", new AttentionAggregate(values, 2, false), randn(Shape.edges(2)), randn(Shape.edges(values.dim()))));
        cases.add(c("attentionMean 2 heads", new AttentionAggregate(values, 2, true), randn(Shape.edges(2)), randn(Shape.edges(values.dim()))));
        Fiber norm = new Fiber(new int[] {0, 1, 2}, new int[] {3, 2, 4});
        List<OpKernelsTest.In> ni = new ArrayList<>(List.of(spread(Shape.atoms(norm.dim()))));
        for (int i = 0; i < norm.size(); i++) {
            ni.add(new OpKernelsTest.In(Shape.fixed(1, norm.channels(i)), (rng, n) -> { double[] v = new double[n]; for (int j = 0; j < n; j++) v[j] = 0.2 + 0.4 * rng.nextDouble(); return v; }));
            ni.add(biases(Shape.fixed(1, norm.channels(i))));
        }
        cases.add(c("normNonlinearity", new NormNonlinearity(norm, 1e-5, 1e-12), ni.toArray(OpKernelsTest.In[]::new)));
        cases.add(c("transpose", Transpose.INSTANCE, randn(Shape.fixed(3, 5))));
        return cases;
    }

    static Stream<Arguments> cases() { return allCases().stream().map(k -> Arguments.of(k.name(), k)); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardKernelEqualsTheTape(String name, OpKernelsTest.Case k) { CHECKS.forwardKernelEqualsTheTape(name, k); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardKernelIsTheVectorJacobianProductOfTheTape(String name, OpKernelsTest.Case k) { CHECKS.backwardKernelIsTheVectorJacobianProductOfTheTape(name, k); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tapeDerivativesMatchFiniteDifferencesToSecondOrder(String name, OpKernelsTest.Case k) {
        org.junit.jupiter.api.Assumptions.assumeFalse(name.contains(" plain"), "the tape does not depend on the kernels (checked with the default ones)");
        // the 4-channel case exists for the kernels' whole-vector lanes; its tape is the same code as the (pair radials)
        // case's, whose second derivatives are checked, at 3× the finite differences (8 of the class's 13 s)
        org.junit.jupiter.api.Assumptions.assumeFalse(name.contains("(4 channels)"), "the tape is the same as the (pair radials) case's");
        CHECKS.tapeDerivativesMatchFiniteDifferencesToSecondOrder(name, k);
    }

    /** The reference harmonics: Y_1 = −√(3/4π)·u (x, y, z order) and the README's Y_2; orthonormal on the sphere. */
    @Test
    void referenceHarmonicsFollowTheFixtureConventions() {
        double[] u = {0.36, -0.48, 0.8};
        double[] y1 = TfnClebschGordan.referenceHarmonics(1, u[0], u[1], u[2]);
        double c1 = -Math.sqrt(3 / (4 * Math.PI));
        for (int k = 0; k < 3; k++) assertEquals(c1 * u[k], y1[k], 1e-15);
        double[] y2 = TfnClebschGordan.referenceHarmonics(2, u[0], u[1], u[2]);
        double a = Math.sqrt(15 / (4 * Math.PI)), b = Math.sqrt(5 / (16 * Math.PI)), c = Math.sqrt(15 / (16 * Math.PI));
        double[] expected = {a * u[0] * u[2], a * u[0] * u[1], b * (3 * u[1] * u[1] - 1), a * u[1] * u[2], c * (u[2] * u[2] - u[0] * u[0])};
        for (int k = 0; k < 5; k++) assertEquals(expected[k], y2[k], 1e-15, "Y_2," + (k - 2));
        // the change of basis from e3nn's harmonics is orthogonal (both orthonormal up to the constant √(4π))
        for (int l = 0; l <= 6; l++) {
            double[] o = TfnClebschGordan.toReference(l);
            int d = 2 * l + 1;
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) {
                    double s = 0;
                    for (int k = 0; k < d; k++) s += o[i * d + k] * o[j * d + k];
                    assertEquals(i == j ? 1 : 0, s, 1e-12, "O_" + l + " row products");
                }
        }
    }

    /** Q_J intertwines: (D^{l_out} ⊗ D^{l_in})·Q = Q·D^J for D fitted from the reference harmonics of a rotation. */
    @Test
    void clebschGordanMatricesIntertwineRotations() {
        double[] rot = rotation(new Random(11));
        for (int li = 0; li <= 3; li++)
            for (int lo = 0; lo <= 3; lo++)
                for (int j = Math.abs(li - lo); j <= li + lo; j++) {
                    double[] q = TfnClebschGordan.q(j, li, lo, 1), dOut = wignerD(lo, rot), dIn = wignerD(li, rot), dJ = wignerD(j, rot);
                    int no = 2 * lo + 1, ni = 2 * li + 1, nj = 2 * j + 1;
                    double worst = 0, norm = 0;
                    for (int a = 0; a < no; a++)
                        for (int b = 0; b < ni; b++)
                            for (int m = 0; m < nj; m++) {
                                double lhs = 0, rhs = 0;
                                for (int a2 = 0; a2 < no; a2++) for (int b2 = 0; b2 < ni; b2++) lhs += dOut[a * no + a2] * dIn[b * ni + b2] * q[(a2 * ni + b2) * nj + m];
                                for (int m2 = 0; m2 < nj; m2++) rhs += q[(a * ni + b) * nj + m2] * dJ[m2 * nj + m];
                                worst = Math.max(worst, Math.abs(lhs - rhs));
                                norm += q[(a * ni + b) * nj + m] * q[(a * ni + b) * nj + m];
                            }
                    assertTrue(worst < 1e-12, "Q_" + j + "^(" + lo + "," + li + ") does not intertwine: " + worst);
                    assertEquals(1, norm, 1e-12);
                }
    }

    /** A random rotation matrix (row-major). */
    static double[] rotation(Random rng) {
        double[] q = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
        double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        double w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)};
    }

    /** D^l(R) in the reference basis, defined by Y_l(R u) = D Y_l(u): least squares over sample directions. */
    static double[] wignerD(int l, double[] r) {
        int d = 2 * l + 1, n = 6 * d + 10;
        Random rng = new Random(99);
        double[] yy = new double[d * d], ry = new double[d * d];
        for (int s = 0; s < n; s++) {
            double[] u = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double len = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
            for (int k = 0; k < 3; k++) u[k] /= len;
            double[] ru = {r[0] * u[0] + r[1] * u[1] + r[2] * u[2], r[3] * u[0] + r[4] * u[1] + r[5] * u[2], r[6] * u[0] + r[7] * u[1] + r[8] * u[2]};
            double[] y = TfnClebschGordan.referenceHarmonics(l, u[0], u[1], u[2]), yr = TfnClebschGordan.referenceHarmonics(l, ru[0], ru[1], ru[2]);
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) { yy[a * d + b] += y[a] * y[b]; ry[a * d + b] += yr[a] * y[b]; }
        }
        // Σ y yᵀ = (n/(4π))·I-ish; solve D = ry·yy⁻¹ by Cholesky-free Gauss–Jordan
        double[] inv = invert(yy, d), out = new double[d * d];
        for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) { double s = 0; for (int k = 0; k < d; k++) s += ry[a * d + k] * inv[k * d + b]; out[a * d + b] = s; }
        return out;
    }

    private static double[] invert(double[] m, int n) {
        double[] a = m.clone(), inv = new double[n * n];
        for (int i = 0; i < n; i++) inv[i * n + i] = 1;
        for (int col = 0; col < n; col++) {
            int p = col;
            for (int r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[p * n + col])) p = r;
            for (int k = 0; k < n; k++) {
                double t = a[col * n + k]; a[col * n + k] = a[p * n + k]; a[p * n + k] = t;
                t = inv[col * n + k]; inv[col * n + k] = inv[p * n + k]; inv[p * n + k] = t;
            }
            double piv = a[col * n + col];
            for (int k = 0; k < n; k++) { a[col * n + k] /= piv; inv[col * n + k] /= piv; }
            for (int r = 0; r < n; r++) {
                if (r == col) continue;
                double f = a[r * n + col];
                for (int k = 0; k < n; k++) { a[r * n + k] -= f * a[col * n + k]; inv[r * n + k] -= f * inv[col * n + k]; }
            }
        }
        return inv;
    }

    /** The norm nonlinearity of a type-0 channel is ReLU(LN(|x|))·sign(x); channels below the floor pass no gradient. */
    @Test
    void normNonlinearityOfScalarsAndAtTheFloor() {
        Fiber f = new Fiber(new int[] {0, 1}, new int[] {3, 2});
        NormNonlinearity op = new NormNonlinearity(f, 1e-5, 1e-12);
        double[] x = {0.5, -2.0, 1.0, 0, 0, 0, 0.3, -0.4, 1.2};
        double[] gamma0 = {1.0, 0.7, -0.4}, beta0 = {0.1, 0.2, 0.3}, gamma1 = {1, 1}, beta1 = {0.5, 0.5};
        Graph g = Graph.of(SPECIES, OpKernelsTest.edges());
        Shape[] shapes = {Shape.fixed(1, f.dim()), Shape.fixed(1, 3), Shape.fixed(1, 3), Shape.fixed(1, 2), Shape.fixed(1, 2)};
        Workspace ws = new Workspace(shapes, op.outputShape(shapes));
        double[] out = new double[f.dim()];
        double[][] in = {x, gamma0, beta0, gamma1, beta1};
        op.forward(g, ws, in, out);
        double[] n = {0.5, 2.0, 1.0};
        double mean = 3.5 / 3, var = 0;
        for (double v : n) var += (v - mean) * (v - mean) / 3;
        for (int c = 0; c < 3; c++) {
            double y = Math.max(0, (n[c] - mean) / Math.sqrt(var + 1e-5) * gamma0[c] + beta0[c]);
            assertEquals(y * Math.signum(x[c]), out[c], 1e-15, "scalar channel " + c);
        }
        for (int m = 0; m < 3; m++) assertEquals(0, out[3 + m], 0.0, "a zero vector stays zero");
        double[][] grads = {new double[f.dim()], null, null, null, null};
        double[] gOut = new double[f.dim()];
        java.util.Arrays.fill(gOut, 1.0);
        op.backward(g, ws, in, out, gOut, grads);
        for (double v : grads[0]) assertTrue(Double.isFinite(v));
        assertThrows(IllegalArgumentException.class, () -> op.outputShape(Shape.atoms(f.dim()), Shape.fixed(1, 2), Shape.fixed(1, 3), Shape.fixed(1, 2), Shape.fixed(1, 2)));
    }

    /** Attention weights that sum to 1 over a receiver's edges and equal values give the value back (sum), and mean divides by the in-degree. */
    @Test
    void aggregationOfEqualValues() {
        Graph g = Graph.of(SPECIES, OpKernelsTest.edges());
        Fiber v = new Fiber(new int[] {0}, new int[] {2});
        double[] logits = new double[g.edges() * 2];
        Random rng = new Random(3);
        for (int i = 0; i < logits.length; i++) logits[i] = rng.nextGaussian();
        double[] alpha = new double[logits.length];
        SegmentSoftmax.INSTANCE.forward(g, new Workspace(new Shape[] {Shape.edges(2)}, Shape.edges(2)), new double[][] {logits}, alpha);
        double[] values = new double[g.edges() * 2];
        for (int e = 0; e < g.edges(); e++) { values[2 * e] = 1.5; values[2 * e + 1] = -0.5; }
        for (boolean mean : new boolean[] {false, true}) {
            AttentionAggregate op = new AttentionAggregate(v, 2, mean);
            double[] out = new double[g.atoms() * 2];
            op.forward(g, new Workspace(new Shape[] {Shape.edges(2), Shape.edges(2)}, Shape.atoms(2)), new double[][] {alpha, values}, out);
            int[] degree = new int[g.atoms()];
            for (int e = 0; e < g.edges(); e++) degree[g.centre()[e]]++;
            for (int a = 0; a < g.atoms(); a++) {
                double w = mean ? 1.0 / degree[a] : 1;
                assertEquals(1.5 * w, out[2 * a], 1e-14);
                assertEquals(-0.5 * w, out[2 * a + 1], 1e-14);
            }
        }
    }
}
