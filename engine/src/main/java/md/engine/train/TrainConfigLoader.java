package md.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import md.engine.config.ConfigNode;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.training.Adam;
import md.forcefields.training.ForceHead;
import md.forcefields.training.LossWeights;
import md.forcefields.training.Objective;
import md.forcefields.training.Trainer;

/** Reads and checks an {@code md train} YAML file; every mistake is reported with file, line and key. */
public final class TrainConfigLoader {
    private TrainConfigLoader() {}

    static final Set<String> TOP = Set.of("description", "seed", "threads", "data", "model", "training", "loss", "output");
    static final Set<String> DATA = Set.of("train", "validation", "test", "split");
    static final Set<String> SOURCE = Set.of("file", "format", "objective", "energy_key", "forces_key", "method", "energy_unit", "frames", "repeat");
    static final Set<String> SPLIT = Set.of("method", "n_train", "n_val", "n_test", "seed");
    static final Set<String> TRAINING = Set.of("max_epochs", "batch_size", "learning_rate", "optimizer", "amsgrad", "weight_decay",
            "warmup_steps", "ema_decay", "max_gradient_norm", "lr_scheduler", "early_stopping", "keep_snapshots", "adam_betas", "adam_epsilon");
    static final Set<String> SCHEDULER = Set.of("name", "factor", "patience", "threshold", "step_size", "gamma");
    static final Set<String> EARLY = Set.of("patience", "lr_floor", "max_wall_minutes");
    static final Set<String> LOSS = Set.of("energy_per_atom", "forces", "stress", "zero_force", "denoising", "noise_variance_A2", "restoring_stiffness_eV_per_A2",
            "force_head", "form", "energy", "unit");
    static final Set<String> OUTPUT = Set.of("directory", "model");

    /**
     * Reads {@code file}: an md train configuration, or a nequip 0.6 one ({@code nequip-train}'s YAML,
     * recognised by its keys, see {@link NequipTrainConfig#isNequip}), which is translated to md's keys first.
     */
    public static TrainConfig load(Path file) {
        ConfigNode parsed = ConfigNode.parse(file);
        if (NequipTrainConfig.isNequip(parsed)) {
            NequipTrainConfig.Translation t = NequipTrainConfig.translate(parsed);
            TrainConfig c = load(t.config());
            return new TrainConfig(c.file(), c.seed(), c.threads(), c.data(), c.model(), c.training(), c.output(), t.notes());
        }
        return load(parsed);
    }

    /** Reads an md train configuration already parsed (or assembled from another format's keys). */
    public static TrainConfig load(ConfigNode root) {
        Path file = root.file();
        root.allowOnly(TOP);
        if (root.has("description")) root.get("description").asString("a line of text");
        long seed = root.has("seed") ? integer(root.get("seed"), "a random seed", 0) : 0;
        int threads = root.has("threads") ? integer(root.get("threads"), "a number of threads", 1) : 1;
        TrainConfig.Data data = data(root.require("data", "a 'data' section with 'train' (a list of data files)"), seed);
        TrainConfig.Model model = model(root);
        ConfigNode lossNode = section(root, "loss", LOSS);
        LossWeights loss = loss(lossNode);
        if (loss.forceHead().direct() && !model.hasDirectForces())
            throw lossNode.get("force_head").error("force_head '" + loss.forceHead().key() + "' trains the model's direct force head, but "
                    + model.familyName() + " models have none; use force_head: conservative (the default)");
        ConfigNode trainingNode = section(root, "training", TRAINING);
        Trainer.Options training = training(trainingNode, seed, threads, loss);
        TrainConfig.Output output = output(root.require("output", "an 'output' section with 'directory'"), root);
        if (num(trainingNode, "keep_snapshots"))
            output = output.withKeepSnapshots(integer(trainingNode.get("keep_snapshots"), "how many epochs' model files to keep under OUTPUT/snapshots", 0));
        return new TrainConfig(file, seed, threads, data, model, training, output);
    }

