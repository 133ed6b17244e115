package md.forcefields.geomatt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import md.forcefields.ForceFieldConfigException;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.DatasetStatistics;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;

/**
 * {@code md train}'s {@code model} section for GeomAtt: the keyword names of the reference's {@code Stream(...)} as
 * {@code md import geomatt} reads them ({@code N_L, F, F_v, d_min, d_max, interval, gamma, shared, bias}) plus
 * {@code orders} (one stream per order, {@code scripts/train.py --orders}); defaults are {@code scripts/train.py}'s,
 * i.e. the paper's MD17 model (F_V = F_I = 128, three layers, streams of orders 2, 3, 4, K = 100 Gaussians on
 * [0, 5) Å, γ = 20 Å⁻²). A stream of order k gets F = int(F_I/2^(k−2)) like train.py, or the widths listed.
 *
 * <p>There is no cutoff: every pair interacts ({@link #cutoffAngstrom} is +∞). The energy is normalised like
 * md's NequIP: E = σ_F·Σ_i ê_i + Σ_i b_{t_i} with σ_F the training force RMS (eV/Å) and b_t the per-species
 * shifts (eV, the model's {@value GeomAtt#SPECIES_SHIFTS} buffer), instead of the reference's
 * energy StandardScaler (σ_E, μ_E per structure), so that an untrained model starts near the data's energies and
 * forces of size σ_F.
 */
final class GeomAttTraining implements ModelFamily.Training {
    static final Set<String> KEYS = Set.of("orders", "N_L", "F", "F_v", "readout_hidden", "d_min", "d_max", "interval", "gamma", "shared", "bias", "standardise_energies");

    /** The options as read and checked. */
    record Options(List<GeomAtt.Stream> streams, int embeddingFeatures, int readoutHidden, double dMin, double interval, int gridSize, double gamma,
                   boolean standardiseEnergies) {}

    @Override public List<String> help() {
        return List.of(
                "orders: [2, 3, 4]     correlation orders k of the streams, one stream each (2 to 5)",
                "N_L: 3                interaction layers per stream",
                "F: 128                inner width F_I: a stream of order k gets int(F/2^(k-2)); or a list, one width per stream",
                "F_v: 128              atom embedding width F_V",
                "readout_hidden: N_s*F_v/2  width of the shifted-softplus readout layer (the reference's rule)",
                "d_min: 0.0            first Gaussian centre, Å",
                "d_max: 5.0            end of the Gaussian grid (excluded), Å",
                "interval: 0.05        spacing of the Gaussian centres Δ, Å",
                "gamma: 20.0           Gaussian width γ of exp(-γ(d-μ)²), Å⁻²",
                "shared: false         one overlap layer pair for all factors of a correlator",
                "bias: true            biases in the correlators' overlap layers",
                "standardise_energies: false  E = sigma_E*E_model + mu_E (the authors' StandardScaler; one molecule) instead of sigma_F and per-species shifts",
                "(no cutoff: every pair of atoms interacts; isolated molecules only)");
    }

    @Override public void validate(ForceFieldSpec o) { options(o); }

    @Override public double cutoffAngstrom(ForceFieldSpec o) {
        options(o);
        return Double.POSITIVE_INFINITY;
    }

    @Override public LearnedModel initial(ForceFieldSpec o, DatasetStatistics s, long seed) {
        Options p = options(o);
        if (p.standardiseEnergies()) {
            // the authors' train.py: the network predicts (E − μ_E)/σ_E, μ_E one number per structure
            if (!(s.energyStdEv() > 0) || !Double.isFinite(s.energyMeanEv()))
                throw new ForceFieldConfigException("standardise_energies", "needs training energies that vary (their standard deviation is " + s.energyStdEv() + " eV)");
            GeomAtt arch = new GeomAtt(s.atomicNumbers(), p.embeddingFeatures(), p.streams(), p.readoutHidden(), p.dMin(), p.interval(), p.gridSize(),
                    p.gamma(), s.energyStdEv(), s.energyMeanEv(), false);
            return new LearnedModel(arch, arch.initialParameters(new Random(seed)));
        }
        GeomAtt arch = new GeomAtt(s.atomicNumbers(), p.embeddingFeatures(), p.streams(), p.readoutHidden(), p.dMin(), p.interval(), p.gridSize(),
                p.gamma(), s.forceRmsEvPerAngstrom(), 0.0, true);
        Map<String, double[]> v = arch.initialParameters(new Random(seed));
        v.put(GeomAtt.SPECIES_SHIFTS, s.perSpeciesEnergyShiftsEv().clone());
        return new LearnedModel(arch, v);
    }

