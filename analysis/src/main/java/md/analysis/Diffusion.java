package md.analysis;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.math3.stat.regression.SimpleRegression;

import md.core.Elements;

/**
 * Mean-square displacement and self-diffusion coefficients.
 *
 * <pre>
 *   MSD_a(τ) = &lt; |u_i(t0 + τ) - u_i(t0)|² &gt;  over atoms i of element a and time origins t0
 *   u_i(t)   = r_i(t) - R_com(t)              (unwrapped positions minus the mass-weighted centre of mass)
 *   D_a      = slope / 6                       (least-squares line MSD_a(τ) = slope·τ + b over a lag window)
 * </pre>
 *
 * Time origins are every {@code originStride}-th frame; lag τ = k frames uses every origin with
 * {@code t0 + k} inside the trajectory (so long lags average fewer origins). Frame times are assumed evenly
 * spaced (lag k is k times the median frame interval). Positions must be unwrapped ({@link #unwrap}).
 * Units: Å²/ps, and 1 Å²/ps = 1e-4 cm²/s.
 *
 * <p>The benchmark (Fu et al., {@code get_smoothed_diff}) reports instead the running estimate
 * MSD(τ)/(6τ) at one lag and removes the centroid of the selected atoms rather than the centre of mass;
 * {@link Msd#runningDiffusivity} gives that curve.
 */
public final class Diffusion {
    private Diffusion() {}

    public static final double CM2_PER_S_PER_A2_PER_PS = 1e-4;

    /** MSD by species key (element symbol, and "all"), at lags {@code 0..maxLag} frames. */
    public record Msd(double[] lagPs, Map<String, double[]> byElement) {
        /** MSD(τ)/(6τ), the benchmark's running diffusivity, Å²/ps (NaN at τ = 0). */
        public double[] runningDiffusivity(String key) {
            double[] m = byElement.get(key), out = new double[m.length];
            for (int k = 0; k < m.length; k++) out[k] = lagPs[k] > 0 ? m[k] / (6 * lagPs[k]) : Double.NaN;
            return out;
        }
    }

    /** Linear fit of MSD over [fitStartPs, fitEndPs] and the diffusion coefficient it gives. */
    public record Fit(double fitStartPs, double fitEndPs, int points, double slopeA2PerPs, double interceptA2,
                      double rSquared, double slopeStdErr, double diffusionA2PerPs) {
        public double diffusionCm2PerS() { return diffusionA2PerPs * CM2_PER_S_PER_A2_PER_PS; }
        public double diffusionStdErrA2PerPs() { return slopeStdErr / 6; }
    }

    public static final String ALL = "all";

    public static Msd msd(Frames unwrapped, int maxLag, int originStride) {
        int frames = unwrapped.count(), n = unwrapped.atoms();
        if (maxLag < 1 || maxLag >= frames) throw new IllegalArgumentException("MSD lag must be between 1 and " + (frames - 1) + " frames, got " + maxLag);
        if (originStride < 1) throw new IllegalArgumentException("time-origin stride must be at least 1, got " + originStride);
        double[][] u = centred(unwrapped);
        int[] species = unwrapped.species();
        int[] speciesOf = new int[n], count = new int[species.length];
        for (int i = 0; i < n; i++) {
            speciesOf[i] = java.util.Arrays.binarySearch(species, unwrapped.atomicNumbers()[i]);
            count[speciesOf[i]]++;
        }
        double[][] sum = new double[species.length][maxLag + 1];
        long[] origins = new long[maxLag + 1];
        for (int t0 = 0; t0 < frames - 1; t0 += originStride) {
            double[] a = u[t0];
            int last = Math.min(maxLag, frames - 1 - t0);
            for (int k = 1; k <= last; k++) {
                double[] b = u[t0 + k];
                for (int i = 0; i < n; i++) {
                    double dx = b[3 * i] - a[3 * i], dy = b[3 * i + 1] - a[3 * i + 1], dz = b[3 * i + 2] - a[3 * i + 2];
                    sum[speciesOf[i]][k] += dx * dx + dy * dy + dz * dz;
                }
                origins[k]++;
            }
        }
        double dt = unwrapped.frameIntervalPs();
        double[] lag = new double[maxLag + 1];
        for (int k = 0; k <= maxLag; k++) lag[k] = k * dt;
        Map<String, double[]> out = new LinkedHashMap<>();
        double[] all = new double[maxLag + 1];
        for (int s = 0; s < species.length; s++) {
            double[] m = new double[maxLag + 1];
            for (int k = 1; k <= maxLag; k++) {
                m[k] = sum[s][k] / ((double) origins[k] * count[s]);
                all[k] += sum[s][k] / ((double) origins[k] * n);
            }
            out.put(Elements.symbol(species[s]), m);
        }
        out.put(ALL, all);
        return new Msd(lag, out);
    }

