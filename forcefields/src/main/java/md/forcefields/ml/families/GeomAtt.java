package md.forcefields.ml.families;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

import md.forcefields.ml.SpecReader;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.ops.DenseAggregate;
import md.forcefields.ml.ops.Elementwise;
import md.forcefields.ml.ops.GaussianGrid;
import md.forcefields.ml.ops.GaussianGridLinear;
import md.forcefields.ml.ops.Ops;
import md.forcefields.ml.ops.Representation;
import md.forcefields.ml.ops.PairChainContraction;
import md.forcefields.ml.ops.PairChainProduct;
import md.forcefields.ml.ops.PairColumnsToDense;
import md.forcefields.ml.ops.PairRowChain;
import md.forcefields.ml.ops.PairsToDense;
import md.forcefields.ml.ops.PerAtomShare;
import md.forcefields.ml.ops.SumColumns;

/**
 * Geometric attention (GeomAtt; Frank &amp; Chmiela, arXiv 2106.02549; thorben-frank/geomatt @ a10656ea): streams
 * of residual layers v ← v + α·(W v + b) whose attention α is built from overlap functions of Gaussians sampled
 * along every bond, A_t[i, j] = (L0_t φ_0) ⊙ (L_t φ(d_ij)), chained through all intermediate atoms to correlation
 * order k: α[n, j] = (1/N_s)·Δ·Σ_f (A_1 A_2 ⋯ A_{k−1})[n, j, f] (products over atoms, feature by feature; the
 * diagonal pairs, d = 0, included). The streams' last features are concatenated stream-major and read out by
 * W_R·ssp(W_Q u + b_Q) + b_R per atom; E = σ·Σ_i e_i + μ (energy standardisation of the training data).
 *
 * <p>There is no cutoff: every pair interacts at any distance ({@link #cutoff()} is +∞, so executors build the
 * complete graph of an isolated molecule; {@link PairsToDense} refuses anything else). Dense pair values are
 * {@code atomPairs} rows (N²); the Gaussians and the overlap linear layers run once per unordered pair.
 *
 * <p>Parameters keep the authors' {@code state_dict} keys, with linear weights stored transposed (in × out, as
 * {@link Ops#linear} takes them) and biases as 1 × out; the per-element embeddings are one table
 * {@value #EMBEDDINGS} (species × F_V, row t = element {@code atomicNumbers[t]}); the grid of Gaussian centres is
 * the buffer {@value #GRID} (bit-exact values of the reference's {@code arange}, see {@link #grid}).
 *
 * <p>Models made by {@code md train} add per-species energy shifts (spec {@code species_energy_shifts: true}, buffer
 * {@value #SPECIES_SHIFTS}, species × 1, eV per atom): e_i = σ·ê_i + μ/N + b_{t_i}. The reference has none (its μ is
 * one number per structure); imported models leave the option off and are unchanged.
 */
public final class GeomAtt implements EquivariantModel {
    public static final String FAMILY = "geomatt";
    public static final String EMBEDDINGS = "embeddings", GRID = "grid";
    /** Per-species energy shifts (eV per atom, species × 1), a buffer present only with {@code species_energy_shifts: true}. */
    public static final String SPECIES_SHIFTS = "species_energy_shifts";
    public static final String READOUT_HIDDEN = "energy_extractor.Q", READOUT_OUT = "energy_extractor.R";
    /** The linear layers of correlator factor t (0-based) are named by these letters (Q_0/Q, R_0/R, …). */
    public static final String FACTOR_LETTERS = "QRST";

    /** One stream: correlation order k (2 … 5), inner width F, number of layers, shared factors, correlator biases. */
    public record Stream(int order, int features, int layers, boolean shared, boolean bias) {
        public Stream {
            if (order < 2 || order > FACTOR_LETTERS.length() + 1) throw new IllegalArgumentException("GeomAtt stream order " + order + " is not supported (2 … 5)");
            if (features < 1 || layers < 1) throw new IllegalArgumentException("GeomAtt stream needs features and layers >= 1, got " + features + ", " + layers);
        }
        /** Factors with their own linear layers: k − 1, or 1 when shared. */
        public int distinctFactors() { return shared ? 1 : order - 1; }
    }

    private final int[] atomicNumbers;
    private final int embeddingFeatures, readoutHidden, gridSize;
    private final List<Stream> streams;
    private final double gridStart, gridSpacing, gamma, energyScale, energyShift;
    private final boolean speciesShifts;
    private final Map<String, ParameterSpec> parameters = new LinkedHashMap<>();

