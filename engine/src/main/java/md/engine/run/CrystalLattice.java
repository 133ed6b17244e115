package md.engine.run;

import md.core.Cell;
import md.engine.config.StructureConfig;
import md.engine.system.Frame;

/** Perfect cubic crystals (sc, bcc, fcc) in a periodic orthorhombic supercell. */
public final class CrystalLattice {
    private CrystalLattice() {}

    /** Fractional positions of the atoms in one cubic cell. */
    static double[][] basis(String kind) {
        return switch (kind) {
            case "sc" -> new double[][] {{0, 0, 0}};
            case "bcc" -> new double[][] {{0, 0, 0}, {0.5, 0.5, 0.5}};
            case "fcc" -> new double[][] {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
            default -> throw new IllegalArgumentException("unknown lattice '" + kind + "'; expected sc, bcc or fcc");
        };
    }

    public static Frame build(StructureConfig.Lattice l) {
        double[][] basis = basis(l.kind());
        int[] r = l.repeat();
        double a = l.aAngstrom();
        int n = basis.length * r[0] * r[1] * r[2];
        int[] z = new int[n];
        double[] x = new double[3 * n];
        int k = 0;
        for (int i = 0; i < r[0]; i++)
            for (int j = 0; j < r[1]; j++)
                for (int m = 0; m < r[2]; m++)
                    for (double[] b : basis) {
                        z[k] = l.atomicNumber();
                        x[3 * k] = (i + b[0]) * a;
                        x[3 * k + 1] = (j + b[1]) * a;
                        x[3 * k + 2] = (m + b[2]) * a;
                        k++;
                    }
        return Frame.of(z, x, Cell.orthorhombic(r[0] * a, r[1] * a, r[2] * a));
    }
}
