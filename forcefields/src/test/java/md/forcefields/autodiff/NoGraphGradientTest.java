package md.forcefields.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The shortcuts of a gradient without a graph (training's second backward pass): contributions summed in place
 * into arrays the walk owns, the fused silu backward, matrix products with a transposed operand read in place. The
 * recorded walk ({@code createGraph = true}) takes none of the in-place shortcuts, so the two must agree bit for bit;
 * the fused silu must agree with silu written in elementary ops, value and first and second derivatives.
 */
class NoGraphGradientTest {

    /** A scalar of x and w in which x, w and intermediates are used several times (sums of gradients), with views and splits. */
    private static Tensor network(Tensor x, Tensor w) {
        Tensor h = x.matmul(w);                       // (5, 4)
        Tensor a = h.silu();
        Tensor b = a.add(h).mul(h);                   // h used three times
        Tensor v = b.reshape(20).reshape(5, 4);       // views share b's array
        List<Tensor> parts = v.split(1, 1, 3);
        Tensor c = Tensor.concat(List.of(parts.get(1).tanh(), parts.get(0).mul(parts.get(0))), 1);
        Tensor d = c.add(c).add(x.matmul(w)).matmul(w.transpose()); // (5, 3): w used again, transposed
        return d.mul(d).sum().add(a.sum());
    }

    @Test
    void gradientsWithoutAGraphEqualTheRecordedOnesBitForBit() {
        Random rng = new Random(11);
        Tensor x = Tensor.randn(rng, 5, 3).requireGrad(), w = Tensor.randn(rng, 3, 4).requireGrad();
        // first order: no graph vs graph
        Tensor[] plain = Autograd.grad(network(x, w), new Tensor[] {x, w}, null, false);
        Tensor[] recorded = Autograd.grad(network(x, w), new Tensor[] {x, w}, null, true);
        for (int i = 0; i < 2; i++) assertArrayEquals(recorded[i].data(), plain[i].data(), 0.0, "first derivative " + i);
        // second order (as training: the gradient of a function of a gradient), no graph vs graph
        Tensor[] g = Autograd.grad(network(x, w), new Tensor[] {x}, null, true);
        Tensor loss = g[0].mul(g[0]).sum();
        double[] lossBefore = loss.data().clone(), gBefore = g[0].data().clone();
        Tensor[] second = Autograd.grad(loss, new Tensor[] {x, w}, null, false);
        Tensor[] secondRecorded = Autograd.grad(loss, new Tensor[] {x, w}, null, true);
        for (int i = 0; i < 2; i++) assertArrayEquals(secondRecorded[i].data(), second[i].data(), 0.0, "second derivative " + i);
        // and the in-place sums wrote into nothing the graph holds: the walk again gives the same, the values are unchanged
        Tensor[] again = Autograd.grad(loss, new Tensor[] {x, w}, null, false);
        for (int i = 0; i < 2; i++) assertArrayEquals(second[i].data(), again[i].data(), 0.0, "repeated " + i);
        assertArrayEquals(lossBefore, loss.data(), 0.0);
        assertArrayEquals(gBefore, g[0].data(), 0.0);
    }

    /** silu in elementary ops: x·σ(x). */
    private static Tensor siluReference(Tensor x) { return x.mul(x.sigmoid()); }

    @Test
    void fusedSiluMatchesElementaryOpsToSecondOrder() {
        Random rng = new Random(12);
        Tensor x = Tensor.randn(rng, 4, 6).mul(3.0).detach().requireGrad(), v = Tensor.randn(rng, 4, 6);
        assertArrayEquals(siluReference(x).data(), x.silu().data(), 1e-15);
        for (boolean graph : new boolean[] {false, true}) {
            // first derivative, g·silu'(x), with an arbitrary cotangent v
            Tensor d = Autograd.grad(x.silu(), new Tensor[] {x}, v, graph)[0], dRef = Autograd.grad(siluReference(x), new Tensor[] {x}, v, graph)[0];
            assertClose(dRef, d, "silu' (graph " + graph + ")");
        }
        // second derivatives, through the fused backward, with respect to x and to the cotangent
        Tensor u = v.detach().requireGrad(), z = Tensor.randn(rng, 4, 6);
        Tensor[] dd = Autograd.grad(Autograd.grad(x.silu(), new Tensor[] {x}, u, true)[0].mul(z).sum(), x, u);
        Tensor[] ddRef = Autograd.grad(Autograd.grad(siluReference(x), new Tensor[] {x}, u, true)[0].mul(z).sum(), x, u);
        assertClose(ddRef[0], dd[0], "d/dx of silu'·u");
        assertClose(ddRef[1], dd[1], "d/du of silu'·u");
        // third derivative (fused silu'' then silu''' in elementary ops)
        Tensor g2 = Autograd.grad(Autograd.grad(x.silu().sum(), new Tensor[] {x}, null, true)[0].sum(), new Tensor[] {x}, null, true)[0];
        Tensor g2Ref = Autograd.grad(Autograd.grad(siluReference(x).sum(), new Tensor[] {x}, null, true)[0].sum(), new Tensor[] {x}, null, true)[0];
        assertClose(g2Ref, g2, "silu''");
        assertClose(Autograd.grad(g2Ref.sum(), x)[0], Autograd.grad(g2.sum(), x)[0], "silu'''");
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.numel(); i++)
            assertEquals(expected.data()[i], actual.data()[i], 1e-13 * (1 + Math.abs(expected.data()[i])), what + " [" + i + "]");
    }
}
