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
}
