package md.forcefields.sum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;
import md.forcefields.TopologyFromStructure;

/**
 * A sum of force fields (terms): E = Σ_k E_k, F = Σ_k F_k, W = Σ_k W_k, e.g. a learned short-range model plus
 * Lennard-Jones dispersion, or bonded terms plus pair potentials. The run builds one neighbour list for the
 * largest term cutoff (plus skin); each term is handed only the pairs within its own cutoff
 * ({@link PairsWithinCutoff}), so it gets the same pairs as it would alone. Terms are evaluated in their
 * order and summed in that order, so the result is deterministic.
 *
 * <p>Observables: the energy of each term as {@code E_NAME_eV} (NAME the term's name, by default its type),
 * then the terms' own observables (flexible-water's per-term energies, an ensemble's spread), prefixed with
 * {@code NAME_} where two terms would otherwise give the same column.
 */
public final class SumForceField implements ForceField, TopologyFromStructure {
    private final ForceField[] terms;
    private final PairsWithinCutoff[] pairs;
    private final md.forcefields.MemberCapabilities capabilities;
    private final List<String> observableNames;
    private final int[] observableOffsets; // where term k's own observables start in observables()
    private final double[] termEnergies;
    private final double[][] termObservables;
    private double[] scratchForces = new double[0];
    private final double[] scratchVirial = new double[9];

    /**
     * @param terms at least one force field; the sum owns and closes them
     * @param names one name per term (letters, digits, '_' and '-'), distinct
     */
    public SumForceField(List<? extends ForceField> terms, List<String> names) {
        if (terms.isEmpty()) throw new IllegalArgumentException("a sum needs at least one term");
        if (names.size() != terms.size()) throw new IllegalArgumentException("expected " + terms.size() + " names, got " + names.size());
        if (names.stream().distinct().count() != names.size()) throw new IllegalArgumentException("term names must be distinct, got " + names);
        this.terms = terms.toArray(new ForceField[0]);
        int m = this.terms.length;
        this.pairs = new PairsWithinCutoff[m];
        for (int k = 0; k < m; k++) {
            ForceField f = this.terms[k];
            if (f instanceof SumForceField) throw new IllegalArgumentException("a sum cannot be a term of a sum; list its terms directly");
            pairs[k] = new PairsWithinCutoff(f.cutoffAngstrom());
        }
        this.capabilities = md.forcefields.MemberCapabilities.of(this.terms);
        this.termEnergies = new double[m];
        this.termObservables = new double[m][];
        List<String> out = new ArrayList<>();
        for (String name : names) out.add("E_" + name.replace('-', '_') + "_eV");
        Map<String, Integer> seen = new HashMap<>();
        for (String s : out) seen.merge(s, 1, Integer::sum);
        for (ForceField f : this.terms) for (String s : f.observableNames()) seen.merge(s, 1, Integer::sum);
        observableOffsets = new int[m];
        for (int k = 0; k < m; k++) {
            observableOffsets[k] = out.size();
            List<String> own = this.terms[k].observableNames();
            termObservables[k] = new double[own.size()];
            for (String s : own) out.add(seen.get(s) > 1 ? names.get(k).replace('-', '_') + "_" + s : s);
        }
        if (out.stream().distinct().count() != out.size())
            throw new IllegalArgumentException("the terms' thermo columns collide: " + out + "; give the terms distinct names");
        this.observableNames = List.copyOf(out);
    }

    @Override public String name() { return "sum"; }

    @Override public double cutoffAngstrom() { return capabilities.cutoffAngstrom(); }

    @Override public boolean supportsElement(int atomicNumber) { return md.forcefields.MemberCapabilities.allSupport(terms, atomicNumber); }

    @Override public boolean providesVirial() { return capabilities.providesVirial(); }

    @Override public boolean conservative() { return capabilities.conservative(); }

    public List<ForceField> terms() { return List.of(terms); }

    /** Term k's energy of the last {@link #compute} (eV). */
    public double termEnergy(int k) { return termEnergies[k]; }

    @Override public List<String> observableNames() { return observableNames; }

    @Override public void observables(double[] out) {
        int m = terms.length;
        System.arraycopy(termEnergies, 0, out, 0, m);
        for (int k = 0; k < m; k++) System.arraycopy(termObservables[k], 0, out, observableOffsets[k], termObservables[k].length);
    }

    @Override
    public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        int n3 = 3 * atoms.size();
        if (scratchForces.length != forcesOut.length) scratchForces = new double[forcesOut.length];
        Arrays.fill(forcesOut, 0, n3, 0.0);
        boolean wantVirial = virialOut != null && capabilities.providesVirial();
        if (virialOut != null) Arrays.fill(virialOut, 0, 9, wantVirial ? 0.0 : Double.NaN);
        double energy = 0;
        for (int k = 0; k < terms.length; k++) {
            double e = terms[k].compute(atoms, pairs[k].update(atoms, neighbors), scratchForces, wantVirial ? scratchVirial : null);
            termEnergies[k] = e;
            energy += e;
            for (int c = 0; c < n3; c++) forcesOut[c] += scratchForces[c];
            if (wantVirial) for (int c = 0; c < 9; c++) virialOut[c] += scratchVirial[c];
            if (termObservables[k].length > 0) terms[k].observables(termObservables[k]);
        }
        return energy;
    }

    @Override public boolean detectsBonds() {
        for (ForceField f : terms) if (f instanceof TopologyFromStructure t && t.detectsBonds()) return true;
        return false;
    }

    /** Hands the structure to every term that detects its topology from it. */
    @Override public void assignBondsFrom(Atoms atoms) {
        for (ForceField f : terms) if (f instanceof TopologyFromStructure t && t.detectsBonds()) t.assignBondsFrom(atoms);
    }

    /** Closes every term; the first failure is rethrown after all were tried. */
    @Override public void close() {
        RuntimeException first = null;
        for (ForceField f : terms) {
            try {
                f.close();
            } catch (RuntimeException e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
