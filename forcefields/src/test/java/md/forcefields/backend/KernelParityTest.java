package md.forcefields.backend;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import md.core.Cell;
import md.forcefields.NeighborList;
import md.forcefields.backend.KernelBackend.RealBuffer;
import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.FullyConnectedTensorProduct;
import md.forcefields.e3nn.Gate;
import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.Linear;
import md.forcefields.e3nn.TensorProductUvu;

/**
 * Every kernel of each device backend against the Java backend (which calls the e3nn classes) on the
 * same random inputs, float64. The differences allowed are rounding: summation order and fused
 * multiply-adds differ between the device and the JVM, so agreement is asked to 1e-12 relative to
 * the size of the values (the inputs are O(1)).
 */
class KernelParityTest {
    static final double TOL = 1e-12;

    /** The same computation on the Java backend and the device, with helpers to mirror buffers. */
    static final class Twin {
        final KernelBackend java = new JavaBackend(), dev;
        final Random rnd;
        Twin(KernelBackend dev, long seed) { this.dev = dev; this.rnd = new Random(seed); }

        RealBuffer[] random(int n) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) a[i] = rnd.nextGaussian();
            return of(a);
        }

        RealBuffer[] of(double[] a) {
            RealBuffer j = java.reals(a.length), d = dev.reals(a.length);
            java.write(j, a, a.length);
            dev.write(d, a, a.length);
            return new RealBuffer[] {j, d};
        }

        RealBuffer[] zeros(int n) { return new RealBuffer[] {java.reals(n), dev.reals(n)}; }

        EdgeGraph[] graph(HostGraph h) {
            EdgeGraph a = new EdgeGraph(java), b = new EdgeGraph(dev);
            a.upload(h);
            b.upload(h);
            return new EdgeGraph[] {a, b};
        }

        /** max |java − device| over n entries, asserted ≤ TOL·max(1, max|java|). */
        double check(String what, RealBuffer[] b, int n) {
            double[] x = new double[n], y = new double[n];
            java.read(b[0], x, n);
            dev.read(b[1], y, n);
            double diff = 0, scale = 1;
            for (int i = 0; i < n; i++) {
                assertFalse(Double.isNaN(y[i]), what + ": NaN at " + i);
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
                scale = Math.max(scale, Math.abs(x[i]));
            }
            assertTrue(diff <= TOL * scale, what + ": max |java - " + dev.name() + "| = " + diff + " (scale " + scale + ")");
            return diff;
        }
    }

    /** Random atoms in a 6 Å box with all pairs listed: some pairs lie beyond r_max = 3.5 Å (dead). */
    static HostGraph randomGraph(Random rnd, int atoms, double[] positions) {
        for (int i = 0; i < positions.length; i++) positions[i] = 6 * rnd.nextDouble();
        NeighborList nl = NeighborList.allPairs(atoms, 9);
        return new HostGraph(List.of(new HostGraph.Part(atoms, positions, nl)), 0);
    }

    static final double R_MAX = 3.5;

    @ParameterizedTest @ValueSource(strings = {"opencl", "cuda"})
    void geometryHarmonicsAndForces(String name) {
        Twin t = new Twin(DeviceBackends.require(name), 1);
        int atoms = 9;
        double[] pos = new double[3 * atoms];
        HostGraph h = randomGraph(t.rnd, atoms, pos);
        assertTrue(h.pairs > 0);
        EdgeGraph[] g = t.graph(h);
        RadialBasis basis = new RadialBasis(R_MAX, 6, new double[] {3.1, 6.4, 9.2, 12.7, 15.9, 19.0, 22.3, 25.1});
        int nb = basis.size(), p = h.pairs, e = h.edges;
        RealBuffer[] x = t.of(pos), vec = t.zeros(3 * p), len = t.zeros(p), emb = t.zeros(p * nb), dr = t.zeros(p * nb);
        t.java.pairGeometry(g[0], x[0], basis, vec[0], len[0], emb[0], dr[0]);
        t.dev.pairGeometry(g[1], x[1], basis, vec[1], len[1], emb[1], dr[1]);
        t.check("pair vectors", vec, 3 * p);
        t.check("pair lengths", len, p);
        t.check("radial embedding", emb, p * nb);
        t.check("radial embedding d/dr", dr, p * nb);
        for (int lmax = 0; lmax <= 4; lmax++) {
            int dim = (lmax + 1) * (lmax + 1);
            RealBuffer[] y = t.zeros(e * dim), yg = t.zeros(3 * e * dim);
            t.java.sphericalHarmonics(g[0], lmax, R_MAX, vec[0], len[0], y[0], yg[0]);
            t.dev.sphericalHarmonics(g[1], lmax, R_MAX, vec[1], len[1], y[1], yg[1]);
            t.check("spherical harmonics l<=" + lmax, y, e * dim);
            t.check("spherical harmonics gradient l<=" + lmax, yg, 3 * e * dim);
            if (lmax != 2) continue;
            RealBuffer[] dEmb = t.random(p * nb), dY = t.random(e * dim), scratch = t.zeros(3 * p), f = t.zeros(3 * atoms), w = t.zeros(9 * atoms);
            t.java.forces(g[0], nb, dim, R_MAX, vec[0], len[0], dEmb[0], dr[0], dY[0], yg[0], scratch[0], f[0], w[0]);
            t.dev.forces(g[1], nb, dim, R_MAX, vec[1], len[1], dEmb[1], dr[1], dY[1], yg[1], scratch[1], f[1], w[1]);
            t.check("forces", f, 3 * atoms);
            t.check("per-atom virial", w, 9 * atoms);
        }
    }

    @ParameterizedTest @ValueSource(strings = {"opencl", "cuda"})
    void linearLayers(String name) {
        Twin t = new Twin(DeviceBackends.require(name), 2);
        Irreps in = Irreps.parse("5x0e+3x1o+4x2e+2x0e"), out = Irreps.parse("4x0e+6x1o+3x2e+2x1e");
        Linear lin = new Linear(in, out);
        double[] w = new double[lin.weightNumel()];
        for (int i = 0; i < w.length; i++) w[i] = t.rnd.nextGaussian();
        var kj = t.java.linear(lin, w);
        var kd = t.dev.linear(lin, w);
        int rows = 13;
        RealBuffer[] x = t.random(rows * in.dim()), y = t.zeros(rows * out.dim());
        kj.forward(x[0], y[0], rows);
        kd.forward(x[1], y[1], rows);
        t.check("linear forward", y, rows * out.dim());
        RealBuffer[] dy = t.random(rows * out.dim()), dx = t.random(rows * in.dim());
        kj.backward(dy[0], dx[0], rows, true);
        kd.backward(dy[1], dx[1], rows, true);
        t.check("linear backward (accumulate)", dx, rows * in.dim());
        kj.backward(dy[0], dx[0], rows, false);
        kd.backward(dy[1], dx[1], rows, false);
        t.check("linear backward", dx, rows * in.dim());
    }

    @ParameterizedTest @ValueSource(strings = {"opencl", "cuda"})
    void radialMlp(String name) {
        Twin t = new Twin(DeviceBackends.require(name), 3);
        int[] sizes = {8, 16, 12, 37};
        for (Activation act : Activation.values()) {
            List<double[]> ws = new ArrayList<>();
            for (int l = 0; l + 1 < sizes.length; l++) {
                double[] w = new double[sizes[l] * sizes[l + 1]];
                for (int i = 0; i < w.length; i++) w[i] = t.rnd.nextGaussian();
                ws.add(w);
            }
            var kj = t.java.radialMlp(sizes, ws, act);
            var kd = t.dev.radialMlp(sizes, ws, act);
            int rows = 11;
            RealBuffer[] x = t.random(rows * sizes[0]), out = t.zeros(rows * sizes[3]);
            RealBuffer[][] pre = {t.zeros(rows * 16), t.zeros(rows * 12)}, post = {t.zeros(rows * 16), t.zeros(rows * 12)};
            RealBuffer[][] scratch = {t.zeros(rows * 16), t.zeros(rows * 16)};
            kj.forward(x[0], rows, new RealBuffer[] {pre[0][0], pre[1][0]}, new RealBuffer[] {post[0][0], post[1][0]}, out[0]);
            kd.forward(x[1], rows, new RealBuffer[] {pre[0][1], pre[1][1]}, new RealBuffer[] {post[0][1], post[1][1]}, out[1]);
            t.check("mlp " + act + " forward", out, rows * sizes[3]);
            t.check("mlp " + act + " pre-activations", pre[1], rows * 12);
            RealBuffer[] dOut = t.random(rows * sizes[3]), dx = t.zeros(rows * sizes[0]);
            kj.backward(new RealBuffer[] {pre[0][0], pre[1][0]}, dOut[0], rows, new RealBuffer[] {scratch[0][0], scratch[1][0]}, dx[0]);
            kd.backward(new RealBuffer[] {pre[0][1], pre[1][1]}, dOut[1], rows, new RealBuffer[] {scratch[0][1], scratch[1][1]}, dx[1]);
            t.check("mlp " + act + " backward", dx, rows * sizes[0]);
        }
    }

    @ParameterizedTest @ValueSource(strings = {"opencl", "cuda"})
    void selfConnectionAndGate(String name) {
        Twin t = new Twin(DeviceBackends.require(name), 4);
        Irreps in = Irreps.parse("6x0e+4x1o+3x2e"), out = Irreps.parse("10x0e+5x1o+2x2e+3x0o");
        FullyConnectedTensorProduct sc = new FullyConnectedTensorProduct(in, Irreps.parse("3x0e"), out);
        double[] w = new double[sc.weightNumel()];
        for (int i = 0; i < w.length; i++) w[i] = t.rnd.nextGaussian();
        int rows = 10;
        double[] oneHot = new double[rows * 3];
        for (int r = 0; r < rows; r++) oneHot[r * 3 + t.rnd.nextInt(3)] = 1;
        RealBuffer[] attrs = t.of(oneHot), x = t.random(rows * in.dim()), y = t.random(rows * out.dim());
        var kj = t.java.selfConnection(sc, w);
        var kd = t.dev.selfConnection(sc, w);
        kj.forward(x[0], attrs[0], y[0], rows);
        kd.forward(x[1], attrs[1], y[1], rows);
        t.check("self-connection forward", y, rows * out.dim());
        RealBuffer[] dy = t.random(rows * out.dim()), dx = t.random(rows * in.dim());
        kj.backward(attrs[0], dy[0], dx[0], rows);
        kd.backward(attrs[1], dy[1], dx[1], rows);
        t.check("self-connection backward", dx, rows * in.dim());

        // a gate with even and odd scalars, even and odd gates, several gated blocks
        Gate gate = new Gate(Irreps.parse("4x0e+3x0o"), List.of(Activation.SILU, Activation.TANH),
                Irreps.parse("2x0e+3x0o+2x0e"), List.of(Activation.SILU, Activation.TANH, Activation.SILU),
                Irreps.parse("2x1o+3x2e+2x1e"));
        int gi = gate.irrepsIn().dim(), go = gate.irrepsOut().dim();
        var gj = t.java.gate(gate);
        var gd = t.dev.gate(gate);
        RealBuffer[] gx = t.random(rows * gi), gout = t.zeros(rows * go);
        gj.forward(gx[0], gout[0], rows);
        gd.forward(gx[1], gout[1], rows);
        t.check("gate forward", gout, rows * go);
        RealBuffer[] gdo = t.random(rows * go), gdx = t.random(rows * gi);
        gj.backward(gx[0], gdo[0], gdx[0], rows);
        gd.backward(gx[1], gdo[1], gdx[1], rows);
        t.check("gate backward", gdx, rows * gi);
    }

    @ParameterizedTest @ValueSource(strings = {"opencl", "cuda"})
    void convolution(String name) {
        Twin t = new Twin(DeviceBackends.require(name), 5);
        int atoms = 8, lmax = 3, dim = 16;
        double[] pos = new double[3 * atoms];
        HostGraph h = randomGraph(t.rnd, atoms, pos);
        EdgeGraph[] g = t.graph(h);
        Irreps in1 = Irreps.parse("5x0e+4x1o+3x2e+2x1e+2x3o"), sh = Irreps.sphericalHarmonics(lmax, true);
        TensorProductUvu full = new TensorProductUvu(in1, sh, ir -> ir.l() <= 2);
        // the restricted, compacted product of a last layer, and one restricted without compaction
        TensorProductUvu last = full.restrictedToOutputs(ir -> ir.equals(Irrep.SCALAR) || ir.l() == 1).compacted();
        TensorProductUvu holes = full.restrictedToOutputs(ir -> ir.l() != 1);
        for (TensorProductUvu tp : List.of(full, last, holes)) {
            String what = "convolution " + (tp == full ? "full" : tp == last ? "restricted+compacted" : "restricted") + " ";
            int numel = tp.weightsRead(), dIn = in1.dim(), dOut = tp.irrepsOut().dim();
            var kj = t.java.convolution(tp, dim);
            var kd = t.dev.convolution(tp, dim);
            assertEquals(numel, kd.weightsPerPair());
            RealBuffer[] x1 = t.random(atoms * dIn), y = t.random(h.edges * dim), w = t.random(h.pairs * numel);
            RealBuffer[] out = t.random(atoms * dOut);
            kj.forward(g[0], x1[0], y[0], w[0], 0.37, out[0]);
            kd.forward(g[1], x1[1], y[1], w[1], 0.37, out[1]);
            t.check(what + "forward", out, atoms * dOut);
            RealBuffer[] dOutB = t.random(atoms * dOut), dx1 = t.random(atoms * dIn), dY = t.random(h.edges * dim), dw = t.random(h.pairs * numel);
            kj.backward(g[0], x1[0], y[0], w[0], 0.37, dOutB[0], dx1[0], dY[0], dw[0]);
            kd.backward(g[1], x1[1], y[1], w[1], 0.37, dOutB[1], dx1[1], dY[1], dw[1]);
            t.check(what + "d/dx1", dx1, atoms * dIn);
            t.check(what + "d/dY (accumulated)", dY, h.edges * dim);
            t.check(what + "d/dw", dw, h.pairs * numel);
        }
    }

    @ParameterizedTest @ValueSource(strings = {"opencl", "cuda"})
    void graphOfSeveralSystemsWithPeriodicImages(String name) {
        // two replicas, the second periodic with images: forces of a random gradient through the gather
        Twin t = new Twin(DeviceBackends.require(name), 6);
        Cell.class.getName();
        NeighborList a = NeighborList.allPairs(4, 9), b = new NeighborList();
        b.set(new int[] {0, 0, 1, 2}, new int[] {1, 0, 2, 2}, new double[] {0, 0, 0, 3, 0, 0, 0, 0, 3, 0, 3, 0}, 4, 9);
        double[] pa = new double[12], pb = new double[9];
        for (int i = 0; i < 12; i++) pa[i] = 2 * t.rnd.nextDouble();
        for (int i = 0; i < 9; i++) pb[i] = 3 * t.rnd.nextDouble();
        HostGraph h = new HostGraph(List.of(new HostGraph.Part(4, pa, a), new HostGraph.Part(3, pb, b)), 0);
        assertEquals(7, h.nodes);
        assertEquals(10, h.pairs);
        EdgeGraph[] g = t.graph(h);
        double[] pos = new double[21];
        System.arraycopy(pa, 0, pos, 0, 12);
        System.arraycopy(pb, 0, pos, 12, 9);
        RadialBasis basis = new RadialBasis(R_MAX, 6, new double[] {Math.PI, 2 * Math.PI, 3 * Math.PI});
        RealBuffer[] x = t.of(pos), vec = t.zeros(30), len = t.zeros(10), emb = t.zeros(30), dr = t.zeros(30);
        t.java.pairGeometry(g[0], x[0], basis, vec[0], len[0], emb[0], dr[0]);
        t.dev.pairGeometry(g[1], x[1], basis, vec[1], len[1], emb[1], dr[1]);
        t.check("pair vectors with shifts", vec, 30);
        RealBuffer[] y = t.zeros(20 * 4), yg = t.zeros(60 * 4);
        t.java.sphericalHarmonics(g[0], 1, R_MAX, vec[0], len[0], y[0], yg[0]);
        t.dev.sphericalHarmonics(g[1], 1, R_MAX, vec[1], len[1], y[1], yg[1]);
        RealBuffer[] dEmb = t.random(30), dY = t.random(80), s = t.zeros(30), f = t.zeros(21);
        t.java.forces(g[0], 3, 4, R_MAX, vec[0], len[0], dEmb[0], dr[0], dY[0], yg[0], s[0], f[0], null);
        t.dev.forces(g[1], 3, 4, R_MAX, vec[1], len[1], dEmb[1], dr[1], dY[1], yg[1], s[1], f[1], null);
        t.check("forces of two systems", f, 21);
    }
}
