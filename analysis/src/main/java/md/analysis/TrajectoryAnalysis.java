package md.analysis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every observable of one trajectory at once, against an optional reference data set and thermo log:
 * what {@code md analyze} reports and what a stability benchmark computes per run.
 *
 * <ul>
 *   <li>Molecules (no periodic cell): h(r) and the bond-length stability criterion; with a reference,
 *       the h(r) error of the frames up to the collapse (as the benchmark) and reference bond lengths
 *       averaged over the reference; without one, the run's own first frame gives the bond lengths.</li>
 *   <li>Periodic systems: additionally total and element-resolved RDFs after the burn-in; with a
 *       reference, their errors and the RDF-window stability criterion. A cell that changes between frames
 *       (NPT) is used frame by frame (minimum images, RDF normalisation, unwrapping), and its volume is
 *       reported ({@link CellVolume}).</li>
 *   <li>Always: MSD per element (after burn-in, unwrapped; diffusion coefficients fitted for periodic
 *       systems only), bond-angle distribution, and energy drift / temperature statistics when a thermo
 *       log is given.</li>
 * </ul>
 */
public final class TrajectoryAnalysis {
    private TrajectoryAnalysis() {}

    /** Which criterion decides {@link Result#stabilityPs()}. */
    public enum Criterion { BONDS, RDF }

    /**
     * @param hrMin                 h(r) range start (benchmark: 1e-6 Å)
     * @param hrMax                 h(r) range end (benchmark: 10 Å)
     * @param hrBins                h(r) bins (benchmark: 500)
     * @param bondThresholdAngstrom bond-length criterion threshold (benchmark: 0.5 Å)
     * @param rdfBins               RDF binning (benchmark: 1e-6 to 6 Å, 500 bins)
     * @param rdfWindowPs           window of the RDF criterion (benchmark: 1 ps)
     * @param rdfThreshold          RDF criterion threshold (benchmark: 3.0 element-resolved for water, 1.0 total for LiPS)
     * @param rdfTotalOnly          RDF criterion on the total g(r) instead of every element pair
     * @param burnInPs              excluded from the RDF, MSD and thermo statistics
     * @param msdMaxLagPs           longest MSD lag; 0 = half the analysed frames
     * @param msdFitStartPs         fit window start; negative = 20 % of the longest lag
     * @param msdFitEndPs           fit window end; negative = the longest lag
     * @param criterion             empty = RDF for periodic systems with a reference, bonds otherwise
     */
    public record Options(double hrMin, double hrMax, int hrBins, double bondThresholdAngstrom, Rdf.Bins rdfBins,
                          double rdfWindowPs, double rdfThreshold, boolean rdfTotalOnly, double burnInPs,
                          double msdMaxLagPs, double msdFitStartPs, double msdFitEndPs, Optional<Criterion> criterion) {
        public static Options benchmark() {
            return new Options(DistanceHistogram.DEFAULT_R_MIN, DistanceHistogram.DEFAULT_R_MAX, DistanceHistogram.DEFAULT_BINS,
                    BondStability.DEFAULT_THRESHOLD_ANGSTROM, Rdf.Bins.defaults(), 1.0, 3.0, false, 0.0, 0.0, -1, -1, Optional.empty());
        }
    }

    /**
     * Everything computed; absent parts are empty (no reference, no thermo log, non-periodic system).
     *
     * @param hrFrames number of frames the run's h(r) was taken over (through the collapse frame)
     * @param firstNonFiniteFrame the first frame with a NaN or infinite coordinate (the run diverged there), or -1;
     *                 every observable but the verdict is taken over the frames before it, and the run counts as
     *                 collapsed at that frame at the latest
     * @param volume   cell volume statistics after the burn-in, for a cell that changes (NPT); empty otherwise
     */
    public record Result(Frames run, Options options, Criterion criterion, double stabilityPs, boolean collapsed,
                         Histogram hr, int hrFrames, Optional<Histogram> hrReference, Optional<Double> hrMae,
                         BondStability.Result bonds, boolean bondsFromReference,
                         Optional<Map<String, Histogram>> rdf, Optional<Map<String, Histogram>> rdfReference,
                         Optional<Map<String, Double>> rdfMae, Optional<RdfStability.Result> rdfStability,
                         Optional<Diffusion.Msd> msd, Map<String, Diffusion.Fit> diffusion,
                         Histogram adf, Optional<Histogram> adfReference,
                         Optional<Thermo> thermo, Optional<Thermo.EnergyDrift> energyDrift, Optional<Thermo.TemperatureStats> temperature,
                         int firstNonFiniteFrame, Optional<CellVolume> volume) {
        /** Whether the run diverged (non-finite positions) before any other criterion failed: the verdict is that divergence. */
        public boolean diverged() { return firstNonFiniteFrame >= 0 && stabilityPs >= run.elapsedPs(firstNonFiniteFrame); }
    }

