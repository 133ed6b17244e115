package md.forcefields.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import md.forcefields.autodiff.Tensor;

import org.junit.jupiter.api.Test;

/**
 * Optimiser, schedules, EMA, clipping and NaN skipping against values worked out by hand from the
 * published update rules (PyTorch's Adam/AdamW/AMSGrad, ReduceLROnPlateau, torch_ema, clip_grad_norm_).
 */
class TrainingBlocksTest {

    /** Runs Adam on one scalar parameter θ0 = 1 with the given gradient sequence; returns θ after each step. */
    private static double[] run(Adam.Options o, double... grads) {
        Tensor theta = Tensor.vector(1.0).requireGrad();
        Adam adam = new Adam(List.of(theta), o);
        double[] out = new double[grads.length];
        for (int t = 0; t < grads.length; t++) {
            adam.step(new Tensor[] {Tensor.vector(grads[t])});
            out[t] = theta.data()[0];
        }
        return out;
    }

    @Test
    void adamMatchesHandComputedSteps() {
        // lr 0.1, betas (0.9, 0.999), eps 1e-8; g = 2 then −1.
        // step 1: m̂ = 2, v̂ = 4 → θ = 1 − 0.1·2/(2 + 1e-8) = 0.9000000005
        // step 2: m = 0.08, v = 0.004996; m̂ = 0.08/0.19, v̂ = 0.004996/0.001999 → θ = 0.8733662967024315
        assertArrayEquals(new double[] {0.9000000005, 0.8733662967024315}, run(Adam.Options.adam(0.1), 2, -1), 1e-15);
    }

    @Test
    void amsgradUsesTheLargestSecondMoment() {
        // betas (0.9, 0.5), g = 2 then 0.1: v1 = 2, v2 = 1.005 < v1, so AMSGrad divides by √(2/0.75).
        Adam.Options ams = new Adam.Options(0.1, 0.9, 0.5, 1e-8, 0, false, true);
        assertArrayEquals(new double[] {0.9000000005, 0.8387627573054205}, run(ams, 2, 0.1), 1e-15);
        assertArrayEquals(new double[] {0.9000000005, 0.8136131586881326}, run(ams.withAmsgrad(false), 2, 0.1), 1e-15);
    }

    @Test
    void adamWDecaysWeightsDecoupledAndAdamAddsTheDecayToTheGradient() {
        // AdamW: θ = 1·(1 − 0.1·0.1) = 0.99, then − 0.1·2/(2 + 1e-8).
        assertEquals(0.8900000004999999, run(Adam.Options.adam(0.1).withWeightDecay(0.1, true), 2)[0], 1e-15);
        // Adam + L2: g = 2 + 0.1·1 = 2.1, θ = 1 − 0.1·2.1/(2.1 + 1e-8).
        assertEquals(0.9000000004761904, run(Adam.Options.adam(0.1).withWeightDecay(0.1, false), 2)[0], 1e-15);
    }

    @Test
    void linearWarmupRampsThenHolds() {
        LinearWarmup w = new LinearWarmup(4);
        double[] got = new double[6];
        for (int s = 1; s <= 6; s++) got[s - 1] = w.rate(0.01, s);
        assertArrayEquals(new double[] {0.0025, 0.005, 0.0075, 0.01, 0.01, 0.01}, got, 1e-18);
        assertEquals(0.01, new LinearWarmup(0).rate(0.01, 1));
    }

    @Test
    void reduceOnPlateauHalvesAfterPatienceWithCooldownAndFloor() {
        ReduceLrOnPlateau p = new ReduceLrOnPlateau(0.5, 2, 0.1, 1, 0.2);
        double lr = 1.0;
        // best 10; 9.5, 9.2, 9.1 are not below 10·0.9 = 9 → third bad evaluation exceeds patience 2.
        double[] metrics = {10, 9.5, 9.2, 9.1, 9.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0};
        double[] expected = {1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2};
        // 9.0 (cooldown: its bad count is discarded); 8.0 improves (best 8); then 3 bad → 0.25, cooldown 1,
        // the next bad one is discarded, 3 more bad → 0.125 floored at 0.2.
        for (int k = 0; k < metrics.length; k++) {
            lr = p.step(metrics[k], lr);
            assertEquals(expected[k], lr, 0, "after evaluation " + k);
        }
    }

