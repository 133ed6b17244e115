package md.integrators;

/** Computes forces (eV/Å, 3N, overwritten) at positions (Å) and returns the potential energy (eV). */
@FunctionalInterface
public interface ForceEvaluator {
    double evaluate(double[] positions, double[] forcesOut);
}
