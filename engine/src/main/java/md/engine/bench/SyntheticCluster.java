package md.engine.bench;

/**
 * A random isolated cluster of H, C and O atoms for timing models at sizes no data set has: atoms placed one by
 * one uniformly in a sphere that holds 0.1 atoms per Å³ (about the density of an organic molecule, hydrogens
 * included), each rejected when closer than 1 Å to an earlier one; species H 45 %, C 35 %, O 20 %. The random
 * numbers come from a 64-bit linear congruential generator (Knuth's MMIX constants, uniform doubles from the top
 * 53 bits) so that scripts/bench-geomatt-torch.py builds the same clusters for the PyTorch reference.
 */
public record SyntheticCluster(int[] atomicNumbers, double[] positions) {
    public static final double ATOMS_PER_CUBIC_ANGSTROM = 0.1, MIN_DISTANCE_ANGSTROM = 1.0;
    public static final long DEFAULT_SEED = 12345;
    private static final long A = 6364136223846793005L, C = 1442695040888963407L;

    /** The cluster of {@code n} atoms from {@code seed}. */
    public static SyntheticCluster of(int n, long seed) {
        if (n < 1) throw new IllegalArgumentException("a cluster needs at least one atom, got " + n);
        long[] state = {seed * A + C};
        java.util.function.DoubleSupplier uniform = () -> {
            state[0] = state[0] * A + C;
            return (state[0] >>> 11) * 0x1.0p-53;
        };
        double radius = Math.pow(3.0 * n / (4.0 * Math.PI * ATOMS_PER_CUBIC_ANGSTROM), 1.0 / 3.0);
        int[] z = new int[n];
        double[] x = new double[3 * n];
        int placed = 0;
        while (placed < n) {
            double px = radius * (2 * uniform.getAsDouble() - 1), py = radius * (2 * uniform.getAsDouble() - 1), pz = radius * (2 * uniform.getAsDouble() - 1);
            double u = uniform.getAsDouble();
            if (px * px + py * py + pz * pz > radius * radius) continue;
            boolean clash = false;
            for (int j = 0; j < placed && !clash; j++) {
                double dx = px - x[3 * j], dy = py - x[3 * j + 1], dz = pz - x[3 * j + 2];
                clash = dx * dx + dy * dy + dz * dz < MIN_DISTANCE_ANGSTROM * MIN_DISTANCE_ANGSTROM;
            }
            if (clash) continue;
            x[3 * placed] = px;
            x[3 * placed + 1] = py;
            x[3 * placed + 2] = pz;
            z[placed++] = u < 0.45 ? 1 : u < 0.80 ? 6 : 8;
        }
        return new SyntheticCluster(z, x);
    }
}