    /**
     * @param gridStart    d_min (Å), first Gaussian centre
     * @param gridSpacing  Δ (Å): the centres' spacing and the one factor Δ of every attention coefficient
     * @param gridSize     K centres
     * @param gamma        γ (Å⁻²) of exp(−γ(d − μ)²)
     * @param energyScale  σ: eV per model unit (E = σ·Ê + μ)
     * @param energyShift  μ: eV per structure
     */
    public GeomAtt(int[] atomicNumbers, int embeddingFeatures, List<Stream> streams, int readoutHidden, double gridStart, double gridSpacing,
                   int gridSize, double gamma, double energyScale, double energyShift) {
        this(atomicNumbers, embeddingFeatures, streams, readoutHidden, gridStart, gridSpacing, gridSize, gamma, energyScale, energyShift, false);
    }

    /** @param speciesShifts add the per-species energy shifts {@value #SPECIES_SHIFTS} (eV per atom) to the atomic energies */
    public GeomAtt(int[] atomicNumbers, int embeddingFeatures, List<Stream> streams, int readoutHidden, double gridStart, double gridSpacing,
                   int gridSize, double gamma, double energyScale, double energyShift, boolean speciesShifts) {
        if (atomicNumbers.length == 0) throw new IllegalArgumentException("GeomAtt needs at least one species");
        if (streams.isEmpty()) throw new IllegalArgumentException("GeomAtt needs at least one stream");
        if (embeddingFeatures < 1 || readoutHidden < 1 || gridSize < 1)
            throw new IllegalArgumentException("GeomAtt widths must be >= 1 (F_V " + embeddingFeatures + ", readout " + readoutHidden + ", K " + gridSize + ")");
        if (!(gridSpacing > 0) || !(gamma > 0) || !Double.isFinite(gridStart) || !Double.isFinite(energyScale) || !Double.isFinite(energyShift))
            throw new IllegalArgumentException("GeomAtt grid spacing and gamma must be positive and the energy scale and shift finite");
        this.atomicNumbers = atomicNumbers.clone();
        this.embeddingFeatures = embeddingFeatures;
        this.streams = List.copyOf(streams);
        this.readoutHidden = readoutHidden;
        this.gridStart = gridStart;
        this.gridSpacing = gridSpacing;
        this.gridSize = gridSize;
        this.gamma = gamma;
        this.energyScale = energyScale;
        this.energyShift = energyShift;
        this.speciesShifts = speciesShifts;
        parameters.put(EMBEDDINGS, ParameterSpec.trainable(atomicNumbers.length, embeddingFeatures));
        parameters.put(GRID, ParameterSpec.buffer(1, gridSize));
        for (int s = 0; s < streams.size(); s++) {
            Stream st = streams.get(s);
            for (int l = 0; l < st.layers(); l++) {
                for (int t = 0; t < st.distinctFactors(); t++) {
                    linear(factorKey(s, l, t, true), gridSize, st.features(), st.bias());
                    linear(factorKey(s, l, t, false), gridSize, st.features(), st.bias());
                }
                linear(updateKey(s, l), embeddingFeatures, embeddingFeatures, true);
            }
        }
        linear(READOUT_HIDDEN, streams.size() * embeddingFeatures, readoutHidden, true);
        linear(READOUT_OUT, readoutHidden, 1, true);
        if (speciesShifts) parameters.put(SPECIES_SHIFTS, ParameterSpec.buffer(atomicNumbers.length, 1));
    }

    private void linear(String key, int in, int out, boolean bias) {
        parameters.put(key + ".weight", ParameterSpec.trainable(in, out));
        if (bias) parameters.put(key + ".bias", ParameterSpec.trainable(1, out));
    }

    /** The linear layer of factor t (0-based) of layer l of stream s: L0_t (at the origin, φ_0) or L_t (along the bond). */
    public static String factorKey(int s, int l, int t, boolean origin) {
        return "geom_att.streams." + s + ".interactions." + l + ".correlator." + FACTOR_LETTERS.charAt(t) + (origin ? "_0" : "");
    }

    /** The update W, b of layer l of stream s. */
    public static String updateKey(int s, int l) { return "geom_att.streams." + s + ".interactions." + l + ".W"; }

