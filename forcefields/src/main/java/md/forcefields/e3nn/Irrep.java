package md.forcefields.e3nn;

import java.util.ArrayList;
import java.util.List;

/**
 * An irreducible representation of O(3): degree {@code l ≥ 0} and parity {@code p = ±1}, written
 * {@code "1o"} (l=1, odd) or {@code "2e"} (l=2, even), as in e3nn.
 *
 * <p>The natural order is e3nn's sort order: l ascending, and for equal l odd before even
 * ({@code 0o < 0e < 1o < 1e < ...}). The spherical harmonic of degree l has parity (-1)^l.
 */
public record Irrep(int l, int p) implements Comparable<Irrep> {

    public static final Irrep SCALAR = new Irrep(0, 1);

    public Irrep {
        if (l < 0) throw new IllegalArgumentException("irrep degree l must be >= 0, got " + l);
        if (p != 1 && p != -1) throw new IllegalArgumentException("irrep parity must be +1 or -1, got " + p);
    }

    /** Parses {@code "1o"}, {@code "2e"}, {@code "0y"} (y = spherical-harmonic parity (-1)^l). */
    public static Irrep parse(String s) {
        String t = s.trim();
        if (t.length() < 2) throw new IllegalArgumentException("not an irrep: '" + s + "' (expected e.g. 1o or 2e)");
        char c = t.charAt(t.length() - 1);
        int l;
        try {
            l = Integer.parseInt(t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an irrep: '" + s + "' (expected e.g. 1o or 2e)");
        }
        return switch (c) {
            case 'e' -> new Irrep(l, 1);
            case 'o' -> new Irrep(l, -1);
            case 'y' -> new Irrep(l, l % 2 == 0 ? 1 : -1);
            default -> throw new IllegalArgumentException("not an irrep: '" + s + "' (parity must be e, o or y)");
        };
    }

    /** Number of components, 2l+1. */
    public int dim() { return 2 * l + 1; }

    /** The irreps in the product {@code this ⊗ other}: l from |l1-l2| to l1+l2 ascending, parity p1·p2. */
    public List<Irrep> times(Irrep other) {
        List<Irrep> out = new ArrayList<>();
        for (int lo = Math.abs(l - other.l); lo <= l + other.l; lo++) out.add(new Irrep(lo, p * other.p));
        return out;
    }

    @Override public int compareTo(Irrep o) {
        if (l != o.l) return Integer.compare(l, o.l);
        return Integer.compare(p, o.p); // -1 (odd) first
    }

    @Override public String toString() { return l + (p == 1 ? "e" : "o"); }
}
