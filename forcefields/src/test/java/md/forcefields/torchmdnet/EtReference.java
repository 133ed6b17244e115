package md.forcefields.torchmdnet;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

import md.core.SharedData;
import md.core.io.Npz;
import md.forcefields.ml.model.LearnedModel;

/** The TorchMD-Net ET fixture (shared/data/torchmdnet-reference/ethanol-et); tests skip when it is absent. */
public final class EtReference {
    private EtReference() {}

    public static Path file(String name) { return SharedData.require("torchmdnet-reference/ethanol-et/" + name); }

    /** The config.yaml mapping (create_model arguments and the _fixture block). */
    public static Map<String, Object> config() throws IOException {
        try (Reader r = Files.newBufferedReader(file("config.yaml"))) {
            return new Yaml().load(r);
        }
    }

    /** The fixture's model, through the importer. */
    public static LearnedModel model() throws IOException {
        return TorchmdNetImporter.fromReference(config(), Npz.read(file("weights.npz")));
    }
}
