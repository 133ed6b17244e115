package md.forcefields.ensemble;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.NeighborList;

/**
 * An ensemble of force fields (models of any family, classical potentials, or a mix) as one force field:
 * energy, forces and virial are the (weighted) mean of the members', and the members' spread is reported
 * as per-step observables — the usual uncertainty indicators of active learning:
 * <ul>
 *   <li>{@code ensemble_energy_std_eV}: σ_E = sqrt(Σ_k w_k (E_k − Ē)²)</li>
 *   <li>{@code ensemble_force_std_max_eV_per_A}: max over atoms i of σ_i = sqrt(Σ_k w_k |F_k,i − F̄_i|²)</li>
 *   <li>{@code ensemble_force_std_mean_eV_per_A}: the mean of σ_i over atoms</li>
 * </ul>
 * with weights w_k normalised to sum 1 (equal weights: w_k = 1/M, the population standard deviation, not
 * the 1/(M−1) sample estimate). σ_i is the spread of the force <em>vector</em> of atom i (the root of the
 * summed variances of its three components).
 *
 * <p>The cutoff is the largest of the members' cutoffs, so the shared neighbour list holds every pair any
 * member needs; each member still uses only the pairs within its own cutoff (Lennard-Jones and learned
 * models skip farther pairs, bonded potentials do not use the list). Members are evaluated one after the
 * other, or concurrently on {@code threads} threads; the means are always summed in member order, so the
 * result does not depend on the thread count.
 */
public final class EnsembleForceField implements ForceField {
    /** The observable names, in the order of {@link #observables}. */
    public static final List<String> OBSERVABLES = List.of(
            "ensemble_energy_std_eV", "ensemble_force_std_max_eV_per_A", "ensemble_force_std_mean_eV_per_A");

    private final ForceField[] members;
    private final double[] weights;   // raw, ≥ 0, positive sum
    private final double weightSum;
    private final md.forcefields.MemberCapabilities capabilities;
    private final ExecutorService pool;

    private final double[] energies;
    private double[][] forces = new double[0][];
    private final double[][] virials;
    private double[] atomStd = new double[0];
    private int atomCount;
    private double energyStd = Double.NaN, forceStdMax = Double.NaN, forceStdMean = Double.NaN;

