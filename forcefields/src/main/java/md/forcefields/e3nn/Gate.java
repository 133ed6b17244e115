package md.forcefields.e3nn;

import java.util.ArrayList;
import java.util.List;

/**
 * e3nn 0.5's {@code nn.Gate(irreps_scalars, act_scalars, irreps_gates, act_gates, irreps_gated)}.
 *
 * <p>Input irreps = stable sort of (scalars + gates + gated), simplified; so the 0e block holds the
 * scalar channels first, then the gates (gate block k belongs to gated block k). Output = [act(S) in S
 * order] then [V_k · act(Γ_k) in V order] (not sorted). Each of the 2l+1 components of gated channel u
 * is multiplied by act(gate u). Features in the batched {@link Layout}.
 */
public final class Gate {

    /** Where one block of S, Γ or V sits in the input: block of {@link #irrepsIn()} and channel offset. */
    /** Where an input irrep sits in the sorted, simplified input: block of irrepsIn and channel offset in it. */
    public record Source(int block, int channelOffset, int mul, int dim) {}

    private final Irreps irrepsIn, irrepsOut, irrepsScalars, irrepsGates, irrepsGated;
    private final List<Activation> actScalars, actGates;
    private final Source[] scalars, gates, gated;

    /** One activation per block of scalars and of gates. */
    public Gate(Irreps irrepsScalars, List<Activation> actScalars, Irreps irrepsGates, List<Activation> actGates, Irreps irrepsGated) {
        if (actScalars.size() != irrepsScalars.size() || actGates.size() != irrepsGates.size())
            throw new IllegalArgumentException("one activation per scalar and gate block is needed");
        if (irrepsGates.numIrreps() != irrepsGated.numIrreps())
            throw new IllegalArgumentException("gates " + irrepsGates + " do not match gated " + irrepsGated);
        if (irrepsGates.size() != irrepsGated.size())
            throw new IllegalArgumentException("need one gate block per gated block: " + irrepsGates + " vs " + irrepsGated);
        for (Irreps s : List.of(irrepsScalars, irrepsGates))
            for (int i = 0; i < s.size(); i++)
                if (s.ir(i).l() != 0) throw new IllegalArgumentException("scalars and gates must be l=0, got " + s);
        this.irrepsScalars = irrepsScalars;
        this.irrepsGates = irrepsGates;
        this.irrepsGated = irrepsGated;
        this.actScalars = List.copyOf(actScalars);
        this.actGates = List.copyOf(actGates);
        Irreps all = irrepsScalars.concat(irrepsGates).concat(irrepsGated);
        Irreps.Sorted sorted = all.sort();
        irrepsIn = sorted.irreps().simplify();
        int[] block = new int[all.size()], ch = new int[all.size()];
        int b = -1, c = 0;
        Irrep prev = null;
        for (int k = 0; k < all.size(); k++) {
            Irreps.MulIrrep m = sorted.irreps().get(k);
            if (m.mul() == 0) continue;
            if (!m.ir().equals(prev)) { b++; c = 0; prev = m.ir(); }
            block[k] = b;
            ch[k] = c;
            c += m.mul();
        }
        int ns = irrepsScalars.size(), ng = irrepsGates.size();
        scalars = new Source[ns];
        gates = new Source[ng];
        gated = new Source[irrepsGated.size()];
        for (int k = 0; k < all.size(); k++) {
            int pos = sorted.perm()[k];
            Source s = new Source(block[pos], ch[pos], all.mul(k), all.ir(k).dim());
            if (k < ns) scalars[k] = s;
            else if (k < ns + ng) gates[k - ns] = s;
            else gated[k - ns - ng] = s;
        }
        List<Irreps.MulIrrep> out = new ArrayList<>();
        for (int i = 0; i < ns; i++)
            out.add(new Irreps.MulIrrep(irrepsScalars.mul(i), new Irrep(0, actScalars.get(i).outputParity(irrepsScalars.ir(i).p()))));
        for (int i = 0; i < irrepsGated.size(); i++) {
            int gp = actGates.get(i).outputParity(irrepsGates.ir(i).p());
            Irrep ir = irrepsGated.ir(i);
            out.add(new Irreps.MulIrrep(irrepsGated.mul(i), new Irrep(ir.l(), ir.p() * gp)));
        }
        irrepsOut = new Irreps(out);
    }

