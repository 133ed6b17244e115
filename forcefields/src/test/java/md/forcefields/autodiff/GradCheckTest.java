package md.forcefields.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The checker itself: a correct op passes, and a wrong derivative is caught, element by element on small inputs
 * and along random directions on inputs above {@link GradCheck#SECOND_ORDER_ELEMENTWISE_UP_TO} elements.
 */
class GradCheckTest {
    private static final double STEP = 1e-6, RTOL = 1e-5, ATOL = 1e-7;

    /**
     * x ↦ x³ elementwise as a custom op. Its backward g·3x² is right to first order either way; with
     * {@code detachedSecond} the 3x² is built from a detached copy of x, so the graph of the gradient misses
     * ∂(3x²)/∂x = 6x: a wrong second derivative.
     */
    private static Tensor cube(Tensor x, boolean detachedSecond) {
        double[] y = new double[x.data.length];
        for (int i = 0; i < y.length; i++) y[i] = x.data[i] * x.data[i] * x.data[i];
        return Tensor.custom("cube", y, x.shape, (g, need) -> {
            Tensor base = detachedSecond ? x.detach() : x;
            return new Tensor[] {g.mul(base.square().mul(3.0))};
        }, x);
    }

    private static GradCheck.Report second(int n, boolean wrong) {
        Random rng = new Random(n);
        Tensor x = Tensor.randn(rng, n).requireGrad();
        return GradCheck.checkSecondOrder(xs -> cube(xs[0], wrong).mul(xs[0].sin()), new Tensor[] {x}, rng, STEP, RTOL, ATOL);
    }

    @Test
    void correctSecondDerivativesPassOnSmallAndLargeInputs() {
        for (int n : new int[] {7, 300}) {
            GradCheck.Report r = second(n, false);
            assertTrue(r.passed(), n + " elements: " + r.worst());
        }
    }

    @Test
    void aWrongSecondDerivativeIsCaughtElementwiseAndAlongRandomDirections() {
        assertTrue(7 <= GradCheck.SECOND_ORDER_ELEMENTWISE_UP_TO && 300 > GradCheck.SECOND_ORDER_ELEMENTWISE_UP_TO);
        for (int n : new int[] {7, 300}) {
            GradCheck.Report r = second(n, true);
            assertFalse(r.passed(), n + " elements: a missing 6x term passed the second-order check");
            assertTrue(r.worst().contains(n > GradCheck.SECOND_ORDER_ELEMENTWISE_UP_TO ? "random direction" : "input0["), r.worst());
        }
    }

    @Test
    void aWrongFirstDerivativeOfOneElementIsCaughtAlongRandomDirections() {
        // one element's dependence the graph does not see (read from the raw array into a constant): its column of the
        // Jacobian is wrong; a random direction has a component of ~1/√n on it, still far above the tolerance
        int n = 300;
        Random rng = new Random(3);
        Tensor x = Tensor.randn(rng, n).requireGrad();
        GradCheck.Function f = xs -> {
            Tensor hidden = Tensor.zeros(n);
            hidden.data[5] = 3 * xs[0].data[137];
            return xs[0].square().add(hidden);
        };
        GradCheck.Report r = GradCheck.checkProjected(f, new Tensor[] {x}, rng, 3, STEP, RTOL, ATOL, GradCheck.SECOND_ORDER_ELEMENTWISE_UP_TO);
        assertFalse(r.passed(), "a hidden dependence passed");
    }
}
