package md.forcefields.classical;

/**
 * The complementary error function to double precision (Java's Math has none). Below x = 3 it sums the
 * everywhere-convergent series erf(x) = 2/√π e^{−x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)) (positive terms, no
 * cancellation; erfc(3) = 2e-5, so 1 − erf keeps ~1e-12 relative accuracy); above it, the continued fraction
 * erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))), evaluated by the modified Lentz method.
 * LAMMPS' coul/dsf instead uses the Abramowitz–Stegun 7.1.26 fit (absolute error up to 1.5e-7).
 */
final class Erfc {
    private Erfc() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    static double erfc(double x) {
        if (x < 0) return 2 - erfc(-x);
        if (x < 3) {
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
                term *= 2 * x2 / (2 * n + 1);
                sum += term;
            }
            return 1 - TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
        }
        // continued fraction b0 + a1/(b1 + a2/(b2 + ...)) with b = x, a_k = k/2 (modified Lentz)
        double tiny = 1e-300, f = x, c = x, d = 0;
        for (int k = 1; k < 500; k++) {
            double a = 0.5 * k;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
