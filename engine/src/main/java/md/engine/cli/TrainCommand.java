package md.engine.cli;

import java.nio.file.Path;

import md.engine.io.FolderLock;
import md.engine.io.OutputPaths;
import md.engine.train.TrainConfig;
import md.engine.train.TrainConfigLoader;
import md.engine.train.TrainingRun;

/** {@code md train CONFIG.yaml [--resume] [--threads N]}: fits a learned model (any family that md train can create) to reference data. */
public final class TrainCommand implements Command {
    @Override public String name() { return "train"; }

    @Override public String summary() { return "fit a learned model (NequIP, ...) to energies and forces (YAML config, see docs/training.md)"; }

    @Override public String usage() {
        return """
                usage: md train CONFIG.yaml [--resume] [--threads N]

                Trains a learned potential as described in CONFIG.yaml (data files and split, model family and size,
                optimiser, loss weights, output folder; every key in docs/training.md). Writes to the output
                folder: metrics.csv (one row per epoch), checkpoint-last.npz and checkpoint-best.npz, the
                model file (best validation loss, EMA weights) and test-report.json.

                  --resume     continue from the output folder's checkpoint-last.npz exactly where it stopped
                               (a finished training only re-writes the test report)
                  --threads N  worker threads (overrides 'threads' in the file; results do not depend on it)

                CONFIG.yaml may also be a nequip 0.6 training configuration (nequip-train's YAML, recognised by
                r_max, dataset, dataset_file_name or model_builders at its top level): its keys are mapped to md's,
                and every key md cannot honour is listed with its line (docs/training.md, 'nequip configurations').
                """ + families();
    }

    /** The model families md train can create, with their options (model: {family: NAME, KEY: VALUE, ...}). */
    static String families() {
        StringBuilder sb = new StringBuilder("\nmodel families (model: {family: NAME, option: value, ...}; defaults shown; every family also takes\n"
                + "species: [H, C, ...] (default: the training data's) and energy_shifts: least_squares | per_atom_mean):\n");
        for (md.forcefields.ml.model.ModelFamily f : md.forcefields.ml.model.ModelFamilies.trainable()) {
            sb.append("  ").append(f.name()).append(" — ").append(f.description()).append('\n');
            for (String line : f.training().help()) sb.append("      ").append(line).append('\n');
        }
        return sb.toString();
    }

    @Override public int run(String[] args) throws Exception {
        Path config = null;
        boolean resume = false;
        Integer threads = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--resume" -> resume = true;
                case "--threads" -> {
                    CliOptions.value(args, i + 1, "--threads", "a whole number >= 1, e.g. --threads 2");
                    try {
                        threads = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        throw new UserError("--threads needs a whole number >= 1, got '" + args[i] + "'");
                    }
                    if (threads < 1) throw new UserError("--threads needs a whole number >= 1, got " + threads);
                }
                default -> {
                    if (args[i].startsWith("-")) throw CliOptions.unknown(args[i], java.util.List.of("--resume", "--threads"), "train");
                    if (config != null) throw new UserError("one configuration file expected, got '" + config + "' and '" + args[i] + "'");
                    config = Path.of(args[i]);
                }
            }
        }
        if (config == null) throw new UserError("missing the configuration file; usage: md train CONFIG.yaml [--resume] [--threads N]");
        TrainConfig cfg = TrainConfigLoader.load(config);
        if (threads != null) cfg = cfg.withThreads(threads);
        Path dir = cfg.output().directory();
        OutputPaths.folder(dir, "output folder (output.directory of " + config + ")");
        try (FolderLock lock = FolderLock.acquire(dir, "md train", "wait for it to end or stop it (then --resume), or set another output.directory")) {
            new TrainingRun(cfg, System.out, System.console() != null).run(resume);
        }
        return 0;
    }
}
