package md.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Bond-angle distribution (ADF): the density of angles θ_ijk at atom j between every two of its bonds
 * j-i and j-k, over all frames, with the bond topology of the first frame ({@link Bonds}); degrees,
 * {@code bins} bins over [0, 180], normalised so that ∫ ADF(θ) dθ = 1.
 */
public final class BondAngles {
    private BondAngles() {}

    public static final int DEFAULT_BINS = 180;

    /** The angle triples (i, j, k) with j the vertex, i < k. */
    public static List<int[]> triples(List<Bonds.Bond> bonds, int atoms) {
        List<List<Integer>> neighbours = new ArrayList<>();
        for (int a = 0; a < atoms; a++) neighbours.add(new ArrayList<>());
        for (Bonds.Bond b : bonds) { neighbours.get(b.i()).add(b.j()); neighbours.get(b.j()).add(b.i()); }
        List<int[]> out = new ArrayList<>();
        for (int j = 0; j < atoms; j++) {
            List<Integer> nb = neighbours.get(j);
            for (int p = 0; p < nb.size(); p++)
                for (int q = p + 1; q < nb.size(); q++) out.add(new int[] {Math.min(nb.get(p), nb.get(q)), j, Math.max(nb.get(p), nb.get(q))});
        }
        return out;
    }

    public static Histogram of(Frames frames, List<Bonds.Bond> bonds, int bins) {
        Histogram.Counter counter = new Histogram.Counter(0, 180, bins);
        var images = MinimumImage.perFrame(frames);
        List<int[]> triples = triples(bonds, frames.atoms());
        double[] u = new double[3], v = new double[3];
        for (int f = 0; f < frames.count(); f++) {
            double[] x = frames.positions()[f];
            MinimumImage mic = images.apply(f);
            for (int[] t : triples) {
                double uu = mic.displacement(x, t[1], t[0], u), vv = mic.displacement(x, t[1], t[2], v);
                double c = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / Math.sqrt(uu * vv);
                counter.add(Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, c)))));
            }
        }
        return counter.density();
    }
}