    private static TrainConfig.Data data(ConfigNode d, long seed) {
        if (!d.isMapping()) throw d.error("expected a mapping with train, validation, test, split");
        d.allowOnly(DATA);
        List<TrainConfig.Source> train = sources(d.require("train", "a list of data files, e.g. [{file: data.npz}]"), d);
        List<TrainConfig.Source> val = d.has("validation") ? sources(d.get("validation"), d) : List.of();
        List<TrainConfig.Source> test = d.has("test") ? sources(d.get("test"), d) : List.of();
        ConfigNode s = section(d, "split", SPLIT);
        TrainConfig.Split split = null;
        if (val.isEmpty()) {
            if (s == null) throw d.error("give either 'validation' (files) or 'split' (n_train/n_val drawn from 'train')");
            String method = s.has("method") ? s.get("method").asChoice(List.of("random", "grouped")) : "random";
            Integer nTrain = s.has("n_train") ? integer(s.get("n_train"), "a number of training " + unit(method), 1) : null;
            int nVal = integer(s.require("n_val", "the number of validation " + unit(method)), "a number of validation " + unit(method), 1);
            Integer nTest = s.has("n_test") ? integer(s.get("n_test"), "a number of test " + unit(method), 0) : null;
            if (nTest != null && nTest > 0 && !test.isEmpty()) throw s.get("n_test").error("not allowed together with 'data.test' files; the test set is either drawn or given");
            long splitSeed = s.has("seed") ? integer(s.get("seed"), "a random seed", 0) : seed;
            split = new TrainConfig.Split(method, nTrain, nVal, nTest, splitSeed, s.where());
        } else if (s != null) {
            throw s.error("not allowed together with 'data.validation' files; the validation set is either drawn or given");
        }
        return new TrainConfig.Data(train, val, test, split);
    }

    private static String unit(String method) { return method.equals("grouped") ? "molecules (groups)" : "frames"; }

    private static List<TrainConfig.Source> sources(ConfigNode list, ConfigNode parent) {
        List<TrainConfig.Source> out = new ArrayList<>();
        List<ConfigNode> items = list.isSequence() ? list.asList("data files") : List.of(list);
        if (items.isEmpty()) throw list.error("expected at least one data file");
        for (ConfigNode item : items) {
            if (!item.isMapping()) throw item.error("expected a mapping like {file: data.npz, objective: energy_forces}");
            item.allowOnly(SOURCE);
            ConfigNode f = item.require("file", "the path of an .npz (MD17/rMD17), .extxyz or .h5/.hdf5 (ANI) file");
            Path path = parent.baseDirectory().resolve(f.asString("a file path")).normalize();
            if (md.engine.config.InputFiles.problem(path) != null)
                throw f.error((Files.isDirectory(path) ? path + " is a folder, expected a file" : "file not found: " + path) + " (relative paths are resolved against the folder of " + parent.file() + ")"
                        + md.engine.config.InputFiles.referenceDataHint(path));
            String format = item.has("format") ? item.get("format").asChoice(List.of("npz", "extxyz", "ani")) : formatOf(path, f);
            Objective objective = Objective.ENERGY_AND_FORCES;
            if (item.has("objective")) {
                ConfigNode o = item.get("objective");
                objective = Objective.byKey(o.asChoice(List.of("energy_forces", "forces", "equilibrium")));
            }
            boolean npz = format.equals("npz");
            String eKey = item.has("energy_key") ? item.get("energy_key").asString(npz ? "an array name" : "a comment key") : npz ? null : "energy";
            String fKey = item.has("forces_key") ? item.get("forces_key").asString(npz ? "an array name" : "a column name") : npz ? null : "forces";
            if ((item.has("energy_key") || item.has("forces_key")) && !format.equals("extxyz") && !npz)
                throw item.error("energy_key/forces_key apply to extended XYZ and .npz files only");
            String method = item.has("method") ? item.get("method").asString("a level of theory such as wb97x_dz") : "wb97x_dz";
            if (item.has("method") && !format.equals("ani")) throw item.get("method").error("'method' applies to ANI HDF5 files only");
            String energyUnit = null;
            if (item.has("energy_unit")) {
                ConfigNode u = item.get("energy_unit");
                if (!format.equals("npz")) throw u.error("'energy_unit' applies to .npz files only (extended XYZ is eV, ANI Hartree)");
                energyUnit = u.asString("an energy unit such as eV or kcal/mol");
                try {
                    md.core.Units.energyToEv(energyUnit);
                } catch (IllegalArgumentException ex) {
                    throw u.error(ex.getMessage());
                }
            }
            FrameSelection frames = item.has("frames") ? frames(item.get("frames")) : null;
            int repeat = item.has("repeat") ? integer(item.get("repeat"), "how many times each frame enters the training pool", 1) : 1;
            out.add(new TrainConfig.Source(path, format, objective, eKey, fKey, method, f.path(), energyUnit, frames, repeat));
        }
        return out;
    }

