package md.engine.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import md.forcefields.training.Adam;
import md.forcefields.training.LossWeights;
import md.forcefields.training.Objective;
import md.forcefields.training.Trainer;

/** Reads and checks an {@code md train} YAML file; every mistake is reported with file, line and key. */
public final class TrainConfigLoader {
    private TrainConfigLoader() {}

    static final Set<String> TOP = Set.of("description", "seed", "threads", "data", "model", "training", "loss", "output");
    static final Set<String> DATA = Set.of("train", "validation", "test", "split");
    static final Set<String> SOURCE = Set.of("file", "format", "objective", "energy_key", "forces_key", "method");
    static final Set<String> SPLIT = Set.of("method", "n_train", "n_val", "n_test", "seed");
    static final Set<String> MODEL = Set.of("l_max", "parity", "num_features", "num_layers", "r_max", "num_basis", "invariant_layers", "invariant_neurons");
    static final Set<String> TRAINING = Set.of("max_epochs", "batch_size", "learning_rate", "optimizer", "amsgrad", "weight_decay",
            "warmup_steps", "ema_decay", "max_gradient_norm", "lr_scheduler", "early_stopping");
    static final Set<String> SCHEDULER = Set.of("factor", "patience", "threshold");
    static final Set<String> EARLY = Set.of("patience", "lr_floor", "max_wall_minutes");
    static final Set<String> LOSS = Set.of("energy_per_atom", "forces", "zero_force", "denoising", "noise_variance_A2", "restoring_stiffness_eV_per_A2");
    static final Set<String> OUTPUT = Set.of("directory", "model");

    public static TrainConfig load(Path file) {
        YamlNode root = YamlNode.parse(file);
        root.allowOnly(TOP);
        if (root.has("description")) root.get("description").string("a line of text");
        long seed = root.has("seed") ? root.get("seed").integer("a random seed", 0) : 0;
        int threads = root.has("threads") ? root.get("threads").integer("a number of threads", 1) : 1;
        TrainConfig.Data data = data(root.require("data", "a 'data' section with 'train' (a list of data files)"), seed);
        TrainConfig.Model model = model(root.section("model", MODEL));
        LossWeights loss = loss(root.section("loss", LOSS));
        Trainer.Options training = training(root.section("training", TRAINING), seed, threads, loss);
        TrainConfig.Output output = output(root.require("output", "an 'output' section with 'directory'"), root);
        return new TrainConfig(file, seed, threads, data, model, training, output);
    }

    private static TrainConfig.Data data(YamlNode d, long seed) {
        if (!d.isMapping()) throw d.error("expected a mapping with train, validation, test, split");
        d.allowOnly(DATA);
        List<TrainConfig.Source> train = sources(d.require("train", "a list of data files, e.g. [{file: data.npz}]"), d);
        List<TrainConfig.Source> val = d.has("validation") ? sources(d.get("validation"), d) : List.of();
        List<TrainConfig.Source> test = d.has("test") ? sources(d.get("test"), d) : List.of();
        YamlNode s = d.section("split", SPLIT);
        TrainConfig.Split split = null;
        if (val.isEmpty()) {
            if (s == null) throw d.error("give either 'validation' (files) or 'split' (n_train/n_val drawn from 'train')");
            String method = s.has("method") ? s.get("method").choice(List.of("random", "grouped")) : "random";
            Integer nTrain = s.has("n_train") ? s.get("n_train").integer("a number of training " + unit(method), 1) : null;
            int nVal = s.require("n_val", "the number of validation " + unit(method)).integer("a number of validation " + unit(method), 1);
            Integer nTest = s.has("n_test") ? s.get("n_test").integer("a number of test " + unit(method), 0) : null;
            if (nTest != null && nTest > 0 && !test.isEmpty()) throw s.get("n_test").error("not allowed together with 'data.test' files; the test set is either drawn or given");
            long splitSeed = s.has("seed") ? s.get("seed").integer("a random seed", 0) : seed;
            split = new TrainConfig.Split(method, nTrain, nVal, nTest, splitSeed);
        } else if (s != null) {
            throw s.error("not allowed together with 'data.validation' files; the validation set is either drawn or given");
        }
        return new TrainConfig.Data(train, val, test, split);
    }

