package md.forcefields.training;

import java.util.Map;
import java.util.TreeMap;

/**
 * Mean absolute and root-mean-square errors of predicted energies and forces against labels, overall
 * and per element (forces: the three components of every atom of that element). Frames without an
 * energy or forces label add nothing to that quantity. Values in eV and eV/Å.
 */
public final class ErrorMetrics {
    /** MAE and RMSE of one quantity over {@code count} values. */
    public record Errors(double mae, double rmse, long count) {}

    private final Sum energy = new Sum(), energyPerAtom = new Sum(), forces = new Sum();
    private final Map<Integer, Sum> forcesByElement = new TreeMap<>();

    private static final class Sum {
        double abs, sq;
        long n;

        void add(double d) { abs += Math.abs(d); sq += d * d; n++; }

        Errors errors() { return n == 0 ? new Errors(Double.NaN, Double.NaN, 0) : new Errors(abs / n, Math.sqrt(sq / n), n); }
    }

    /** Adds one frame's prediction. */
    public void add(TrainingFrame frame, double predictedEnergy, double[] predictedForces) {
        if (frame.energyEv() != null) {
            double d = predictedEnergy - frame.energyEv();
            energy.add(d);
            energyPerAtom.add(d / frame.size());
        }
        double[] ref = frame.forcesEvPerA();
        if (ref == null) return;
        for (int i = 0; i < frame.size(); i++) {
            Sum el = forcesByElement.computeIfAbsent(frame.atomicNumbers()[i], z -> new Sum());
            for (int c = 0; c < 3; c++) {
                double d = predictedForces[3 * i + c] - ref[3 * i + c];
                forces.add(d);
                el.add(d);
            }
        }
    }

    /** Total-energy errors (eV) per frame. */
    public Errors energy() { return energy.errors(); }
    /** Energy errors divided by the number of atoms (eV/atom). */
    public Errors energyPerAtom() { return energyPerAtom.errors(); }
    /** Force-component errors (eV/Å). */
    public Errors forces() { return forces.errors(); }

    /** Force-component errors by atomic number (eV/Å), in order of atomic number. */
    public Map<Integer, Errors> forcesByElement() {
        Map<Integer, Errors> out = new TreeMap<>();
        forcesByElement.forEach((z, s) -> out.put(z, s.errors()));
        return out;
    }
}
