package md.forcefields.training;

import java.util.Map;
import java.util.TreeMap;

/**
 * Mean absolute and root-mean-square errors of predicted energies and forces against labels, overall
 * and per element (forces: the three components of every atom of that element). Frames without an
 * energy or forces label add nothing to that quantity. Values in eV and eV/Å. The errors of a model's
 * direct force head are kept apart ({@link #directForces()}), so that both heads of one network can be
 * reported.
 */
public final class ErrorMetrics {
    /** MAE and RMSE of one quantity over {@code count} values. */
    public record Errors(double mae, double rmse, long count) {}

    private final Sum energy = new Sum(), energyPerAtom = new Sum(), forces = new Sum(), directForces = new Sum(), stress = new Sum();
    private final Map<Integer, Sum> forcesByElement = new TreeMap<>(), directForcesByElement = new TreeMap<>();

    private static final class Sum {
        double abs, sq;
        long n;

        void add(double d) { abs += Math.abs(d); sq += d * d; n++; }

        Errors errors() { return n == 0 ? new Errors(Double.NaN, Double.NaN, 0) : new Errors(abs / n, Math.sqrt(sq / n), n); }
    }

    /** Adds one frame's prediction (conservative forces). */
    public void add(TrainingFrame frame, double predictedEnergy, double[] predictedForces) {
        add(frame, predictedEnergy, predictedForces, null);
    }

    /** Adds one frame's prediction: energy, conservative and direct forces (either null when not evaluated). */
    public void add(TrainingFrame frame, ModelEvaluation.Prediction p) {
        add(frame, p.energyEv(), p.forcesEvPerA(), p.directForcesEvPerA());
        if (p.stressEvPerA3() != null && frame.stressEvPerA3() != null)
            for (int c = 0; c < 9; c++) stress.add(p.stressEvPerA3()[c] - frame.stressEvPerA3()[c]);
    }

    /** Adds one frame's prediction: energy, conservative and direct forces (either null when not evaluated). */
    public void add(TrainingFrame frame, double predictedEnergy, double[] predictedForces, double[] predictedDirectForces) {
        if (frame.energyEv() != null) {
            double d = predictedEnergy - frame.energyEv();
            energy.add(d);
            energyPerAtom.add(d / frame.size());
        }
        if (predictedForces != null) addForces(frame, predictedForces, forces, forcesByElement);
        if (predictedDirectForces != null) addForces(frame, predictedDirectForces, directForces, directForcesByElement);
    }

    private static void addForces(TrainingFrame frame, double[] predicted, Sum all, Map<Integer, Sum> byElement) {
        double[] ref = frame.forcesEvPerA();
        if (ref == null) return;
        for (int i = 0; i < frame.size(); i++) {
            Sum el = byElement.computeIfAbsent(frame.atomicNumbers()[i], z -> new Sum());
            for (int c = 0; c < 3; c++) {
                double d = predicted[3 * i + c] - ref[3 * i + c];
                all.add(d);
                el.add(d);
            }
        }
    }

    /** Total-energy errors (eV) per frame. */
    public Errors energy() { return energy.errors(); }
    /** Energy errors divided by the number of atoms (eV/atom). */
    public Errors energyPerAtom() { return energyPerAtom.errors(); }
    /** Stress-component errors (eV/Å³, all 9 components of frames with a stress label); count 0 when none. */
    public Errors stress() { return stress.errors(); }

    /** Force-component errors (eV/Å). */
    public Errors forces() { return forces.errors(); }

    /** Force-component errors by atomic number (eV/Å), in order of atomic number. */
    public Map<Integer, Errors> forcesByElement() { return byElement(forcesByElement); }

    /** Force-component errors of the direct force head (eV/Å); count 0 when it was not evaluated. */
    public Errors directForces() { return directForces.errors(); }

    /** The direct head's force-component errors by atomic number (eV/Å). */
    public Map<Integer, Errors> directForcesByElement() { return byElement(directForcesByElement); }

    private static Map<Integer, Errors> byElement(Map<Integer, Sum> sums) {
        Map<Integer, Errors> out = new TreeMap<>();
        sums.forEach((z, s) -> out.put(z, s.errors()));
        return out;
    }
}