    /** {@code frames: [0, 5, -1]} or {@code frames: "0:500"} / {@code "::10"}. */
    private static FrameSelection frames(ConfigNode node) {
        if (node.isSequence()) {
            List<ConfigNode> items = node.asList("frame indices");
            if (items.isEmpty()) throw node.error("expected at least one frame index");
            int[] indices = new int[items.size()];
            for (int i = 0; i < indices.length; i++) indices[i] = integer(items.get(i), "a frame index (negative counts from the end)", Integer.MIN_VALUE);
            return FrameSelection.ofIndices(java.util.Arrays.toString(indices), indices);
        }
        try {
            return FrameSelection.parseSlice(node.asString("a list of frame indices or a slice such as \"0:500\""));
        } catch (IllegalArgumentException ex) {
            throw node.error(ex.getMessage());
        }
    }

    private static String formatOf(Path path, ConfigNode where) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npz")) return "npz";
        if (name.endsWith(".extxyz") || name.endsWith(".xyz")) return "extxyz";
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) return "ani";
        throw where.error("cannot tell the format of '" + path.getFileName() + "' from its extension; add format: npz, extxyz or ani");
    }

    /** The {@code model} section: {@code family} (default nequip) and that family's options. */
    /**
     * The {@code model} section: {@code family} (default nequip) and that family's options; or
     * {@code init_from: MODEL} (a model file whose architecture and weights training starts from) with
     * optional {@code freeze: [PATTERN, ...]} (parameters kept fixed; {@code *} matches any characters).
     */
    private static TrainConfig.Model model(ConfigNode root) {
        ConfigNode m = root.has("model") ? root.get("model") : root;
        if (root.has("model") && !m.isNull() && !m.isMapping()) throw m.error("expected a mapping: 'family' and the family's options (docs/training.md)");
        Map<String, Integer> marks = new java.util.HashMap<>();
        Map<String, Object> options = new java.util.LinkedHashMap<>();
        if (root.has("model") && m.isMapping()) {
            @SuppressWarnings("unchecked") Map<String, Object> plain = (Map<String, Object>) m.toPlain(marks);
            options.putAll(plain);
        }
        Object familyName = options.remove("family");
        Object initFrom = options.remove("init_from"), freeze = options.remove("freeze");
        boolean hasSpecies = options.containsKey("species"), hasShifts = options.containsKey("energy_shifts");
        Object speciesList = options.remove("species"), shiftsKey = options.remove("energy_shifts");
        Map<String, ModelFamily> families = ModelFamilies.all();
        if (initFrom != null) {
            if (hasSpecies || hasShifts)
                throw m.errorAt(hasSpecies ? "species" : "energy_shifts", marks, "init_from takes the species and energy shifts from the model file; remove this key");
            return pretrained(root, m, marks, familyName, initFrom, freeze, options, families);
        }
        int[] species = hasSpecies ? species(speciesList, m, marks) : null;
        TrainConfig.EnergyShifts shifts = TrainConfig.EnergyShifts.LEAST_SQUARES;
        if (hasShifts) {
            if (!(shiftsKey instanceof String k) || !TrainConfig.EnergyShifts.keys().contains(k))
                throw m.errorAt("energy_shifts", marks, "expected one of " + TrainConfig.EnergyShifts.keys() + ", got " + shiftsKey);
            shifts = TrainConfig.EnergyShifts.byKey(k);
        }
        if (freeze != null) throw m.errorAt("freeze", marks, "freeze needs init_from (a model file to start from): freezing a freshly initialised model would keep random weights");
        if (familyName == null) familyName = "nequip";
        List<String> trainable = ModelFamilies.trainable().stream().map(ModelFamily::name).toList();
        ModelFamily family = familyName instanceof String s ? ModelFamilies.find(s) : null;
        if (family == null || family.training() == null)
            throw m.errorAt("family", marks, (family == null ? "unknown model family '" + familyName + "'" : "md train cannot make a new '" + familyName + "' model")
                    + "; expected one of " + trainable);
        ModelFamily.Training training = family.training();
        TrainConfig.Model model = new TrainConfig.Model(family, training, new ForceFieldSpec(family.name(), options, root.baseDirectory()), m, marks, null,
                java.util.Set.of(), species, shifts);
        model.located(() -> { training.validate(model.options()); return null; });
        return model;
    }

    /** {@code species: [H, C, O]}: element symbols, returned as sorted distinct atomic numbers. */
    private static int[] species(Object list, ConfigNode m, Map<String, Integer> marks) {
        if (!(list instanceof List<?> items) || items.isEmpty())
            throw m.errorAt("species", marks, "expected a list of element symbols, e.g. [H, C, O]");
        java.util.TreeSet<Integer> z = new java.util.TreeSet<>();
        for (int k = 0; k < items.size(); k++) {
            Object sym = items.get(k);
            String where = "species[" + k + "]";
            int number = sym instanceof String s ? md.core.Elements.atomicNumber(s).orElse(-1) : -1;
            if (number < 0) throw m.errorAt(where, marks, "expected an element symbol such as H or C, got " + sym);
            if (!z.add(number)) throw m.errorAt(where, marks, "element " + sym + " is listed twice");
        }
        return z.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code init_from}: the architecture and weights of a model file, with {@code freeze} patterns resolved to parameter names. */
    private static TrainConfig.Model pretrained(ConfigNode root, ConfigNode m, Map<String, Integer> marks, Object familyName, Object initFrom,
                                                Object freeze, Map<String, Object> options, Map<String, ModelFamily> families) {
        if (!(initFrom instanceof String path)) throw m.errorAt("init_from", marks, "expected the path of a model file (from md train or md import)");
        Path file = root.baseDirectory().resolve(path).normalize();
        String problem = md.engine.config.InputFiles.problem(file);
        if (problem != null) throw m.errorAt("init_from", marks, file + ": " + problem);
        LearnedModel start;
        try {
            start = ModelFile.read(file);
        } catch (IOException | IllegalArgumentException e) {
            throw m.errorAt("init_from", marks, "cannot read the model to start from: " + e.getMessage());
        }
        String fam = start.architecture().family();
        if (familyName != null && (!(familyName instanceof String s) || ModelFamilies.find(s) != families.get(fam)))
            throw m.errorAt("family", marks, "family '" + familyName + "' differs from the family of init_from " + file + " ('" + fam + "'); remove family or make them agree");
        if (!options.isEmpty()) {
            String key = options.keySet().iterator().next();
            throw m.errorAt(key, marks, "init_from takes the architecture from " + file + "; '" + key + "' would change it: remove it "
                    + "(only family, init_from and freeze go with init_from)");
        }
        java.util.Set<String> frozen = new java.util.LinkedHashSet<>();
        if (freeze != null) {
            if (!(freeze instanceof List<?> patterns)) throw m.errorAt("freeze", marks, "expected a list of parameter names or patterns, e.g. [\"layer0_*\"]");
            List<String> trainable = new ArrayList<>();
            start.architecture().parameters().forEach((name, spec) -> { if (spec.trainable()) trainable.add(name); });
            for (int k = 0; k < patterns.size(); k++) {
                Object p = patterns.get(k);
                if (!(p instanceof String glob)) throw m.errorAt("freeze[" + k + "]", marks, "expected a parameter name or pattern, got " + p);
                java.util.regex.Pattern re = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(glob).replace("*", "\\E.*\\Q"));
                boolean any = false;
                for (String name : trainable) if (re.matcher(name).matches()) { frozen.add(name); any = true; }
                if (!any) throw m.errorAt("freeze[" + k + "]", marks, "'" + glob + "' matches no trainable parameter of " + file + " (they are: "
                        + String.join(", ", trainable.subList(0, Math.min(12, trainable.size()))) + (trainable.size() > 12 ? ", ..." : "") + ")");
            }
            if (frozen.size() == trainable.size()) throw m.errorAt("freeze", marks, "these patterns freeze every trainable parameter: nothing would be trained");
        }
        ModelFamily family = families.get(fam);
        return new TrainConfig.Model(family, family == null ? null : family.training(), new ForceFieldSpec(fam, options, root.baseDirectory()), m, marks,
                start, java.util.Collections.unmodifiableSet(frozen));
    }

    private static LossWeights loss(ConfigNode l) {
        if (l == null) return LossWeights.defaults();
        LossWeights.Form form = l.has("form") ? LossWeights.Form.byKey(l.get("form").asChoice(List.of("nequip", "se3t_workshop", "geomatt"))) : LossWeights.Form.NEQUIP;
        boolean total = form.totalEnergy();
        LossWeights d = switch (form) {
            case NEQUIP -> LossWeights.defaults();
            case SE3T_WORKSHOP -> LossWeights.workshopDefaults();
            case GEOMATT -> LossWeights.geomattDefaults();
        };
        if (total && l.has("energy_per_atom"))
            throw l.get("energy_per_atom").error("the " + form.key() + " form weighs the total energy: give its weight as 'energy' instead"
                    + (form == LossWeights.Form.GEOMATT ? " (the paper's rho, default 0.01)" : " (W_e)"));
        if (!total && l.has("energy"))
            throw l.get("energy").error("'energy' (the total-energy weight) belongs to forms se3t_workshop and geomatt; the nequip form's energy weight is 'energy_per_atom'");
        String energyKey = total ? "energy" : "energy_per_atom";
        double unit = Double.NaN;
        boolean energyStd = d.energyStdUnit();
        if (l.has("unit")) {
            ConfigNode u = l.get("unit");
            String name = u.asString("sigma_F, sigma_E or an energy unit such as kcal/mol or eV");
            energyStd = name.equals("sigma_E");
            if (!name.equals("sigma_F") && !energyStd) {
                try {
                    unit = md.core.Units.energyToEv(name);
                } catch (IllegalArgumentException ex) {
                    throw u.error(ex.getMessage() + " (or sigma_F, the training forces' RMS, or sigma_E, the training energies' standard deviation)");
                }
            }
        }
        LossWeights w = new LossWeights(
                l.has(energyKey) ? l.get(energyKey).asNonNegative("a loss weight") : d.energyPerAtom(),
                l.has("forces") ? l.get("forces").asNonNegative("a loss weight") : d.forces(),
                l.has("zero_force") ? l.get("zero_force").asNonNegative("a loss weight") : d.zeroForce(),
                l.has("denoising") ? l.get("denoising").asNonNegative("a loss weight") : d.denoising(),
                l.has("noise_variance_A2") ? l.get("noise_variance_A2").asPositive("the noise variance σ² in Å²") : d.noiseVarianceA2(),
                l.has("restoring_stiffness_eV_per_A2") ? l.get("restoring_stiffness_eV_per_A2").asPositive("a stiffness in eV/Å²") : d.restoringStiffness(),
                l.has("force_head") ? ForceHead.byKey(l.get("force_head").asChoice(List.of("conservative", "direct", "both"))) : d.forceHead(),
                form, unit);
        if (energyStd) w = w.withEnergyStdUnit();
        // w_S defaults to the force weight w_F
        return l.has("stress") ? w.withStress(l.get("stress").asNonNegative("a loss weight")) : w;
    }

    private static Trainer.Options training(ConfigNode t, long seed, int threads, LossWeights loss) {
        int epochs = num(t, "max_epochs") ? integer(t.get("max_epochs"), "a number of epochs", 1) : 1000;
        int batch = num(t, "batch_size") ? integer(t.get("batch_size"), "a number of frames per batch", 1) : 5;
        double lr = num(t, "learning_rate") ? t.get("learning_rate").asPositive("a learning rate") : 0.01;
        String opt = num(t, "optimizer") ? t.get("optimizer").asChoice(List.of("adam", "adamw")) : "adam";
        boolean ams = num(t, "amsgrad") && t.get("amsgrad").asBoolean();
        Adam.Options o = opt.equals("adamw") ? Adam.Options.adamW(lr) : Adam.Options.adam(lr);
        if (num(t, "weight_decay")) o = o.withWeightDecay(t.get("weight_decay").asNonNegative("a weight decay"), opt.equals("adamw"));
        o = o.withAmsgrad(ams);
        if (num(t, "adam_betas") || num(t, "adam_epsilon")) {
            double[] betas = num(t, "adam_betas") ? t.get("adam_betas").asNumbers(2, "Adam's two betas, e.g. [0.9, 0.999]") : new double[] {o.beta1(), o.beta2()};
            for (double b : betas)
                if (!(b >= 0 && b < 1)) throw t.get("adam_betas").error("expected two betas in [0, 1), got " + b);
            double eps = num(t, "adam_epsilon") ? t.get("adam_epsilon").asNonNegative("Adam's epsilon") : o.epsilon();
            o = new Adam.Options(o.learningRate(), betas[0], betas[1], eps, o.weightDecay(), o.decoupled(), o.amsgrad());
        }
        int warmup = num(t, "warmup_steps") ? integer(t.get("warmup_steps"), "a number of optimizer steps", 0) : 0;
        double ema = 0.99;
        if (num(t, "ema_decay")) {
            ema = t.get("ema_decay").asNonNegative("an EMA decay in [0, 1)");
            if (ema >= 1) throw t.get("ema_decay").error("expected an EMA decay in [0, 1) (0 disables the average), got " + ema);
        }
        double clip = num(t, "max_gradient_norm") ? t.get("max_gradient_norm").asPositive("a gradient norm") : Double.POSITIVE_INFINITY;
        ConfigNode s = section(t, "lr_scheduler", SCHEDULER);
        // name: plateau (ReduceLROnPlateau, the default) or step (PyTorch's StepLR: × gamma every step_size epochs)
        boolean stepLr = s != null && s.has("name") && s.get("name").asChoice(List.of("plateau", "step")).equals("step");
        if (s != null) {
            for (String k : stepLr ? List.of("factor", "patience", "threshold") : List.of("step_size", "gamma"))
                if (s.has(k)) throw s.get(k).error("'" + k + "' applies to lr_scheduler name: " + (stepLr ? "plateau" : "step"));
        }
        int stepSize = stepLr ? (s.has("step_size") ? integer(s.get("step_size"), "a number of epochs", 1) : 1000) : 0;
        double stepGamma = stepLr && s.has("gamma") ? s.get("gamma").asPositive("a factor in (0, 1]") : stepLr ? 0.96 : 1;
        if (stepGamma > 1) throw s.get("gamma").error("expected a factor in (0, 1], got " + stepGamma);
        double factor = s != null && s.has("factor") ? s.get("factor").asPositive("a factor in (0, 1)") : 0.5;
        if (factor >= 1) throw s.get("factor").error("expected a factor in (0, 1), got " + factor);
        int patience = s != null && s.has("patience") ? integer(s.get("patience"), "a number of epochs", 0) : 50;
        double threshold = s != null && s.has("threshold") ? s.get("threshold").asNonNegative("a relative threshold") : 1e-4;
        ConfigNode e = section(t, "early_stopping", EARLY);
        int stopPatience = e != null && e.has("patience") ? integer(e.get("patience"), "a number of epochs", 1) : 1000;
        double floor = e != null && e.has("lr_floor") ? e.get("lr_floor").asNonNegative("a learning rate") : 1e-6;
        double wall = e != null && e.has("max_wall_minutes") ? e.get("max_wall_minutes").asPositive("minutes") * 60 : Double.POSITIVE_INFINITY;
        return new Trainer.Options(epochs, batch, seed, threads, loss, o, warmup, ema, clip, factor, patience, threshold, floor, stopPatience, wall,
                stepSize, stepGamma);
    }

    private static boolean num(ConfigNode section, String key) { return section != null && section.has(key); }

    /** A whole number of at least {@code min}. */
    private static int integer(ConfigNode n, String expected, int min) {
        int v = n.asInt(expected);
        if (v < min) throw n.error("expected " + expected + " (a whole number >= " + min + "), got " + v);
        return v;
    }

    /** An optional mapping section with only the given keys (null when absent). */
    private static ConfigNode section(ConfigNode parent, String key, Set<String> allowed) {
        if (parent == null) return null;
        ConfigNode c = parent.section(key);
        if (c != null) c.allowOnly(allowed);
        return c;
    }

    private static TrainConfig.Output output(ConfigNode o, ConfigNode root) {
        if (!o.isMapping()) throw o.error("expected a mapping with 'directory' and optionally 'model'");
        o.allowOnly(OUTPUT);
        Path dir = root.baseDirectory().resolve(o.require("directory", "the folder for metrics, checkpoints and the report").asString("a folder path")).normalize();
        Path model = o.has("model") ? root.baseDirectory().resolve(o.get("model").asString("a model file path")).normalize() : dir.resolve("model.nqp");
        return new TrainConfig.Output(dir, model);
    }
}
