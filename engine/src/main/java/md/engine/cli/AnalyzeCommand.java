package md.engine.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import md.analysis.Frames;
import md.analysis.Rdf;
import md.analysis.Thermo;
import md.analysis.TrajectoryAnalysis;
import md.engine.report.HtmlReport;
import md.engine.report.Metrics;
import md.engine.report.ThermoCsv;
import md.engine.report.TrajectoryFiles;

/** {@code md analyze}: observables, stability and an HTML report of one trajectory. */
public final class AnalyzeCommand implements Command {

    @Override public String name() { return "analyze"; }

    @Override public String summary() { return "h(r), RDF, stability, diffusion, drift of a trajectory; writes report.html + metrics.json"; }

    @Override public String usage() {
        return """
            usage: md analyze TRAJECTORY [--reference DATA.npz] [--thermo thermo.csv] [-o DIR] [options]

            Computes the observables of Fu et al. ("Forces are not enough", TMLR 2023) for a trajectory and
            writes DIR/report.html (plots) and DIR/metrics.json (numbers). Definitions: docs/analysis.md.

              TRAJECTORY             extended XYZ (.xyz/.extxyz), H5MD trajectory (.h5) or .npz with positions
                                     (R or coords, frames x atoms x 3, Å), atomic numbers (z or
                                     nuclear_charges), optional cell (3x3 Å, or frames x 3 x 3), pbc
                                     and time_ps. A cell that changes (NPT) is used frame by frame
              --reference FILE       reference data (any of the formats above): h(r) and RDF errors, mean
                                     bond lengths
              --thermo FILE          thermo log CSV (step,time_ps,epot_eV,ekin_eV,etot_eV,temperature_K,
                                     conserved_eV,...); default: thermo.csv beside the trajectory, if present
              -o, --output DIR       output folder (default: analysis-NAME in the current folder, NAME the
                                     trajectory's name, or its run folder's for md run's trajectory.*)
              --overwrite            replace a report of another trajectory in DIR (a report of the same
                                     trajectory is always replaced)
              --frame-interval-fs X  time between saved frames, for files without time_ps
              --bond-threshold A     bond-length collapse threshold, Å (default 0.5)
              --criterion C          bonds | rdf: which criterion gives the stability (default: rdf for
                                     periodic systems with a reference, bonds otherwise)
              --hr-rmax A            h(r) range end, Å (default 10; 500 bins from 1e-6 Å)
              --hr-bins N            h(r) bins (default 500)
              --rdf-rmax A           RDF range end, Å (default 6)
              --rdf-bins N           RDF bins (default 500)
              --rdf-window-ps T      window of the RDF criterion, ps (default 1)
              --rdf-threshold X      RDF criterion threshold (default 3.0, the benchmark's water value)
              --rdf-total            RDF criterion on the total g(r) (the benchmark's LiPS setting) instead
                                     of every element pair
              --burn-in-ps T         skipped by the RDF, MSD and thermo statistics (default 0)
              --msd-max-lag-ps T     longest MSD lag (default: half the trajectory)
              --msd-fit-start-ps T   MSD fit window start (default: 20% of the longest lag)
              --msd-fit-end-ps T     MSD fit window end (default: the longest lag)
            """;
    }

    @Override public int run(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        Path trajectory = null;
        boolean rdfTotal = false, overwrite = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--rdf-total")) { rdfTotal = true; continue; }
            if (a.equals("--overwrite")) { overwrite = true; continue; }
            if (a.startsWith("-")) {
                String key = a.equals("-o") ? "--output" : a;
                if (!OPTIONS.contains(key)) throw CliOptions.unknown(a, OPTIONS, "analyze");
                opt.put(key, CliOptions.value(args, ++i, a, "see md analyze --help"));
            } else if (trajectory == null) trajectory = Path.of(a);
            else throw new UserError("one trajectory at a time; got '" + trajectory + "' and '" + a + "'");
        }
        if (trajectory == null) throw new UserError("no trajectory given\n" + usage());
        // The output folder is checked before the (possibly long) analysis.
        Path out = Path.of(opt.getOrDefault("--output", defaultOutput(trajectory)));
        md.engine.io.OutputPaths.folder(out, "output folder" + (opt.containsKey("--output") ? " (--output)" : ""));

        Optional<Double> interval = optional(opt, "--frame-interval-fs").map(fs -> positive(fs, "--frame-interval-fs") / 1000.0);
        Frames run = TrajectoryFiles.read(trajectory, "trajectory", interval);
        TrajectoryFiles.segmentNote(trajectory).ifPresent(note -> System.err.println("md analyze: " + note));
        Optional<Path> refPath = Optional.ofNullable(opt.get("--reference")).map(Path::of);
        // A reference data set's frame times are never used; any positive interval will do.
        Optional<Frames> reference = refPath.isPresent() ? Optional.of(TrajectoryFiles.read(refPath.get(), "reference (--reference)", Optional.of(1.0))) : Optional.empty();
        if (!overwrite) requireNoOtherReport(out, trajectory); // after the inputs: a missing file is the first thing to hear of
        Optional<Path> thermoPath = Optional.ofNullable(opt.get("--thermo")).map(Path::of);
        if (thermoPath.isEmpty()) {
            Path beside = trajectory.toAbsolutePath().getParent().resolve("thermo.csv");
            if (Files.isRegularFile(beside)) {
                thermoPath = Optional.of(beside);
                System.err.println("md analyze: using the thermo log " + beside + " found beside the trajectory");
            }
        }
        Optional<Thermo> thermo = thermoPath.isPresent() ? Optional.of(ThermoCsv.read(thermoPath.get())) : Optional.empty();

