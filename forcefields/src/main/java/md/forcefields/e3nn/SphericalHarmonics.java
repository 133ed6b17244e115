package md.forcefields.e3nn;

/**
 * Real spherical harmonics Y^0 … Y^lmax of a direction, in e3nn's basis and "component"
 * normalisation ({@code o3.SphericalHarmonics(normalize=True, normalization='component')}):
 * |Y^l(u)|² = 2l+1 for a unit vector u, Y^0 = 1, Y^1 = √3·(x, y, z); y is the polar axis (the middle
 * component of each block is m = 0).
 *
 * <p>Built by the recursion Y^{l+1}_c = k_l Σ_ab C^{l,1,l+1}[a,b,c] Y^l_a u_b with e3nn's Wigner 3j
 * symbols, which is how e3nn derived its polynomials; the positive constant k_l restores the
 * normalisation. This gives any l_max and, by the chain rule, the exact gradient with respect to the
 * (unnormalised) input vector. The output is [Y^0, Y^1, …] concatenated, {@code (lmax+1)²} numbers.
 */
public final class SphericalHarmonics {
    private final int lmax;
    /** Sparse recursion tables per l (for l → l+1), already multiplied by k_l. */
    private final int[][] ia, ib, ic;
    private final double[][] coef;
    private final double[] scratchGrad; // dY/du for the current vector, (lmax+1)² x 3
    private final double[] unit = new double[3];

    public SphericalHarmonics(int lmax) {
        if (lmax < 0) throw new IllegalArgumentException("lmax must be >= 0, got " + lmax);
        this.lmax = lmax;
        ia = new int[Math.max(lmax, 0)][];
        ib = new int[ia.length][];
        ic = new int[ia.length][];
        coef = new double[ia.length][];
        for (int l = 1; l < lmax; l++) {
            double[] c = Wigner3j.get(l, 1, l + 1);
            int d3 = 2 * l + 3, n = 0;
            for (double v : c) if (v != 0) n++;
            ia[l] = new int[n]; ib[l] = new int[n]; ic[l] = new int[n]; coef[l] = new double[n];
            int k = 0;
            for (int a = 0; a < 2 * l + 1; a++)
                for (int b = 0; b < 3; b++)
                    for (int cc = 0; cc < d3; cc++) {
                        double v = c[(a * 3 + b) * d3 + cc];
                        if (v == 0) continue;
                        ia[l][k] = a; ib[l][k] = b; ic[l][k] = cc; coef[l][k] = v; k++;
                    }
        }
        scratchGrad = new double[3 * dim(lmax)];
        // k_l from the norm of the unscaled recursion at one direction (the norm is the same on the sphere).
        double[] y = new double[dim(lmax)];
        for (int l = 1; l < lmax; l++) {
            evaluate(0.36, -0.48, 0.8, y, 0, null, 0);
            int off = (l + 1) * (l + 1);
            double s = 0;
            for (int c = 0; c < 2 * l + 3; c++) s += y[off + c] * y[off + c];
            double k = Math.sqrt((2 * l + 3) / s);
            for (int i = 0; i < coef[l].length; i++) coef[l][i] *= k;
        }
    }

    public int lmax() { return lmax; }

    /**
     * The recursion Y^{l+1}_c += coef·Y^l_a·u_b flattened for accelerator kernels: entries
     * {@code start[l] … start[l+1]} are those of l → l+1 (l ≥ 1), as (a, b, c) triples and coefficients
     * (already scaled by k_l).
     */
    public record RecursionTable(int[] start, int[] abc, double[] coef) {}

    public RecursionTable recursionTable() {
        int[] start = new int[Math.max(lmax, 1) + 1];
        int total = 0;
        for (int l = 1; l < lmax; l++) { start[l] = total; total += coef[l].length; }
        for (int l = Math.max(lmax, 1); l < start.length; l++) start[l] = total;
        int[] abc = new int[3 * total];
        double[] w = new double[total];
        for (int l = 1; l < lmax; l++)
            for (int k = 0; k < coef[l].length; k++) {
                int e = start[l] + k;
                abc[3 * e] = ia[l][k]; abc[3 * e + 1] = ib[l][k]; abc[3 * e + 2] = ic[l][k];
                w[e] = coef[l][k];
            }
        return new RecursionTable(start, abc, w);
    }

    /** Number of components of Y^0 … Y^lmax. */
    public static int dim(int lmax) { return (lmax + 1) * (lmax + 1); }

    /**
     * Y(v/|v|) into {@code y[yOff …]}; when {@code grad} is non-null also dY_k/dv_d into
     * {@code grad[gOff + 3k + d]} (derivative with respect to the unnormalised vector). Not thread-safe
     * (uses a scratch buffer); use one instance per thread.
     */
    public void evaluate(double vx, double vy, double vz, double[] y, int yOff, double[] grad, int gOff) {
        double r = Math.sqrt(vx * vx + vy * vy + vz * vz);
        double x = vx / r, yy = vy / r, z = vz / r;
        double[] u = unit;
        u[0] = x; u[1] = yy; u[2] = z;
        double[] g = scratchGrad; // dY/du
        y[yOff] = 1;
        if (grad != null) { g[0] = 0; g[1] = 0; g[2] = 0; }
        if (lmax == 0) {
            if (grad != null) { grad[gOff] = 0; grad[gOff + 1] = 0; grad[gOff + 2] = 0; }
            return;
        }
        double s3 = Math.sqrt(3);
        y[yOff + 1] = s3 * x; y[yOff + 2] = s3 * yy; y[yOff + 3] = s3 * z;
        if (grad != null) {
            for (int i = 3; i < 12; i++) g[i] = 0;
            g[3] = s3; g[7] = s3; g[11] = s3;
        }
        for (int l = 1; l < lmax; l++) {
            int in = l * l, out = (l + 1) * (l + 1), d3 = 2 * l + 3;
            for (int c = 0; c < d3; c++) y[yOff + out + c] = 0;
            if (grad != null) for (int c = 0; c < 3 * d3; c++) g[3 * out + c] = 0;
            int[] a = ia[l], b = ib[l], cc = ic[l];
            double[] w = coef[l];
            for (int k = 0; k < w.length; k++) {
                double ya = y[yOff + in + a[k]];
                y[yOff + out + cc[k]] += w[k] * ya * u[b[k]];
                if (grad != null) {
                    int go = 3 * (out + cc[k]), gi = 3 * (in + a[k]);
                    double ub = w[k] * u[b[k]];
                    g[go] += ub * g[gi];
                    g[go + 1] += ub * g[gi + 1];
                    g[go + 2] += ub * g[gi + 2];
                    g[go + b[k]] += w[k] * ya;
                }
            }
        }
        if (grad != null) {
            // chain rule through u = v/|v|: dY/dv_d = (dY/du_d − u_d Σ_e u_e dY/du_e) / r
            int n = dim(lmax);
            for (int k = 0; k < n; k++) {
                double gx = g[3 * k], gy = g[3 * k + 1], gz = g[3 * k + 2];
                double radial = x * gx + yy * gy + z * gz;
                grad[gOff + 3 * k] = (gx - x * radial) / r;
                grad[gOff + 3 * k + 1] = (gy - yy * radial) / r;
                grad[gOff + 3 * k + 2] = (gz - z * radial) / r;
            }
        }
    }
}
