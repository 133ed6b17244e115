package md.forcefields.ml.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import md.forcefields.e3nn.Irrep;
import md.forcefields.e3nn.Irreps;
import md.forcefields.e3nn.WignerD;

/**
 * How an orthogonal map Q of the inputs (positions r → Q·r) acts on the columns of one row of a value (one
 * row per atom, edge, …): a block-diagonal matrix L(Q) made of copies of irreducible representations. A
 * layer Φ is equivariant when Φ(Q·r) = L(Q)·Φ(r) row by row; {@link Ops#named(String, Object, Representation)}
 * declares an intermediate's representation so that a check can measure how far a model is from that.
 *
 * <p>A block is {@code mul} copies ("channels") of one irrep laid out either component-major (index
 * c·mul + u: the layout of {@link BlockLinear} and NequIP, and of the Equivariant Transformer's vector
 * features [x of every channel, y…, z…]) or channel-major (u·(2l+1) + c: e3nn's own rows and the
 * SE(3)-Transformer's {@link Fiber}). Components are in e3nn's real basis (l = 1: x, y, z), or in another
 * orthonormal basis given by the change of basis O (rows = that basis in terms of e3nn's), when
 * D_basis = O·D_e3nn·Oᵀ.
 */
public final class Representation {

    /**
     * {@code mul} copies of {@code ir}; {@code basis} = O ((2l+1)², row-major) or null for e3nn's basis;
     * {@code label} is how the block reads in a summary.
     */
    private record Block(Irrep ir, int mul, boolean componentMajor, double[] basis, String label) {
        int width() { return mul * ir.dim(); }
    }

    private final List<Block> blocks;
    private final String summary;

    private Representation(List<Block> blocks, String summary) {
        this.blocks = List.copyOf(blocks);
        this.summary = summary;
    }

    /** {@code n} invariant scalars (0e): energies, species embeddings, distance features, attention weights. */
    public static Representation scalars(int n) {
        return new Representation(List.of(new Block(Irrep.SCALAR, n, true, null, n + "x0e")), n + "x0e");
    }

    /** e3nn irreps laid out component-major inside each block ({@link BlockLinear}, NequIP's features). */
    public static Representation irreps(Irreps irreps) {
        List<Block> b = new ArrayList<>();
        for (Irreps.MulIrrep m : irreps.blocks()) b.add(new Block(m.ir(), m.mul(), true, null, m.toString()));
        return new Representation(b, irreps + (irreps.lmax() > 0 ? " (component-major)" : ""));
    }

    /**
     * {@code channels} Cartesian vectors laid out component-major, [x of every channel, y…, z…] (the
     * Equivariant Transformer's vector features, forces): channels × 1o, which rotate and reflect with Q.
     */
    public static Representation vectors(int channels) {
        return new Representation(List.of(new Block(new Irrep(1, -1), channels, true, null, channels + "x1o")), channels + "x1o (x|y|z blocks)");
    }

    /** One Cartesian vector (x, y, z) per row, as forces. */
    public static Representation vector() {
        return new Representation(List.of(new Block(new Irrep(1, -1), 1, true, null, "1x1o")), "1x1o (x, y, z)");
    }

    /**
     * A {@link Fiber} (channel-major, degrees ascending) whose degree-l components are in the basis
     * {@code basis.apply(l)} = O_l relative to e3nn's (e.g. the SE(3)-Transformer's reference harmonics,
     * {@link TfnClebschGordan#toReference}). Degree l is given the parity (−1)^l of the spherical harmonics:
     * the action a reflection would have on an E(3)-equivariant model of this layout.
     */
    public static Representation fiber(Fiber fiber, IntFunction<double[]> basis) {
        List<Block> b = new ArrayList<>();
        for (int i = 0; i < fiber.size(); i++) {
            int l = fiber.degree(i);
            b.add(new Block(new Irrep(l, l % 2 == 0 ? 1 : -1), fiber.channels(i), false, basis.apply(l), fiber.channels(i) + "x" + l));
        }
        return new Representation(b, "fiber " + fiber + " (channel-major)");
    }

    /** The columns of several values side by side (as {@link Ops#concatColumns}). */
    public static Representation concat(Representation... parts) {
        List<Block> b = new ArrayList<>();
        StringBuilder s = new StringBuilder();
        for (Representation p : parts) {
            b.addAll(p.blocks);
            s.append(s.isEmpty() ? "" : " | ").append(p.summary);
        }
        return new Representation(b, s.toString());
    }

    /** Columns per row. */
    public int width() {
        int w = 0;
        for (Block b : blocks) w += b.width();
        return w;
    }

    /** Whether every block is an even scalar (no rotation changes the values). */
    public boolean invariant() {
        for (Block b : blocks) if (!b.ir.equals(Irrep.SCALAR)) return false;
        return true;
    }

    /**
     * L(Q)·x for every row of {@code values} (rows × {@link #width()}, row-major); Q is 3×3 row-major and
     * orthogonal (a proper rotation, or improper: det −1).
     */
    public double[] act(double[] q, double[] values) {
        int w = width();
        if (w == 0 || values.length % w != 0)
            throw new IllegalArgumentException("representation " + summary + " has width " + w + ", the value has " + values.length + " numbers");
        double[] out = new double[values.length];
        int offset = 0;
        for (Block b : blocks) {
            int d = b.ir.dim();
            double[] m = matrix(b, q);
            for (int r = 0; r < values.length / w; r++)
                for (int u = 0; u < b.mul; u++)
                    for (int i = 0; i < d; i++) {
                        double s = 0;
                        for (int k = 0; k < d; k++) s += m[i * d + k] * values[r * w + offset + index(b, u, k)];
                        out[r * w + offset + index(b, u, i)] = s;
                    }
            offset += b.width();
        }
        return out;
    }

    /** Column of component c of channel u inside the block. */
    private static int index(Block b, int u, int c) { return b.componentMajor ? c * b.mul + u : u * b.ir.dim() + c; }

    /** D(Q) of one block in its basis, (2l+1)² row-major. */
    private static double[] matrix(Block b, double[] q) {
        double[] d = WignerD.of(b.ir, q);
        if (b.basis == null) return d;
        int n = b.ir.dim();
        double[] od = new double[n * n], out = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int k = 0; k < n; k++) od[i * n + j] += b.basis[i * n + k] * d[k * n + j];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int k = 0; k < n; k++) out[i * n + j] += od[i * n + k] * b.basis[j * n + k];
        return out;
    }

    /** E.g. "16x0e+16x1o (component-major)"; labels of concatenated parts are separated by " | ". */
    @Override public String toString() { return summary; }
}
