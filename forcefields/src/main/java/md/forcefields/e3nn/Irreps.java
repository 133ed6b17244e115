package md.forcefields.e3nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A direct sum of irreps with multiplicities, e.g. {@code 16x0e+16x1o+16x2e} (e3nn's {@code Irreps}).
 *
 * <p>Memory layout of a feature vector (as e3nn): blocks one after the other; inside a block of
 * {@code mul} copies of an irrep of dimension d, channel-major: index = blockOffset + u·d + c.
 * The list keeps its order; {@link #sort()} and {@link #simplify()} produce new lists.
 */
public final class Irreps {

    /** {@code mul} copies ("channels") of one irrep. */
    public record MulIrrep(int mul, Irrep ir) {
        public MulIrrep {
            if (mul < 0) throw new IllegalArgumentException("multiplicity must be >= 0, got " + mul);
        }
        public int dim() { return mul * ir.dim(); }
        @Override public String toString() { return mul + "x" + ir; }
    }

    /** Result of {@link #sort()}: {@code perm[k]} is the sorted position of block k, {@code inv} its inverse. */
    public record Sorted(Irreps irreps, int[] perm, int[] inv) {}

    private final List<MulIrrep> blocks;
    private final int[] offsets;

    public Irreps(List<MulIrrep> blocks) {
        this.blocks = List.copyOf(blocks);
        offsets = new int[this.blocks.size() + 1];
        for (int i = 0; i < this.blocks.size(); i++) offsets[i + 1] = offsets[i] + this.blocks.get(i).dim();
    }

    public static Irreps of(MulIrrep... blocks) { return new Irreps(Arrays.asList(blocks)); }

    /** Parses e3nn notation {@code "16x0e+8x1o"}; a bare irrep means multiplicity 1; "" is empty. */
    public static Irreps parse(String s) {
        List<MulIrrep> out = new ArrayList<>();
        if (s.isBlank()) return new Irreps(out);
        for (String part : s.split("\\+")) {
            String t = part.trim();
            int x = t.indexOf('x');
            try {
                int mul = x < 0 ? 1 : Integer.parseInt(t.substring(0, x).trim());
                out.add(new MulIrrep(mul, Irrep.parse(x < 0 ? t : t.substring(x + 1))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot parse irreps '" + s + "': bad term '" + t + "' (expected e.g. 16x1o)");
            }
        }
        return new Irreps(out);
    }

    /** [1x0e, 1x1p, ..., 1x lmax] with p = (-1)^l (parity true) or all even (parity false). */
    public static Irreps sphericalHarmonics(int lmax, boolean parity) {
        List<MulIrrep> out = new ArrayList<>();
        for (int l = 0; l <= lmax; l++) out.add(new MulIrrep(1, new Irrep(l, parity && l % 2 == 1 ? -1 : 1)));
        return new Irreps(out);
    }

    public int size() { return blocks.size(); }
    public MulIrrep get(int i) { return blocks.get(i); }
    public int mul(int i) { return blocks.get(i).mul(); }
    public Irrep ir(int i) { return blocks.get(i).ir(); }
    public List<MulIrrep> blocks() { return blocks; }
    /** Start of block i in a feature vector; {@code offset(size())} is the total dimension. */
    public int offset(int i) { return offsets[i]; }
    public int dim() { return offsets[blocks.size()]; }
    public int numIrreps() { return blocks.stream().mapToInt(MulIrrep::mul).sum(); }
    public int lmax() { return blocks.stream().mapToInt(b -> b.ir().l()).max().orElse(-1); }

    public boolean contains(Irrep ir) {
        for (MulIrrep b : blocks) if (b.ir().equals(ir)) return true;
        return false;
    }

    /** Total multiplicity of {@code ir}. */
    public int count(Irrep ir) {
        int n = 0;
        for (MulIrrep b : blocks) if (b.ir().equals(ir)) n += b.mul();
        return n;
    }

    public Irreps concat(Irreps other) {
        List<MulIrrep> out = new ArrayList<>(blocks);
        out.addAll(other.blocks);
        return new Irreps(out);
    }

    /** Stable sort by irrep in e3nn order (equal irreps keep their relative order). */
    public Sorted sort() {
        Integer[] idx = new Integer[blocks.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparing(i -> blocks.get(i).ir())); // Arrays.sort on objects is stable
        int[] inv = new int[idx.length], perm = new int[idx.length];
        List<MulIrrep> out = new ArrayList<>();
        for (int k = 0; k < idx.length; k++) {
            inv[k] = idx[k];
            perm[idx[k]] = k;
            out.add(blocks.get(idx[k]));
        }
        return new Sorted(new Irreps(out), perm, inv);
    }

    /** Merges adjacent blocks of the same irrep and drops empty ones (e3nn 0.5 semantics). */
    public Irreps simplify() {
        List<MulIrrep> out = new ArrayList<>();
        for (MulIrrep b : blocks) {
            if (b.mul() == 0) continue;
            if (!out.isEmpty() && out.get(out.size() - 1).ir().equals(b.ir())) {
                MulIrrep last = out.remove(out.size() - 1);
                out.add(new MulIrrep(last.mul() + b.mul(), b.ir()));
            } else {
                out.add(b);
            }
        }
        return new Irreps(out);
    }

    @Override public boolean equals(Object o) { return o instanceof Irreps other && blocks.equals(other.blocks); }
    @Override public int hashCode() { return blocks.hashCode(); }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        for (MulIrrep b : blocks) {
            if (!sb.isEmpty()) sb.append('+');
            sb.append(b);
        }
        return sb.toString();
    }
}
