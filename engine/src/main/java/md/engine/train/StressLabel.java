package md.engine.train;

import java.util.Map;

import md.core.Cell;
import md.engine.cli.UserError;

/**
 * The stress label of an extended XYZ frame in ASE's conventions, as a row-major 3×3 stress in eV/Å³ with ASE's
 * sign (σ = (1/V) ∂E/∂ε, negative under compression): the comment key {@code stress} (9 numbers, which ASE writes
 * in Fortran order, or 6 in Voigt order xx yy zz yz xz xy, eV/Å³) or, when there is none, {@code virial}
 * (9 numbers, eV, the convention of GAP and nequip: W = −σV, the engine's virial, W = Σ r ⊗ F in open space).
 */
final class StressLabel {
    private StressLabel() {}

    /** The frame's stress (eV/Å³, 9 row-major), or null when it has neither key; {@code where} names the frame for errors. */
    static double[] of(Map<String, Object> info, Cell cell, String where) {
        Object stress = info.get("stress"), virial = info.get("virial");
        if (stress == null && virial == null) return null;
        String key = stress != null ? "stress" : "virial";
        for (int a = 0; a < 3; a++)
            if (!cell.periodic(a))
                throw new UserError(where + ": a '" + key + "' label needs a cell periodic along all three axes (Lattice=\"...\" with pbc=\"T T T\"), "
                        + "but this frame's cell is " + (cell.isPeriodic() ? "periodic along some axes only" : "absent"));
        double[] v = numbers(stress != null ? stress : virial);
        if (v == null || !(v.length == 9 || (stress != null && v.length == 6)))
            throw new UserError(where + ": '" + key + "' must be " + (stress != null ? "9 numbers (a 3x3 matrix) or 6 (Voigt xx yy zz yz xz xy), eV/Å³"
                    : "9 numbers (a 3x3 matrix), eV") + ", got " + describe(stress != null ? stress : virial));
        for (double x : v) if (!Double.isFinite(x)) throw new UserError(where + ": '" + key + "' has a value that is not a finite number");
        double[] m = new double[9];
        if (v.length == 6) {
            double[] voigt = {v[0], v[5], v[4], v[5], v[1], v[3], v[4], v[3], v[2]};
            System.arraycopy(voigt, 0, m, 0, 9);
        } else {
            // Fortran order (ASE): the k-th number is M[k % 3][k / 3]
            for (int k = 0; k < 9; k++) m[3 * (k % 3) + k / 3] = v[k];
        }
        if (stress == null) {
            double volume = cell.volume();
            for (int c = 0; c < 9; c++) m[c] = -m[c] / volume;
        }
        return m;
    }

    private static double[] numbers(Object o) {
        if (o instanceof double[] d) return d.clone();
        if (o instanceof long[] l) {
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) d[i] = l[i];
            return d;
        }
        return null;
    }

    private static String describe(Object o) {
        if (o instanceof double[] d) return d.length + " numbers";
        if (o instanceof long[] l) return l.length + " numbers";
        return "'" + o + "'";
    }
}
