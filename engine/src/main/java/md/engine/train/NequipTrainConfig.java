package md.engine.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import md.engine.cli.UserError;
import md.engine.config.ConfigNode;
import md.forcefields.ForceFieldSpec;

/**
 * A nequip 0.6 training configuration (the YAML given to {@code nequip-train}, e.g. nequip's
 * {@code configs/minimal.yaml} and {@code configs/example.yaml}) read as an md train configuration.
 *
 * <p>Every top-level key is either mapped onto md's keys (r_max → model.r_max, n_val → data.split.n_val,
 * loss_coeffs → loss, ...), accepted because its value is what md does anyway (nonlinearity_type: gate,
 * use_sc: true, ...), ignored because it only concerns logging or the hardware (wandb, verbose,
 * validation_batch_size, ..., each reported in a note), or unsupported. Unsupported keys and values are
 * collected and reported together, one line each with its line number, so a user converting a config sees
 * everything to change at once. The translation keeps every value's YAML node and line, so mistakes the
 * ordinary loader finds later still point at the user's line (under md's key name). docs/training.md lists
 * the mapping.
 */
public final class NequipTrainConfig {
    private NequipTrainConfig() {}

    /** The translated configuration (md's keys) and notes on what was ignored or chosen differently. */
    public record Translation(ConfigNode config, List<String> notes) {}

    /** md train's own top-level sections; a file with any of them is an md configuration. */
    private static final Set<String> MD_SECTIONS = Set.of("data", "model", "training", "loss", "output");
    /** Keys only a nequip configuration has at its top level. */
    private static final Set<String> NEQUIP_MARKERS = Set.of("r_max", "dataset", "dataset_file_name", "model_builders");

    /** The model keys of nequip's SimpleIrrepsConfig syntax that md's nequip family takes under the same names. */
    private static final List<String> MODEL_KEYS = List.of("r_max", "num_layers", "l_max", "parity", "num_features", "num_basis",
            "invariant_layers", "invariant_neurons");

    /** nequip's default builder list (nequip-train 0.6 uses it with StressForceOutput; ForceOutput gives the same energies and forces). */
    static final List<String> DEFAULT_BUILDERS = List.of("SimpleIrrepsConfig", "EnergyModel", "PerSpeciesRescale", "StressForceOutput", "RescaleEnergyEtc");
    static final List<String> FORCE_BUILDERS = List.of("SimpleIrrepsConfig", "EnergyModel", "PerSpeciesRescale", "ForceOutput", "RescaleEnergyEtc");

    /** Keys accepted only with the value md implements (nequip's value: what md does). */
    private static final Map<String, Object> FIXED = new LinkedHashMap<>();
    static {
        FIXED.put("nonlinearity_type", "gate");
        FIXED.put("nonlinearity_scalars", Map.of("e", "silu", "o", "tanh"));
        FIXED.put("nonlinearity_gates", Map.of("e", "silu", "o", "tanh"));
        FIXED.put("BesselBasis_trainable", true);
        FIXED.put("PolynomialCutoff_p", 6);
        FIXED.put("use_sc", true);
        FIXED.put("resnet", false);
        FIXED.put("train_val_split", "random");
        FIXED.put("shuffle", true);
        FIXED.put("metrics_key", "validation_loss");
        FIXED.put("ema_use_num_updates", true);
        FIXED.put("global_rescale_scale", "dataset_forces_rms");
        FIXED.put("global_rescale_shift", null);
        FIXED.put("global_rescale_scale_trainable", false);
        FIXED.put("global_rescale_shift_trainable", false);
        FIXED.put("per_species_rescale_scales", null);
        FIXED.put("per_species_rescale_scales_trainable", false);
        FIXED.put("per_species_rescale_shifts_trainable", false);
        FIXED.put("dataset_statistics_stride", 1);
    }