    /** The first frame with a NaN or infinite coordinate, or {@code frames.count()} when every frame is finite. */
    public static int firstNonFiniteFrame(Frames frames) {
        for (int f = 0; f < frames.count(); f++)
            for (double x : frames.positions()[f]) if (!Double.isFinite(x)) return f;
        return frames.count();
    }

    public static Result analyse(Frames whole, Optional<Frames> reference, Optional<Thermo> thermo, Options o) {
        // A run that blew up writes non-finite positions; observables are taken over the finite frames before that
        // (a NaN would otherwise turn h(r), RDFs and diffusion coefficients into NaN), and the verdict says where.
        int finite = firstNonFiniteFrame(whole);
        if (finite == 0) throw new IllegalArgumentException("frame 0 of the trajectory has non-finite positions (NaN or infinite): nothing to analyse");
        Frames run = finite < whole.count() ? whole.range(0, finite) : whole;
        boolean periodic = run.cell().isPeriodic();
        Criterion criterion = o.criterion().orElse(periodic && reference.isPresent() ? Criterion.RDF : Criterion.BONDS);
        if (criterion == Criterion.RDF && !(periodic && reference.isPresent()))
            throw new IllegalArgumentException("the RDF stability criterion needs a periodic trajectory and reference data");

        // Bond lengths and angles compare atom by atom, so they need the same atoms in the same order; a
        // liquid's reference may hold a different number of molecules and is then used for the RDF only.
        boolean sameAtoms = reference.isPresent() && java.util.Arrays.equals(reference.get().atomicNumbers(), run.atomicNumbers());
        if (reference.isPresent() && !sameAtoms && !periodic)
            throw new IllegalArgumentException("the reference lists atoms " + java.util.Arrays.toString(reference.get().atomicNumbers())
                    + " but the trajectory " + java.util.Arrays.toString(run.atomicNumbers()) + "; a molecule's reference must list the same atoms in the same order");
        List<Bonds.Bond> bondList = Bonds.naturalCutoffs(run.positions()[0], run.atomicNumbers(), run.cell());
        BondStability.Result bonds = sameAtoms
                ? BondStability.evaluate(whole, bondList, Bonds.meanLengths(reference.get(), bondList), o.bondThresholdAngstrom())
                : BondStability.evaluate(whole, bondList, Bonds.meanLengths(run.range(0, 1), bondList), o.bondThresholdAngstrom());

        Frames burned = afterBurnIn(run, o.burnInPs());
        Optional<Map<String, Histogram>> rdf = Optional.empty(), rdfRef = Optional.empty();
        Optional<Map<String, Double>> rdfMae = Optional.empty();
        Optional<RdfStability.Result> rdfStab = Optional.empty();
        if (periodic) {
            rdf = Optional.of(Rdf.of(burned, o.rdfBins()));
            if (reference.isPresent()) {
                Frames ref = reference.get().cell().isPeriodic() ? reference.get()
                        : new Frames(reference.get().positions(), reference.get().atomicNumbers(), run.cell(), reference.get().timesPs());
                // (a reference without a cell borrows the run's first cell)
                Map<String, Histogram> g = Rdf.of(ref, o.rdfBins());
                rdfRef = Optional.of(g);
                Map<String, Histogram> compared = new LinkedHashMap<>();
                g.forEach((k, v) -> { if (o.rdfTotalOnly() == k.equals(Rdf.ALL)) compared.put(k, v); });
                rdfStab = Optional.of(RdfStability.evaluate(run, compared, o.rdfBins(), RdfStability.windowFrames(run, o.rdfWindowPs()), o.rdfThreshold()));
            }
        }

        double stability;
        boolean collapsed;
        int keep;
        if (criterion == Criterion.RDF) {
            RdfStability.Result s = rdfStab.orElseThrow();
            stability = s.stabilityPs(); collapsed = s.collapsed(); keep = Math.max(1, s.framesBeforeCollapse());
        } else {
            stability = bonds.stabilityPs(); collapsed = bonds.collapsed(); keep = bonds.framesBeforeCollapse();
        }
        if (finite < whole.count() && (!collapsed || stability > whole.elapsedPs(finite))) {
            stability = whole.elapsedPs(finite);
            collapsed = true;
        }
        keep = Math.min(keep, finite);
        Frames stable = run.range(0, keep);
        Histogram hr = DistanceHistogram.of(stable, o.hrMin(), o.hrMax(), o.hrBins());
        Optional<Histogram> hrRef = reference.map(r -> DistanceHistogram.of(r, o.hrMin(), o.hrMax(), o.hrBins()));
        Optional<Double> hrMae = hrRef.map(hr::mae);
        if (periodic && reference.isPresent() && criterion == Criterion.RDF) {
            // The benchmark reports the RDF error of the frames before the collapse.
            Frames rdfFrames = afterBurnIn(stable, o.burnInPs());
            rdf = Optional.of(Rdf.of(rdfFrames, o.rdfBins()));
        }
        if (rdf.isPresent() && rdfRef.isPresent()) rdfMae = Optional.of(Rdf.maeByPair(rdf.get(), rdfRef.get()));

        Optional<Diffusion.Msd> msd = Optional.empty();
        Map<String, Diffusion.Fit> fits = new LinkedHashMap<>();
        if (burned.count() >= 3) {
            Frames unwrapped = Diffusion.unwrap(burned);
            double dt = burned.frameIntervalPs();
            int maxLag = o.msdMaxLagPs() > 0 ? (int) Math.round(o.msdMaxLagPs() / dt) : burned.count() / 2;
            maxLag = Math.max(1, Math.min(maxLag, burned.count() - 1));
            // Cost grows as frames x lags x atoms; thin the time origins beyond ~2e9 pair updates.
            long work = (long) burned.count() * maxLag * burned.atoms();
            int stride = (int) Math.max(1, work / 2_000_000_000L + 1);
            Diffusion.Msd m = Diffusion.msd(unwrapped, maxLag, stride);
            msd = Optional.of(m);
            double lagMax = m.lagPs()[maxLag];
            double start = o.msdFitStartPs() >= 0 ? o.msdFitStartPs() : 0.2 * lagMax;
            double end = o.msdFitEndPs() >= 0 ? o.msdFitEndPs() : lagMax;
            // Without a periodic cell (a molecule in vacuum) the MSD after removing the centre of mass is
            // bounded internal motion; a slope fitted to it would not be a diffusion coefficient.
            if (periodic) for (var e : m.byElement().entrySet()) fits.put(e.getKey(), Diffusion.fit(m.lagPs(), e.getValue(), start, end));
        }

        Histogram adf = BondAngles.of(run.range(0, keep), bondList, BondAngles.DEFAULT_BINS);
        Optional<Histogram> adfRef = reference.filter(r -> sameAtoms).map(r -> BondAngles.of(r, bondList, BondAngles.DEFAULT_BINS));

        Optional<Thermo.EnergyDrift> drift = thermo.filter(t -> t.rows() >= 2).map(t -> t.energyDrift(run.atoms(), o.burnInPs()));
        Optional<Thermo.TemperatureStats> temp = thermo.filter(t -> t.rows() >= 1).map(t -> t.temperature(o.burnInPs()));
        return new Result(whole, o, criterion, stability, collapsed, hr, keep, hrRef, hrMae, bonds, sameAtoms,
                rdf, rdfRef, rdfMae, rdfStab, msd, fits, adf, adfRef, thermo, drift, temp, finite < whole.count() ? finite : -1,
                CellVolume.of(burned));
    }

    /** Frames at or after {@code burnInPs} from the first; at least the last frame. */
    static Frames afterBurnIn(Frames f, double burnInPs) {
        if (burnInPs < 0) throw new IllegalArgumentException("burn-in must not be negative, got " + burnInPs + " ps");
        int first = 0;
        while (first < f.count() - 1 && f.elapsedPs(first) < burnInPs - 1e-12) first++;
        return first == 0 ? f : f.range(first, f.count());
    }
}
