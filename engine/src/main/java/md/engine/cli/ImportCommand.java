package md.engine.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.nequip.NequipImporter;
import md.forcefields.nequip.NequipModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;
import md.forcefields.nequip.NequipConversion;

/** {@code md import nequip config.yaml weights.npz -o model.nqp}: converts a reference NequIP model. */
public final class ImportCommand implements Command {

    @Override public String name() { return "import"; }

    @Override public String summary() { return "convert a model trained elsewhere (md import nequip config.yaml weights.npz -o model.nqp)"; }

    @Override public String usage() {
        return """
                usage: md import nequip CONFIG.yaml WEIGHTS.npz -o MODEL.nqp

                Converts a NequIP (0.6, e3nn 0.5) model into an md model file:
                  CONFIG.yaml   the nequip training configuration (r_max, l_max, num_features, ...,
                                avg_num_neighbors as a number, chemical_symbols)
                  WEIGHTS.npz   the model's state_dict saved with numpy (keys as in state_dict)
                  -o FILE       the model file to write (use it as forcefield: {type: nequip, model: FILE})
                Every tensor is checked against the configuration (a state_dict entry that cannot be
                placed is an error naming its key); see docs/nequip.md.""";
    }

    @Override public int run(String[] args) throws Exception {
        String kind = null, config = null, weights = null, out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-o") || a.equals("--output")) {
                if (i + 1 >= args.length) throw new UserError("-o needs the output model file name");
                out = args[++i];
            } else if (a.startsWith("-")) {
                throw new UserError("unknown option '" + a + "'; usage: md import nequip CONFIG.yaml WEIGHTS.npz -o MODEL.nqp");
            } else if (kind == null) kind = a;
            else if (config == null) config = a;
            else if (weights == null) weights = a;
            else throw new UserError("unexpected argument '" + a + "'; usage: md import nequip CONFIG.yaml WEIGHTS.npz -o MODEL.nqp");
        }
        if (kind == null) throw new UserError("which kind of model? usage: md import nequip CONFIG.yaml WEIGHTS.npz -o MODEL.nqp");
        if (!kind.equals("nequip")) throw new UserError("cannot import models of kind '" + kind + "'; supported: nequip");
        if (config == null || weights == null || out == null)
            throw new UserError("md import nequip needs CONFIG.yaml, WEIGHTS.npz and -o MODEL.nqp");
        Path configPath = Path.of(config), weightsPath = Path.of(weights), outPath = Path.of(out);

        Map<String, Object> cfg = readYaml(configPath);
        Map<String, NpyArray> sd;
        try {
            sd = Npz.read(weightsPath);
        } catch (NoSuchFileException e) {
            throw new UserError(weightsPath + ": no such file");
        } catch (IOException e) {
            throw new UserError(weightsPath + ": " + e.getMessage());
        }
        NequipModel model;
        LearnedModel learned;
        try {
            model = NequipImporter.fromReference(cfg, sd);
            learned = NequipConversion.toLearned(model);
        } catch (IllegalArgumentException e) {
            throw new UserError(configPath + " / " + weightsPath + ": " + e.getMessage());
        }
        ModelFile.write(outPath, learned, "imported by 'md import nequip' from " + configPath.toAbsolutePath() + " and " + weightsPath.toAbsolutePath());
        var c = model.config();
        System.out.printf("wrote %s: NequIP, species %s, %d layers, hidden irreps %s, r_max %s Å, %d parameters%n",
                outPath, c.species().stream().map(md.core.Elements::symbol).toList(), c.numLayers(), c.featureIrrepsHidden(),
                c.rMax(), model.parameterCount());
        return 0;
    }

    private static Map<String, Object> readYaml(Path p) {
        if (!Files.isRegularFile(p)) throw new UserError(p + ": no such file");
        try (Reader r = Files.newBufferedReader(p)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (!(o instanceof Map<?, ?>)) throw new UserError(p + ": expected a YAML mapping of nequip options at the top level");
            @SuppressWarnings("unchecked") Map<String, Object> m = (Map<String, Object>) o;
            return m;
        } catch (YAMLException e) {
            throw new UserError(p + ": not valid YAML: " + e.getMessage());
        } catch (IOException e) {
            throw new UserError(p + ": " + e.getMessage());
        }
    }
}
