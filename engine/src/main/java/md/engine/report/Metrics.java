package md.engine.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import md.analysis.BondStability;
import md.analysis.Bonds;
import md.analysis.Diffusion;
import md.analysis.Frames;
import md.analysis.TrajectoryAnalysis;
import md.core.Elements;

/** The numbers of an analysis as the nested map written to {@code metrics.json}. Keys carry their units. */
public final class Metrics {
    private Metrics() {}

    /** Where the analysed data came from (for the report header and metrics.json). */
    public record Inputs(Path trajectory, Optional<Path> reference, Optional<Path> thermo) {}

    /** metrics.json's trajectory.absolute_path: md analyze tells by it whether a folder holds this trajectory's report. */
    public static final String ABSOLUTE_PATH = "absolute_path";

    public static Map<String, Object> of(TrajectoryAnalysis.Result r, Inputs in) {
        Map<String, Object> m = new LinkedHashMap<>();
        Frames run = r.run();
        Map<String, Object> traj = new LinkedHashMap<>();
        traj.put("file", in.trajectory().toString());
        traj.put(ABSOLUTE_PATH, in.trajectory().toAbsolutePath().normalize().toString());
        traj.put("frames", run.count());
        traj.put("atoms", run.atoms());
        traj.put("composition", composition(run.atomicNumbers()));
        traj.put("periodic", run.cell().isPeriodic());
        traj.put("cell_changes", run.cellChanges());
        traj.put("frame_interval_ps", run.frameIntervalPs());
        traj.put("duration_ps", run.elapsedPs(run.count() - 1));
        m.put("trajectory", traj);
        m.put("volume", r.volume().map(v -> {
            Map<String, Object> vol = new LinkedHashMap<>();
            vol.put("frames", v.frames());
            vol.put("mean_A3", v.meanA3());
            vol.put("std_A3", v.stdA3());
            vol.put("min_A3", v.minA3());
            vol.put("max_A3", v.maxA3());
            return (Object) vol;
        }).orElse(null));
        m.put("reference", in.reference().map(p -> (Object) Map.of("file", p.toString())).orElse(null));

        Map<String, Object> stab = new LinkedHashMap<>();
        stab.put("criterion", r.criterion().name().toLowerCase(java.util.Locale.ROOT));
        // no bonds to watch: the criterion cannot fail, so neither a stable time nor "not collapsed" is claimed
        boolean verdict = !HtmlReport.noStabilityVerdict(r);
        stab.put("applicable", verdict);
        stab.put("stability_ps", verdict ? r.stabilityPs() : null);
        stab.put("collapsed", verdict ? r.collapsed() : null);
        stab.put("first_non_finite_frame", r.firstNonFiniteFrame() >= 0 ? r.firstNonFiniteFrame() : null);
        m.put("stability", stab);

        BondStability.Result b = r.bonds();
        Map<String, Object> bonds = new LinkedHashMap<>();
        bonds.put("threshold_A", b.thresholdAngstrom());
        bonds.put("count", b.bonds().size());
        bonds.put("reference_lengths_from", r.bondsFromReference() ? "reference mean" : "first frame of the trajectory");
        bonds.put("collapse_frame", b.collapsed() ? b.collapseFrame() : null);
        bonds.put("stability_ps", b.stabilityPs());
        int worstFrame = worstFiniteFrame(r);
        bonds.put("max_deviation_A", b.maxDeviation()[worstFrame]);
        bonds.put("max_deviation_frame", worstFrame);
        bonds.put("max_deviation_bond", b.worstBond()[worstFrame] >= 0 ? Bonds.label(b.bonds().get(b.worstBond()[worstFrame]), run.atomicNumbers()) : null);
        m.put("bonds", bonds);

        Map<String, Object> hr = new LinkedHashMap<>();
        hr.put("r_min_A", r.hr().lo());
        hr.put("r_max_A", r.hr().hi());
        hr.put("bins", r.hr().bins());
        hr.put("frames_used", r.hrFrames());
        hr.put("mae", r.hrMae().orElse(null));
        m.put("hr", hr);

        if (r.rdf().isPresent()) {
            Map<String, Object> rdf = new LinkedHashMap<>();
            var any = r.rdf().get().values().iterator().next();
            rdf.put("r_min_A", any.lo());
            rdf.put("r_max_A", any.hi());
            rdf.put("bins", any.bins());
            rdf.put("burn_in_ps", r.options().burnInPs());
            rdf.put("mae", r.rdfMae().map(x -> (Object) new LinkedHashMap<>(x)).orElse(null));
            r.rdfStability().ifPresent(s -> {
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("window_frames", s.windowFrames());
                w.put("threshold", s.threshold());
                w.put("compared", r.options().rdfTotalOnly() ? "total" : "element pairs");
                w.put("collapse_window_start_frame", s.collapsed() ? s.collapseWindow() : null);
                w.put("stability_ps", s.stabilityPs());
                rdf.put("window_criterion", w);
            });
            m.put("rdf", rdf);
        } else m.put("rdf", null);

        if (r.msd().isPresent() && !r.diffusion().isEmpty()) {
            Map<String, Object> d = new LinkedHashMap<>();
            Diffusion.Fit any = r.diffusion().values().iterator().next();
            d.put("fit_window_ps", List.of(any.fitStartPs(), any.fitEndPs()));
            d.put("max_lag_ps", r.msd().get().lagPs()[r.msd().get().lagPs().length - 1]);
            d.put("centre_of_mass_removed", true);
            Map<String, Object> by = new LinkedHashMap<>();
            r.diffusion().forEach((k, f) -> {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("D_A2_per_ps", f.diffusionA2PerPs());
                e.put("D_cm2_per_s", f.diffusionCm2PerS());
                e.put("D_stderr_A2_per_ps", f.diffusionStdErrA2PerPs());
                e.put("fit_points", f.points());
                e.put("r_squared", f.rSquared());
                by.put(k, e);
            });
            d.put("by_element", by);
            m.put("diffusion", d);
        } else m.put("diffusion", null);

        if (r.thermo().isPresent()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("file", in.thermo().map(Path::toString).orElse(null));
            t.put("rows", r.thermo().get().rows());
            t.put("burn_in_ps", r.options().burnInPs());
            r.energyDrift().ifPresent(e -> {
                t.put("energy_drift_eV_per_atom_per_ps", e.slopeEvPerAtomPerPs());
                t.put("energy_drift_stderr_eV_per_atom_per_ps", e.slopeStdErr());
                t.put("conserved_energy_max_excursion_eV_per_atom", e.maxExcursionEvPerAtom());
                t.put("conserved_energy_std_eV_per_atom", e.stdEvPerAtom());
            });
            r.temperature().ifPresent(s -> {
                t.put("temperature_mean_K", s.meanK());
                t.put("temperature_std_K", s.stdK());
                t.put("temperature_min_K", s.minK());
                t.put("temperature_max_K", s.maxK());
            });
            m.put("thermo", t);
        } else m.put("thermo", null);
        return m;
    }

    /** Formula with elements in order of atomic number, e.g. "H6C2O" for ethanol. */
    public static String composition(int[] z) {
        java.util.TreeMap<Integer, Integer> count = new java.util.TreeMap<>();
        for (int x : z) count.merge(x, 1, Integer::sum);
        List<String> parts = new ArrayList<>();
        count.forEach((k, v) -> parts.add(Elements.symbol(k) + (v > 1 ? v : "")));
        return String.join("", parts);
    }

    /** The frame of the largest bond deviation among the frames before the first non-finite one (all frames if none). */
    static int worstFiniteFrame(TrajectoryAnalysis.Result r) {
        double[] dev = r.bonds().maxDeviation();
        int k = r.firstNonFiniteFrame();
        return argMax(k > 0 ? java.util.Arrays.copyOf(dev, k) : dev);
    }

    static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
