package md.forcefields.backend;

import java.util.ArrayList;
import java.util.List;

import md.forcefields.e3nn.Activation;
import md.forcefields.e3nn.Gate;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.TensorProductUvu;
import md.forcefields.e3nn.Wigner3j;

/**
 * The integer and real tables the device kernels read, derived from the e3nn module descriptions
 * (layouts as documented in the kernel sources: {@code convolution.cl}, {@code gate.cl},
 * {@code geometry.cl}).
 */
final class KernelTables {
    private KernelTables() {}

    static final int PATH_FIELDS = 11, SEG_FIELDS = 11;

    static int activationKind(Activation a) {
        return switch (a) {
            case SILU -> 0;
            case TANH -> 1;
        };
    }

    /** Tables of a channel-wise tensor product. */
    record TensorProduct(int numel, int paths, int[] path, double[] pathWeight, int[] chanPath,
                         int[] abc, double[] value, int inputChannels, int[] xchan, int[] blockPathStart, int[] blockPaths) {}

    static TensorProduct tensorProduct(TensorProductUvu tp) {
        Irreps in1 = tp.irrepsIn1(), in2 = tp.irrepsIn2(), out = tp.irrepsOut();
        List<TensorProductUvu.Instruction> ins = tp.instructions();
        int numel = tp.weightsRead();
        int[] path = new int[PATH_FIELDS * ins.size()];
        double[] pw = new double[ins.size()];
        int[] chanPath = new int[numel];
        java.util.Arrays.fill(chanPath, -1);
        int nnz = ins.stream().mapToInt(p -> p.value().length).sum();
        int[] abc = new int[3 * nnz];
        double[] val = new double[nnz];
        int k = 0;
        for (int n = 0; n < ins.size(); n++) {
            TensorProductUvu.Instruction p = ins.get(n);
            int mul = in1.mul(p.i1());
            int[] f = {in1.ir(p.i1()).dim(), p.irOut().dim(), mul, in1.offset(p.i1()), in2.offset(p.i2()),
                    out.offset(p.outBlock()), out.mul(p.outBlock()), p.outChannelOffset(), p.weightOffset(), k, p.value().length};
            System.arraycopy(f, 0, path, PATH_FIELDS * n, PATH_FIELDS);
            pw[n] = p.pathWeight();
            for (int u = 0; u < mul; u++) chanPath[p.weightOffset() + u] = n;
            for (int t = 0; t < p.value().length; t++, k++) {
                abc[3 * k] = p.a()[t]; abc[3 * k + 1] = p.b()[t]; abc[3 * k + 2] = p.c()[t];
                val[k] = p.value()[t];
            }
        }
        int channels = 0;
        for (int b = 0; b < in1.size(); b++) channels += in1.mul(b);
        int[] xchan = new int[5 * channels];
        int t = 0;
        for (int b = 0; b < in1.size(); b++)
            for (int u = 0; u < in1.mul(b); u++, t++) {
                int[] f = {in1.ir(b).dim(), in1.mul(b), in1.offset(b), u, b};
                System.arraycopy(f, 0, xchan, 5 * t, 5);
            }
        int[] start = new int[in1.size() + 1];
        List<Integer> list = new ArrayList<>();
        for (int b = 0; b < in1.size(); b++) {
            start[b] = list.size();
            for (int n = 0; n < ins.size(); n++) if (ins.get(n).i1() == b) list.add(n);
        }
        start[in1.size()] = list.size();
        return new TensorProduct(numel, ins.size(), path, pw, chanPath, abc, val, channels, xchan, start,
                list.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Tables of a gate: segments, activation norms, channel → segment, first channel of each segment. */
    record GateTable(int[] segments, double[] norms, int[] chanSeg, int[] segChan0, int channels) {}

    static GateTable gate(Gate gate) {
        Irreps s = gate.irrepsScalars(), v = gate.irrepsGated(), in = gate.irrepsIn(), out = gate.irrepsOut();
        // where each input block sits in the sorted, simplified input comes from the Gate itself
        int ns = s.size(), segs = ns + v.size();
        int[] seg = new int[SEG_FIELDS * segs];
        double[] norms = new double[segs];
        int[] chan0 = new int[segs];
        List<Integer> chanSeg = new ArrayList<>();
        for (int k = 0; k < segs; k++) {
            boolean scalar = k < ns;
            Gate.Source ps = scalar ? gate.scalarSource(k) : gate.gateSource(k - ns);
            Gate.Source pv = scalar ? null : gate.gatedSource(k - ns);
            Activation act = scalar ? gate.actScalars().get(k) : gate.actGates().get(k - ns);
            int mul = scalar ? s.mul(k) : v.mul(k - ns);
            int[] f = {scalar ? 0 : 1, scalar ? 1 : v.ir(k - ns).dim(), mul, activationKind(act),
                    in.offset(ps.block()), in.mul(ps.block()), ps.channelOffset(),
                    pv == null ? 0 : in.offset(pv.block()), pv == null ? 0 : in.mul(pv.block()), pv == null ? 0 : pv.channelOffset(),
                    out.offset(k)};
            System.arraycopy(f, 0, seg, SEG_FIELDS * k, SEG_FIELDS);
            norms[k] = act.normalization();
            chan0[k] = chanSeg.size();
            for (int u = 0; u < mul; u++) chanSeg.add(k);
        }
        return new GateTable(seg, norms, chanSeg.stream().mapToInt(Integer::intValue).toArray(), chan0, chanSeg.size());
    }

    /**
     * The recursion Y^{l+1}_c = Σ coef·Y^l_a·u_b of {@link md.forcefields.e3nn.SphericalHarmonics}:
     * {@code start[l] … start[l+1]} are the entries for l → l+1 (l ≥ 1), abc triples and coefficients
     * scaled by k_l so that |Y^{l+1}|² = 2l+3 on the unit sphere.
     */
    record ShTable(int[] start, int[] abc, double[] coef) {}

    static ShTable sphericalHarmonics(int lmax) {
        int[] start = new int[Math.max(lmax, 1) + 1];
        List<int[]> e = new ArrayList<>();
        List<Double> coef = new ArrayList<>();
        for (int l = 1; l < lmax; l++) {
            start[l] = e.size();
            double[] c = Wigner3j.get(l, 1, l + 1);
            int d3 = 2 * l + 3;
            for (int a = 0; a < 2 * l + 1; a++)
                for (int b = 0; b < 3; b++)
                    for (int cc = 0; cc < d3; cc++) {
                        double x = c[(a * 3 + b) * d3 + cc];
                        if (x == 0) continue;
                        e.add(new int[] {a, b, cc});
                        coef.add(x);
                    }
        }
        for (int l = Math.max(lmax, 1); l < start.length; l++) start[l] = e.size();
        int[] abc = new int[3 * e.size()];
        double[] w = new double[e.size()];
        for (int k = 0; k < w.length; k++) { System.arraycopy(e.get(k), 0, abc, 3 * k, 3); w[k] = coef.get(k); }
        // normalise level by level at one direction, as SphericalHarmonics does (the norm is constant on the sphere)
        double[] u = {0.36, -0.48, 0.8};
        double[] y = new double[(lmax + 1) * (lmax + 1)];
        y[0] = 1;
        if (lmax >= 1) for (int c = 0; c < 3; c++) y[1 + c] = Math.sqrt(3) * u[c];
        for (int l = 1; l < lmax; l++) {
            int in = l * l, out = (l + 1) * (l + 1);
            for (int k = start[l]; k < start[l + 1]; k++) y[out + abc[3 * k + 2]] += w[k] * y[in + abc[3 * k]] * u[abc[3 * k + 1]];
            double s = 0;
            for (int c = 0; c < 2 * l + 3; c++) s += y[out + c] * y[out + c];
            double kl = Math.sqrt((2 * l + 3) / s);
            for (int k = start[l]; k < start[l + 1]; k++) w[k] *= kl;
            for (int c = 0; c < 2 * l + 3; c++) y[out + c] *= kl;
        }
        return new ShTable(start, abc, w);
    }
}