    /** Keys that change only logging, file bookkeeping or the hardware, never the trained model: ignored with a note. */
    private static final Set<String> IGNORED = Set.of("wandb", "wandb_project", "wandb_watch", "tensorboard", "verbose", "log_batch_freq",
            "log_epoch_freq", "save_checkpoint_freq", "save_ema_checkpoint_freq", "validation_batch_size", "report_init_validation",
            "metrics_components", "append", "allow_tf32", "device", "dataset_url", "dataloader_num_workers", "default_dtype", "model_dtype");

    /** Every key this translation knows (for "did you mean"). */
    private static final Set<String> KNOWN = new TreeSet<>();
    static {
        KNOWN.addAll(MODEL_KEYS);
        KNOWN.addAll(FIXED.keySet());
        KNOWN.addAll(IGNORED);
        KNOWN.addAll(List.of("root", "run_name", "seed", "dataset_seed", "model_builders", "chemical_symbols", "type_names", "dataset",
                "dataset_file_name", "key_mapping", "npz_fixed_field_keys", "ase_args", "n_train", "n_val", "learning_rate", "batch_size",
                "max_epochs", "max_gradient_norm", "loss_coeffs", "optimizer_name", "optimizer_amsgrad", "optimizer_betas", "optimizer_eps",
                "optimizer_weight_decay", "lr_scheduler_name", "lr_scheduler_patience", "lr_scheduler_factor", "lr_scheduler_threshold",
                "early_stopping_patiences", "early_stopping_lower_bounds", "early_stopping_upper_bounds", "early_stopping_delta",
                "early_stopping_cumulative_delta", "use_ema", "ema_decay", "per_species_rescale_shifts", "avg_num_neighbors"));
    }

    /** Array names of the npz layouts md reads, as nequip's key_mapping would map them. */
    private static final Map<String, String> MD17_KEYS = Map.of("R", "pos", "z", "atomic_numbers", "E", "total_energy", "F", "forces");
    private static final Map<String, String> RMD17_KEYS = Map.of("coords", "pos", "nuclear_charges", "atomic_numbers", "energies", "total_energy", "forces", "forces");

    /**
     * True when {@code root} is a nequip configuration: it has none of md's sections (data, model, training,
     * loss, output) and at least one key only nequip's has at the top level (r_max, dataset,
     * dataset_file_name, model_builders).
     */
    public static boolean isNequip(ConfigNode root) {
        if (!root.isMapping()) return false;
        for (String k : MD_SECTIONS) if (root.has(k)) return false;
        for (String k : NEQUIP_MARKERS) if (root.has(k)) return true;
        return false;
    }

    /** Translates a nequip configuration; throws one {@link UserError} listing every unsupported key or value. */
    public static Translation translate(ConfigNode n) {
        return new Translator(n).run();
    }

    /** One translation: the tree of md keys being built, the problems found and the notes. */
    private static final class Translator {
        private final ConfigNode n;
        private final Map<String, Object> tree = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final List<String> ignored = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        Translator(ConfigNode n) { this.n = n; }

        Translation run() {
            for (String key : n.keys()) {
                ConfigNode v = n.get(key);
                try {
                    key(key, v);
                } catch (UserError e) {
                    problem(v, stripFile(e.getMessage()));
                }
            }
            try {
                defaults();
            } catch (UserError e) {
                problems.add(stripFile(e.getMessage()));
            }
            if (!problems.isEmpty())
                throw new UserError(n.file() + ": nequip configuration: " + problems.size() + (problems.size() == 1 ? " key or value" : " keys or values")
                        + " md train does not support (docs/training.md, 'nequip configurations', lists what it maps):\n  "
                        + String.join("\n  ", problems));
            if (!ignored.isEmpty())
                notes.add(0, "nequip keys without effect on the trained model, ignored: " + String.join(", ", ignored)
                        + " (md computes in float64 and logs to metrics.csv)");
            return new Translation(ConfigNode.assemble(n.file(), tree), List.copyOf(notes));
        }