    /**
     * The K centres exactly as the reference's float64 {@code arange(d_min, d_max, Δ)} holds them (torch 1.13's
     * vectorised kernel: blocks of 4 by fused multiply-adds for the first 8·⌊K/8⌋ points, d_min + k·Δ after), so
     * that imported models reproduce the reference bit for bit; it differs from d_min + k·Δ by at most 1 ulp.
     */
    public static double[] grid(double start, double spacing, int size) {
        double[] mu = new double[size];
        int vectorised = 8 * (size / 8);
        for (int k = 0; k < size; k++) {
            if (k < vectorised) {
                double base = Math.fma(spacing, 4 * (k / 4), start);
                mu[k] = Math.fma(k % 4, spacing, base);
            } else {
                mu[k] = Math.fma(spacing, k, start);
            }
        }
        return mu;
    }

    public List<Stream> streams() { return streams; }
    public int embeddingFeatures() { return embeddingFeatures; }
    public int readoutHidden() { return readoutHidden; }
    public double gridStart() { return gridStart; }
    public double gridSpacing() { return gridSpacing; }
    public int gridSize() { return gridSize; }
    public double gamma() { return gamma; }
    public double energyScale() { return energyScale; }
    public double energyShift() { return energyShift; }
    /** Whether the atomic energies include the per-species shifts {@value #SPECIES_SHIFTS}. */
    public boolean speciesEnergyShifts() { return speciesShifts; }

    /** The same architecture and parameter layout with another energy standardisation (e.g. σ = 1, μ = 0: model units). */
    public GeomAtt withEnergyStandardisation(double scale, double shift) {
        return new GeomAtt(atomicNumbers, embeddingFeatures, streams, readoutHidden, gridStart, gridSpacing, gridSize, gamma, scale, shift, speciesShifts);
    }

    @Override public String family() { return FAMILY; }
    @Override public int[] atomicNumbers() { return atomicNumbers.clone(); }
    /** +∞: every pair of atoms interacts (executors then build the complete graph of an isolated molecule). */
    @Override public double cutoff() { return Double.POSITIVE_INFINITY; }
    @Override public Map<String, ParameterSpec> parameters() { return Collections.unmodifiableMap(parameters); }

    /** PyTorch's defaults: linear weights and biases U(−1/√in, 1/√in), embeddings N(0, 1); the reference grid; species shifts 0. */
    @Override public Map<String, double[]> initialParameters(Random rng) {
        Map<String, double[]> v = new LinkedHashMap<>();
        for (Map.Entry<String, ParameterSpec> e : parameters.entrySet()) {
            String key = e.getKey();
            double[] a = new double[e.getValue().size()];
            if (key.equals(GRID)) a = grid(gridStart, gridSpacing, gridSize);
            else if (key.equals(SPECIES_SHIFTS)) java.util.Arrays.fill(a, 0.0);
            else if (key.equals(EMBEDDINGS)) for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
            else {
                String layer = key.substring(0, key.lastIndexOf('.'));
                double bound = 1 / Math.sqrt(parameters.get(layer + ".weight").shape().fixedRows());
                for (int i = 0; i < a.length; i++) a[i] = bound * (2 * rng.nextDouble() - 1);
            }
            v.put(key, a);
        }
        return v;
    }

    // ---- the forward pass --------------------------------------------------------------------------

    /**
     * The forward pass, declaring the layer outputs (embedding, each layer's attention α and features, the
     * readout's hidden layer and the atomic energies) as invariants: GeomAtt sees only distances.
     */
    @Override public <T> T atomicEnergies(Ops<T> ops) {
        return forward(ops, (name, value) -> {
            if (name.equals("embedding") || name.endsWith(".alpha") || name.endsWith(".v_out") || name.equals("readout_hidden") || name.equals("atomic_energy"))
                ops.named(name, value, Representation.scalars(ops.shape(value).width()));
        }, false);
    }

    /**
     * The forward pass, handing named intermediate values to {@code record} as they are made (for analysis and
     * stage-by-stage parity): "stream{s}.layer{l}." + "factor{t}.q0" (1 × F), "factor{t}.A" (dense overlap,
     * atomPairs × F, t from 1), "C" and "alpha" (atomPairs × 1), "Wv", "msg", "v_out" (atoms × F_V); then
     * "concat", "readout_pre", "readout_hidden" and "atomic_energy" (model units, before σ and μ).
     */
    public <T> T forward(Ops<T> ops, BiConsumer<String, T> record) { return forward(ops, record, true); }

