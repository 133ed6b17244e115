package md.forcefields.ml.equivariance;

import java.util.Random;

/**
 * A small isolated structure for an equivariance check when the user gives none: ethanol (rMD17 frame 0)
 * for a model that knows H, C and O, otherwise a fixed random cluster of the model's species. Either has
 * no symmetry, so that no error can hide behind one.
 */
public record TestMolecule(String description, int[] atomicNumbers, double[] positions) {

    private static final int[] ETHANOL_Z = {6, 6, 8, 1, 1, 1, 1, 1, 1};
    private static final double[] ETHANOL = {
        0.0678320900, 0.4696632700, 0.2133266500, -1.2661131800, 0.0381073600, -0.3056732100,
        1.0873119300, -0.4666320400, 0.1413169900, 0.3819080900, 1.4583462300, -0.2519964500,
        0.1423067600, 0.7547624500, 1.2249740000, -1.6510651200, -0.8181628900, 0.1675926100,
        -2.0168821800, 0.8368306300, -0.1680252700, -1.1089758000, -0.1348036800, -1.3458335900,
        1.2712402400, -0.7420907400, -0.7694779900};

    /** The built-in structure for a model of these species (atomic numbers). */
    public static TestMolecule forSpecies(int[] species) {
        if (contains(species, 1) && contains(species, 6) && contains(species, 8))
            return new TestMolecule("built-in ethanol (rMD17 frame 0, 9 atoms)", ETHANOL_Z.clone(), ETHANOL.clone());
        int n = Math.max(4, Math.min(12, 2 * species.length));
        int[] z = new int[n];
        for (int i = 0; i < n; i++) z[i] = species[i % species.length];
        return new TestMolecule("built-in random cluster (" + n + " atoms, pairs ≥ 1 Å)", z, cluster(n, new Random(20240611)));
    }

    /** {@code n} atoms in a cube of edge 1.6·n^(1/3) Å, no pair closer than 1 Å (molecular distances, within any usual cutoff). */
    static double[] cluster(int n, Random rng) {
        double edge = 1.6 * Math.cbrt(n);
        double[] r = new double[3 * n];
        for (int i = 0; i < n; i++) {
            boolean ok;
            do {
                for (int c = 0; c < 3; c++) r[3 * i + c] = edge * rng.nextDouble();
                ok = true;
                for (int j = 0; j < i && ok; j++) {
                    double d2 = 0;
                    for (int c = 0; c < 3; c++) d2 += Math.pow(r[3 * i + c] - r[3 * j + c], 2);
                    ok = d2 >= 1.0;
                }
            } while (!ok);
        }
        return r;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