    public Irreps irrepsIn() { return irrepsIn; }
    /** Input location of scalar block k, of gate k and of gated block k (for kernels built elsewhere). */
    public Source scalarSource(int k) { return scalars[k]; }
    public Source gateSource(int k) { return gates[k]; }
    public Source gatedSource(int k) { return gated[k]; }
    public Irreps irrepsOut() { return irrepsOut; }
    public Irreps irrepsScalars() { return irrepsScalars; }
    public Irreps irrepsGates() { return irrepsGates; }
    public Irreps irrepsGated() { return irrepsGated; }
    public List<Activation> actScalars() { return actScalars; }
    public List<Activation> actGates() { return actGates; }

    private int in(Source s, int rows, int r, int c) { return Layout.index(irrepsIn, rows, s.block(), r, c) + s.channelOffset(); }

    public void forward(double[] x, double[] out, int rows) { forward(x, out, rows, 0, rows); }

    /** Forward for rows [r0, r1) of a batch of {@code rows} rows. */
    public void forward(double[] x, double[] out, int rows, int r0, int r1) {
        for (int k = 0; k < scalars.length; k++) {
            Activation act = actScalars.get(k);
            for (int r = r0; r < r1; r++) {
                int i = in(scalars[k], rows, r, 0), o = Layout.index(irrepsOut, rows, k, r, 0);
                for (int u = 0; u < scalars[k].mul(); u++) out[o + u] = act.value(x[i + u]);
            }
        }
        for (int k = 0; k < gated.length; k++) {
            Activation act = actGates.get(k);
            int ob = scalars.length + k, d = gated[k].dim(), mul = gated[k].mul();
            for (int r = r0; r < r1; r++) {
                int gi = in(gates[k], rows, r, 0);
                for (int c = 0; c < d; c++) {
                    int vi = in(gated[k], rows, r, c), o = Layout.index(irrepsOut, rows, ob, r, c);
                    for (int u = 0; u < mul; u++) out[o + u] = x[vi + u] * act.value(x[gi + u]);
                }
            }
        }
    }

    /** dx = ∂(dOut·out)/∂x (overwritten). */
    public void backward(double[] x, double[] dOut, double[] dx, int rows) { backward(x, dOut, dx, rows, 0, rows); }

    /** Backward for rows [r0, r1) of a batch of {@code rows} rows. */
    public void backward(double[] x, double[] dOut, double[] dx, int rows, int r0, int r1) {
        for (int k = 0; k < scalars.length; k++) {
            Activation act = actScalars.get(k);
            for (int r = r0; r < r1; r++) {
                int i = in(scalars[k], rows, r, 0), o = Layout.index(irrepsOut, rows, k, r, 0);
                for (int u = 0; u < scalars[k].mul(); u++) dx[i + u] = dOut[o + u] * act.derivative(x[i + u]);
            }
        }
        for (int k = 0; k < gated.length; k++) {
            Activation act = actGates.get(k);
            int ob = scalars.length + k, d = gated[k].dim(), mul = gated[k].mul();
            for (int r = r0; r < r1; r++) {
                int gi = in(gates[k], rows, r, 0);
                for (int u = 0; u < mul; u++) {
                    double g = act.value(x[gi + u]), dg = 0;
                    for (int c = 0; c < d; c++) {
                        int vi = in(gated[k], rows, r, c) + u, o = Layout.index(irrepsOut, rows, ob, r, c) + u;
                        dx[vi] = dOut[o] * g;
                        dg += dOut[o] * x[vi];
                    }
                    dx[gi + u] = dg * act.derivative(x[gi + u]);
                }
            }
        }
    }
}
