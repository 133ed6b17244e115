package md.forcefields.backend;

/**
 * NequIP's radial embedding: Bessel functions (2/r_max)·sin(w_n r / r_max)/r times the polynomial
 * envelope of exponent p; {@code bessel} holds the frequencies w_n (nπ when not trained).
 */
public record RadialBasis(double rMax, double p, double[] bessel) {
    public RadialBasis {
        bessel = bessel.clone();
    }

    public int size() { return bessel.length; }

    /** Embedding of distance r into {@code emb[off …]} and d/dr into {@code dEmbDr[off …]}; zeros outside (0, r_max). */
    public void evaluate(double r, double[] emb, double[] dEmbDr, int off) {
        int n = bessel.length;
        if (!(r > 0 && r < rMax)) {
            java.util.Arrays.fill(emb, off, off + n, 0.0);
            java.util.Arrays.fill(dEmbDr, off, off + n, 0.0);
            return;
        }
        double x = r / rMax;
        double xp = Math.pow(x, p), xp1 = Math.pow(x, p + 1), xp2 = Math.pow(x, p + 2), xm1 = Math.pow(x, p - 1);
        double u = 1 - (p + 1) * (p + 2) / 2 * xp + p * (p + 2) * xp1 - p * (p + 1) / 2 * xp2;
        double du = (-(p + 1) * (p + 2) / 2 * p * xm1 + p * (p + 2) * (p + 1) * xp - p * (p + 1) / 2 * (p + 2) * xp1) / rMax;
        double pref = 2 / rMax;
        for (int k = 0; k < n; k++) {
            double w = bessel[k] / rMax;
            double sn = Math.sin(w * r), cs = Math.cos(w * r);
            double b = pref * (sn / r);
            double db = pref * (w * cs / r - sn / (r * r));
            emb[off + k] = b * u;
            dEmbDr[off + k] = db * u + b * du;
        }
    }
}
