package md.tests;

/** YAML inputs for the end-to-end tests: small, fast systems. */
final class Inputs {
    private Inputs() {}

    /** Lennard-Jones argon (Rahman's ε, σ), shifted force, 2.5 σ cutoff. */
    static final String ARGON_FORCEFIELD = """
            forcefield:
              type: lennard-jones
              cutoff: 8.5
              shift: force
              species:
                Ar: {epsilon: 0.010341, sigma: 3.4}
            """;

    /** 108 argon atoms (3×3×3 fcc) at liquid density: box 17.34 Å, half of it above the 8.5 Å cutoff. */
    static final String ARGON_108 = """
            structure:
              lattice: fcc
              element: Ar
              a_A: 5.78
              repeat: [3, 3, 3]
            """ + ARGON_FORCEFIELD;

    /** Argon with the given dynamics section body (indented two spaces) and output section body. */
    static String argon(String dynamics, String output) {
        return ARGON_108 + """
                velocities:
                  temperature_K: 120
                  seed: 11
                dynamics:
                """ + dynamics + "output:\n" + output;
    }

    /**
     * Argon at 300 K, 1000 bar under the C-rescale barostat acting every step (a cell that changes from frame
     * to frame), writing extxyz and H5MD trajectories and thermo every 10 steps to the folder {@code npt}.
     */
    static String argonNpt(long steps) {
        return ARGON_108 + """
                velocities: {temperature_K: 300, seed: 11}
                dynamics:
                  integrator: langevin
                  timestep_fs: 5
                  steps: %d
                  temperature_K: 300
                  friction_per_ps: 1
                  barostat: {type: c-rescale, pressure_bar: 1000, tau_fs: 100, compressibility_per_bar: 1.4e-4, every: 1, seed: 3}
                output: {directory: npt, trajectory: {every: 10, formats: [extxyz, h5]}, thermo: {every: 10}}
                """.formatted(steps);
    }
}
