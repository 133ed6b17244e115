package md.engine.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.knowm.xchart.XYChart;

import md.analysis.BondStability;
import md.analysis.Diffusion;
import md.analysis.Frames;
import md.analysis.Histogram;
import md.analysis.TrajectoryAnalysis;

/**
 * The self-contained {@code report.html} of an analysis: a verdict line, a table of the key numbers and
 * inline SVG plots (h(r) against the reference, bond-deviation timeline with the collapse point, RDFs,
 * RDF-window errors, MSD with its fits, energy and temperature traces, bond-angle distribution). No
 * scripts, fonts or images are loaded from anywhere.
 */
public final class HtmlReport {
    private HtmlReport() {}

    /** Writes report.html and metrics.json into {@code dir} (created if needed). */
    public static void write(TrajectoryAnalysis.Result r, Metrics.Inputs in, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("metrics.json"), md.core.io.Json.writeNonFiniteAsNull(Metrics.of(r, in)), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(r, in), StandardCharsets.UTF_8);
    }

    /** A figure: its id (for screenshot checks), caption and SVG. */
    record Figure(String id, String caption, String svg) {}

    static String html(TrajectoryAnalysis.Result r, Metrics.Inputs in) {
        List<Figure> figures = figures(r);
        Frames run = r.run();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>md analyze: ")
         .append(esc(in.trajectory().getFileName().toString())).append("</title>\n<style>\n")
         .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1320px}h1{font-size:22px;margin:0 0 4px}")
         .append(".sub{color:#666;font-size:13px;margin-bottom:16px}.verdict{font-size:17px;padding:10px 14px;border-radius:6px;margin:12px 0}")
         .append(".ok{background:#e8f5e9;border:1px solid #a5d6a7}.bad{background:#ffebee;border:1px solid #ef9a9a}")
         .append("table{border-collapse:collapse;font-size:13px;margin:8px 0 20px}td,th{border-bottom:1px solid #e5e5e5;padding:4px 12px 4px 0;text-align:left}")
         .append("td.v{font-variant-numeric:tabular-nums}.grid{display:flex;flex-wrap:wrap;gap:18px}")
         .append("figure{margin:0;border:1px solid #e5e5e5;border-radius:6px;padding:8px;width:").append(Charts.WIDTH).append("px}")
         .append("figure svg{display:block;width:100%;height:auto}figcaption{font-size:12px;color:#555;margin-top:4px}\n</style></head><body>\n");
        h.append("<h1>Trajectory analysis</h1>\n<div class=\"sub\">").append(esc(in.trajectory().toString()));
        in.reference().ifPresent(p -> h.append(" &middot; reference ").append(esc(p.toString())));
        in.thermo().ifPresent(p -> h.append(" &middot; thermo ").append(esc(p.toString())));
        h.append("</div>\n");
        h.append("<div class=\"verdict ").append(r.collapsed() ? "bad" : "ok").append("\">").append(esc(verdict(r))).append("</div>\n");
        h.append("<table>\n");
        for (String[] row : summaryRows(r)) h.append("<tr><th>").append(esc(row[0])).append("</th><td class=\"v\">").append(esc(row[1])).append("</td></tr>\n");
        h.append("</table>\n<div class=\"grid\">\n");
        for (Figure f : figures)
            h.append("<figure id=\"").append(f.id()).append("\">").append(f.svg()).append("<figcaption>").append(esc(f.caption())).append("</figcaption></figure>\n");
        h.append("</div>\n<p class=\"sub\">").append(run.count()).append(" frames, ").append(run.atoms()).append(" atoms (")
         .append(Metrics.composition(run.atomicNumbers())).append("). Definitions: docs/analysis.md. Numbers: metrics.json.</p>\n</body></html>\n");
        return h.toString();
    }

    /** The verdict and the summary table as plain text lines (what {@code md analyze} prints). */
    public static String textSummary(TrajectoryAnalysis.Result r) {
        StringBuilder sb = new StringBuilder(verdict(r)).append('\n');
        for (String[] row : summaryRows(r)) sb.append(String.format(Locale.ROOT, "  %-24s %s%n", row[0], row[1]));
        return sb.toString();
    }

    /**
     * No verdict where the bond criterion says nothing: with no bonds to watch (a liquid of single atoms such
     * as argon, a gas) it cannot fail; and in a periodic system (a liquid such as water) the first frame's
     * close contacts include neighbours between molecules, which a liquid exchanges within femtoseconds, so
     * the criterion would report a "collapse" of a healthy liquid. There the RDF criterion (with --reference)
     * applies; {@code --criterion bonds} still forces the bond criterion.
     */
    public static boolean noStabilityVerdict(TrajectoryAnalysis.Result r) {
        return r.criterion() == TrajectoryAnalysis.Criterion.BONDS
                && (r.bonds().bonds().isEmpty() || (r.run().cell().isPeriodic() && r.options().criterion().isEmpty()));
    }

    static String verdict(TrajectoryAnalysis.Result r) {
        String v = stabilityVerdict(r);
        int k = r.firstNonFiniteFrame();
        return k < 0 || r.diverged() ? v : v + " Frame " + k + " and later have non-finite positions (NaN or infinite: the run diverged there); "
                + "every other number here is over frames 0–" + (k - 1) + ".";
    }

    private static String stabilityVerdict(TrajectoryAnalysis.Result r) {
        if (noStabilityVerdict(r) && r.bonds().bonds().isEmpty())
            return "No stability verdict: the first frame has no bonds, so the bond-length criterion does not apply"
                    + (r.run().cell().isPeriodic() ? " (for a periodic system, --reference DATA gives the RDF criterion)." : ".");
        if (noStabilityVerdict(r))
            return "No stability verdict: in a periodic system the first frame's close contacts include pairs of neighbouring "
                    + "molecules, which a liquid exchanges, so the bond-length criterion does not apply; --reference DATA gives the "
                    + "RDF criterion (--criterion bonds forces the bond criterion, e.g. for a crystal).";
        String crit = r.criterion() == TrajectoryAnalysis.Criterion.BONDS
                ? "bond lengths within " + fmt(r.bonds().thresholdAngstrom()) + " Å of the " + (r.bondsFromReference() ? "reference mean" : "first frame")
                : "RDF error within " + fmt(r.rdfStability().orElseThrow().threshold()) + " over " + r.rdfStability().get().windowFrames() + "-frame windows";
        if (!r.collapsed()) return "Stable for the whole run: " + fmt(r.stabilityPs()) + " ps (" + crit + ").";
        if (r.diverged())
            return "Diverged at frame " + r.firstNonFiniteFrame() + ": its positions are not finite (NaN or infinite); stable for "
                    + fmt(r.stabilityPs()) + " ps (" + crit + "). Every other number here is over frames 0–" + (r.firstNonFiniteFrame() - 1) + ".";
        if (r.criterion() == TrajectoryAnalysis.Criterion.BONDS)
            return "Collapsed at frame " + r.bonds().collapseFrame() + ": stable for " + fmt(r.stabilityPs()) + " ps (" + crit + ").";
        return "Collapsed: the RDF window starting at frame " + r.rdfStability().orElseThrow().collapseWindow() + " fails; stable for "
                + fmt(r.stabilityPs()) + " ps (" + crit + ").";
    }

    static List<String[]> summaryRows(TrajectoryAnalysis.Result r) {
        List<String[]> rows = new ArrayList<>();
        Frames run = r.run();
        rows.add(new String[] {"Frames", run.count() + " over " + fmt(run.elapsedPs(run.count() - 1)) + " ps (every " + fmt(run.frameIntervalPs() * 1000) + " fs)"});
        rows.add(new String[] {"Stability", noStabilityVerdict(r) ? (r.bonds().bonds().isEmpty() ? "no verdict (no bonds)" : "no verdict (periodic: the RDF criterion needs --reference)")
                : fmt(r.stabilityPs()) + " ps (" + r.criterion().name().toLowerCase(Locale.ROOT) + " criterion)"});
        r.hrMae().ifPresent(x -> rows.add(new String[] {"h(r) MAE", fmt(x) + " (over " + r.hrFrames() + " frames; range 0-2)"}));
        BondStability.Result b = r.bonds();
        int worst = Metrics.worstFiniteFrame(r);
        if (!b.bonds().isEmpty())
            rows.add(new String[] {"Largest bond deviation", fmt(b.maxDeviation()[worst]) + " Å at frame " + worst + " (" + b.bonds().size() + " bonds"
                    + (r.firstNonFiniteFrame() >= 0 ? "; frames before the non-finite frame " + r.firstNonFiniteFrame() : "") + ")"});
        r.rdfMae().ifPresent(m -> m.forEach((k, v) -> rows.add(new String[] {"RDF MAE " + k, fmt(v)})));
        r.diffusion().forEach((k, f) -> rows.add(new String[] {"D " + k, String.format(Locale.ROOT, "%.4g Å²/ps = %.4g cm²/s (R² %.3f)",
                f.diffusionA2PerPs(), f.diffusionCm2PerS(), f.rSquared())}));
        r.volume().ifPresent(v -> rows.add(new String[] {"Cell volume", String.format(Locale.ROOT,
                "%.1f ± %.1f Å³ (min %.1f, max %.1f; the cell changes, %d frames)", v.meanA3(), v.stdA3(), v.minA3(), v.maxA3(), v.frames())}));
        r.energyDrift().ifPresent(e -> rows.add(new String[] {"Energy drift", String.format(Locale.ROOT, "%.3g ± %.2g eV/atom/ps (max excursion %.3g eV/atom)",
                e.slopeEvPerAtomPerPs(), e.slopeStdErr(), e.maxExcursionEvPerAtom())}));
        r.temperature().ifPresent(t -> rows.add(new String[] {"Temperature", String.format(Locale.ROOT, "%.1f ± %.1f K (min %.1f, max %.1f)",
                t.meanK(), t.stdK(), t.minK(), t.maxK())}));
        return rows;
    }

    /** The largest bond-length deviation per frame (molecules; absent when the first frame has no bonds). */
    private static void bondFigure(List<Figure> out, TrajectoryAnalysis.Result r, BondStability.Result b, double[] t) {
        XYChart dev = Charts.chart("Largest bond-length deviation", "time (ps)", "max |Δ bond length| (Å)");
        double[][] env = Charts.bucketMax(t, b.maxDeviation());
        Charts.line(dev, "deviation", env[0], env[1], Charts.BLUE);
        Charts.horizontal(dev, "threshold " + fmt(b.thresholdAngstrom()) + " Å", t[0], t[t.length - 1], b.thresholdAngstrom(), Charts.ORANGE);
        if (b.collapsed()) {
            Charts.vertical(dev, "collapse (frame " + b.collapseFrame() + ")", t[b.collapseFrame()], 0, 2 * b.thresholdAngstrom(), Charts.RED);
            dev.getStyler().setYAxisMax(Math.min(env[1].length > 0 ? max(env[1]) : 1, 4 * b.thresholdAngstrom()));
        }
        dev.getStyler().setYAxisMin(0.0);
        Charts.xRange(dev, t[0], t[t.length - 1]);
        Charts.yLabels(dev, 1);
        add(out, "fig-bonds", "Per saved frame, the largest deviation of any of the " + b.bonds().size() + " bonds from its "
                + (r.bondsFromReference() ? "mean length in the reference" : "length in the first frame") + (b.collapsed() ? "; red: first frame beyond the threshold." : "."), dev);
    }

    static List<Figure> figures(TrajectoryAnalysis.Result r) {
        List<Figure> out = new ArrayList<>();
        Frames run = r.run();

        XYChart hr = Charts.chart("h(r)" + r.hrMae().map(x -> "  (MAE " + fmt(x) + ")").orElse(""), "r (Å)", "h(r) (1/Å)");
        r.hrReference().ifPresent(ref -> Charts.dashed(hr, "reference", ref.centres(), ref.values(), Charts.GREY));
        Charts.line(hr, "trajectory", r.hr().centres(), r.hr().values(), Charts.BLUE);
        Charts.xRange(hr, 0, r.hr().hi());
        Charts.yLabels(hr, r.hr().values());
        add(out, "fig-hr", "Distribution of all interatomic distances over the first " + r.hrFrames() + " frames"
                + (r.hrReference().isPresent() ? ", against the reference data." : "."), hr);

        BondStability.Result b = r.bonds();
        double[] t = new double[run.count()];
        for (int f = 0; f < t.length; f++) t[f] = run.elapsedPs(f);
        if (!b.bonds().isEmpty()) bondFigure(out, r, b, t);

        r.rdf().ifPresent(g -> {
            for (var e : g.entrySet()) {
                Histogram ref = r.rdfReference().map(m -> m.get(e.getKey())).orElse(null);
                Double mae = r.rdfMae().map(m -> m.get(e.getKey())).orElse(null);
                XYChart c = Charts.chart("g(r) " + e.getKey() + (mae != null ? "  (MAE " + fmt(mae) + ")" : ""), "r (Å)", "g(r)");
                if (ref != null) Charts.dashed(c, "reference", ref.centres(), ref.values(), Charts.GREY);
                Charts.line(c, "trajectory", e.getValue().centres(), e.getValue().values(), Charts.BLUE);
                Charts.xRange(c, 0, e.getValue().hi());
                Charts.yLabels(c, e.getValue().values());
                add(out, "fig-rdf-" + e.getKey().replace('-', '_'), (e.getKey().equals("all") ? "Total" : e.getKey()) + " radial distribution function (minimum image).", c);
            }
        });
        r.rdfStability().ifPresent(s -> {
            XYChart c = Charts.chart("RDF error in sliding windows", "window start (ps)", "max RDF MAE");
            double[] err = s.windowMaxMae();
            Charts.line(c, "window error", t, err, Charts.BLUE);
            Charts.horizontal(c, "threshold " + fmt(s.threshold()), t[0], t[t.length - 1], s.threshold(), Charts.ORANGE);
            if (s.collapsed()) Charts.vertical(c, "collapse", t[s.collapseWindow()], 0, 2 * s.threshold(), Charts.RED);
            Charts.yLabels(c, err);
            Charts.xRange(c, t[0], t[t.length - 1]);
            add(out, "fig-rdf-window", "RDF error of each " + s.windowFrames() + "-frame window against the reference; the run collapses at the first window above the threshold.", c);
        });

        r.msd().ifPresent(m -> {
            XYChart c = Charts.chart("Mean-square displacement", "lag (ps)", "MSD (Å²)");
            int k = 0;
            for (var e : m.byElement().entrySet()) {
                java.awt.Color col = Charts.PALETTE[k++ % Charts.PALETTE.length];
                Charts.line(c, e.getKey(), m.lagPs(), e.getValue(), col);
                Diffusion.Fit f = r.diffusion().get(e.getKey());
                if (f != null) {
                    double[] x = {f.fitStartPs(), f.fitEndPs()};
                    Charts.dashed(c, "fit " + e.getKey(), x, new double[] {f.interceptA2() + f.slopeA2PerPs() * x[0], f.interceptA2() + f.slopeA2PerPs() * x[1]}, col);
                }
            }
            Charts.yLabels(c, m.byElement().get(Diffusion.ALL));
            Charts.xRange(c, 0, m.lagPs()[m.lagPs().length - 1]);
            add(out, "fig-msd", "MSD per element (centre of mass removed, unwrapped, averaged over time origins)" + (r.diffusion().isEmpty()
                    ? ". A molecule in vacuum cannot diffuse once its centre of mass is removed, so no diffusion coefficient is fitted."
                    : " with the linear fits that give D = slope/6."), c);
        });

        r.thermo().ifPresent(th -> {
            XYChart e = Charts.chart("Energies", "time (ps)", "E - E(first row) (eV)");
            Charts.line(e, "potential", th.timePs(), shifted(th.potentialEv()), Charts.BLUE);
            Charts.line(e, "kinetic", th.timePs(), shifted(th.kineticEv()), Charts.GREEN);
            Charts.line(e, "conserved", th.timePs(), shifted(th.conservedEv()), Charts.RED);
            Charts.yLabels(e, shifted(th.potentialEv()));
            Charts.xRange(e, th.timePs()[0], th.timePs()[th.rows() - 1]);
            add(out, "fig-energy", "Energies relative to their first logged value" + r.energyDrift().map(d -> String.format(Locale.ROOT,
                    "; conserved-energy drift %.3g eV/atom/ps.", d.slopeEvPerAtomPerPs())).orElse("."), e);
            XYChart tc = Charts.chart("Temperature", "time (ps)", "T (K)");
            Charts.line(tc, "temperature", th.timePs(), th.temperatureK(), Charts.ORANGE);
            Charts.yLabels(tc, th.temperatureK());
            Charts.xRange(tc, th.timePs()[0], th.timePs()[th.rows() - 1]);
            r.temperature().ifPresent(s -> Charts.horizontal(tc, "mean " + String.format(Locale.ROOT, "%.1f K", s.meanK()),
                    th.timePs()[0], th.timePs()[th.rows() - 1], s.meanK(), Charts.GREY));
            add(out, "fig-temperature", "Instantaneous kinetic temperature from the thermo log.", tc);
        });

        XYChart adf = Charts.chart("Bond-angle distribution", "angle (°)", "density (1/°)");
        r.adfReference().ifPresent(ref -> Charts.dashed(adf, "reference", ref.centres(), ref.values(), Charts.GREY));
        Charts.line(adf, "trajectory", r.adf().centres(), r.adf().values(), Charts.BLUE);
        Charts.xRange(adf, 0, 180);
        Charts.yLabels(adf, r.adf().values());
        add(out, "fig-adf", "Angles between bonds sharing an atom (bonds of the first frame).", adf);
        return out;
    }

    private static void add(List<Figure> out, String id, String caption, XYChart c) {
        if (c.getSeriesMap().isEmpty()) return;   // nothing finite to draw
        out.add(new Figure(id, caption, Charts.svg(c)));
    }

    private static double[] shifted(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] - v[0];
        return out;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) if (x > m) m = x;
        return m;
    }

    static String fmt(double x) {
        if (!Double.isFinite(x)) return String.valueOf(x);
        return String.format(Locale.ROOT, Math.abs(x) >= 100 || x == Math.rint(x) ? "%.1f" : "%.3g", x);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
