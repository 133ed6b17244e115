package md.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

import md.core.Elements;

/**
 * Radial distribution functions of a periodic system, total and element-resolved, defined as in the
 * benchmark's {@code get_water_rdfs} / {@code get_lips_rdf} (Fu et al.):
 *
 * <pre>
 *   g_ab(r_k) = n_ab(k) / ( F · N_a · N_b / V · 4π/3 (r_{k+1}³ - r_k³) )
 * </pre>
 *
 * where n_ab(k) counts ordered pairs (i of element a, j of element b, i != j) over the F frames whose
 * minimum-image distance falls in bin k ({@link Histogram} binning, default [1e-6, 6] Å in 500 bins), V is
 * the cell volume and N_a, N_b the atom counts. When the cell changes between frames (NPT), each frame is
 * normalised with its own volume and the frames are averaged (ASE's {@code get_rdf} per frame, averaged;
 * MDAnalysis' {@code InterRDF} divides by the mean volume's density instead, docs/analysis.md): g_ab(r_k) = Σ_f V_f n_ab,f(k) / (F · N_a · N_b · 4π/3 (r_{k+1}³ - r_k³)),
 * with each frame's minimum images; for a fixed cell this is the formula above. The total g(r) takes a = b = all atoms. For a = b the
 * normalisation uses N_a² (not N_a(N_a-1)), exactly as the benchmark does; g → 1 - 1/N_a at large r.
 *
 * <p>Distances up to half the smallest cell width are exact; beyond it each pair still contributes only
 * its single nearest image, as in the benchmark's code, so g(r) falls off there. Keys of the result are
 * "all" and "A-B" with A, B element symbols ordered by atomic number ("H-H", "H-O", "O-O").
 */
public final class Rdf {
    private Rdf() {}

    public static final String ALL = "all";
    public static final double DEFAULT_R_MIN = 1e-6;
    public static final double DEFAULT_R_MAX = 6.0;
    public static final int DEFAULT_BINS = 500;

    /** Binning of an RDF. */
    public record Bins(double rMin, double rMax, int count) {
        public Bins {
            if (!(rMax > rMin) || rMin < 0 || count < 1)
                throw new IllegalArgumentException("RDF bins need 0 <= r_min < r_max and at least one bin, got [" + rMin + ", " + rMax + "] with " + count);
        }
        public static Bins defaults() { return new Bins(DEFAULT_R_MIN, DEFAULT_R_MAX, DEFAULT_BINS); }
    }

    /** g(r) over all frames of {@code frames}, by pair key. */
    public static Map<String, Histogram> of(Frames frames, Bins bins) {
        Accumulator acc = new Accumulator(frames, bins);
        for (int f = 0; f < frames.count(); f++) acc.add(acc.countFrame(f), 1);
        return acc.normalise();
    }

    /** Key of the element pair (a, b), smaller atomic number first. */
    public static String pairKey(int za, int zb) {
        return za <= zb ? Elements.symbol(za) + "-" + Elements.symbol(zb) : Elements.symbol(zb) + "-" + Elements.symbol(za);
    }

