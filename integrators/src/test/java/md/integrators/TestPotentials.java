package md.integrators;

/** Small potentials for dynamics tests, written here so the tests depend on no force-field module. */
final class TestPotentials {
    private TestPotentials() {}

    /**
     * Independent wells U = Σ_i Σ_d (k_i x_id²/2 + c x_id⁴/4) around the origin of each atom (k eV/Å²,
     * c eV/Å⁴): every Cartesian coordinate is its own 1D oscillator, harmonic when c = 0.
     */
    static ForceEvaluator wells(double[] springEvPerA2, double quarticEvPerA4) {
        return (x, f) -> {
            double e = 0.0;
            for (int i = 0; i < springEvPerA2.length; i++) {
                double k = springEvPerA2[i];
                for (int d = 0; d < 3; d++) {
                    double q = x[3 * i + d], q2 = q * q;
                    e += 0.5 * k * q2 + 0.25 * quarticEvPerA4 * q2 * q2;
                    f[3 * i + d] = -k * q - quarticEvPerA4 * q2 * q;
                }
            }
            return e;
        };
    }

    /**
     * The wells of {@link #wells} with neighbours along a ring coupled: U += Σ_i Σ_d g (x_id − x_(i+1)d)⁴/4
     * (g eV/Å⁴). A nonlinear lattice exchanges energy between sites, so deterministic thermostats can be
     * ergodic on it (on independent oscillators they are not).
     */
    static ForceEvaluator coupledWells(double[] springEvPerA2, double quarticEvPerA4, double couplingEvPerA4) {
        ForceEvaluator onSite = wells(springEvPerA2, quarticEvPerA4);
        int n = springEvPerA2.length;
        return (x, f) -> {
            double e = onSite.evaluate(x, f);
            for (int i = 0; i < n; i++) {
                int j = (i + 1) % n;
                for (int d = 0; d < 3; d++) {
                    double u = x[3 * i + d] - x[3 * j + d], u3 = u * u * u;
                    e += 0.25 * couplingEvPerA4 * u3 * u;
                    f[3 * i + d] -= couplingEvPerA4 * u3;
                    f[3 * j + d] += couplingEvPerA4 * u3;
                }
            }
            return e;
        };
    }

    /** A 1D harmonic oscillator along x only (y and z feel no force). */
    static ForceEvaluator harmonic1d(double springEvPerA2) {
        return (x, f) -> {
            f[0] = -springEvPerA2 * x[0];
            f[1] = 0.0;
            f[2] = 0.0;
            return 0.5 * springEvPerA2 * x[0] * x[0];
        };
    }

    /** Lennard-Jones between all pairs, no cutoff (isolated cluster): U = 4ε((σ/r)¹² − (σ/r)⁶). */
    static ForceEvaluator lennardJones(double epsilonEv, double sigmaA) {
        return (x, f) -> {
            java.util.Arrays.fill(f, 0.0);
            int n = x.length / 3;
            double e = 0.0, s2 = sigmaA * sigmaA;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
                    double r2 = dx * dx + dy * dy + dz * dz;
                    double sr2 = s2 / r2, sr6 = sr2 * sr2 * sr2, sr12 = sr6 * sr6;
                    e += 4.0 * epsilonEv * (sr12 - sr6);
                    double fr = 24.0 * epsilonEv * (2.0 * sr12 - sr6) / r2; // −dU/dr / r
                    f[3 * i] += fr * dx; f[3 * i + 1] += fr * dy; f[3 * i + 2] += fr * dz;
                    f[3 * j] -= fr * dx; f[3 * j + 1] -= fr * dy; f[3 * j + 2] -= fr * dz;
                }
            }
            return e;
        };
    }

    /** Argon-like 13-atom cluster: centre plus its 12 fcc nearest neighbours near the LJ minimum distance, jiggled. */
    static double[] lennardJonesCluster13(double sigmaA, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        double r0 = Math.pow(2.0, 1.0 / 6.0) * sigmaA;
        double a = r0 / Math.sqrt(2.0);
        double[] x = new double[39];
        int k = 3;
        int[][] dirs = {{1, 1, 0}, {1, -1, 0}, {-1, 1, 0}, {-1, -1, 0}, {1, 0, 1}, {1, 0, -1},
                        {-1, 0, 1}, {-1, 0, -1}, {0, 1, 1}, {0, 1, -1}, {0, -1, 1}, {0, -1, -1}};
        for (int[] dir : dirs)
            for (int d = 0; d < 3; d++) x[k++] = a * dir[d];
        for (int i = 0; i < x.length; i++) x[i] += 0.05 * sigmaA * (rnd.nextDouble() - 0.5);
        return x;
    }

    /** A state with forces and energy evaluated at its positions, ready for the first step. */
    static MdState state(double[] positions, double[] velocities, double[] masses, ForceEvaluator forces) {
        MdState s = new MdState(positions, velocities, masses);
        s.potentialEnergyEv = forces.evaluate(s.positions, s.forces);
        return s;
    }

    static double[] filled(int n, double value) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