    /**
     * A GeomAtt model with standardised energies (no per-species shifts) gets the new training set's σ_E and μ_E: the
     * authors' {@code transfer-training.py} fits a new StandardScaler to the target molecule's energies, so that a
     * network whose readout alone is retrained predicts the new molecule's standardised energies. Models with
     * per-species shifts keep them.
     */
    @Override public LearnedModel fineTuningStart(LearnedModel pretrained, DatasetStatistics s) {
        GeomAtt arch = (GeomAtt) pretrained.architecture();
        if (arch.spec().containsKey(GeomAtt.SPECIES_SHIFTS) || !(s.energyStdEv() > 0) || !Double.isFinite(s.energyMeanEv())) return pretrained;
        return new LearnedModel(arch.withEnergyStandardisation(s.energyStdEv(), s.energyMeanEv()), pretrained.parameters());
    }

    static Options options(ForceFieldSpec o) {
        o.rejectUnknownKeys(KEYS);
        List<Integer> orders = new ArrayList<>();
        if (o.has("orders")) {
            List<?> raw = o.getList("orders");
            if (raw.isEmpty()) throw new ForceFieldConfigException("orders", "expected a non-empty list of correlation orders (2 to 5), got []");
            for (Object x : raw) {
                if (!(x instanceof Integer || x instanceof Long) || ((Number) x).intValue() < 2 || ((Number) x).intValue() > 5)
                    throw new ForceFieldConfigException("orders", "expected correlation orders 2 to 5 (whole numbers), got " + x + " in " + raw);
                orders.add(((Number) x).intValue());
            }
        } else {
            orders.addAll(List.of(2, 3, 4));
        }
        int layers = o.getIntAtLeast("N_L", 3, 1, "a number of interaction layers per stream");
        int fv = o.getIntAtLeast("F_v", 128, 1, "an atom embedding width");
        boolean shared = o.getBoolean("shared", false), bias = o.getBoolean("bias", true);
        int[] widths = new int[orders.size()];
        if (o.params().get("F") instanceof List<?> list) {
            if (list.size() != orders.size())
                throw new ForceFieldConfigException("F", "expected one width per stream (" + orders.size() + " streams, orders " + orders + "), got " + list);
            for (int s = 0; s < widths.length; s++) {
                if (!(list.get(s) instanceof Integer || list.get(s) instanceof Long) || ((Number) list.get(s)).intValue() < 1)
                    throw new ForceFieldConfigException("F", "expected stream widths >= 1 (whole numbers), got " + list.get(s) + " in " + list);
                widths[s] = ((Number) list.get(s)).intValue();
            }
        } else {
            int fi = o.getIntAtLeast("F", 128, 1, "the inner width F_I (or a list of widths, one per stream)");
            for (int s = 0; s < widths.length; s++) {
                widths[s] = (int) (fi / Math.pow(2, orders.get(s) - 2));
                if (widths[s] < 1)
                    throw new ForceFieldConfigException("F", "F = " + fi + " leaves the stream of order " + orders.get(s) + " with int(F/2^(k-2)) = 0 features; "
                            + "give F >= " + (1 << (orders.get(s) - 2)) + " or a list of widths");
            }
        }
        List<GeomAtt.Stream> streams = new ArrayList<>();
        for (int s = 0; s < widths.length; s++) streams.add(new GeomAtt.Stream(orders.get(s), widths[s], layers, shared, bias));
        int hidden = o.getIntAtLeast("readout_hidden", Math.max(1, orders.size() * fv / 2), 1, "a readout width");

        double dMin = finite(o, "d_min", 0.0, "the first Gaussian centre in Å");
        double dMax = finite(o, "d_max", 5.0, "the end of the Gaussian grid in Å");
        double interval = o.getPositive("interval", 0.05, "the spacing of the Gaussian centres in Å");
        double gamma = o.getPositive("gamma", 20.0, "the Gaussian width γ in Å⁻²");
        if (!(dMax > dMin)) throw new ForceFieldConfigException("d_max", "expected d_max > d_min (" + dMin + " Å), got " + dMax);
        // the reference's arange(d_min, d_max, interval) and its linear layers' floor((d_max − d_min)/interval) inputs must agree
        int k = (int) Math.ceil((dMax - dMin) / interval), d = (int) Math.floor((dMax - dMin) / interval);
        if (k != d)
            throw new ForceFieldConfigException("interval", "(d_max - d_min)/interval = " + (dMax - dMin) / interval
                    + " must be a whole number of Gaussian centres (the reference's grid rule), e.g. d_max = " + (dMin + d * interval));
        if (k > 10_000) throw new ForceFieldConfigException("interval", "expected at most 10000 Gaussian centres, got " + k);
        return new Options(List.copyOf(streams), fv, hidden, dMin, interval, k, gamma, o.getBoolean("standardise_energies", false));
    }



    private static double finite(ForceFieldSpec o, String key, double defaultValue, String expected) {
        double v = o.getDouble(key, defaultValue);
        if (!Double.isFinite(v)) throw new ForceFieldConfigException(key, "expected " + expected + " (a finite number), got " + v);
        return v;
    }
}
