package md.forcefields.torchmdnet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import md.core.io.NpyArray;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.families.EquivariantTransformer;
import md.forcefields.ml.families.EquivariantTransformerHyperparameters;

/**
 * A TorchMD-Net 2.4 Equivariant Transformer from the arguments given to {@code create_model} (a YAML
 * mapping: the model options of a training configuration or of a checkpoint's {@code hparams.yaml}) and
 * the model's {@code state_dict} saved with numpy (see docs/torchmdnet.md). Options that change the model
 * and that md does not implement are errors naming the option; training and data options are ignored; any
 * other key is an error (it may be a model option this importer does not know). Every state_dict entry
 * must be placed, with its exact shape.
 */
public final class TorchmdNetImporter {
    private TorchmdNetImporter() {}

    /** create_model options that do not change the model md evaluates (capacities, checks, precision of the reference). */
    private static final Set<String> NO_EFFECT = Set.of("max_num_neighbors", "check_errors", "static_shapes", "derivative", "precision",
            "box_vecs", "equivariance_invariance_group", "mean", "std", "prior_args", "charge", "spin", "output_model_noise",
            "position_noise_scale", "denoising_weight");

    /** TorchMD-Net training and data options (hparams.yaml holds them beside the model's). */
    private static final Set<String> TRAINING = Set.of("load_model", "conf", "num_epochs", "batch_size", "inference_batch_size", "lr",
            "lr_patience", "lr_metric", "lr_min", "lr_factor", "lr_warmup_steps", "early_stopping_patience", "reset_trainer", "weight_decay",
            "ema_alpha_y", "ema_alpha_neg_dy", "ngpus", "num_nodes", "log_dir", "splits", "train_size", "val_size", "test_size",
            "test_interval", "save_interval", "seed", "num_workers", "redirect", "gradient_clipping", "remove_ref_energy", "dataset",
            "dataset_root", "dataset_arg", "coord_files", "embed_files", "energy_files", "force_files", "dataset_preload_limit", "y_weight",
            "neg_dy_weight", "train_loss", "train_loss_arg", "wandb_use", "wandb_name", "wandb_project", "wandb_resume_from_id",
            "tensorboard_use", "standardize", "energy_weight", "force_weight", "distributed_backend", "accelerator", "task",
            "check_val_every_n_epoch", "lr_schedule", "lr_cosine_length");

    /**
     * md's own config key (not a TorchMD-Net option): the energy unit the model was trained in (TorchMD-Net
     * records none). When given, the model is converted to eV, the unit of md's force fields; without it the
     * model computes in its training unit.
     */
    public static final String ENERGY_UNIT = "md_energy_unit";