        private void key(String key, ConfigNode v) {
            if (MODEL_KEYS.contains(key)) { put("model." + key, v); return; }
            if (FIXED.containsKey(key)) { fixed(key, v, FIXED.get(key)); return; }
            if (IGNORED.contains(key)) { ignored.add(key); return; }
            switch (key) {
                case "root", "run_name" -> { /* output.directory, in defaults() */ }
                case "seed" -> put("seed", v);
                case "avg_num_neighbors" -> {
                    // nequip divides by sqrt(avg_num_neighbors) unless it is null
                    if (v.isNull()) put("model.avg_num_neighbors", v.derived(1.0));
                    else put("model.avg_num_neighbors", v);
                }
                case "dataset_seed" -> put("data.split.seed", v);
                case "model_builders" -> builders(v);
                case "chemical_symbols" -> put("model.species", v);
                case "type_names" -> {
                    if (n.has("chemical_symbols")) return; // nequip uses chemical_symbols then
                    for (ConfigNode s : v.asList("a list of type names"))
                        if (md.core.Elements.atomicNumber(s.asString("an element symbol")).isEmpty())
                            throw s.error("md train maps type_names to elements: expected element symbols (or give chemical_symbols), got '" + s.asString("") + "'");
                    put("model.species", v);
                }
                case "dataset", "dataset_file_name", "key_mapping", "npz_fixed_field_keys", "ase_args" -> { /* data.train, in defaults() */ }
                case "n_train" -> put("data.split.n_train", v);
                case "n_val" -> put("data.split.n_val", v);
                case "learning_rate", "batch_size", "max_epochs", "max_gradient_norm" -> put("training." + key, v);
                case "loss_coeffs" -> lossCoeffs(v);
                case "optimizer_name" -> {
                    String name = v.asString("an optimizer name");
                    if (!name.equals("Adam") && !name.equals("AdamW")) throw v.error("md train has the optimizers Adam and AdamW, got '" + name + "'");
                    put("training.optimizer", v.derived(name.toLowerCase(Locale.ROOT)));
                }
                case "optimizer_amsgrad" -> put("training.amsgrad", v);
                case "optimizer_weight_decay" -> put("training.weight_decay", v);
                case "optimizer_betas" -> put("training.adam_betas", v);
                case "optimizer_eps" -> put("training.adam_epsilon", v);
                case "lr_scheduler_name" -> {
                    String name = v.asString("a scheduler name");
                    if (!name.equals("ReduceLROnPlateau") && !name.equals("none"))
                        throw v.error("md train has the schedulers ReduceLROnPlateau and none, got '" + name + "'");
                }
                case "lr_scheduler_patience", "lr_scheduler_factor", "lr_scheduler_threshold" -> {
                    if (!"ReduceLROnPlateau".equals(schedulerName()))
                        throw v.error("applies to lr_scheduler_name: ReduceLROnPlateau only");
                    put("training.lr_scheduler." + key.substring("lr_scheduler_".length()), v);
                }
                case "early_stopping_patiences" -> onlyKey(v, "validation_loss", "training.early_stopping.patience",
                        "md stops on the validation loss only");
                case "early_stopping_lower_bounds" -> onlyKey(v, "LR", "training.early_stopping.lr_floor",
                        "md has a lower bound on the learning rate only");
                case "early_stopping_upper_bounds" -> {
                    ConfigNode wall = onlyKeyNode(v, "cumulative_wall", "md has an upper bound on the wall-clock time only (a step with a NaN or "
                            + "infinite loss is skipped instead of stopping)");
                    if (wall != null) put("training.early_stopping.max_wall_minutes", wall.derived(wall.asPositive("seconds") / 60));
                }
                case "early_stopping_delta" -> throw v.error("md counts any decrease of the validation loss as progress (no delta); remove it");
                case "early_stopping_cumulative_delta" -> {
                    if (v.asBoolean()) throw v.error("md has no early-stopping delta; only false is accepted");
                }
                case "use_ema", "ema_decay" -> { /* training.ema_decay, in defaults() */ }
                case "per_species_rescale_shifts" -> {
                    String s = v.isNull() ? null : v.isSequence() || v.isMapping() ? null : v.asString("");
                    if ("dataset_per_atom_total_energy_mean".equals(s)) put("model.energy_shifts", v.derived("per_atom_mean"));
                    else if ("dataset_per_species_total_energy_mean".equals(s)) put("model.energy_shifts", v.derived("least_squares"));
                    else throw v.error("md computes the per-species shifts from the training data: dataset_per_atom_total_energy_mean (nequip's default) "
                                + "or dataset_per_species_total_energy_mean (least squares on the composition); got " + v.describe());
                }
                default -> {
                    String best = ForceFieldSpec.closest(key, KNOWN);
                    throw v.error("not supported by md train" + (best != null ? " (did you mean '" + best + "'?)" : ""));
                }
            }
        }

