package md.engine.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import md.core.Elements;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.core.io.TorchStateDict;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamilies;
import md.forcefields.ml.model.ModelFamily;
import md.forcefields.ml.model.ModelFile;

/**
 * {@code md import KIND config.yaml weights.npz -o MODEL}: converts a model trained by a reference
 * implementation. The kinds are those of the model families' {@link ModelFamily.Importer}s.
 */
public final class ImportCommand implements Command {
    private static final String USAGE = "md import KIND CONFIG.yaml WEIGHTS.npz|WEIGHTS.pth -o MODEL  (nequip also: md import nequip RUN_FOLDER -o MODEL)";

    @Override public String name() { return "import"; }

    @Override public String summary() { return "convert a model trained elsewhere (" + USAGE + ")"; }

    @Override public String usage() {
        StringBuilder b = new StringBuilder("usage: " + USAGE + "\n\nConverts a model trained by a reference implementation into an md model file\n"
                + "(use it as forcefield: {type: learned, model: FILE}). Every tensor is checked against the\n"
                + "configuration; a state_dict entry that cannot be placed is an error naming its key.\n"
                + "WEIGHTS is the state_dict as .npz (NumPy) or as written by torch.save (a .pth zip of tensors, read\n"
                + "without Python). For nequip, RUN_FOLDER is a nequip-train output folder (ROOT/RUN_NAME): its\n"
                + "config.yaml and best_model.pth are read.\n\nKINDS\n");
        for (ModelFamily.Importer im : importers().values()) b.append(im.help().stripTrailing()).append('\n');
        return b.toString().stripTrailing();
    }

    /** The importers of all model families, by kind. */
    static Map<String, ModelFamily.Importer> importers() {
        Map<String, ModelFamily.Importer> m = new TreeMap<>();
        for (ModelFamily f : ModelFamilies.all().values()) {
            ModelFamily.Importer im = f.importer();
            if (im != null) m.put(im.kind(), im);
        }
        return m;
    }