    /**
     * With {@code everyOverlap} false (energies and forces), a stream of order 2 gets its C = Δ·Σ_f A[·, ·, f]
     * directly as one column of the overlap product (the sum over f folded into the weights), without its A.
     */
    private <T> T forward(Ops<T> ops, BiConsumer<String, T> record, boolean everyOverlap) {
        T grid = ops.parameter(GRID);
        T atOrigin = ops.apply(new GaussianGrid.AtOrigin(gamma), grid);
        T oneHot = ops.speciesOneHot(atomicNumbers.length);
        T v0 = ops.matmul(oneHot, ops.parameter(EMBEDDINGS), 1.0);
        record.accept("embedding", v0);
        Map<String, Overlap<T>> overlaps = overlaps(ops, ops.pairLengths(ops.edgeVectors()), grid, atOrigin, everyOverlap, record);
        List<T> finals = new ArrayList<>();
        for (int s = 0; s < streams.size(); s++) {
            T v = v0;
            for (int l = 0; l < streams.get(s).layers(); l++) {
                String at = "stream" + s + ".layer" + l + ".";
                // v + α·(W v + b): row n of α receives, Σ_m α[n, m]·x[m]
                T alpha = everyOverlap ? attention(ops, overlaps, s, l, at, record) : attentionFromRows(ops, overlaps, s, l, at, record);
                // the first layer's W·v0 + b depends on the species only: one row per species,
                // (E·W + b)[species] (the one-hot rows sum to 1), so a plan evaluates E·W + b once
                T x = l == 0 ? ops.matmul(oneHot, linear(ops, ops.parameter(EMBEDDINGS), updateKey(s, l), true), 1.0)
                        : linear(ops, v, updateKey(s, l), true);
                T msg = ops.apply(DenseAggregate.INSTANCE, alpha, x);
                v = ops.add(v, msg);
                record.accept(at + "Wv", x);
                record.accept(at + "msg", msg);
                record.accept(at + "v_out", v);
            }
            finals.add(v);
        }
        T u = finals.size() == 1 ? finals.get(0) : ops.concatColumns(finals);
        T pre = linear(ops, u, READOUT_HIDDEN, true);
        T hidden = ops.activation(pre, Elementwise.Activation.SHIFTED_SOFTPLUS, 1.0);
        T e = linear(ops, hidden, READOUT_OUT, true);
        record.accept("concat", u);
        record.accept("readout_pre", pre);
        record.accept("readout_hidden", hidden);
        record.accept("atomic_energy", e);
        if (energyScale != 1) e = ops.scale(e, energyScale);
        if (energyShift != 0) e = ops.add(e, ops.apply(new PerAtomShare(energyShift)));
        return speciesShifts ? ops.add(e, ops.matmul(oneHot, ops.parameter(SPECIES_SHIFTS), 1.0)) : e;
    }

