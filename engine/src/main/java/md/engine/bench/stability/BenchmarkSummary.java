package md.engine.bench.stability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import md.engine.report.Metrics;

/**
 * The benchmark's table — force MAE on the test frames, stability (mean and standard deviation over
 * runs), h(r) MAE (same), simulation speed — printed, written as {@code metrics.json}, and as
 * {@code report.html} with one row per run linking to that run's analysis report.
 */
final class BenchmarkSummary {
    /** NequIP in Fu et al., TMLR 2023 (MD17, 300 ps runs): stability ps and h(r) MAE. */
    record Published(double stabilityPs, double hrMae) {}

    static final Map<String, Published> PUBLISHED_NEQUIP = Map.of("ethanol", new Published(300, 0.08));

    /** Mean and population standard deviation (NumPy's default {@code np.std}); NaN values are skipped. */
    record Stat(double mean, double std, int n) {
        static Stat of(double[] v) {
            double s = 0;
            int n = 0;
            for (double x : v) if (!Double.isNaN(x)) { s += x; n++; }
            double mean = n > 0 ? s / n : Double.NaN, ss = 0;
            for (double x : v) if (!Double.isNaN(x)) ss += (x - mean) * (x - mean);
            return new Stat(mean, n > 0 ? Math.sqrt(ss / n) : Double.NaN, n);
        }

        String format(String number) {
            return Double.isNaN(mean) ? "n/a" : String.format(Locale.ROOT, number + " ± " + number, mean, std);
        }
    }

    private final StabilityOptions o;
    private final Potential potential;
    private final ReferenceData reference;
    private final ForceError forceError;
    private final List<StabilityRun.Outcome> runs;
    final Stat stability, hrMae, fps;

    BenchmarkSummary(StabilityOptions o, Potential potential, ReferenceData reference, ForceError forceError, List<StabilityRun.Outcome> runs) {
        this.o = o;
        this.potential = potential;
        this.reference = reference;
        this.forceError = forceError;
        this.runs = runs;
        this.stability = Stat.of(runs.stream().mapToDouble(r -> r.analysis().stabilityPs()).toArray());
        this.hrMae = Stat.of(runs.stream().mapToDouble(r -> r.analysis().hrMae().orElse(Double.NaN)).toArray());
        this.fps = Stat.of(runs.stream().mapToDouble(StabilityRun.Outcome::stepsPerSecond).toArray());
    }

    String heading() {
        int n = reference.atomicNumbers().length;
        return String.format(Locale.ROOT, "%s (%s, %d atoms), %s; %d run%s x %d steps (%s ps) at %s K, dt %s fs, ttime %s, a frame every %d steps",
                o.molecule() != null ? o.molecule() : reference.file().getFileName(), Metrics.composition(reference.atomicNumbers()), n,
                potential.label(), o.runs(), o.runs() == 1 ? "" : "s", o.steps(), num(o.runLengthPs()), num(o.temperatureK()),
                num(o.timestepFs()), num(o.ttime()), o.saveEvery());
    }

