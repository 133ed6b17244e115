package md.forcefields.classical;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

import md.core.Elements;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;

/**
 * Lennard-Jones pair potential E(r) = 4ε[(σ/r)¹² − (σ/r)⁶] for r &lt; r_c, with ε (eV) and σ (Å) per
 * element pair: given per element and mixed (Lorentz–Berthelot σ_ij = (σ_i + σ_j)/2, ε_ij = √(ε_i ε_j),
 * or geometric σ_ij = √(σ_i σ_j)), or given explicitly for a pair (which may also set its own cutoff).
 *
 * <p>Truncation ({@link Shift}): {@code NONE} is the bare truncated potential (LAMMPS {@code lj/cut});
 * {@code ENERGY} subtracts E(r_c) so the energy is continuous (LAMMPS {@code pair_modify shift yes},
 * ASE's default); {@code FORCE} is shifted-force, E(r) − E(r_c) − (r − r_c)E'(r_c), so energy and force
 * both go to zero at r_c (LAMMPS {@code lj/smooth/linear}) — the choice for energy-conserving NVE.
 *
 * <p>The virial is W = Σ_pairs r_ij ⊗ F_j with r_ij = x_j − x_i and F_j the force on j from i, which
 * equals −∂E/∂ε for a homogeneous strain ε of positions and cell (so pressure P = (2K + tr W)/(3V)).
 */
public final class LennardJones implements ForceField {

    public enum Shift { NONE, ENERGY, FORCE }

    public enum Mixing { LORENTZ_BERTHELOT, GEOMETRIC }

    /** ε (eV), σ (Å) and cutoff (Å) of one element pair. */
    public record PairParameters(double epsilonEv, double sigmaAngstrom, double cutoffAngstrom) {}

    private final Map<Integer, double[]> speciesParameters;        // z -> {ε, σ}
    private final Map<Long, PairParameters> pairOverrides;          // key(zi, zj) with zi <= zj
    private final double globalCutoff;
    private final double maxCutoff;
    private final Shift shift;
    private final Mixing mixing;

    // Tables over the element types of the last system seen, t = ti * nt + tj.
    private int[] tableElements = new int[0];
    private int[] typeOfAtom = new int[0];
    private int[] lastAtomicNumbers;
    private Coefficients[] table;
    private int nt;

    /**
     * Per type pair: 4εσ¹², 4εσ⁶, r_c², E(r_c) when shifted, E'(r_c) for shifted force, r_c. Kept in
     * objects rather than double[] so the JIT knows force-array stores cannot change them and keeps
     * them in registers.
     */
    private record Coefficients(double c12, double c6, double rc2, double energyShift, double forceShiftSlope, double rc) {}

    private LennardJones(Builder b) {
        this.speciesParameters = new LinkedHashMap<>(b.species);
        this.pairOverrides = new LinkedHashMap<>(b.pairs);
        this.globalCutoff = b.cutoff;
        this.shift = b.shift;
        this.mixing = b.mixing;
        double m = globalCutoff;
        for (PairParameters p : pairOverrides.values()) m = Math.max(m, p.cutoffAngstrom());
        this.maxCutoff = m;
    }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final Map<Integer, double[]> species = new LinkedHashMap<>();
        private final Map<Long, PairParameters> pairs = new LinkedHashMap<>();
        private double cutoff = Double.NaN;
        private Shift shift = Shift.ENERGY;
        private Mixing mixing = Mixing.LORENTZ_BERTHELOT;

        public Builder species(int z, double epsilonEv, double sigmaAngstrom) {
            check(epsilonEv, sigmaAngstrom, Elements.symbol(z));
            species.put(z, new double[] {epsilonEv, sigmaAngstrom});
            return this;
        }

        /** Explicit parameters of one pair; a NaN cutoff means the global cutoff. */
        public Builder pair(int zi, int zj, double epsilonEv, double sigmaAngstrom, double cutoffAngstrom) {
            check(epsilonEv, sigmaAngstrom, Elements.symbol(zi) + "-" + Elements.symbol(zj));
            if (!Double.isNaN(cutoffAngstrom) && !(cutoffAngstrom > 0))
                throw new IllegalArgumentException("cutoff of pair " + Elements.symbol(zi) + "-" + Elements.symbol(zj) + " must be positive, got " + cutoffAngstrom);
            pairs.put(key(zi, zj), new PairParameters(epsilonEv, sigmaAngstrom, cutoffAngstrom));
            return this;
        }

