package md.forcefields.ml.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import md.forcefields.autodiff.Tensor;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.WignerD;

/**
 * The 'uvw' tensor product is O(3)-equivariant (rotations and the inversion act on its output as on its
 * inputs), selects paths by the triangle and parity rules, and has e3nn's component normalisation
 * (unit-variance inputs and weights give unit-variance outputs). Kernels vs tape vs finite differences
 * are in {@link OpKernelsTest}.
 */
class TensorProductUvwTest {
    static final Irreps IN1 = Irreps.parse("2x0e+2x1o+1x2e"), IN2 = Irreps.parse("1x0e+1x1o+1x2e"), OUT = Irreps.parse("3x0e+2x1o+2x1e+1x2e+1x2o+1x3o");

    static double[] apply(TensorProductUvw tp, double[] x, double[] y, double[] w, int rows) {
        return tp.tape(null, Tensor.of(x, rows, x.length / rows), Tensor.of(y, rows, y.length / rows), Tensor.of(w, 1, tp.weightCount())).data();
    }

    static double[] rotate(double[] d, double[] v, int dim) {
        double[] out = new double[v.length];
        for (int r = 0; r < v.length / dim; r++)
            for (int a = 0; a < dim; a++) {
                double s = 0;
                for (int b = 0; b < dim; b++) s += d[a * dim + b] * v[r * dim + b];
                out[r * dim + a] = s;
            }
        return out;
    }

    static double[] randn(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return v;
    }

    @Test void equivariantUnderRotationsAndInversion() {
        TensorProductUvw tp = new TensorProductUvw(IN1, IN2, OUT);
        Random r = new Random(4);
        double[] x = randn(r, 3 * IN1.dim()), y = randn(r, 3 * IN2.dim()), w = randn(r, tp.weightCount());
        double c = Math.cos(0.7), s = Math.sin(0.7), c2 = Math.cos(-1.1), s2 = Math.sin(-1.1);
        double[] rz = {c, -s, 0, s, c, 0, 0, 0, 1}, rx = {1, 0, 0, 0, c2, -s2, 0, s2, c2};
        double[] q = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) q[3 * i + j] += rz[3 * i + k] * rx[3 * k + j];
        double[] inversion = new double[9];
        for (int i = 0; i < 9; i++) inversion[i] = -q[i]; // an improper rotation
        double[] out = apply(tp, x, y, w, 3);
        for (double[] g : new double[][] {q, inversion}) {
            double[] expected = rotate(WignerD.of(OUT, g), out, OUT.dim());
            double[] got = apply(tp, rotate(WignerD.of(IN1, g), x, IN1.dim()), rotate(WignerD.of(IN2, g), y, IN2.dim()), w, 3);
            double err = 0, scale = 0;
            for (int i = 0; i < got.length; i++) { err = Math.max(err, Math.abs(got[i] - expected[i])); scale = Math.max(scale, Math.abs(expected[i])); }
            assertTrue(scale > 0.1 && err < 1e-12 * scale, "equivariance error " + err + " (scale " + scale + ")");
        }
    }

    @Test void pathsFollowTheSelectionRules() {
        TensorProductUvw tp = new TensorProductUvw(Irreps.parse("1x1o"), Irreps.parse("1x1o"), Irreps.parse("1x0e+1x0o+1x1e+1x1o+1x2e+1x3e"));
        // 1o x 1o = 0e + 1e + 2e: the odd outputs and l = 3 get no path and stay zero
        assertEquals(3, tp.paths().size());
        double[] out = apply(tp, new double[] {0.3, -1, 2}, new double[] {1, 0.5, -0.2}, randn(new Random(1), tp.weightCount()), 1);
        assertEquals(0.0, out[1], 0.0); // 0o
        for (int i = 5; i < 8; i++) assertEquals(0.0, out[i], 0.0); // 1o
        for (int i = 13; i < 20; i++) assertEquals(0.0, out[i], 0.0); // 3e
    }

    @Test void componentNormalisationGivesUnitVariance() {
        TensorProductUvw tp = new TensorProductUvw(IN1, IN2, OUT);
        Random r = new Random(9);
        int rows = 20, trials = 1500; // the weights' draws dominate the spread: many draws
        double[] sum2 = new double[OUT.size()];
        long[] count = new long[OUT.size()];
        for (int t = 0; t < trials; t++) {
            double[] out = apply(tp, randn(r, rows * IN1.dim()), randn(r, rows * IN2.dim()), randn(r, tp.weightCount()), rows);
            for (int row = 0; row < rows; row++)
                for (int k = 0; k < OUT.size(); k++)
                    for (int i = 0; i < OUT.mul(k) * OUT.ir(k).dim(); i++) {
                        double v = out[row * OUT.dim() + OUT.offset(k) + i];
                        sum2[k] += v * v;
                        count[k]++;
                    }
        }
        for (int k = 0; k < OUT.size(); k++) {
            double var = sum2[k] / count[k];
            System.out.printf(java.util.Locale.ROOT, "uvw output block %s: second moment %.3f%n", OUT.get(k), var);
            assertEquals(1.0, var, 0.1, "output block " + OUT.get(k));
        }
    }
}