    String runTable() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%4s %8s %6s %10s  %-11s %10s %9s %8s%n",
                "run", "seed", "frame", "sim. ps", "ended", "stable ps", "h(r) MAE", "FPS"));
        for (StabilityRun.Outcome r : runs)
            sb.append(String.format(Locale.ROOT, "%4d %8d %6d %10.2f  %-11s %10.2f %9.4f %8.1f%n", r.index() + 1, r.seed(), r.initialFrame(),
                    r.simulatedPs(o.timestepFs()), ended(r), r.analysis().stabilityPs(), r.analysis().hrMae().orElse(Double.NaN), r.stepsPerSecond()));
        return sb.toString();
    }

    String table() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-36s %18s %18s %18s %14s%n", "", "force MAE (meV/Å)", "stability (ps)", "h(r) MAE", "FPS"));
        sb.append(String.format(Locale.ROOT, "%-36s %18s %18s %18s %14s%n", "this benchmark (" + runs.size() + " run" + (runs.size() == 1 ? ")" : "s)"),
                Double.isNaN(forceError.maeMevPerAngstrom()) ? "n/a" : String.format(Locale.ROOT, "%.2f", forceError.maeMevPerAngstrom()),
                stability.format("%.1f"), hrMae.format("%.3f"), fps.format("%.0f")));
        Published p = published();
        if (p != null) sb.append(String.format(Locale.ROOT, "%-36s %18s %18s %18s %14s%n", "NequIP, Fu et al. 2023 (300 ps)", "", num(p.stabilityPs()), num(p.hrMae()), ""));
        return sb.toString();
    }

    private Published published() {
        return o.molecule() == null ? null : PUBLISHED_NEQUIP.get(o.molecule().toLowerCase(Locale.ROOT));
    }

    static String ended(StabilityRun.Outcome r) {
        return r.stopKind().isEmpty() ? "full length" : r.stopKind();
    }

    Map<String, Object> metrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> protocol = new LinkedHashMap<>();
        protocol.put("integrator", "nose-hoover-fu");
        protocol.put("temperature_K", o.temperatureK());
        protocol.put("timestep_fs", o.timestepFs());
        protocol.put("ttime_steps", o.ttime());
        protocol.put("steps", o.steps());
        protocol.put("run_length_ps", o.runLengthPs());
        protocol.put("save_every_steps", o.saveEvery());
        protocol.put("bond_threshold_A", o.bondThresholdA());
        protocol.put("temperature_window_K", List.of(o.minTemperatureK(), o.maxTemperatureK()));
        protocol.put("stop_at_collapse", o.stopAtCollapse());
        protocol.put("seed", o.seed());
        m.put("protocol", protocol);
        m.put("molecule", o.molecule());
        m.put("potential", potential.flowYaml());
        m.put("reference", Map.of("file", reference.file().toString(), "frames", reference.frames().size()));
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("force_mae_meV_per_A", forceError.maeMevPerAngstrom());
        table.put("force_test_frames", forceError.frames());
        table.put("stability_ps_mean", stability.mean());
        table.put("stability_ps_std", stability.std());
        table.put("hr_mae_mean", hrMae.mean());
        table.put("hr_mae_std", hrMae.std());
        table.put("fps_mean", fps.mean());
        table.put("fps_std", fps.std());
        table.put("runs", runs.size());
        m.put("table", table);
        Published p = published();
        m.put("published_nequip", p == null ? null : Map.of("stability_ps", p.stabilityPs(), "hr_mae", p.hrMae(), "source", "Fu et al., TMLR 2023"));
        List<Object> list = new ArrayList<>();
        for (StabilityRun.Outcome r : runs) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("run", r.index() + 1);
            e.put("seed", r.seed());
            e.put("initial_frame", r.initialFrame());
            e.put("steps_run", r.stepsRun());
            e.put("simulated_ps", r.simulatedPs(o.timestepFs()));
            e.put("ended", ended(r));
            e.put("stop_message", r.stopMessage().isEmpty() ? null : r.stopMessage());
            e.put("collapsed", r.analysis().collapsed());
            e.put("collapse_frame", r.analysis().collapsed() ? r.analysis().bonds().collapseFrame() : null);
            e.put("stability_ps", r.analysis().stabilityPs());
            e.put("hr_mae", r.analysis().hrMae().orElse(null));
            e.put("fps", r.stepsPerSecond());
            e.put("timed_steps", r.timedSteps());
            e.put("timed_seconds", r.timedSeconds());
            e.put("report", o.output().toAbsolutePath().normalize().relativize(r.directory().resolve("analysis/report.html")).toString());
            list.add(e);
        }
        m.put("runs", list);
        return m;
    }

    void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("metrics.json"), md.core.io.Json.writeNonFiniteAsNull(metrics()), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(), StandardCharsets.UTF_8);
    }

    private String html() {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>md bench stability</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1320px}h1{font-size:22px;margin:0 0 4px}.sub{color:#666;font-size:13px}")
                .append("table{border-collapse:collapse;font-size:13px;margin:12px 0 20px}td,th{border-bottom:1px solid #e5e5e5;padding:4px 14px 4px 0;text-align:left}")
                .append("td{font-variant-numeric:tabular-nums}.bad{color:#b71c1c}\n</style></head><body>\n")
                .append("<h1>Stability benchmark</h1>\n<div class=\"sub\">").append(esc(heading())).append("<br>reference ")
                .append(esc(reference.file().toString())).append(" &middot; potential ").append(esc(potential.flowYaml())).append("</div>\n");
        h.append("<table>\n<tr><th></th><th>force MAE (meV/Å)</th><th>stability (ps)</th><th>h(r) MAE</th><th>FPS (steps/s)</th></tr>\n");
        h.append("<tr><td>this benchmark (").append(runs.size()).append(" runs)</td><td>")
                .append(Double.isNaN(forceError.maeMevPerAngstrom()) ? "n/a" : String.format(Locale.ROOT, "%.2f", forceError.maeMevPerAngstrom()))
                .append(" (").append(forceError.frames()).append(" frames)</td><td>").append(esc(stability.format("%.1f"))).append("</td><td>")
                .append(esc(hrMae.format("%.3f"))).append("</td><td>").append(esc(fps.format("%.0f"))).append("</td></tr>\n");
        Published p = published();
        if (p != null) h.append("<tr><td>NequIP, Fu et al. 2023</td><td></td><td>").append(num(p.stabilityPs())).append("</td><td>")
                .append(num(p.hrMae())).append("</td><td></td></tr>\n");
        h.append("</table>\n<table>\n<tr><th>run</th><th>seed</th><th>initial frame</th><th>simulated (ps)</th><th>ended</th><th>stability (ps)</th>")
                .append("<th>h(r) MAE</th><th>FPS</th><th>report</th></tr>\n");
        for (StabilityRun.Outcome r : runs) {
            String link = o.output().toAbsolutePath().normalize().relativize(r.directory().resolve("analysis/report.html")).toString();
            h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%d</td><td>%.2f</td><td%s>%s</td><td>%.2f</td><td>%.4f</td><td>%.1f</td>"
                            + "<td><a href=\"%s\">plots</a></td></tr>%n", r.index() + 1, r.seed(), r.initialFrame(), r.simulatedPs(o.timestepFs()),
                    r.analysis().collapsed() ? " class=\"bad\"" : "", esc(ended(r) + (r.stopMessage().isEmpty() ? "" : ": " + r.stopMessage())),
                    r.analysis().stabilityPs(), r.analysis().hrMae().orElse(Double.NaN), r.stepsPerSecond(), esc(link)));
        }
        h.append("</table>\n<p class=\"sub\">Stability: time until the first saved frame where a bond deviates more than ")
                .append(num(o.bondThresholdA())).append(" Å from its mean reference length; h(r) over the frames up to that one. ")
                .append("Mean ± population standard deviation over runs. Definitions: docs/stability.md, docs/analysis.md.</p>\n</body></html>\n");
        return h.toString();
    }

    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