    /**
     * The overlap functions of every stream, layer and factor, keyed "{s}.{l}.{t}" (dense, atomPairs × F), and
     * "{s}.{l}.C" for streams of order 2 unless {@code everyOverlap}. A_t = (L0_t φ_0) ⊙ (L_t φ_d) =
     * φ_d·(W_t ⊙ q0_t) + b_t ⊙ q0_t with q0_t = L0_t φ_0 a per-layer constant row: the weights of all factors,
     * scaled by their q0, become one K × M matrix, and one product with the Gaussians (only those within reach
     * of each pair, see {@link GaussianGridLinear}) gives every overlap at once; an order-2 stream's
     * C = Δ·Σ_f A[·, ·, f] takes one column, Δ·(W ⊙ q0)·1. The diagonal rows (d = 0) are the same with φ_0.
     * In the MD plan all weights derived here are constants, evaluated once.
     */
    private <T> Map<String, Overlap<T>> overlaps(Ops<T> ops, T lengths, T grid, T atOrigin, boolean everyOverlap, BiConsumer<String, T> record) {
        List<String> keys = new ArrayList<>();
        List<T> weights = new ArrayList<>(), biases = new ArrayList<>(), diagonals = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        boolean anyBias = false;
        for (int s = 0; s < streams.size(); s++) {
            Stream st = streams.get(s);
            boolean collapse = st.order() == 2 && !everyOverlap;
            for (int l = 0; l < st.layers(); l++)
                for (int t = 0; t < st.distinctFactors(); t++) {
                    String bondKey = factorKey(s, l, t, false);
                    T q0 = linear(ops, atOrigin, factorKey(s, l, t, true), st.bias());
                    record.accept("stream" + s + ".layer" + l + ".factor" + (t + 1) + ".q0", q0);
                    T w = ops.parameter(bondKey + ".weight");
                    w = ops.mul(w, ops.apply(Elementwise.BROADCAST_ROWS, q0, w));
                    T b = st.bias() ? ops.mul(ops.parameter(bondKey + ".bias"), q0) : null;
                    if (collapse) {
                        w = ops.apply(new SumColumns(gridSpacing), w);
                        if (b != null) b = ops.apply(new SumColumns(gridSpacing), b);
                    }
                    anyBias |= b != null;
                    keys.add(s + "." + l + "." + (collapse ? "C" : String.valueOf(t)));
                    weights.add(w);
                    biases.add(b);
                    diagonals.add(b != null ? ops.linear(atOrigin, w, b) : ops.matmul(atOrigin, w, 1.0));
                    widths.add(collapse ? 1 : st.features());
                }
        }
        if (anyBias) // factors without biases get zero columns (from a row of their own width, so shapes agree)
            for (int i = 0; i < biases.size(); i++) if (biases.get(i) == null) biases.set(i, ops.scale(diagonals.get(i), 0.0));
        T w = weights.size() == 1 ? weights.get(0) : ops.concatColumns(weights);
        T q = anyBias ? ops.apply(new GaussianGridLinear(gamma), lengths, grid, w, biases.size() == 1 ? biases.get(0) : ops.concatColumns(biases))
                : ops.apply(new GaussianGridLinear(gamma), lengths, grid, w);
        Map<String, Overlap<T>> out = new LinkedHashMap<>();
        for (int i = 0, column = 0; i < keys.size(); column += widths.get(i), i++) {
            // dense copies only where something reads them: every overlap when asked for, else only the C columns
            T dense = !everyOverlap && !keys.get(i).endsWith(".C") ? null : keys.size() == 1 ? ops.apply(PairsToDense.INSTANCE, q, diagonals.get(i))
                    : ops.apply(new PairColumnsToDense(column, column + widths.get(i)), q, diagonals.get(i));
            out.put(keys.get(i), new Overlap<>(q, column, widths.get(i), diagonals.get(i), dense));
        }
        return out;
    }

    /**
     * One overlap function: columns {@code column} … {@code column + width − 1} of the wide per-pair product, with its
     * diagonal row (d = 0), and its dense atomPairs × width value where one was made.
     */
    private record Overlap<T>(T wide, int column, int width, T diagonal, T dense) {}

    /** α = (1/N_s)·C of layer l of stream s (atomPairs × 1), from the overlaps. */
    private <T> T attention(Ops<T> ops, Map<String, Overlap<T>> overlaps, int s, int l, String at, BiConsumer<String, T> record) {
        Stream st = streams.get(s);
        Overlap<T> collapsed = overlaps.get(s + "." + l + ".C");
        T c = collapsed == null ? null : collapsed.dense();
        if (c == null) {
            List<T> factors = new ArrayList<>();
            for (int t = 0; t < st.distinctFactors(); t++) {
                T a = overlaps.get(s + "." + l + "." + t).dense();
                record.accept(at + "factor" + (t + 1) + ".A", a);
                factors.add(a);
            }
            // the chain through all intermediate atoms, feature by feature, summed over the features at the end
            T chain = factors.get(0);
            for (int t = 1; t < st.order() - 2; t++) {
                chain = ops.apply(PairChainProduct.PLAIN, chain, factors.get(st.shared() ? 0 : t));
                record.accept(at + "chain", chain);
            }
            // Δ once, whatever the order; the last link and the sum over the features in one op
            c = st.order() == 2 ? ops.apply(new SumColumns(gridSpacing), chain)
                    : ops.apply(new PairChainContraction(gridSpacing), chain, factors.get(st.shared() ? 0 : st.order() - 2));
        }
        T alpha = ops.scale(c, 1.0 / streams.size());
        record.accept(at + "C", c);
        record.accept(at + "alpha", alpha);
        return alpha;
    }

