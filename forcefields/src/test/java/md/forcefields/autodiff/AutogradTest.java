package md.forcefields.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Closed-form derivatives, graph semantics, and that the derivative checker does catch wrong backwards. */
class AutogradTest {

    @Test
    void secondDerivativeOfSinIsMinusSin() {
        double[] xs = {-2.1, -0.3, 0.0, 0.8, 1.9};
        Tensor x = Tensor.vector(xs).requireGrad();
        Tensor dy = Autograd.grad(x.sin().sum(), new Tensor[] {x}, null, true)[0];
        Tensor d2y = Autograd.grad(dy.sum(), x)[0];
        Tensor d3y = Autograd.grad(Autograd.grad(dy.sum(), new Tensor[] {x}, null, true)[0].sum(), x)[0];
        for (int i = 0; i < xs.length; i++) {
            assertEquals(Math.cos(xs[i]), dy.data()[i], 1e-15);
            assertEquals(-Math.sin(xs[i]), d2y.data()[i], 1e-15);
            assertEquals(-Math.cos(xs[i]), d3y.data()[i], 1e-15);
        }
    }

    @Test
    void hessianOfQuadraticFormIsTheMatrix() {
        Random rng = new Random(5);
        int n = 4;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.nextGaussian();
        Tensor matrix = Tensor.of(a, n, n);
        Tensor x = Tensor.randn(rng, n, 1).requireGrad();
        // f = ½ xᵀ A x, ∇f = A x, ∇²f = A
        Tensor f = x.transpose().matmul(matrix).matmul(x).mul(0.5).sum();
        Tensor g = Autograd.grad(f, new Tensor[] {x}, null, true)[0];
        for (int i = 0; i < n; i++) {
            double ax = 0;
            for (int j = 0; j < n; j++) ax += a[i * n + j] * x.data()[j];
            assertEquals(ax, g.data()[i], 1e-14);
            Tensor row = Autograd.grad(g.slice(0, i, i + 1).sum(), x)[0];
            for (int j = 0; j < n; j++) assertEquals(a[i * n + j], row.data()[j], 1e-14, "H[" + i + "][" + j + "]");
        }
    }

    @Test
    void gradientAccumulatesOverEveryUseAndReachesIntermediates() {
        Tensor x = Tensor.vector(1.5, -2.0).requireGrad();
        Tensor y = x.mul(x);                  // x²
        Tensor z = y.mul(x).add(y).sum();     // x³ + x²
        Tensor[] g = Autograd.grad(z, x, y);
        assertArrayEquals(new double[] {3 * 2.25 + 3.0, 3 * 4.0 - 4.0}, g[0].data(), 1e-14);
        assertArrayEquals(new double[] {1.5 + 1, -2.0 + 1}, g[1].data(), 1e-14); // ∂z/∂y holding x fixed
    }

    @Test
    void unusedInputGetsZerosAndPlainGradientsCarryNoGraph() {
        Tensor x = Tensor.vector(1, 2).requireGrad();
        Tensor w = Tensor.vector(3, 4, 5).requireGrad();
        Tensor[] g = Autograd.grad(x.exp().sum(), x, w);
        assertFalse(g[0].requiresGrad());
        assertArrayEquals(new double[3], g[1].data());
        Tensor h = Autograd.grad(x.exp().sum(), new Tensor[] {x}, null, true)[0];
        assertTrue(h.requiresGrad());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.vector(1, 2).requireGrad();
        try (GradMode.Scope s = GradMode.disabled()) {
            assertFalse(x.mul(x).requiresGrad());
        }
        assertTrue(x.mul(x).requiresGrad());
    }

    @Test
    void badShapesAreRejectedWithTheShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertThrows(IllegalArgumentException.class, () -> a.reshape(4, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> a.indexSelect(new int[] {2}));
        Tensor v = Tensor.vector(1, 2).requireGrad();
        assertThrows(IllegalArgumentException.class, () -> Autograd.grad(v.mul(2.0), v));
    }

    @Test
    void checkerCatchesAWrongFirstDerivative() {
        GradCheck.Function wrong = x -> Tensor.result(sin(x[0]), x[0].shape, "badSin",
                (g, need) -> new Tensor[] {g.mul(x[0].cos()).mul(1.001)}, x[0]);
        GradCheck.Report r = GradCheck.check(wrong, new Tensor[] {Tensor.vector(0.3, 1.1).requireGrad()}, 1e-5, 1e-7, 1e-9);
        assertFalse(r.passed());
    }

    @Test
    void checkerCatchesABackwardThatIsNotDifferentiable() {
        // Right first derivative, but computed from a detached copy: the second derivative is lost.
        GradCheck.Function detached = x -> Tensor.result(sin(x[0]), x[0].shape, "detachedSin",
                (g, need) -> new Tensor[] {g.mul(x[0].detach().cos())}, x[0]);
        Tensor[] in = {Tensor.vector(0.3, 1.1).requireGrad()};
        assertTrue(GradCheck.check(detached, in, 1e-5, 1e-7, 1e-9).passed());
        assertFalse(GradCheck.checkSecondOrder(detached, in, new Random(1), 1e-5, 1e-7, 1e-9).passed());
    }

    private static double[] sin(Tensor x) {
        double[] o = new double[x.numel()];
        for (int i = 0; i < o.length; i++) o[i] = Math.sin(x.data()[i]);
        return o;
    }
}