    private static double energyUnitToEv(String unit) {
        if (unit == null) return 1.0;
        try {
            return md.core.Units.energyToEv(unit);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + ENERGY_UNIT + "': " + e.getMessage());
        }
    }

    public static LearnedModel fromReference(Map<String, Object> config, Map<String, NpyArray> stateDict) {
        Config c = new Config(config);
        String model = c.string("model", null);
        if (!"equivariant-transformer".equals(model))
            throw new IllegalArgumentException("torchmdnet option 'model' is '" + model + "': only equivariant-transformer is supported");
        double toEv = energyUnitToEv(c.string(ENERGY_UNIT, null));
        requireValue(c, "rbf_type", "expnorm");
        requireValue(c, "reduce_op", "add");
        requireValue(c, "aggr", "add");
        String output = c.string("output_model", "Scalar");
        if (!output.equals("Scalar") && !output.equals("EquivariantScalar"))
            throw new IllegalArgumentException("torchmdnet option 'output_model' is '" + output + "': only Scalar (EquivariantScalar for the ET) is supported");
        if (c.number("cutoff_lower", 0.0) != 0)
            throw new IllegalArgumentException("torchmdnet option 'cutoff_lower' is " + c.number("cutoff_lower", 0.0) + ": only 0 is supported");
        if (c.number("atom_filter", -1) != -1)
            throw new IllegalArgumentException("torchmdnet option 'atom_filter' is " + c.number("atom_filter", -1) + ": only -1 (no filter) is supported");
        Object prior = config.get("prior_model");
        boolean atomref = false;
        if (prior != null) {
            String name = prior instanceof List<?> l && l.size() == 1 ? String.valueOf(l.get(0) instanceof Map<?, ?> m ? m.keySet().iterator().next() : l.get(0))
                    : prior instanceof Map<?, ?> m && m.size() == 1 ? String.valueOf(m.keySet().iterator().next()) : String.valueOf(prior);
            if (!name.equals("Atomref"))
                throw new IllegalArgumentException("torchmdnet option 'prior_model' is " + prior + ": only none or Atomref is supported");
            atomref = true;
        }
        int maxZ = c.integer("max_z", 100);
        EquivariantTransformerHyperparameters hp = new EquivariantTransformerHyperparameters(c.integer("embedding_dimension", 256),
                c.integer("num_layers", 6), c.integer("num_rbf", 64), c.integer("num_heads", 8), c.number("cutoff_upper", 5.0), maxZ,
                c.bool("neighbor_embedding", true), c.string("distance_influence", "both"), c.string("activation", "silu"),
                c.string("attn_activation", "silu"), c.bool("vector_cutoff", false), c.bool("trainable_rbf", true), atomref);
        for (String key : new TreeSet<>(config.keySet())) {
            if (key.startsWith("_") || c.used.contains(key) || key.equals("prior_model") || NO_EFFECT.contains(key) || TRAINING.contains(key)) continue;
            throw new IllegalArgumentException("torchmdnet option '" + key + "' is not known to this importer (not an Equivariant Transformer option it implements)");
        }
        int[] z = new int[maxZ - 1];
        for (int i = 0; i < z.length; i++) z[i] = i + 1;
        EquivariantTransformer et = new EquivariantTransformer(hp, z);

        Map<String, double[]> values = new LinkedHashMap<>();
        Set<String> unplaced = new TreeSet<>(stateDict.keySet());
        for (Map.Entry<String, EquivariantModel.ParameterSpec> e : et.parameters().entrySet()) {
            String name = e.getKey();
            NpyArray a = find(stateDict, name);
            if (a == null) {
                if (name.equals(EquivariantTransformer.MEAN) || name.equals(EquivariantTransformer.STD)) {
                    double fromConfig = c.number(name, name.equals(EquivariantTransformer.MEAN) ? 0.0 : 1.0);
                    values.put(name, new double[] {fromConfig});
                    continue;
                }
                throw new IllegalArgumentException("torchmdnet state_dict: missing '" + name + "' (" + e.getValue().shape() + ") for this configuration");
            }
            unplaced.remove(a.name());
            int rows = e.getValue().shape().fixedRows(), width = e.getValue().shape().width();
            boolean fits = a.shape().length == 2 ? a.shape()[0] == rows && a.shape()[1] == width
                    : a.shape().length == 1 ? rows == 1 && a.shape()[0] == width : a.shape().length == 0 && rows * width == 1;
            if (!fits)
                throw new IllegalArgumentException("torchmdnet state_dict: '" + a.name() + "' has shape " + java.util.Arrays.toString(a.shape())
                        + ", this configuration needs " + rows + " x " + width);
            values.put(name, a.data().clone());
        }
        unplaced.removeIf(k -> k.matches("prior_model\\.(\\d+\\.)?initial_atomref"));
        if (!unplaced.isEmpty())
            throw new IllegalArgumentException("torchmdnet state_dict: entries this configuration has no place for: " + unplaced);
        // E = Σ_i (std·ε_i + atomref[Z_i]) + mean: scaling std, atomref and mean scales E exactly
        for (String name : List.of(EquivariantTransformer.MEAN, EquivariantTransformer.STD, EquivariantTransformer.ATOMREF)) {
            double[] a = values.get(name);
            if (a != null) for (int i = 0; i < a.length; i++) a[i] *= toEv;
        }
        return new LearnedModel(et, values);
    }

    /** The state_dict entry of a parameter; the Atomref prior may be stored as prior_model.atomref or prior_model.N.atomref. */
    private static NpyArray find(Map<String, NpyArray> stateDict, String name) {
        NpyArray a = stateDict.get(name);
        if (a != null || !name.equals(EquivariantTransformer.ATOMREF)) return a;
        for (Map.Entry<String, NpyArray> e : stateDict.entrySet())
            if (e.getKey().matches("prior_model\\.\\d+\\.atomref\\.weight")) return e.getValue();
        return null;
    }

    private static void requireValue(Config c, String key, String supported) {
        String v = c.string(key, supported);
        if (!v.equals(supported)) throw new IllegalArgumentException("torchmdnet option '" + key + "' is '" + v + "': only " + supported + " is supported");
    }

    /** Typed reads of create_model options with TorchMD-Net's defaults; remembers which keys were read. */
    private static final class Config {
        final Map<String, Object> map;
        final Set<String> used = new java.util.HashSet<>();

        Config(Map<String, Object> map) { this.map = map; }

        private Object get(String key) { used.add(key); return map.get(key); }

        String string(String key, String dflt) {
            Object v = get(key);
            if (v == null) return dflt;
            if (v instanceof String s) return s;
            throw new IllegalArgumentException("torchmdnet option '" + key + "' must be a string, got " + v);
        }

        double number(String key, double dflt) {
            Object v = get(key);
            if (v == null) return dflt;
            if (v instanceof Number n) return n.doubleValue();
            throw new IllegalArgumentException("torchmdnet option '" + key + "' must be a number, got " + v);
        }

        int integer(String key, int dflt) {
            double d = number(key, dflt);
            if (d != Math.rint(d)) throw new IllegalArgumentException("torchmdnet option '" + key + "' must be a whole number, got " + d);
            return (int) d;
        }

        boolean bool(String key, boolean dflt) {
            Object v = get(key);
            if (v == null) return dflt;
            if (v instanceof Boolean b) return b;
            throw new IllegalArgumentException("torchmdnet option '" + key + "' must be true or false, got " + v);
        }
    }
}