    private static String unit(String method) { return method.equals("grouped") ? "molecules (groups)" : "frames"; }

    private static List<TrainConfig.Source> sources(YamlNode list, YamlNode parent) {
        List<TrainConfig.Source> out = new ArrayList<>();
        List<YamlNode> items = list.isSequence() ? list.list("data files") : List.of(list);
        if (items.isEmpty()) throw list.error("expected at least one data file");
        for (YamlNode item : items) {
            if (!item.isMapping()) throw item.error("expected a mapping like {file: data.npz, objective: energy_forces}");
            item.allowOnly(SOURCE);
            YamlNode f = item.require("file", "the path of an .npz (MD17/rMD17), .extxyz or .h5/.hdf5 (ANI) file");
            Path path = parent.baseDirectory().resolve(f.string("a file path")).normalize();
            if (!Files.isRegularFile(path))
                throw f.error("file not found: " + path + " (relative paths are resolved against the folder of " + parent.file() + ")");
            String format = item.has("format") ? item.get("format").choice(List.of("npz", "extxyz", "ani")) : formatOf(path, f);
            Objective objective = Objective.ENERGY_AND_FORCES;
            if (item.has("objective")) {
                YamlNode o = item.get("objective");
                objective = Objective.byKey(o.choice(List.of("energy_forces", "forces", "equilibrium")));
            }
            String eKey = item.has("energy_key") ? item.get("energy_key").string("a comment key") : "energy";
            String fKey = item.has("forces_key") ? item.get("forces_key").string("a column name") : "forces";
            if ((item.has("energy_key") || item.has("forces_key")) && !format.equals("extxyz"))
                throw item.error("energy_key/forces_key apply to extended XYZ files only");
            String method = item.has("method") ? item.get("method").string("a level of theory such as wb97x_dz") : "wb97x_dz";
            if (item.has("method") && !format.equals("ani")) throw item.get("method").error("'method' applies to ANI HDF5 files only");
            out.add(new TrainConfig.Source(path, format, objective, eKey, fKey, method, f.key()));
        }
        return out;
    }