    /** The error {@link Histogram#mae} of every key present in both maps, in the order of {@code run}. */
    public static Map<String, Double> maeByPair(Map<String, Histogram> run, Map<String, Histogram> reference) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (var e : run.entrySet()) {
            Histogram ref = reference.get(e.getKey());
            if (ref != null) out.put(e.getKey(), e.getValue().mae(ref));
        }
        return out;
    }

    /**
     * Per-frame pair counts and their normalisation; shared with the sliding-window stability criterion,
     * which adds and removes single frames.
     */
    static final class Accumulator {
        private final double rMin, rMax;
        private final Histogram.Counter binner;
        private final Frames frames;
        private final java.util.function.IntFunction<MinimumImage> images;
        /** V of the first frame; frame f's counts are weighted by V_f / volume (exactly 1 for a fixed cell). */
        private final double volume;
        private final int[] pairIndex;       // (species index a * S + b) -> slot; slot 0 is "all"
        private final int[] speciesOf;       // atom -> species index
        private final int[] species;
        private final String[] keys;
        private final double[] pairNorm;     // N_a N_b / V per slot
        final double[][] counts;             // [slot][bin], volume-weighted, over the frames added so far
        private int framesAdded;

        Accumulator(Frames frames, Bins bins) {
            if (!frames.cell().isPeriodic() || !(frames.cell().periodic(0) && frames.cell().periodic(1) && frames.cell().periodic(2)))
                throw new IllegalArgumentException("an RDF needs a cell periodic in all three directions (it is normalised by the cell volume); "
                        + "for a molecule use h(r), the distance histogram");
            this.rMin = bins.rMin();
            this.rMax = bins.rMax();
            this.binner = new Histogram.Counter(bins.rMin(), bins.rMax(), bins.count());
            this.frames = frames;
            this.images = MinimumImage.perFrame(frames);
            this.species = frames.species();
            int s = species.length;
            this.speciesOf = new int[frames.atoms()];
            int[] n = new int[s];
            for (int i = 0; i < speciesOf.length; i++) {
                speciesOf[i] = java.util.Arrays.binarySearch(species, frames.atomicNumbers()[i]);
                n[speciesOf[i]]++;
            }
            this.volume = frames.cell().volume();
            int slots = 1 + s * (s + 1) / 2;
            keys = new String[slots];
            pairNorm = new double[slots];
            pairIndex = new int[s * s];
            keys[0] = ALL;
            pairNorm[0] = (double) frames.atoms() * frames.atoms() / volume;
            int k = 1;
            for (int a = 0; a < s; a++)
                for (int b = a; b < s; b++, k++) {
                    pairIndex[a * s + b] = k;
                    pairIndex[b * s + a] = k;
                    keys[k] = pairKey(species[a], species[b]);
                    pairNorm[k] = (double) n[a] * n[b] / volume;
                }
            counts = new double[slots][bins.count()];
        }

        /** Ordered-pair counts of frame {@code frame}, [slot][bin], times V_frame / V_first. */
        double[][] countFrame(int frame) {
            double[] x = frames.positions()[frame];
            MinimumImage mic = images.apply(frame);
            long[][] c = new long[keys.length][binner.counts.length];
            double[] d = new double[3];
            double r2max = rMax * rMax;
            int n = speciesOf.length, s = species.length;
            for (int i = 0; i < n; i++) {
                int rowBase = speciesOf[i] * s;
                for (int j = i + 1; j < n; j++) {
                    double d2 = mic.displacement(x, i, j, d);
                    if (d2 > r2max) continue;
                    int bin = binner.binOf(Math.sqrt(d2));
                    if (bin < 0) continue;
                    int slot = pairIndex[rowBase + speciesOf[j]];
                    // Each unordered pair is two ordered pairs; for a != b it is one (a, b) and one (b, a),
                    // and g_ab = g_ba counts the (a, b) ones, so it adds 1 to the mixed slot and 2 otherwise.
                    c[slot][bin] += speciesOf[i] == speciesOf[j] ? 2 : 1;
                    c[0][bin] += 2;
                }
            }
            double weight = frames.cellChanges() ? frames.cell(frame).volume() / volume : 1;
            double[][] w = new double[c.length][c[0].length];
            for (int k = 0; k < c.length; k++) for (int b = 0; b < c[k].length; b++) w[k][b] = c[k][b] * weight;
            return w;
        }

        /** Adds ({@code sign = 1}) or removes ({@code sign = -1}) one frame's counts. */
        void add(double[][] frameCounts, int sign) {
            for (int k = 0; k < counts.length; k++)
                for (int b = 0; b < counts[k].length; b++) counts[k][b] += sign * frameCounts[k][b];
            framesAdded += sign;
        }

        Map<String, Histogram> normalise() {
            double[] e = binner.edges;
            Map<String, Histogram> out = new LinkedHashMap<>();
            for (int k = 0; k < keys.length; k++) {
                double[] g = new double[e.length - 1];
                for (int b = 0; b < g.length; b++) {
                    double shell = 4.0 / 3.0 * Math.PI * (e[b + 1] * e[b + 1] * e[b + 1] - e[b] * e[b] * e[b]);
                    g[b] = framesAdded == 0 ? 0 : counts[k][b] / (framesAdded * pairNorm[k] * shell);
                }
                out.put(keys[k], new Histogram(rMin, rMax, g));
            }
            return out;
        }
    }
}
