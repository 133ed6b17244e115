package md.forcefields.training;

import java.util.Arrays;
import java.util.List;

/**
 * Data-set statistics a NequIP model is normalised with, computed on the training frames only:
 * the per-species energy shift (least squares of the energies on the composition), the force RMS
 * (the model's output scale and the loss's unit) and the average number of neighbours within r_max.
 */
public final class TrainingStatistics {
    private TrainingStatistics() {}

    /** Sorted distinct atomic numbers of the frames. */
    public static int[] species(List<TrainingFrame> frames) {
        return frames.stream().flatMapToInt(f -> Arrays.stream(f.atomicNumbers())).distinct().sorted().toArray();
    }

    /**
     * Per-species energies b_t (eV) minimising Σ_f (E_f − Σ_t n_ft b_t)² over frames with an energy,
     * n_ft the count of species t in frame f. When the compositions do not determine every b_t (e.g. a
     * single molecule) the minimum-norm solution is returned, as torch.linalg.lstsq's pseudo-inverse
     * does in nequip. All zeros without energies.
     */
    public static double[] perSpeciesEnergyShifts(List<TrainingFrame> frames, int[] species) {
        int t = species.length;
        double[][] ata = new double[t][t];
        double[] aty = new double[t];
        boolean any = false;
        for (TrainingFrame f : frames) {
            if (f.energyEv() == null) continue;
            any = true;
            double[] n = composition(f, species);
            for (int a = 0; a < t; a++) {
                aty[a] += n[a] * f.energyEv();
                for (int b = 0; b < t; b++) ata[a][b] += n[a] * n[b];
            }
        }
        if (!any) return new double[t];
        return pseudoInverseSolve(ata, aty);
    }

    /**
     * The mean energy per atom, mean over frames with an energy of E_f/N_f (eV): nequip 0.6's default
     * per-species shift ({@code dataset_per_atom_total_energy_mean}), the same for every species. 0 without energies.
     */
    public static double perAtomEnergyMean(List<TrainingFrame> frames) {
        double s = 0;
        int count = 0;
        for (TrainingFrame f : frames) {
            if (f.energyEv() == null) continue;
            s += f.energyEv() / f.atomicNumbers().length;
            count++;
        }
        return count == 0 ? 0 : s / count;
    }

    /**
     * The population standard deviation (ddof 0, as sklearn's StandardScaler) of the total energies of the frames
     * that have one (eV); NaN with fewer than one. GeomAtt's energy standardisation and its loss unit σ_E.
     */
    public static double energyStd(List<TrainingFrame> frames) {
        double mean = energyMean(frames);
        double s = 0;
        int count = 0;
        for (TrainingFrame f : frames) {
            if (f.energyEv() == null) continue;
            double d = f.energyEv() - mean;
            s += d * d;
            count++;
        }
        return count == 0 ? Double.NaN : Math.sqrt(s / count);
    }

    /** The mean total energy of the frames that have one (eV); NaN without energies. */
    public static double energyMean(List<TrainingFrame> frames) {
        double s = 0;
        int count = 0;
        for (TrainingFrame f : frames) {
            if (f.energyEv() == null) continue;
            s += f.energyEv();
            count++;
        }
        return count == 0 ? Double.NaN : s / count;
    }

    /** Counts of each species of {@code species} in the frame (fails on an element not listed). */
    public static double[] composition(TrainingFrame f, int[] species) {
        double[] n = new double[species.length];
        for (int z : f.atomicNumbers()) {
            int k = Arrays.binarySearch(species, z);
            if (k < 0) throw new IllegalArgumentException("element Z=" + z + " is not among the model's species " + Arrays.toString(species));
            n[k]++;
        }
        return n;
    }

    /** sqrt(mean F²) over all force components of the frames that have forces (eV/Å); 1 when none do. */
    public static double forceRms(List<TrainingFrame> frames) {
        double s = 0;
        long count = 0;
        for (TrainingFrame f : frames) {
            if (f.forcesEvPerA() == null) continue;
            for (double v : f.forcesEvPerA()) s += v * v;
            count += f.forcesEvPerA().length;
        }
        return count == 0 || s == 0 ? 1.0 : Math.sqrt(s / count);
    }

    /** Mean over all atoms of the number of other atoms (or periodic images) closer than {@code rMax} (nequip's avg_num_neighbors). */
    public static double averageNeighbours(List<TrainingFrame> frames, double rMax) {
        long edges = 0, atoms = 0;
        double r2 = rMax * rMax;
        for (TrainingFrame f : frames) {
            double[] x = f.positions();
            int n = f.size();
            atoms += n;
            if (f.periodic()) { edges += 2L * f.pairs(x, rMax).pairCount(); continue; }
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++) {
                    double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1], dz = x[3 * j + 2] - x[3 * i + 2];
                    if (dx * dx + dy * dy + dz * dz < r2) edges += 2;
                }
        }
        if (atoms == 0 || edges == 0) throw new IllegalArgumentException("no atom of the training set has a neighbour within r_max = " + rMax + " Å");
        return (double) edges / atoms;
    }

    /**
     * x = A⁺b for a symmetric positive semi-definite A (the normal equations), by Jacobi
     * eigen-decomposition, dropping eigenvalues below 1e-10 of the largest (rank deficiency).
     */
    static double[] pseudoInverseSolve(double[][] symmetric, double[] b) {
        int n = b.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = symmetric[i].clone();
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) v[i][i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
        }
        double max = 0;
        for (int i = 0; i < n; i++) max = Math.max(max, Math.abs(a[i][i]));
        double[] x = new double[n];
        for (int k = 0; k < n; k++) {
            double lambda = a[k][k];
            if (!(lambda > 1e-10 * max)) continue;
            double proj = 0;
            for (int i = 0; i < n; i++) proj += v[i][k] * b[i];
            for (int i = 0; i < n; i++) x[i] += v[i][k] * proj / lambda;
        }
        return x;
    }
}
