package md.forcefields.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op's backward and double backward against central finite differences on random float64 inputs
 * (full Jacobians; relative tolerance 1e-7 with a 1e-9 absolute floor, step 1e-5).
 */
class OpDerivativesTest {
    private static final double STEP = 1e-5, RTOL = 1e-7, ATOL = 1e-9;

    /** An op under test: the function, the shapes of its inputs and how inputs are drawn. */
    private record Case(String name, GradCheck.Function f, Domain domain, int[]... shapes) {}

    private enum Domain {
        ANY, POSITIVE, AWAY_FROM_ZERO;

        double draw(Random rng) {
            double g = rng.nextGaussian();
            return switch (this) {
                case ANY -> g;
                case POSITIVE -> 0.5 + rng.nextDouble() * 1.5;
                case AWAY_FROM_ZERO -> (g >= 0 ? 1 : -1) * (0.3 + Math.abs(g));
            };
        }
    }

    private static int[] s(int... dims) { return dims; }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("add", x -> x[0].add(x[1]), Domain.ANY, s(2, 3), s(2, 3)));
        c.add(new Case("sub", x -> x[0].sub(x[1]), Domain.ANY, s(2, 3), s(2, 3)));
        c.add(new Case("mul", x -> x[0].mul(x[1]), Domain.ANY, s(2, 3), s(2, 3)));
        c.add(new Case("mul same tensor", x -> x[0].mul(x[0]), Domain.ANY, s(5)));
        c.add(new Case("div", x -> x[0].div(x[1]), Domain.AWAY_FROM_ZERO, s(2, 3), s(2, 3)));
        c.add(new Case("add broadcast (3,1)+(1,4)", x -> x[0].add(x[1]), Domain.ANY, s(3, 1), s(1, 4)));
        c.add(new Case("mul broadcast (2,3,4)*(4)", x -> x[0].mul(x[1]), Domain.ANY, s(2, 3, 4), s(4)));
        c.add(new Case("div broadcast (3,2)/(3,1)", x -> x[0].div(x[1]), Domain.AWAY_FROM_ZERO, s(3, 2), s(3, 1)));
        c.add(new Case("sub broadcast scalar tensor", x -> x[0].sub(x[1]), Domain.ANY, s(2, 2), s()));
        c.add(new Case("neg", x -> x[0].neg(), Domain.ANY, s(4)));
        c.add(new Case("add constant", x -> x[0].add(0.7), Domain.ANY, s(4)));
        c.add(new Case("mul constant", x -> x[0].mul(-1.3), Domain.ANY, s(4)));
        c.add(new Case("pow 3", x -> x[0].pow(3), Domain.ANY, s(2, 3)));
        c.add(new Case("pow -1.5", x -> x[0].pow(-1.5), Domain.POSITIVE, s(2, 3)));
        c.add(new Case("square", x -> x[0].square(), Domain.ANY, s(5)));
        c.add(new Case("exp", x -> x[0].exp(), Domain.ANY, s(2, 3)));
        c.add(new Case("log", x -> x[0].log(), Domain.POSITIVE, s(2, 3)));
        c.add(new Case("sqrt", x -> x[0].sqrt(), Domain.POSITIVE, s(2, 3)));
        c.add(new Case("sin", x -> x[0].sin(), Domain.ANY, s(2, 3)));
        c.add(new Case("cos", x -> x[0].cos(), Domain.ANY, s(2, 3)));
        c.add(new Case("tanh", x -> x[0].tanh(), Domain.ANY, s(2, 3)));
        c.add(new Case("sigmoid", x -> x[0].sigmoid(), Domain.ANY, s(2, 3)));
        c.add(new Case("silu", x -> x[0].silu(), Domain.ANY, s(2, 3)));
        // Its gradient (fused silu') checked to second order reaches silu''' (fused silu'' and its backward).
        c.add(new Case("silu gradient", x -> Autograd.grad(x[0].silu().sum(), new Tensor[] {x[0]}, null, true)[0], Domain.ANY, s(2, 3)));
        c.add(new Case("abs", x -> x[0].abs(), Domain.AWAY_FROM_ZERO, s(2, 3)));
        c.add(new Case("abs * x (nonzero second derivative)", x -> x[0].abs().mul(x[0]), Domain.AWAY_FROM_ZERO, s(4)));
        c.add(new Case("matmul (3,4)(4,2)", x -> x[0].matmul(x[1]), Domain.ANY, s(3, 4), s(4, 2)));
        c.add(new Case("matmul batched (2,3,4)(2,4,2)", x -> x[0].matmul(x[1]), Domain.ANY, s(2, 3, 4), s(2, 4, 2)));
        c.add(new Case("matmul (2,3,4)(4,2)", x -> x[0].matmul(x[1]), Domain.ANY, s(2, 3, 4), s(4, 2)));
        c.add(new Case("matmul (3,4)(2,4,2)", x -> x[0].matmul(x[1]), Domain.ANY, s(3, 4), s(2, 4, 2)));
        // Products with transposed operands (what matmul's backward uses), checked to second order.
        c.add(new Case("matmul aᵀb", x -> LinearAlgebra.product(x[0], true, x[1], false), Domain.ANY, s(4, 3), s(4, 2)));
        c.add(new Case("matmul abᵀ", x -> LinearAlgebra.product(x[0], false, x[1], true), Domain.ANY, s(3, 4), s(2, 4)));
        c.add(new Case("matmul aᵀbᵀ", x -> LinearAlgebra.product(x[0], true, x[1], true), Domain.ANY, s(4, 3), s(2, 4)));
        c.add(new Case("matmul batched aᵀbᵀ", x -> LinearAlgebra.product(x[0], true, x[1], true), Domain.ANY, s(2, 4, 3), s(2, 2, 4)));
        c.add(new Case("transpose", x -> x[0].transpose(), Domain.ANY, s(2, 3, 4)));
        c.add(new Case("reshape", x -> x[0].reshape(3, -1), Domain.ANY, s(2, 3, 2)));
        c.add(new Case("permute", x -> x[0].permute(2, 0, 1), Domain.ANY, s(2, 3, 4)));
        c.add(new Case("unsqueeze", x -> x[0].unsqueeze(1), Domain.ANY, s(2, 3)));
        c.add(new Case("broadcastTo", x -> x[0].broadcastTo(2, 3, 4), Domain.ANY, s(3, 1)));
        c.add(new Case("sumTo", x -> x[0].sumTo(3, 1), Domain.ANY, s(2, 3, 4)));
        c.add(new Case("slice", x -> x[0].slice(1, 1, 3), Domain.ANY, s(2, 4, 2)));
        c.add(new Case("concat", x -> Tensor.concat(List.of(x[0], x[1], x[0]), 1), Domain.ANY, s(2, 2), s(2, 3)));
        c.add(new Case("split, one piece used", x -> x[0].split(0, 1, 2).get(1), Domain.ANY, s(3, 2)));
        c.add(new Case("split, pieces combined", x -> {
            List<Tensor> p = x[0].split(1, 2, 1, 2);
            return p.get(0).mul(p.get(2)).add(p.get(1).sin()).add(p.get(0).square());
        }, Domain.ANY, s(2, 5)));
        c.add(new Case("split of an intermediate, used twice", x -> {
            List<Tensor> p = x[0].tanh().split(0, 1, 1, 1);
            return p.get(0).mul(p.get(2)).mul(p.get(0)).add(x[0].slice(0, 1, 2));
        }, Domain.ANY, s(3, 2)));
        c.add(new Case("sum all", x -> x[0].sum(), Domain.ANY, s(2, 3)));
        c.add(new Case("sum axis 0", x -> x[0].sum(0), Domain.ANY, s(2, 3, 2)));
        c.add(new Case("sum axis 1", x -> x[0].sum(1), Domain.ANY, s(2, 3, 2)));
        c.add(new Case("sum axis -1", x -> x[0].sum(-1), Domain.ANY, s(2, 3, 2)));
        c.add(new Case("mean", x -> x[0].mean(), Domain.ANY, s(2, 3)));
        c.add(new Case("mean axis", x -> x[0].mean(1), Domain.ANY, s(2, 3)));
        c.add(new Case("indexSelect", x -> x[0].indexSelect(new int[] {2, 0, 2, 1, 2}), Domain.ANY, s(3, 2)));
        c.add(new Case("indexAdd", x -> x[0].indexAdd(new int[] {1, 0, 1, 3, 1}, 4), Domain.ANY, s(5, 2)));
        // Compositions with second derivatives that mix inputs.
        c.add(new Case("vector norm", x -> x[0].square().sum(1).sqrt(), Domain.AWAY_FROM_ZERO, s(4, 3)));
        c.add(new Case("outer product", x -> x[0].unsqueeze(1).mul(x[1].unsqueeze(0)), Domain.ANY, s(3), s(2)));
        c.add(new Case("silu MLP", x -> x[0].matmul(x[1]).silu().matmul(x[2]).tanh(), Domain.ANY, s(3, 2), s(2, 4), s(4, 2)));
        c.add(new Case("gather-mul-scatter", x -> x[0].indexSelect(new int[] {0, 1, 1, 2}).mul(x[1]).indexAdd(new int[] {1, 2, 0, 0}, 3).sin(),
                Domain.ANY, s(3, 2), s(4, 2)));
        return c;
    }

    private static Tensor[] inputs(Case c, Random rng) {
        Tensor[] in = new Tensor[c.shapes().length];
        for (int k = 0; k < in.length; k++) {
            Tensor t = Tensor.zeros(c.shapes()[k]);
            for (int i = 0; i < t.data.length; i++) t.data[i] = c.domain().draw(rng);
            in[k] = t.requireGrad();
        }
        return in;
    }

    @TestFactory
    Stream<DynamicTest> backwardMatchesFiniteDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            GradCheck.Report r = GradCheck.check(c.f(), inputs(c, new Random(c.name().hashCode())), STEP, RTOL, ATOL);
            GradCheck.assertPassed(c.name(), r);
            assertTrue(r.entries() > 0);
        }));
    }

    @TestFactory
    Stream<DynamicTest> doubleBackwardMatchesFiniteDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Random rng = new Random(31 * c.name().hashCode() + 7);
            GradCheck.Report r = GradCheck.checkSecondOrder(c.f(), inputs(c, rng), rng, STEP, RTOL, ATOL);
            GradCheck.assertPassed(c.name(), r);
            assertTrue(r.entries() > 0);
        }));
    }
}