    @Override public int run(String[] args) throws Exception {
        String kind = null, config = null, weights = null, out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-o") || a.equals("--output")) {
                out = CliOptions.value(args, ++i, a, "the model file to write (-o MODEL)");
            } else if (a.startsWith("--output=")) {
                out = a.substring("--output=".length());
            } else if (a.startsWith("-")) {
                throw CliOptions.unknown(a, java.util.List.of("--output"), "import");
            } else if (kind == null) kind = a;
            else if (config == null) config = a;
            else if (weights == null) weights = a;
            else throw new UserError("unexpected argument '" + a + "'; usage: " + USAGE);
        }
        Map<String, ModelFamily.Importer> importers = importers();
        if (kind == null) throw new UserError("which kind of model? usage: " + USAGE + " (kinds: " + String.join(", ", importers.keySet()) + ")");
        ModelFamily.Importer importer = importers.get(kind);
        if (importer == null) throw new UserError("cannot import models of kind '" + kind + "'; supported: " + String.join(", ", importers.keySet()));
        if (config != null && weights == null && Files.isDirectory(Path.of(config))) {
            // a nequip-train run folder: the configuration it saved and its best model's state_dict
            if (!kind.equals("nequip")) throw new UserError(config + " is a folder; md import " + kind + " needs CONFIG.yaml and WEIGHTS.npz");
            Path run = Path.of(config);
            for (String f : new String[] {"config.yaml", "best_model.pth"})
                if (!Files.isRegularFile(run.resolve(f)))
                    throw new UserError(run + ": no " + f + " in this folder; expected a nequip-train output folder (ROOT/RUN_NAME) with config.yaml and best_model.pth");
            config = run.resolve("config.yaml").toString();
            weights = run.resolve("best_model.pth").toString();
        }
        if (config == null || weights == null || out == null)
            throw new UserError("md import " + kind + " needs CONFIG.yaml, WEIGHTS.npz and -o MODEL");
        Path configPath = Path.of(config), weightsPath = Path.of(weights), outPath = Path.of(out);
        if (Files.isDirectory(outPath)) throw new UserError(outPath + ": is a folder; -o names the model file to write");

        Map<String, Object> cfg = readYaml(configPath, kind);
        Map<String, NpyArray> sd;
        if (md.engine.config.InputFiles.problem(weightsPath) != null) throw new UserError(weightsPath + ": " + md.engine.config.InputFiles.problem(weightsPath));
        boolean torch = TorchStateDict.isTorchZip(weightsPath);
        try {
            sd = torch ? TorchStateDict.read(weightsPath) : Npz.read(weightsPath);
        } catch (NoSuchFileException e) {
            throw new UserError(weightsPath + ": no such file");
        } catch (md.core.io.FileFormatException e) {
            throw new UserError(e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new UserError(weightsPath + ": not a readable " + (torch ? "PyTorch state_dict" : ".npz of numeric arrays") + " (" + e.getMessage() + ")");
        }
        LearnedModel learned;
        try {
            learned = importer.fromReference(cfg, sd);
        } catch (IllegalArgumentException e) {
            throw new UserError(configPath + " / " + weightsPath + ": " + e.getMessage());
        }
        // non-finite weights were refused by LearnedModel (naming the parameter and index), above
        // A missing folder of -o is created now that the model is good (a file in the way is a message).
        md.engine.io.OutputPaths.file(outPath, "-o", "model.nqp");
        String source = "imported by 'md import " + kind + "' from " + configPath.toAbsolutePath() + " and " + weightsPath.toAbsolutePath();
        LearnedModel imported = learned;
        IoFailure.wrap("cannot write the model file " + outPath, () -> ModelFile.write(outPath, imported, source));
        int count = 0;
        for (double[] p : learned.parameters().values()) count += p.length;
        java.util.List<String> species = new java.util.ArrayList<>();
        for (int z : learned.architecture().atomicNumbers()) species.add(Elements.symbol(z));
        System.out.printf("wrote %s: %s, species %s, %d parameter values%n", outPath, importer.describe(learned), species, count);
        return 0;
    }

    private static final org.yaml.snakeyaml.nodes.Tag PYTHON_TUPLE = new org.yaml.snakeyaml.nodes.Tag("tag:yaml.org,2002:python/tuple");

    /** SnakeYAML's safe constructor that reads {@code !!python/tuple} sequences as lists. */
    private static final class TupleAsList extends SafeConstructor {
        TupleAsList(LoaderOptions options) {
            super(options);
            yamlConstructors.put(PYTHON_TUPLE, yamlConstructors.get(org.yaml.snakeyaml.nodes.Tag.SEQ));
        }
    }

    private static Map<String, Object> readYaml(Path p, String kind) {
        if (md.engine.config.InputFiles.problem(p) != null) throw new UserError(p + ": " + md.engine.config.InputFiles.problem(p));
        try (Reader r = new java.io.StringReader(Files.readString(p, java.nio.charset.StandardCharsets.UTF_8))) {
            LoaderOptions options = new LoaderOptions();
            // nequip writes tuples (e.g. optimizer_betas) as !!python/tuple: read them as lists, refuse other tags
            options.setTagInspector(tag -> tag.getValue().equals(PYTHON_TUPLE.getValue()));
            Object o = new Yaml(new TupleAsList(options)).load(r);
            if (!(o instanceof Map<?, ?>)) throw new UserError(p + ": expected a YAML mapping of " + kind + " options at the top level");
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) o;
            return m;
        } catch (YAMLException e) {
            throw new UserError(p + ": not valid YAML: " + e.getMessage());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UserError(p + ": " + md.engine.config.InputFiles.encodingProblem(p) + "; expected a YAML file of " + kind + " options");
        } catch (IOException e) {
            throw new UserError(p + ": " + e.getMessage());
        }
    }
}
