package md.integrators;

import md.core.Units;
import md.thermostats.KineticEnergy;
import md.thermostats.MaxwellBoltzmann;

/**
 * A thermostatted system of many independent anharmonic oscillators (every atom in its own quartic well,
 * spring constants spread so no two share a frequency) and the statistics canonical sampling must
 * reproduce: ⟨T⟩ = T₀ and Var(T) = 2T₀²/N_f for the instantaneous kinetic temperature.
 */
final class CanonicalEnsembles {
    private CanonicalEnsembles() {}

    static final double MASS = 4.0, QUARTIC = 100.0, COUPLING = 200.0;

    static double[] springs(int atoms) {
        double[] k = new double[atoms];
        for (int i = 0; i < atoms; i++) k[i] = 1.0 + 2.0 * i / atoms; // 1–3 eV/Å²
        return k;
    }

    static ForceEvaluator anharmonicWells(int atoms) { return TestPotentials.wells(springs(atoms), QUARTIC); }

    /**
     * The same wells coupled along a ring (quartic bonds, 200 eV/Å⁴). Nosé–Hoover (chain) dynamics is
     * not ergodic on independent oscillators — on {@link #anharmonicWells} its Var(T) comes out ~20 %
     * above canonical for any τ, dt and chain length — so deterministic thermostats are tested here.
     */
    static ForceEvaluator coupledWells(int atoms) {
        return TestPotentials.coupledWells(springs(atoms), QUARTIC, COUPLING);
    }

    /** Atoms at their well centres with Maxwell–Boltzmann velocities at {@code startK}. */
    static MdState start(int atoms, double startK, long seed, ForceEvaluator forces) {
        double[] m = TestPotentials.filled(atoms, MASS);
        double[] v = MaxwellBoltzmann.sample(m, startK, seed);
        return TestPotentials.state(new double[3 * atoms], v, m, forces);
    }

    /** Result of a sampled run: kinetic temperature series and conserved energy series. */
    record Run(double[] temperatureK, double[] conservedEv, double[] x2) {
        BlockStatistics meanT(int blocks) { return BlockStatistics.of(temperatureK, blocks); }

        /** Block statistics of (T − ⟨T⟩)², whose mean is Var(T). */
        BlockStatistics varianceT(int blocks) {
            double mean = 0;
            for (double t : temperatureK) mean += t;
            mean /= temperatureK.length;
            double[] d = new double[temperatureK.length];
            for (int i = 0; i < d.length; i++) d[i] = (temperatureK[i] - mean) * (temperatureK[i] - mean);
            return BlockStatistics.of(d, blocks);
        }
    }

    /** Runs {@code equilibration} then {@code samples} steps, recording every step. */
    static Run run(Integrator integrator, MdState s, ForceEvaluator forces, int nf, int equilibration, int samples) {
        for (int i = 0; i < equilibration; i++) integrator.step(s, forces);
        double[] t = new double[samples], h = new double[samples], x2 = new double[samples];
        for (int i = 0; i < samples; i++) {
            integrator.step(s, forces);
            double ke = KineticEnergy.kineticEnergyEv(s.velocities, s.massesAmu);
            t[i] = KineticEnergy.temperatureK(ke, nf);
            h[i] = ke + s.potentialEnergyEv + integrator.conservedEnergyExtraEv(s);
            x2[i] = s.positions[0] * s.positions[0];
        }
        return new Run(t, h, x2);
    }

    static double kT(double temperatureK) { return Units.KB_EV_PER_K * temperatureK; }
}