        /** What nequip does when a key is absent, where md's default differs, and the keys that combine (data, output, EMA). */
        private void defaults() {
            if (!n.has("loss_coeffs"))
                problem(n, "loss_coeffs is missing: nequip's default is MSELoss on total_energy, which md does not train; "
                        + "give loss_coeffs, e.g. {forces: 1, total_energy: [1, PerAtomMSELoss]}");
            data();
            output();
            // nequip 0.6: no EMA unless use_ema: true (then ema_decay, default 0.999)
            boolean ema = n.has("use_ema") && n.get("use_ema").asBoolean();
            if (ema) put("training.ema_decay", n.has("ema_decay") ? n.get("ema_decay") : n.get("use_ema").derived(0.999));
            else {
                if (n.has("ema_decay")) notes.add("ema_decay is ignored: use_ema is not true (nequip trains without an average then, and so does md)");
                put("training.ema_decay", n.derived(0.0));
            }
            // nequip's defaults that differ from md's: model (EnergyModel, InteractionBlock), Trainer
            ConfigNode at = n.has("dataset_file_name") ? n.get("dataset_file_name") : n;
            for (String k : List.of("r_max", "l_max", "parity", "num_features"))
                if (!n.has(k)) problem(n, k + " is missing: nequip needs it (SimpleIrrepsConfig, cutoff), and so does md train");
            if (!n.has("num_layers")) put("model.num_layers", at.derived(3));
            if (!n.has("invariant_layers")) put("model.invariant_layers", at.derived(1));
            if (!n.has("invariant_neurons")) put("model.invariant_neurons", at.derived(8));
            if (!n.has("learning_rate")) put("training.learning_rate", at.derived(0.01));
            if (!n.has("batch_size")) put("training.batch_size", at.derived(5));
            if (!n.has("max_epochs")) put("training.max_epochs", at.derived(1000000));
            if (!n.has("per_species_rescale_shifts")) put("model.energy_shifts", at.derived("per_atom_mean"));
            String scheduler = schedulerName();
            if (scheduler == null || scheduler.equals("none")) {
                put("training.lr_scheduler.patience", at.derived(Integer.MAX_VALUE)); // no scheduler: never reduce
            } else {
                // torch's ReduceLROnPlateau defaults, which nequip passes on
                if (!n.has("lr_scheduler_patience")) put("training.lr_scheduler.patience", n.get("lr_scheduler_name").derived(10));
                if (!n.has("lr_scheduler_factor")) put("training.lr_scheduler.factor", n.get("lr_scheduler_name").derived(0.1));
            }
            // nequip stops early only on the conditions it is given
            if (!n.has("early_stopping_patiences")) put("training.early_stopping.patience", at.derived(Integer.MAX_VALUE));
            if (!n.has("early_stopping_lower_bounds")) put("training.early_stopping.lr_floor", at.derived(0.0));
            if (!n.has("optimizer_amsgrad") && (!n.has("optimizer_name") || !"AdamW".equals(n.get("optimizer_name").asString(""))))
                put("training.amsgrad", at.derived(false));
        }

