package md.forcefields.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * broadcastTo and its adjoint sumTo (block copies for one run of broadcast axes, an index map otherwise) against
 * NumPy's rule written out element by element: every shape pair gives those values bit for bit (sums in increasing
 * order of the broadcast element), and impossible broadcasts are refused.
 */
class BroadcastPatternsTest {
    private static final int[][][] PAIRS = {
            {{3, 1}, {3, 4}}, {{4}, {3, 4}}, {{1, 4}, {3, 4}}, {{}, {2, 3}}, {{1, 1}, {2, 3}},
            {{2, 1, 4}, {2, 3, 4}}, {{1, 1, 4}, {2, 3, 4}}, {{2, 1, 1}, {2, 3, 4}}, {{2, 3, 1}, {2, 3, 4}},
            {{1, 3, 1}, {2, 3, 4}}, {{3, 1}, {2, 3, 4}}, {{1}, {1, 5}}, {{5}, {1, 5}}, {{2, 1, 3, 1}, {2, 4, 3, 5}}};

    /** The element of {@code small} that element k of {@code big} comes from (NumPy broadcasting, small padded in front). */
    private static int source(int[] small, int[] big, int k) {
        int off = 0, stride = 1;
        for (int a = big.length - 1; a >= 0; a--) {
            int i = k % big[a];
            k /= big[a];
            int sa = a - (big.length - small.length);
            if (sa < 0) continue;
            if (small[sa] != 1) off += i * stride;
            stride *= small[sa];
        }
        return off;
    }

    @Test
    void broadcastAndSumToFollowNumpysRule() {
        Random rng = new Random(7);
        for (int[][] pair : PAIRS) {
            int[] small = pair[0], big = pair[1];
            Tensor x = Tensor.randn(rng, small), y = Tensor.randn(rng, big);
            double[] expected = new double[y.numel()], sums = new double[x.numel()];
            for (int k = 0; k < expected.length; k++) {
                expected[k] = x.data()[source(small, big, k)];
                sums[source(small, big, k)] += y.data()[k];
            }
            String what = java.util.Arrays.toString(small) + " <-> " + java.util.Arrays.toString(big);
            assertArrayEquals(expected, x.broadcastTo(big).data(), 0.0, "broadcastTo " + what);
            assertArrayEquals(sums, y.sumTo(small).data(), 0.0, "sumTo " + what);
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).broadcastTo(2, 4));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).broadcastTo(2, 1));
    }
}