        TrajectoryAnalysis.Options d = TrajectoryAnalysis.Options.benchmark();
        Optional<TrajectoryAnalysis.Criterion> criterion = optional(opt, "--criterion").map(c -> switch (c.toLowerCase(Locale.ROOT)) {
            case "bonds" -> TrajectoryAnalysis.Criterion.BONDS;
            case "rdf" -> TrajectoryAnalysis.Criterion.RDF;
            default -> throw new UserError("--criterion must be 'bonds' or 'rdf', got '" + c + "'");
        });
        TrajectoryAnalysis.Options o;
        try {
            o = new TrajectoryAnalysis.Options(d.hrMin(), above(opt, "--hr-rmax", d.hrMax(), d.hrMin(), "the end of the h(r) range in Å"), count(opt, "--hr-bins", d.hrBins()),
                    number(opt, "--bond-threshold", d.bondThresholdAngstrom()),
                    new Rdf.Bins(d.rdfBins().rMin(), above(opt, "--rdf-rmax", d.rdfBins().rMax(), d.rdfBins().rMin(), "the end of the RDF range in Å"), count(opt, "--rdf-bins", d.rdfBins().count())),
                    number(opt, "--rdf-window-ps", d.rdfWindowPs()), number(opt, "--rdf-threshold", d.rdfThreshold()), rdfTotal,
                    number(opt, "--burn-in-ps", 0), number(opt, "--msd-max-lag-ps", 0),
                    number(opt, "--msd-fit-start-ps", -1), number(opt, "--msd-fit-end-ps", -1), criterion);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }

        TrajectoryAnalysis.Result result;
        try {
            result = TrajectoryAnalysis.analyse(run, reference, thermo, o);
        } catch (IllegalArgumentException e) {
            // The analysis checks combinations of inputs and options; its messages say what to change.
            throw new UserError(e.getMessage());
        }
        Metrics.Inputs inputs = new Metrics.Inputs(trajectory, refPath, thermoPath);
        IoFailure.wrap("cannot write the report in " + out, () -> HtmlReport.write(result, inputs, out));

        System.out.print(HtmlReport.textSummary(result));
        System.out.println("wrote " + out.resolve("report.html") + " and " + out.resolve("metrics.json"));
        return 0;
    }

    /**
     * analysis-NAME for a trajectory NAME.ext; md run names every trajectory trajectory.*, so for those the
     * run's folder names the report (out/argon-nvt/trajectory.extxyz: analysis-argon-nvt), and two runs'
     * reports do not land in one folder.
     */
    static String defaultOutput(Path trajectory) {
        String stem = trajectory.getFileName().toString().replaceFirst("(\\.\\d{3})?\\.[^.]*$", "");
        Path parent = trajectory.toAbsolutePath().normalize().getParent();
        if (stem.equals("trajectory") && parent != null && parent.getFileName() != null) stem = parent.getFileName().toString();
        return "analysis-" + stem;
    }

    /** Refuses to replace DIR's report of another trajectory (metrics.json says which file it analysed). */
    private static void requireNoOtherReport(Path out, Path trajectory) {
        Path metrics = out.resolve("metrics.json");
        if (!Files.isRegularFile(metrics)) return;
        String earlier;
        try {
            Object json = md.core.io.Json.parse(Files.readString(metrics));
            Object t = json instanceof Map<?, ?> m && m.get("trajectory") instanceof Map<?, ?> tm ? tm.get(Metrics.ABSOLUTE_PATH) : null;
            if (!(t instanceof String s)) return; // a report of an older md, or not ours: as before, replaced
            earlier = s;
        } catch (java.io.IOException | RuntimeException e) {
            return;
        }
        String now = trajectory.toAbsolutePath().normalize().toString();
        if (!earlier.equals(now))
            throw new UserError(out + " already holds the report of another trajectory (" + earlier + "); expected a new folder: "
                    + "give -o DIR, or --overwrite to replace it");
    }

    private static final java.util.List<String> OPTIONS = java.util.List.of("--reference", "--thermo", "--output", "--frame-interval-fs",
            "--bond-threshold", "--criterion", "--hr-rmax", "--hr-bins", "--rdf-rmax", "--rdf-bins", "--rdf-window-ps", "--rdf-threshold",
            "--rdf-total", "--overwrite", "--burn-in-ps", "--msd-max-lag-ps", "--msd-fit-start-ps", "--msd-fit-end-ps");

    private static Optional<String> optional(Map<String, String> opt, String key) { return Optional.ofNullable(opt.get(key)); }

    private static double number(Map<String, String> opt, String key, double fallback) {
        String v = opt.get(key);
        return v == null ? fallback : parse(v, key);
    }

    /** An option that must exceed {@code lowest} (the start of a range), named in the message when it does not. */
    private static double above(Map<String, String> opt, String key, double fallback, double lowest, String what) {
        double x = number(opt, key, fallback);
        if (!(x > lowest) || Double.isInfinite(x))
            throw new UserError(key + " must be a positive number (" + what + (lowest > 0 ? ", above " + lowest : "") + "), got " + opt.get(key));
        return x;
    }

    private static double positive(String v, String key) {
        double x = parse(v, key);
        if (!(x > 0)) throw new UserError(key + " must be positive, got " + v);
        return x;
    }

    private static double parse(String v, String key) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserError(key + " expects a number, got '" + v + "'");
        }
    }

    private static int count(Map<String, String> opt, String key, int fallback) {
        String v = opt.get(key);
        if (v == null) return fallback;
        try {
            int n = Integer.parseInt(v);
            if (n < 1) throw new UserError(key + " must be at least 1, got " + v);
            return n;
        } catch (NumberFormatException e) {
            throw new UserError(key + " expects a whole number, got '" + v + "'");
        }
    }
}