    @Test
    void emaFollowsTheRecursionWithAndWithoutDecayWarmUp() {
        Tensor w = Tensor.vector(0.0).requireGrad();
        ExponentialMovingAverage plain = new ExponentialMovingAverage(List.of(w), 0.99, false);
        ExponentialMovingAverage warm = new ExponentialMovingAverage(List.of(w), 0.99, true);
        w.data()[0] = 1;
        plain.update();
        warm.update(); // decay min(0.99, 2/11)
        w.data()[0] = 2;
        plain.update();
        warm.update(); // decay min(0.99, 3/12)
        assertEquals(0.99 * 0.01 + 0.01 * 2, plain.average(0)[0], 1e-15);
        assertEquals(0.25 * (9.0 / 11.0) + 0.75 * 2, warm.average(0)[0], 1e-15);
        plain.swap();
        assertEquals(0.0299, w.data()[0], 1e-15);
        plain.swap();
        assertEquals(2.0, w.data()[0]);
    }

    @Test
    void clippingScalesToTheMaximumNormOnlyWhenAbove() {
        Tensor[] g = {Tensor.vector(3, 4), Tensor.vector(12)};
        assertEquals(13.0, GradientClipping.clipByNorm(g, 20), 0);
        assertArrayEquals(new double[] {3, 4}, g[0].data());
        assertEquals(13.0, GradientClipping.clipByNorm(g, 6.5), 0);
        double c = 6.5 / (13 + 1e-6);
        assertArrayEquals(new double[] {3 * c, 4 * c}, g[0].data(), 1e-15);
        assertArrayEquals(new double[] {12 * c}, g[1].data(), 1e-15);
    }

    @Test
    void nonFiniteLossOrGradientSkipsTheStepAndChangesNothing() {
        Tensor w = Tensor.vector(0.0, 2.0).requireGrad();
        Adam adam = new Adam(List.of(w), Adam.Options.adam(0.1));
        ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(w), 0.9, false);
        TrainingStep step = new TrainingStep(List.of(w), adam, new LinearWarmup(2), ema, 1.0);

        TrainingStep.Result nan = step.run(() -> w.log().sum()); // log 0 = −∞
        assertTrue(nan.skipped());
        TrainingStep.Result infGrad = step.run(() -> w.sqrt().sum()); // finite loss, ∂√w/∂w = ∞ at 0
        assertTrue(infGrad.skipped());
        assertArrayEquals(new double[] {0.0, 2.0}, w.data());
        assertArrayEquals(new double[] {0.0, 2.0}, ema.average(0));
        assertEquals(0, adam.steps());
        assertEquals(2, step.skippedSteps());

        // A good step: loss Σ (w − 1)², gradient (−2, 2), norm √8 clipped to 1; warm-up rate 0.1·1/2.
        TrainingStep.Result ok = step.run(() -> w.add(-1.0).square().sum());
        assertFalse(ok.skipped());
        assertEquals(Math.sqrt(8), ok.gradientNorm(), 1e-15);
        assertEquals(0.05, ok.learningRate(), 0);
        // First Adam step moves each weight by lr·ĝ/(|ĝ| + eps) whatever the clipping scale.
        double g = 2 / (Math.sqrt(8) + 1e-6);
        assertEquals(0.0 + 0.05 * g / (g + 1e-8), w.data()[0], 1e-15);
        assertEquals(2.0 - 0.05 * g / (g + 1e-8), w.data()[1], 1e-15);
        assertEquals(0.1 * w.data()[0], ema.average(0)[0], 1e-15);
    }
}
