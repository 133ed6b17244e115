package md.forcefields.geomatt;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import md.core.SharedData;
import md.core.io.NpyArray;
import md.core.io.Npz;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.LearnedModel;

/** The GeomAtt reference fixture geomatt-reference/ethanol-k234 (authors' code, float64); tests skip when it is absent. */
public final class GeomAttReference {
    private GeomAttReference() {}

    public static Path file(String name) { return SharedData.require("geomatt-reference/ethanol-k234/" + name); }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> config() throws IOException {
        try (Reader r = Files.newBufferedReader(file("config.yaml"))) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        }
    }

    public static Map<String, NpyArray> weights() throws IOException { return Npz.read(file("weights.npz")); }

    public static Map<String, NpyArray> frames() throws IOException { return Npz.read(file("frames.npz")); }

    public static Map<String, NpyArray> intermediates() throws IOException { return Npz.read(file("intermediates.npz")); }

    /** The imported model: energies in eV (σ_E·Ê + μ_E converted from kcal/mol). */
    public static LearnedModel physical() throws IOException { return GeomAttImporter.fromReference(config(), weights()); }

    /** The same parameters in the reference's standardised model units (σ = 1, μ = 0). */
    public static LearnedModel modelUnits() throws IOException {
        LearnedModel m = physical();
        return new LearnedModel(((GeomAtt) m.architecture()).withEnergyStandardisation(1, 0), m.parameters());
    }

    /** Species indices of atomic numbers for a model. */
    public static int[] types(LearnedModel m, int[] z) {
        int[] t = new int[z.length];
        for (int i = 0; i < z.length; i++) t[i] = m.architecture().typeOf(z[i]);
        return t;
    }
}