        /** Global cutoff (Å); when not set, 2.5 times the largest σ. */
        public Builder cutoff(double cutoffAngstrom) {
            if (!(cutoffAngstrom > 0) || !Double.isFinite(cutoffAngstrom)) throw new IllegalArgumentException("cutoff must be a positive number of Å, got " + cutoffAngstrom);
            this.cutoff = cutoffAngstrom;
            return this;
        }

        public Builder shift(Shift s) { this.shift = s; return this; }

        public Builder mixing(Mixing m) { this.mixing = m; return this; }

        public LennardJones build() {
            if (species.isEmpty() && pairs.isEmpty()) throw new IllegalArgumentException("Lennard-Jones needs parameters for at least one element");
            if (Double.isNaN(cutoff)) {
                double maxSigma = 0;
                for (double[] p : species.values()) maxSigma = Math.max(maxSigma, p[1]);
                for (PairParameters p : pairs.values()) maxSigma = Math.max(maxSigma, p.sigmaAngstrom());
                cutoff = 2.5 * maxSigma;
            }
            Map<Long, PairParameters> resolved = new LinkedHashMap<>();
            for (Map.Entry<Long, PairParameters> e : pairs.entrySet()) {
                PairParameters p = e.getValue();
                resolved.put(e.getKey(), Double.isNaN(p.cutoffAngstrom()) ? new PairParameters(p.epsilonEv(), p.sigmaAngstrom(), cutoff) : p);
            }
            pairs.clear();
            pairs.putAll(resolved);
            return new LennardJones(this);
        }

        private static void check(double eps, double sigma, String what) {
            if (!(eps >= 0) || !Double.isFinite(eps)) throw new IllegalArgumentException("epsilon of " + what + " must be a finite number >= 0 eV, got " + eps);
            if (!(sigma > 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("sigma of " + what + " must be a positive number of Å, got " + sigma);
        }
    }

    private static long key(int zi, int zj) { return zi <= zj ? ((long) zi << 32) | zj : ((long) zj << 32) | zi; }

    /** Parameters used for a pair of elements, or null when there are none. */
    public PairParameters parameters(int zi, int zj) {
        PairParameters p = pairOverrides.get(key(zi, zj));
        if (p != null) return p;
        double[] a = speciesParameters.get(zi), b = speciesParameters.get(zj);
        if (a == null || b == null) return null;
        double eps = Math.sqrt(a[0] * b[0]);
        double sigma = mixing == Mixing.LORENTZ_BERTHELOT ? 0.5 * (a[1] + b[1]) : Math.sqrt(a[1] * b[1]);
        return new PairParameters(eps, sigma, globalCutoff);
    }

    public Shift shift() { return shift; }

    @Override public String name() { return "lennard-jones"; }

    @Override public double cutoffAngstrom() { return maxCutoff; }

    @Override public boolean supportsElement(int z) {
        if (speciesParameters.containsKey(z)) return true;
        for (long k : pairOverrides.keySet()) if ((int) (k >>> 32) == z || (int) k == z) return true;
        return false;
    }

    @Override public boolean providesVirial() { return true; }

    /** Energy of one pair at distance r (with the chosen shift), 0 beyond its cutoff; for tests and tables. */
    public double pairEnergy(int zi, int zj, double r) {
        PairParameters p = parameters(zi, zj);
        if (r >= p.cutoffAngstrom()) return 0;
        double e = bare(p, r);
        double rc = p.cutoffAngstrom();
        return switch (shift) {
            case NONE -> e;
            case ENERGY -> e - bare(p, rc);
            case FORCE -> e - bare(p, rc) - (r - rc) * bareDerivative(p, rc);
        };
    }

    private static double bare(PairParameters p, double r) {
        double s6 = Math.pow(p.sigmaAngstrom() / r, 6);
        return 4 * p.epsilonEv() * (s6 * s6 - s6);
    }

    private static double bareDerivative(PairParameters p, double r) {
        double s6 = Math.pow(p.sigmaAngstrom() / r, 6);
        return 4 * p.epsilonEv() * (-12 * s6 * s6 + 6 * s6) / r;
    }

    @Override
    public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        int n = atoms.size();
        prepareTypes(atoms.atomicNumbers());
        double[] x = atoms.positions();
        Arrays.fill(forcesOut, 0, 3 * n, 0.0);
        int[] first = neighbors.firstArray(), second = neighbors.secondArray();
        double[] sh = neighbors.shiftArray();
        int pairs = neighbors.pairCount();
        int[] type = typeOfAtom;
        final int ntypes = nt;
        final Coefficients[] coefficients = table;
        final boolean forceShift = shift == Shift.FORCE;
        double energy = 0, wxx = 0, wyy = 0, wzz = 0, wxy = 0, wxz = 0, wyz = 0;
        // Pairs usually come grouped by their first atom (the engine's builder does so); the force on
        // i is then accumulated in registers over its run of pairs.
        int p = 0;
        while (p < pairs) {
            final int i = first[p];
            final double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
            final int rowOfI = type[i] * ntypes;
            double fix = 0, fiy = 0, fiz = 0;
            for (; p < pairs && first[p] == i; p++) {
                int j = second[p];
                double dx = x[3 * j] + sh[3 * p] - xi;
                double dy = x[3 * j + 1] + sh[3 * p + 1] - yi;
                double dz = x[3 * j + 2] + sh[3 * p + 2] - zi;
                double r2 = dx * dx + dy * dy + dz * dz;
                Coefficients c = coefficients[rowOfI + type[j]];
                if (r2 >= c.rc2()) continue;
                double inv2 = 1.0 / r2;
                double inv6 = inv2 * inv2 * inv2;
                double a12 = c.c12() * inv6, a6 = c.c6();
                double e = inv6 * (a12 - a6) - c.energyShift();
                // F_j = fOverR * d with fOverR = -E'(r)/r
                double fOverR = inv6 * (12 * a12 - 6 * a6) * inv2;
                if (forceShift) {
                    double r = Math.sqrt(r2);
                    e -= (r - c.rc()) * c.forceShiftSlope();
                    fOverR += c.forceShiftSlope() / r;
                }
                energy += e;
                double fx = fOverR * dx, fy = fOverR * dy, fz = fOverR * dz;
                forcesOut[3 * j] += fx; forcesOut[3 * j + 1] += fy; forcesOut[3 * j + 2] += fz;
                fix -= fx; fiy -= fy; fiz -= fz;
                wxx += dx * fx; wyy += dy * fy; wzz += dz * fz;
                wxy += dx * fy; wxz += dx * fz; wyz += dy * fz;
            }
            forcesOut[3 * i] += fix; forcesOut[3 * i + 1] += fiy; forcesOut[3 * i + 2] += fiz;
        }
        if (virialOut != null) {
            virialOut[0] = wxx; virialOut[1] = wxy; virialOut[2] = wxz;
            virialOut[3] = wxy; virialOut[4] = wyy; virialOut[5] = wyz;
            virialOut[6] = wxz; virialOut[7] = wyz; virialOut[8] = wzz;
        }
        return energy;
    }