    /**
     * Least-squares line through the MSD points with lag in [fitStartPs, fitEndPs] (Commons Math); both ends
     * are included up to 1e-9 ps, so that a window given in round numbers keeps its end points.
     */
    public static Fit fit(double[] lagPs, double[] msd, double fitStartPs, double fitEndPs) {
        SimpleRegression reg = new SimpleRegression(true);
        for (int k = 0; k < lagPs.length; k++)
            if (lagPs[k] >= fitStartPs - 1e-9 && lagPs[k] <= fitEndPs + 1e-9) reg.addData(lagPs[k], msd[k]);
        if (reg.getN() < 2)
            throw new IllegalArgumentException("the MSD fit window [" + fitStartPs + ", " + fitEndPs + "] ps holds " + reg.getN()
                    + " lag point(s); it needs at least 2 (lags run from 0 to " + lagPs[lagPs.length - 1] + " ps)");
        double slope = reg.getSlope();
        return new Fit(fitStartPs, fitEndPs, (int) reg.getN(), slope, reg.getIntercept(), reg.getRSquare(), reg.getSlopeStdErr(), slope / 6);
    }

    /** Positions minus the mass-weighted centre of mass of each frame. */
    static double[][] centred(Frames f) {
        int n = f.atoms();
        double[] mass = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) total += mass[i] = Elements.massAmu(f.atomicNumbers()[i]);
        double[][] out = new double[f.count()][];
        for (int t = 0; t < f.count(); t++) {
            double[] x = f.positions()[t], y = new double[3 * n];
            double cx = 0, cy = 0, cz = 0;
            for (int i = 0; i < n; i++) { cx += mass[i] * x[3 * i]; cy += mass[i] * x[3 * i + 1]; cz += mass[i] * x[3 * i + 2]; }
            cx /= total; cy /= total; cz /= total;
            for (int i = 0; i < n; i++) { y[3 * i] = x[3 * i] - cx; y[3 * i + 1] = x[3 * i + 1] - cy; y[3 * i + 2] = x[3 * i + 2] - cz; }
            out[t] = y;
        }
        return out;
    }

    /**
     * Unwrapped positions: each atom's displacement between consecutive frames is taken as its minimum
     * image, which is right as long as no atom moves more than half a cell width between saved frames.
     * Returns {@code frames} itself when the cell is not periodic.
     *
     * <p>A cell that changes between frames (NPT) needs more care: positions unwrapped with image counts,
     * x(t) = w(t) + n(t)·h(t), move an atom n images away by n·Δh at every change of the cell, which is no
     * motion of the atom and inflates the MSD of long runs (von Bülow, Bullerjahn and Hummer, J. Chem. Phys.
     * 153, 021101 (2020)). So each frame is first folded into its own cell (w(t)), and the displacement is the
     * minimum image of w(t+1) - w(t) in the cell of frame t+1: their "toroidal-view-preserving" unwrapping.
     * For a fixed cell folding changes nothing (x - w is a lattice vector) and is skipped.
     */
    public static Frames unwrap(Frames frames) {
        if (!frames.cell().isPeriodic()) return frames;
        var images = MinimumImage.perFrame(frames);
        double[][] x = frames.cellChanges() ? folded(frames) : frames.positions();
        int n = frames.atoms();
        double[][] out = new double[frames.count()][];
        out[0] = frames.positions()[0].clone();
        double[] d = new double[3];
        for (int t = 1; t < frames.count(); t++) {
            double[] prev = x[t - 1], cur = x[t], y = new double[3 * n];
            MinimumImage mic = images.apply(t);
            for (int i = 0; i < n; i++) {
                mic.wrap(cur[3 * i] - prev[3 * i], cur[3 * i + 1] - prev[3 * i + 1], cur[3 * i + 2] - prev[3 * i + 2], d);
                for (int c = 0; c < 3; c++) y[3 * i + c] = out[t - 1][3 * i + c] + d[c];
            }
            out[t] = y;
        }
        return frames.withPositions(out);
    }

    /** Every frame's positions folded into its own cell: fractional coordinates in [0, 1) along periodic directions. */
    static double[][] folded(Frames frames) {
        double[][] out = new double[frames.count()][];
        double[] s = new double[3];
        for (int t = 0; t < out.length; t++) {
            md.core.Cell cell = frames.cell(t);
            double[] x = frames.positions()[t], w = new double[x.length];
            for (int i = 0; i < x.length; i += 3) {
                cell.toFractional(x, i, s);
                for (int a = 0; a < 3; a++) if (cell.periodic(a)) s[a] -= Math.floor(s[a]);
                cell.toCartesian(s, w, i);
            }
            out[t] = w;
        }
        return out;
    }
}
