package md.core;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Element symbols, standard atomic masses (IUPAC 2016 values as tabulated by ASE, amu) and covalent
 * radii (Cordero et al. 2008 as in ASE's {@code covalent_radii}, Å; used by {@code natural_cutoffs}).
 * Covers H to Xe, which spans the molecular data sets this engine is used with.
 */
public final class Elements {
    private Elements() {}

    private static final String[] SYMBOLS = {"X",
        "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne",
        "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
        "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
        "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr",
        "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn",
        "Sb", "Te", "I", "Xe"};

    private static final double[] MASSES = {0.0,
        1.008, 4.002602, 6.94, 9.0121831, 10.81, 12.011, 14.007, 15.999, 18.998403163, 20.1797,
        22.98976928, 24.305, 26.9815385, 28.085, 30.973761998, 32.06, 35.45, 39.948, 39.0983, 40.078,
        44.955908, 47.867, 50.9415, 51.9961, 54.938044, 55.845, 58.933194, 58.6934, 63.546, 65.38,
        69.723, 72.630, 74.921595, 78.971, 79.904, 83.798, 85.4678, 87.62, 88.90584, 91.224,
        92.90637, 95.95, 97.90721, 101.07, 102.9055, 106.42, 107.8682, 112.414, 114.818, 118.710,
        121.760, 127.60, 126.90447, 131.293};

    private static final double[] COVALENT_RADII = {0.2,
        0.31, 0.28, 1.28, 0.96, 0.84, 0.76, 0.71, 0.66, 0.57, 0.58,
        1.66, 1.41, 1.21, 1.11, 1.07, 1.05, 1.02, 1.06, 2.03, 1.76,
        1.70, 1.60, 1.53, 1.39, 1.39, 1.32, 1.26, 1.24, 1.32, 1.22,
        1.22, 1.20, 1.19, 1.20, 1.20, 1.16, 2.20, 1.95, 1.90, 1.75,
        1.64, 1.54, 1.47, 1.46, 1.42, 1.39, 1.45, 1.44, 1.42, 1.39,
        1.39, 1.38, 1.39, 1.40};

    private static final Map<String, Integer> BY_SYMBOL = new HashMap<>();
    static {
        for (int z = 1; z < SYMBOLS.length; z++) BY_SYMBOL.put(SYMBOLS[z].toLowerCase(Locale.ROOT), z);
    }

    public static int maxAtomicNumber() { return SYMBOLS.length - 1; }

    public static boolean isKnown(int z) { return z >= 1 && z < SYMBOLS.length; }

    public static String symbol(int z) { check(z); return SYMBOLS[z]; }

    public static double massAmu(int z) { check(z); return MASSES[z]; }

    public static double covalentRadiusAngstrom(int z) { check(z); return COVALENT_RADII[z]; }

    /** Atomic number of a symbol, case-insensitive ("C", "cl"); empty when unknown. */
    public static Optional<Integer> atomicNumber(String symbol) {
        return Optional.ofNullable(BY_SYMBOL.get(symbol.trim().toLowerCase(Locale.ROOT)));
    }

    private static void check(int z) {
        if (!isKnown(z)) throw new IllegalArgumentException("unknown element with atomic number " + z
                + "; this engine knows H (1) to Xe (" + maxAtomicNumber() + ")");
    }
}