    /** Maps atoms to compact types and fills the pair tables; redone only when the elements change. */
    private void prepareTypes(int[] z) {
        if (z == lastAtomicNumbers && typeOfAtom.length == z.length) return;
        TreeSet<Integer> present = new TreeSet<>();
        for (int zi : z) present.add(zi);
        int[] elements = present.stream().mapToInt(Integer::intValue).toArray();
        if (!Arrays.equals(elements, tableElements)) buildTables(elements);
        int[] types = new int[z.length];
        for (int i = 0; i < z.length; i++) types[i] = Arrays.binarySearch(tableElements, z[i]);
        typeOfAtom = types;
        lastAtomicNumbers = z;
    }

    private void buildTables(int[] elements) {
        int k = elements.length;
        Coefficients[] t = new Coefficients[k * k];
        for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) {
            PairParameters p = parameters(elements[a], elements[b]);
            if (p == null)
                throw new IllegalArgumentException("Lennard-Jones has no parameters for the pair " + Elements.symbol(elements[a]) + "-" + Elements.symbol(elements[b])
                        + "; give both elements under 'species' or the pair under 'pairs'");
            double s6 = Math.pow(p.sigmaAngstrom(), 6);
            double rc = p.cutoffAngstrom();
            t[a * k + b] = new Coefficients(4 * p.epsilonEv() * s6 * s6, 4 * p.epsilonEv() * s6, rc * rc,
                    shift != Shift.NONE ? bare(p, rc) : 0, shift == Shift.FORCE ? bareDerivative(p, rc) : 0, rc);
        }
        table = t;
        tableElements = elements;
        nt = k;
    }
}