    private static String formatOf(Path path, YamlNode where) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npz")) return "npz";
        if (name.endsWith(".extxyz") || name.endsWith(".xyz")) return "extxyz";
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) return "ani";
        throw where.error("cannot tell the format of '" + path.getFileName() + "' from its extension; add format: npz, extxyz or ani");
    }

    private static TrainConfig.Model model(YamlNode m) {
        int lMax = m != null && m.has("l_max") ? m.get("l_max").integer("the highest rotation order l_max", 0) : 1;
        boolean parity = m == null || !m.has("parity") || m.get("parity").bool();
        int features = m != null && m.has("num_features") ? m.get("num_features").integer("a number of features per irrep", 1) : 32;
        int layers = m != null && m.has("num_layers") ? m.get("num_layers").integer("a number of interaction layers", 1) : 4;
        double rMax = m != null && m.has("r_max") ? m.get("r_max").positive("the cutoff radius in Å") : 4.0;
        int basis = m != null && m.has("num_basis") ? m.get("num_basis").integer("a number of Bessel functions", 1) : 8;
        int invLayers = m != null && m.has("invariant_layers") ? m.get("invariant_layers").integer("a number of radial MLP hidden layers", 0) : 2;
        int invNeurons = m != null && m.has("invariant_neurons") ? m.get("invariant_neurons").integer("a radial MLP width", 1) : 64;
        return new TrainConfig.Model(lMax, parity, features, layers, rMax, basis, invLayers, invNeurons);
    }

    private static LossWeights loss(YamlNode l) {
        LossWeights d = LossWeights.defaults();
        if (l == null) return d;
        return new LossWeights(
                l.has("energy_per_atom") ? l.get("energy_per_atom").nonNegative("a loss weight") : d.energyPerAtom(),
                l.has("forces") ? l.get("forces").nonNegative("a loss weight") : d.forces(),
                l.has("zero_force") ? l.get("zero_force").nonNegative("a loss weight") : d.zeroForce(),
                l.has("denoising") ? l.get("denoising").nonNegative("a loss weight") : d.denoising(),
                l.has("noise_variance_A2") ? l.get("noise_variance_A2").positive("the noise variance σ² in Å²") : d.noiseVarianceA2(),
                l.has("restoring_stiffness_eV_per_A2") ? l.get("restoring_stiffness_eV_per_A2").positive("a stiffness in eV/Å²") : d.restoringStiffness());
    }

    private static Trainer.Options training(YamlNode t, long seed, int threads, LossWeights loss) {
        YamlNode none = null;
        int epochs = num(t, "max_epochs") ? t.get("max_epochs").integer("a number of epochs", 1) : 1000;
        int batch = num(t, "batch_size") ? t.get("batch_size").integer("a number of frames per batch", 1) : 5;
        double lr = num(t, "learning_rate") ? t.get("learning_rate").positive("a learning rate") : 0.01;
        String opt = num(t, "optimizer") ? t.get("optimizer").choice(List.of("adam", "adamw")) : "adam";
        boolean ams = num(t, "amsgrad") && t.get("amsgrad").bool();
        Adam.Options o = opt.equals("adamw") ? Adam.Options.adamW(lr) : Adam.Options.adam(lr);
        if (num(t, "weight_decay")) o = o.withWeightDecay(t.get("weight_decay").nonNegative("a weight decay"), opt.equals("adamw"));
        o = o.withAmsgrad(ams);
        int warmup = num(t, "warmup_steps") ? t.get("warmup_steps").integer("a number of optimizer steps", 0) : 0;
        double ema = 0.99;
        if (num(t, "ema_decay")) {
            ema = t.get("ema_decay").nonNegative("an EMA decay in [0, 1)");
            if (ema >= 1) throw t.get("ema_decay").error("expected an EMA decay in [0, 1) (0 disables the average), got " + ema);
        }
        double clip = num(t, "max_gradient_norm") ? t.get("max_gradient_norm").positive("a gradient norm") : Double.POSITIVE_INFINITY;
        YamlNode s = t == null ? none : t.section("lr_scheduler", SCHEDULER);
        double factor = s != null && s.has("factor") ? s.get("factor").positive("a factor in (0, 1)") : 0.5;
        if (factor >= 1) throw s.get("factor").error("expected a factor in (0, 1), got " + factor);
        int patience = s != null && s.has("patience") ? s.get("patience").integer("a number of epochs", 0) : 50;
        double threshold = s != null && s.has("threshold") ? s.get("threshold").nonNegative("a relative threshold") : 1e-4;
        YamlNode e = t == null ? none : t.section("early_stopping", EARLY);
        int stopPatience = e != null && e.has("patience") ? e.get("patience").integer("a number of epochs", 1) : 1000;
        double floor = e != null && e.has("lr_floor") ? e.get("lr_floor").nonNegative("a learning rate") : 1e-6;
        double wall = e != null && e.has("max_wall_minutes") ? e.get("max_wall_minutes").positive("minutes") * 60 : Double.POSITIVE_INFINITY;
        return new Trainer.Options(epochs, batch, seed, threads, loss, o, warmup, ema, clip, factor, patience, threshold, floor, stopPatience, wall);
    }

    private static boolean num(YamlNode section, String key) { return section != null && section.has(key); }

    private static TrainConfig.Output output(YamlNode o, YamlNode root) {
        if (!o.isMapping()) throw o.error("expected a mapping with 'directory' and optionally 'model'");
        o.allowOnly(OUTPUT);
        Path dir = root.baseDirectory().resolve(o.require("directory", "the folder for metrics, checkpoints and the report").string("a folder path")).normalize();
        Path model = o.has("model") ? root.baseDirectory().resolve(o.get("model").string("a model file path")).normalize() : dir.resolve("model.nqp");
        return new TrainConfig.Output(dir, model);
    }
}