    /**
     * @param members at least two force fields; the ensemble owns them and closes them
     * @param weights one non-negative weight per member with a positive sum, or null for equal weights
     * @param threads members evaluated concurrently (1 = one after the other)
     */
    public EnsembleForceField(List<? extends ForceField> members, double[] weights, int threads) {
        if (members.size() < 2) throw new IllegalArgumentException("an ensemble needs at least 2 members, got " + members.size());
        this.members = members.toArray(new ForceField[0]);
        int m = this.members.length;
        if (weights == null) {
            weights = new double[m];
            Arrays.fill(weights, 1.0);
        }
        if (weights.length != m) throw new IllegalArgumentException("expected " + m + " weights (one per member), got " + weights.length);
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || !Double.isFinite(w)) throw new IllegalArgumentException("weights must be finite and >= 0, got " + w);
            sum += w;
        }
        if (!(sum > 0)) throw new IllegalArgumentException("the weights sum to 0; expected a positive sum");
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.weights = weights.clone();
        this.weightSum = sum;
        this.capabilities = md.forcefields.MemberCapabilities.of(this.members);
        this.energies = new double[m];
        this.virials = new double[m][9];
        int t = Math.min(threads, m);
        this.pool = t > 1 ? Executors.newFixedThreadPool(t, r -> {
            Thread th = new Thread(r, "md-ensemble");
            th.setDaemon(true);
            return th;
        }) : null;
    }

    @Override public String name() { return "ensemble"; }

    @Override public double cutoffAngstrom() { return capabilities.cutoffAngstrom(); }

    @Override public boolean supportsElement(int atomicNumber) { return md.forcefields.MemberCapabilities.allSupport(members, atomicNumber); }

    @Override public boolean providesVirial() { return capabilities.providesVirial(); }

    @Override public boolean conservative() { return capabilities.conservative(); }

    @Override public List<String> observableNames() { return OBSERVABLES; }

    @Override public void observables(double[] out) {
        out[0] = energyStd;
        out[1] = forceStdMax;
        out[2] = forceStdMean;
    }

    public int size() { return members.length; }

    public List<ForceField> members() { return List.of(members); }

    /** Member k's energy of the last {@link #compute} (eV). */
    public double memberEnergy(int k) { return energies[k]; }

    /** Member k's forces of the last {@link #compute} (3N, eV/Å; a view, do not modify). */
    public double[] memberForces(int k) { return forces[k]; }

    /** σ_i, the spread of each atom's force vector in the last {@link #compute} (N values, eV/Å; a copy). */
    public double[] atomForceStd() { return Arrays.copyOf(atomStd, atomCount); }

    public double energyStd() { return energyStd; }

    @Override
    public double compute(Atoms atoms, NeighborList neighbors, double[] forcesOut, double[] virialOut) {
        int m = members.length, n3 = forcesOut.length, n = n3 / 3;
        if (forces.length != m || forces[0].length != n3) forces = new double[m][n3];
        if (atomStd.length < n) atomStd = new double[n];
        atomCount = n;
        boolean wantVirial = virialOut != null && capabilities.providesVirial();
        if (pool == null) {
            for (int k = 0; k < m; k++) evaluate(k, atoms, neighbors, wantVirial);
        } else {
            List<Callable<Void>> tasks = new ArrayList<>(m);
            for (int k = 0; k < m; k++) {
                int kk = k;
                tasks.add(() -> { evaluate(kk, atoms, neighbors, wantVirial); return null; });
            }
            try {
                for (Future<Void> f : pool.invokeAll(tasks)) f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while evaluating the ensemble", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException(cause);
            }
        }
        double w = weightSum;
        // means, summed in member order
        double energy = 0;
        for (int k = 0; k < m; k++) energy += weights[k] * energies[k];
        energy /= w;
        for (int c = 0; c < n3; c++) {
            double s = 0;
            for (int k = 0; k < m; k++) s += weights[k] * forces[k][c];
            forcesOut[c] = s / w;
        }
        if (virialOut != null) {
            for (int c = 0; c < 9; c++) {
                if (!wantVirial) { virialOut[c] = Double.NaN; continue; }
                double s = 0;
                for (int k = 0; k < m; k++) s += weights[k] * virials[k][c];
                virialOut[c] = s / w;
            }
        }
        // spreads (two-pass: deviations from the mean)
        double ev = 0;
        for (int k = 0; k < m; k++) ev += weights[k] * (energies[k] - energy) * (energies[k] - energy);
        energyStd = Math.sqrt(ev / w);
        double max = n > 0 ? 0 : Double.NaN, sum = 0;
        for (int i = 0; i < n; i++) {
            double fx = forcesOut[3 * i], fy = forcesOut[3 * i + 1], fz = forcesOut[3 * i + 2], v = 0;
            for (int k = 0; k < m; k++) {
                double[] f = forces[k];
                double dx = f[3 * i] - fx, dy = f[3 * i + 1] - fy, dz = f[3 * i + 2] - fz;
                v += weights[k] * (dx * dx + dy * dy + dz * dz);
            }
            double s = Math.sqrt(v / w);
            atomStd[i] = s;
            if (s > max || Double.isNaN(s)) max = s;
            sum += s;
        }
        forceStdMax = max;
        forceStdMean = n > 0 ? sum / n : Double.NaN;
        return energy;
    }

    private void evaluate(int k, Atoms atoms, NeighborList neighbors, boolean wantVirial) {
        energies[k] = members[k].compute(atoms, neighbors, forces[k], wantVirial ? virials[k] : null);
    }

    /** Closes every member (and the worker threads); the first failure is rethrown after all were tried. */
    @Override public void close() {
        if (pool != null) pool.shutdownNow();
        RuntimeException first = null;
        for (ForceField f : members) {
            try {
                f.close();
            } catch (RuntimeException e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
