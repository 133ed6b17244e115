package md.forcefields.classical;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import md.core.Cell;
import md.core.Elements;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;

/**
 * A bonded reference potential: a sum over an explicit bond list of harmonic bonds
 * E = ½ k (r − r₀)² (k in eV/Å², r₀ in Å) or Morse bonds E = D (1 − e^{−α(r − r₀)})² (D in eV,
 * α in 1/Å, r₀ in Å). Bonds are either given as atom index pairs or detected once, at the first
 * evaluation, as the pairs closer than {@code tolerance} × (R_i + R_j) with R the covalent radii of
 * {@link Elements} (the rule of ASE's {@code natural_cutoffs} with a multiplier). Parameters are per
 * element pair, with an optional default for any pair. Bond vectors use the minimum image in periodic
 * cells (bonds must be shorter than half the cell). It does not use the neighbour list, so its
 * {@link #cutoffAngstrom()} is 0.
 *
 * <p>Detection at the first evaluation means a run resumed from a stretched configuration could
 * find other bonds; give explicit bonds when that matters.
 */
public final class BondPotential implements ForceField, md.forcefields.TopologyFromStructure {

    public enum Form { HARMONIC, MORSE }

    /** Harmonic: {@code stiffness} = k (eV/Å²). Morse: {@code depth} = D (eV), {@code alpha} (1/Å). Both: r₀ (Å). */
    public record BondParameters(double stiffness, double depth, double alpha, double r0) {
        public static BondParameters harmonic(double kEvPerA2, double r0) { return new BondParameters(kEvPerA2, 0, 0, r0); }
        public static BondParameters morse(double depthEv, double alphaPerA, double r0) { return new BondParameters(0, depthEv, alphaPerA, r0); }
    }

    private final Form form;
    private final Map<Long, BondParameters> byElementPair;
    private final BondParameters fallback;
    private final List<int[]> explicitBonds;
    private final double tolerance;

    private int[] bondI, bondJ;
    private BondParameters[] bondParameters;
    private int atomCount = -1;

    /**
     * @param explicitBonds atom index pairs, or null to detect bonds from covalent radii
     * @param fallback      parameters for element pairs not in {@code byElementPair}, or null
     */
    public BondPotential(Form form, Map<Long, BondParameters> byElementPair, BondParameters fallback, List<int[]> explicitBonds, double tolerance) {
        if (byElementPair.isEmpty() && fallback == null) throw new IllegalArgumentException("bond potential needs parameters for at least one element pair or a default");
        if (!(tolerance > 0)) throw new IllegalArgumentException("bond tolerance must be positive, got " + tolerance);
        this.form = form;
        this.byElementPair = Map.copyOf(byElementPair);
        this.fallback = fallback;
        this.explicitBonds = explicitBonds == null ? null : List.copyOf(explicitBonds);
        this.tolerance = tolerance;
    }

    public static long pairKey(int zi, int zj) { return zi <= zj ? ((long) zi << 32) | zj : ((long) zj << 32) | zi; }

    @Override public String name() { return form == Form.HARMONIC ? "harmonic-bonds" : "morse"; }

    @Override public double cutoffAngstrom() { return 0; }

    @Override public boolean supportsElement(int z) {
        if (fallback != null) return Elements.isKnown(z);
        for (long k : byElementPair.keySet()) if ((int) (k >>> 32) == z || (int) k == z) return true;
        return false;
    }

    @Override public boolean providesVirial() { return true; }

    /** Whether the bonds are detected from covalent radii (bonds: auto) rather than listed. */
    @Override public boolean detectsBonds() { return explicitBonds == null; }

    /**
     * Fixes the bonds now, from {@code atoms} (detected from their distances, or the listed ones checked
     * against them), instead of at the first evaluation. A run resumed from a checkpoint calls this with
     * its initial structure, so that it keeps the bonds the run started with rather than detecting them
     * again in the resumed (stretched) geometry.
     */
    @Override public void assignBondsFrom(Atoms atoms) { assignBonds(atoms); }

