package md.forcefields.e3nn;

/**
 * Representation matrices D(Q) of O(3) in e3nn's real basis, for tests of equivariance:
 * for every irrep, D(Q)·Y(x) = Y(Q·x) for the spherical harmonics of the matching parity.
 *
 * <p>D^0 = 1, D^1 = Q·det(Q) (the l=1 basis is plain (x, y, z)), and higher l by coupling with the
 * invariant Wigner 3j tensor: D^{l+1}_{cc'} = (2l+3) Σ C[a,b,c] D^l_{aa'} D^1_{bb'} C[a',b',c'] with
 * C = C^{l,1,l+1}. An improper Q (det −1) acts on an irrep of parity p as p·D^l(−Q).
 */
public final class WignerD {
    private WignerD() {}

    /** D^l of the proper rotation part of {@code q} (3x3 row-major) for irrep {@code ir}, row-major (2l+1)². */
    public static double[] of(Irrep ir, double[] q) {
        double det = q[0] * (q[4] * q[8] - q[5] * q[7]) - q[1] * (q[3] * q[8] - q[5] * q[6]) + q[2] * (q[3] * q[7] - q[4] * q[6]);
        double sign = det < 0 ? -1 : 1;
        double[] rot = new double[9];
        for (int i = 0; i < 9; i++) rot[i] = sign * q[i];
        double[] d = forRotation(ir.l(), rot);
        if (det < 0 && ir.p() == -1) for (int i = 0; i < d.length; i++) d[i] = -d[i];
        return d;
    }

    /** Block-diagonal D(Q) for a whole {@link Irreps} layout (dim x dim, row-major). */
    public static double[] of(Irreps irreps, double[] q) {
        int n = irreps.dim();
        double[] out = new double[n * n];
        for (int i = 0; i < irreps.size(); i++) {
            Irrep ir = irreps.ir(i);
            int d = ir.dim();
            double[] block = of(ir, q);
            for (int u = 0; u < irreps.mul(i); u++) {
                int o = irreps.offset(i) + u * d;
                for (int a = 0; a < d; a++) System.arraycopy(block, a * d, out, (o + a) * n + o, d);
            }
        }
        return out;
    }

    /** D^l of a proper rotation. */
    public static double[] forRotation(int l, double[] rot) {
        double[] d = {1};
        for (int k = 0; k < l; k++) {
            if (k == 0) { d = rot.clone(); continue; }
            int da = 2 * k + 1, dc = 2 * k + 3;
            double[] c = Wigner3j.get(k, 1, k + 1);
            // t[c][a'][b'] = Σ_ab C[a,b,c] D^k[a][a'] R[b][b']
            double[] t = new double[dc * da * 3];
            for (int a = 0; a < da; a++)
                for (int b = 0; b < 3; b++)
                    for (int cc = 0; cc < dc; cc++) {
                        double v = c[(a * 3 + b) * dc + cc];
                        if (v == 0) continue;
                        for (int a2 = 0; a2 < da; a2++)
                            for (int b2 = 0; b2 < 3; b2++)
                                t[(cc * da + a2) * 3 + b2] += v * d[a * da + a2] * rot[b * 3 + b2];
                    }
            double[] next = new double[dc * dc];
            for (int cc = 0; cc < dc; cc++)
                for (int a2 = 0; a2 < da; a2++)
                    for (int b2 = 0; b2 < 3; b2++) {
                        double tv = t[(cc * da + a2) * 3 + b2];
                        if (tv == 0) continue;
                        for (int c2 = 0; c2 < dc; c2++) next[cc * dc + c2] += (2 * k + 3) * tv * c[(a2 * 3 + b2) * dc + c2];
                    }
            d = next;
        }
        return d;
    }
}