        private String schedulerName() {
            ConfigNode s = n.get("lr_scheduler_name");
            return s == null || s.isNull() ? null : s.isSequence() || s.isMapping() ? "?" : s.asString("");
        }

        /** data.train from dataset, dataset_file_name, key_mapping, npz_fixed_field_keys, ase_args; data.split.n_val must be there. */
        private void data() {
            ConfigNode file = n.get("dataset_file_name");
            if (file == null) { problem(n, "dataset_file_name is missing: md train needs the data file (dataset: npz or ase)"); return; }
            String dataset = n.has("dataset") ? n.get("dataset").asString("npz or ase") : null;
            Path path = n.baseDirectory().resolve(file.asString("a file path")).normalize();
            String missing = md.engine.config.InputFiles.problem(path);
            if (missing != null)
                problem(file, path + ": " + missing + " (relative paths are resolved against the configuration's folder"
                        + (n.has("dataset_url") ? "; md does not download dataset_url" : "") + ")");
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("file", file);
            if (dataset == null || dataset.equals("npz")) {
                if (dataset == null && !file.asString("a file path").toLowerCase(Locale.ROOT).endsWith(".npz"))
                    problem(n, "dataset is missing: give dataset: npz or ase");
                source.put("format", file.derived("npz"));
                if (n.has("key_mapping")) npzKeys(n.get("key_mapping"));
                if (n.has("npz_fixed_field_keys")) {
                    ConfigNode fixed = n.get("npz_fixed_field_keys");
                    for (ConfigNode k : fixed.asList("a list of field names"))
                        if (!k.asString("a field name").equals("atomic_numbers"))
                            problem(k, "md's npz reader takes atomic_numbers as the only fixed field (one row for every frame, or one per frame), got '" + k.asString("") + "'");
                }
                if (n.has("ase_args")) problem(n.get("ase_args"), "applies to dataset: ase only");
            } else if (dataset.equals("ase")) {
                String name = file.asString("a file path").toLowerCase(Locale.ROOT);
                if (!name.endsWith(".extxyz") && !name.endsWith(".xyz"))
                    problem(file, "md reads dataset: ase files in extended XYZ only (.extxyz or .xyz)");
                source.put("format", file.derived("extxyz"));
                if (n.has("ase_args")) {
                    ConfigNode a = n.get("ase_args");
                    for (String k : a.keys())
                        if (!k.equals("format") || !a.get(k).asString("").equals("extxyz"))
                            problem(a.get(k), "md reads extended XYZ without ase arguments; only format: extxyz is accepted");
                }
                if (n.has("key_mapping")) aseKeys(n.get("key_mapping"), source);
                if (n.has("npz_fixed_field_keys")) problem(n.get("npz_fixed_field_keys"), "applies to dataset: npz only");
            } else {
                problem(n.get("dataset"), "md train reads dataset: npz (MD17/rMD17 layouts) and dataset: ase (extended XYZ), got '" + dataset + "'");
            }
            dataSection().put("train", source);
            if (!n.has("n_val")) problem(n, "n_val is missing: md train draws the validation frames from the data file (n_val frames)");
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> dataSection() { return (Map<String, Object>) tree.computeIfAbsent("data", k -> new LinkedHashMap<String, Object>()); }

        /** key_mapping of an npz file: must name one of the layouts md's reader knows (MD17's R, z, E, F or rMD17's names). */
        private void npzKeys(ConfigNode km) {
            if (!km.isMapping()) { problem(km, "expected a mapping from npz array names to nequip fields"); return; }
            Map<String, String> mapping = new LinkedHashMap<>();
            for (String k : km.keys()) mapping.put(k, km.get(k).asString("a nequip field name"));
            for (Map<String, String> layout : List.of(MD17_KEYS, RMD17_KEYS))
                if (layout.entrySet().containsAll(mapping.entrySet())) return;
            problem(km, "md's npz reader reads MD17's arrays {R: pos, z: atomic_numbers, E: total_energy, F: forces} or rMD17's {coords: pos, "
                    + "nuclear_charges: atomic_numbers, energies: total_energy, forces: forces} (kcal/mol, Å); got " + mapping
                    + " (rename the arrays, or write the data as extended XYZ with dataset: ase)");
        }

        /** key_mapping of an extended XYZ file: the energy key and the forces column. */
        private void aseKeys(ConfigNode km, Map<String, Object> source) {
            for (String k : km.keys()) {
                ConfigNode v = km.get(k);
                switch (v.asString("a nequip field name")) {
                    case "total_energy" -> source.put("energy_key", v.derived(k));
                    case "forces" -> source.put("forces_key", v.derived(k));
                    default -> problem(v, "md reads total_energy and forces from extended XYZ; cannot map '" + k + "' to '" + v.asString("") + "'");
                }
            }
        }

        /** output.directory = root/run_name (nequip's training folder). */
        private void output() {
            ConfigNode run = n.get("run_name");
            if (run == null) { problem(n, "run_name is missing: md train writes to root/run_name, as nequip does"); return; }
            String root = n.has("root") ? n.get("root").asString("a folder") : ".";
            String dir = Path.of(root).resolve(run.asString("a run name")).toString();
            put("output.directory", run.derived(dir));
            notes.add("output folder " + n.baseDirectory().resolve(dir).normalize() + " (root/run_name, relative to the configuration's folder); "
                    + "the model is model.nqp there (nequip: best_model.pth)");
        }

        private void builders(ConfigNode v) {
            List<String> names = new ArrayList<>();
            for (ConfigNode b : v.asList("a list of model builders")) names.add(b.asString("a builder name"));
            if (!names.equals(DEFAULT_BUILDERS) && !names.equals(FORCE_BUILDERS))
                throw v.error("md train builds nequip's default model " + DEFAULT_BUILDERS + " (or with ForceOutput), got " + names);
        }

        /**
         * loss_coeffs: {@code forces}, {@code [forces, total_energy]}, or a mapping of forces / total_energy to a
         * weight or [weight, loss name]. md has MSELoss on the forces and PerAtomMSELoss on the energy.
         */
        private void lossCoeffs(ConfigNode v) {
            Map<String, Object> loss = new LinkedHashMap<>();
            ConfigNode forces = v.derived(0.0), energy = v.derived(0.0), stress = v.derived(0.0);
            if (v.isMapping()) {
                for (String k : v.keys()) {
                    ConfigNode c = v.get(k);
                    try {
                        switch (k) {
                            case "forces" -> forces = term(c, "MSELoss", k);
                            case "total_energy" -> energy = term(c, "PerAtomMSELoss", k);
                            case "stress" -> stress = term(c, "MSELoss", k);
                            default -> problem(c, "md trains forces (MSELoss), total_energy (PerAtomMSELoss) and stress (MSELoss) only");
                        }
                    } catch (UserError e) {
                        problem(c, stripFile(e.getMessage()));
                    }
                }
            } else {
                List<ConfigNode> items = v.isSequence() ? v.asList("a list of fields") : List.of(v);
                for (ConfigNode c : items) {
                    String k = c.asString("forces or total_energy");
                    if (k.equals("forces")) forces = c.derived(1.0);
                    else if (k.equals("stress")) stress = c.derived(1.0);
                    else if (k.equals("total_energy"))
                        problem(c, "total_energy without a loss name is nequip's MSELoss on the total energy; md trains PerAtomMSELoss: "
                                + "write total_energy: [WEIGHT, PerAtomMSELoss]");
                    else problem(c, "md trains forces (MSELoss), total_energy (PerAtomMSELoss) and stress (MSELoss) only");
                }
            }
            loss.put("forces", forces);
            loss.put("energy_per_atom", energy);
            loss.put("stress", stress); // absent: 0, as in nequip
            tree.put("loss", loss);
        }

        /** One loss_coeffs entry: a weight (MSELoss) or [weight, loss name]; only {@code allowed} is md's. */
        private ConfigNode term(ConfigNode c, String allowed, String field) {
            if (c.isSequence()) {
                List<ConfigNode> parts = c.asList("[weight, loss name]");
                if (parts.size() != 2) throw c.error("expected [weight, loss name], e.g. [1, " + allowed + "]");
                String name = parts.get(1).asString("a loss name");
                if (!name.equals(allowed))
                    throw parts.get(1).error("md trains " + field + " with " + allowed + " only, got " + name);
                return parts.get(0).derived(parts.get(0).asNonNegative("a loss weight"));
            }
            if (!allowed.equals("MSELoss"))
                throw c.error("a bare weight is nequip's MSELoss on the total energy; md trains PerAtomMSELoss: write " + field + ": [WEIGHT, " + allowed + "]");
            return c.derived(c.asNonNegative("a loss weight"));
        }

        /** A mapping with only {@code key} (e.g. early_stopping_patiences: {validation_loss: 50}) put at md's {@code target}. */
        private void onlyKey(ConfigNode v, String key, String target, String why) {
            ConfigNode found = onlyKeyNode(v, key, why);
            if (found != null) put(target, found);
        }

        private ConfigNode onlyKeyNode(ConfigNode v, String key, String why) {
            if (!v.isMapping()) throw v.error("expected a mapping such as {" + key + ": ...}, got " + v.describe());
            ConfigNode found = null;
            for (String k : v.keys()) {
                if (k.equals(key)) found = v.get(k);
                else problem(v.get(k), why); // each other key is a problem of its own, and the only one
            }
            if (found == null && v.keys().isEmpty()) throw v.error("expected the key " + key + " (" + why + ")");
            return found;
        }

        /** A key accepted only with md's fixed value. */
        private void fixed(String key, ConfigNode v, Object expected) {
            Object got = v.toPlain(new java.util.HashMap<>());
            if (!sameValue(got, expected))
                throw v.error("md's nequip model has " + key + ": " + show(expected) + " (fixed), got " + show(got));
        }

        private static boolean sameValue(Object a, Object b) {
            if (a instanceof Number x && b instanceof Number y) return x.doubleValue() == y.doubleValue();
            return Objects.equals(a, b);
        }

        private static String show(Object o) { return o == null ? "null" : o instanceof Map<?, ?> m ? new java.util.TreeMap<>(m).toString() : o.toString(); }

        /** Puts a node at a dotted md key path ("training.lr_scheduler.patience"). */
        @SuppressWarnings("unchecked")
        private void put(String dotted, ConfigNode v) {
            String[] parts = dotted.split("\\.");
            Map<String, Object> m = tree;
            for (int i = 0; i < parts.length - 1; i++)
                m = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
            m.put(parts[parts.length - 1], v);
        }

        private void problem(ConfigNode at, String message) {
            problems.add(message.startsWith("line ") || message.startsWith(n.file().toString()) ? stripFile(message)
                    : (at != n && at.line() > 0 ? "line " + at.line() + ", " : "") + (at.path().isEmpty() ? "" : "key '" + at.path() + "': ") + message);
        }

        /** "FILE, line 3, key 'x': ..." → "line 3, key 'x': ..." (the file is named once, at the top). */
        private String stripFile(String message) {
            String prefix = n.file() + ", ";
            if (message.startsWith(prefix)) return message.substring(prefix.length());
            String bare = n.file() + ": ";
            return message.startsWith(bare) ? message.substring(bare.length()) : message;
        }
    }
}