    /** The bonds in use (after the first evaluation), as index pairs. */
    public List<int[]> bonds() {
        List<int[]> out = new ArrayList<>();
        if (bondI != null) for (int b = 0; b < bondI.length; b++) out.add(new int[] {bondI[b], bondJ[b]});
        return out;
    }

    @Override
    public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        if (atomCount != atoms.size()) assignBonds(atoms);
        double[] x = atoms.positions();
        Cell cell = atoms.cell();
        Arrays.fill(forcesOut, 0, 3 * atoms.size(), 0.0);
        double[] w = new double[9];
        double[] d = new double[3];
        double energy = 0;
        for (int b = 0; b < bondI.length; b++) {
            int i = bondI[b], j = bondJ[b];
            minimumImage(x, i, j, cell, d);
            double r = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            BondParameters p = bondParameters[b];
            double dEdr;
            if (form == Form.HARMONIC) {
                double dr = r - p.r0();
                energy += 0.5 * p.stiffness() * dr * dr;
                dEdr = p.stiffness() * dr;
            } else {
                double e = Math.exp(-p.alpha() * (r - p.r0()));
                energy += p.depth() * (1 - e) * (1 - e);
                dEdr = 2 * p.depth() * p.alpha() * e * (1 - e);
            }
            double fOverR = -dEdr / r;   // force on j is fOverR * d
            for (int a = 0; a < 3; a++) {
                forcesOut[3 * j + a] += fOverR * d[a];
                forcesOut[3 * i + a] -= fOverR * d[a];
                for (int c = 0; c < 3; c++) w[3 * a + c] += d[a] * fOverR * d[c];
            }
        }
        if (virialOut != null) System.arraycopy(w, 0, virialOut, 0, 9);
        return energy;
    }

    /** d = x_j − x_i reduced to the nearest image along periodic directions. */
    private static void minimumImage(double[] x, int i, int j, Cell cell, double[] d) {
        for (int a = 0; a < 3; a++) d[a] = x[3 * j + a] - x[3 * i + a];
        cell.minimumImage(d, 0);
    }

    private void assignBonds(Atoms atoms) {
        int n = atoms.size();
        int[] z = atoms.atomicNumbers();
        List<int[]> bonds = new ArrayList<>();
        if (explicitBonds != null) {
            for (int[] b : explicitBonds) {
                if (b[0] < 0 || b[1] < 0 || b[0] >= n || b[1] >= n || b[0] == b[1])
                    throw new IllegalArgumentException("bond [" + b[0] + ", " + b[1] + "] does not join two different atoms of the " + n + "-atom system (indices start at 0)");
                bonds.add(b[0] < b[1] ? b : new int[] {b[1], b[0]});
            }
        } else {
            double[] d = new double[3];
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) {
                minimumImage(atoms.positions(), i, j, atoms.cell(), d);
                double limit = tolerance * (Elements.covalentRadiusAngstrom(z[i]) + Elements.covalentRadiusAngstrom(z[j]));
                if (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] < limit * limit) bonds.add(new int[] {i, j});
            }
        }
        bondI = new int[bonds.size()];
        bondJ = new int[bonds.size()];
        bondParameters = new BondParameters[bonds.size()];
        for (int b = 0; b < bonds.size(); b++) {
            int i = bonds.get(b)[0], j = bonds.get(b)[1];
            BondParameters p = byElementPair.getOrDefault(pairKey(z[i], z[j]), fallback);
            if (p == null)
                throw new IllegalArgumentException("no " + name() + " parameters for the " + Elements.symbol(z[i]) + "-" + Elements.symbol(z[j])
                        + " bond between atoms " + i + " and " + j + "; add '" + Elements.symbol(z[i]) + "-" + Elements.symbol(z[j]) + "' or 'default' under 'parameters'");
            bondI[b] = i;
            bondJ[b] = j;
            bondParameters[b] = p;
        }
        atomCount = n;
    }
}