    /**
     * The same α as {@link #attention}, with the chain links reading the overlaps straight from the rows of the
     * wide product ({@link PairRowChain}: no dense copies of the factors); for energies and forces, where no
     * intermediate overlap is asked for (streams of order 2 have their C column already).
     */
    private <T> T attentionFromRows(Ops<T> ops, Map<String, Overlap<T>> overlaps, int s, int l, String at, BiConsumer<String, T> record) {
        Stream st = streams.get(s);
        Overlap<T> collapsed = overlaps.get(s + "." + l + ".C");
        T c;
        if (collapsed != null) {
            c = collapsed.dense();
        } else {
            List<Overlap<T>> factors = new ArrayList<>();
            for (int t = 0; t < st.distinctFactors(); t++) factors.add(overlaps.get(s + "." + l + "." + t));
            Overlap<T> first = factors.get(0), last = factors.get(st.shared() ? 0 : st.order() - 2);
            int w = st.features();
            if (st.order() == 3) {
                c = ops.apply(PairRowChain.contraction(first.column(), last.column(), w, gridSpacing), first.wide(), first.diagonal(), last.wide(), last.diagonal());
            } else {
                Overlap<T> second = factors.get(st.shared() ? 0 : 1);
                T chain = ops.apply(PairRowChain.product(first.column(), second.column(), w), first.wide(), first.diagonal(), second.wide(), second.diagonal());
                record.accept(at + "chain", chain);
                for (int t = 2; t < st.order() - 2; t++) {
                    Overlap<T> next = factors.get(st.shared() ? 0 : t);
                    chain = ops.apply(PairRowChain.product(next.column(), w), chain, next.wide(), next.diagonal());
                    record.accept(at + "chain", chain);
                }
                c = ops.apply(PairRowChain.contraction(last.column(), w, gridSpacing), chain, last.wide(), last.diagonal());
            }
        }
        T alpha = ops.scale(c, 1.0 / streams.size());
        record.accept(at + "C", c);
        record.accept(at + "alpha", alpha);
        return alpha;
    }

    private <T> T linear(Ops<T> ops, T x, String key, boolean bias) {
        return bias ? ops.linear(x, ops.parameter(key + ".weight"), ops.parameter(key + ".bias")) : ops.matmul(x, ops.parameter(key + ".weight"), 1.0);
    }

    // ---- spec -------------------------------------------------------------------------------------

    @Override public Map<String, Object> spec() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("atomic_numbers", atomicNumbers.clone());
        m.put("embedding_features", embeddingFeatures);
        List<Object> list = new ArrayList<>();
        for (Stream st : streams) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("order", st.order());
            o.put("features", st.features());
            o.put("layers", st.layers());
            o.put("shared", st.shared());
            o.put("bias", st.bias());
            list.add(o);
        }
        m.put("streams", list);
        m.put("readout_hidden", readoutHidden);
        m.put("grid_start", gridStart);
        m.put("grid_spacing", gridSpacing);
        m.put("grid_size", gridSize);
        m.put("gamma", gamma);
        m.put("energy_scale", energyScale);
        m.put("energy_shift", energyShift);
        if (speciesShifts) m.put("species_energy_shifts", true); // absent: imported models' specs stay as they were
        return m;
    }

    /** The model a {@link #spec()} describes. */
    @SuppressWarnings("unchecked")
    public static GeomAtt fromSpec(Map<String, Object> spec) {
        SpecReader r = new SpecReader(FAMILY, spec);
        r.rejectUnknown(List.of("atomic_numbers", "embedding_features", "streams", "readout_hidden", "grid_start", "grid_spacing", "grid_size",
                "gamma", "energy_scale", "energy_shift", "species_energy_shifts"));
        if (!(spec.get("streams") instanceof List<?> raw) || raw.isEmpty())
            throw new IllegalArgumentException(FAMILY + " model spec: 'streams' must be a non-empty list, got " + spec.get("streams"));
        List<Stream> streams = new ArrayList<>();
        for (int s = 0; s < raw.size(); s++) {
            if (!(raw.get(s) instanceof Map<?, ?> m)) throw new IllegalArgumentException(FAMILY + " model spec: streams[" + s + "] must be a mapping");
            SpecReader sr = new SpecReader(FAMILY + " streams[" + s + "]", (Map<String, Object>) m);
            sr.rejectUnknown(List.of("order", "features", "layers", "shared", "bias"));
            streams.add(new Stream(sr.integer("order"), sr.integer("features"), sr.integer("layers"), sr.bool("shared"), sr.bool("bias")));
        }
        return new GeomAtt(r.ints("atomic_numbers"), r.integer("embedding_features"), streams, r.integer("readout_hidden"), r.number("grid_start"),
                r.number("grid_spacing"), r.integer("grid_size"), r.number("gamma"), r.number("energy_scale"), r.number("energy_shift"),
                spec.containsKey("species_energy_shifts") && r.bool("species_energy_shifts"));
    }
}
