package md.engine.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.core.io.NpyArray;
import md.core.io.NpyWriter;
import md.core.io.Npz;
import md.forcefields.Atoms;
import md.forcefields.ForceField;
import md.forcefields.ForceFieldSpec;
import md.forcefields.ForceFields;
import md.forcefields.NeighborList;

/** {@code md import torchmdnet} on the TorchMD-Net ET fixture, then the model file through {@code type: learned}. */
class TorchmdNetImportCommandTest {

    @TempDir Path dir;

    static Path fixture(String file) {
        String prop = System.getProperty("md.shared.data");
        Path p = (prop != null ? Path.of(prop) : Path.of("../shared/data")).resolve("torchmdnet-reference/ethanol-et/" + file);
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared data not available: " + p);
        return p;
    }

    private int importModel(Path config, Path weights, Path out, ByteArrayOutputStream err) throws Exception {
        return Main.run(new String[] {"import", "torchmdnet", config.toString(), weights.toString(), "-o", out.toString()}, new PrintStream(err));
    }

    @Test void importsTheReferenceModelAndReproducesItsEnergiesAndForces() throws Exception {
        Path out = dir.resolve("ethanol-et.model");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, importModel(fixture("config.yaml"), fixture("weights.npz"), out, err), err.toString());
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        int[] z = frames.get("z").asInts();
        double worstE = 0, worstF = 0;
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", out.toString()), null))) {
            for (int k = 0; k < 12; k++) {
                double[] f = new double[3 * z.length];
                double e = ff.compute(new Atoms(z, frames.get("R").slice(k), Cell.NONE), NeighborList.allPairs(z.length, 6), f, null);
                worstE = Math.max(worstE, Math.abs(frames.get("E").data()[k] - e));
                double[] fr = frames.get("F").slice(k);
                for (int i = 0; i < f.length; i++) worstF = Math.max(worstF, Math.abs(fr[i] - f[i]));
            }
        }
        System.out.printf("md import torchmdnet, model file via type: learned: max|dE| %.2e kcal/mol, max|dF| %.2e kcal/mol/A over 12 frames%n", worstE, worstF);
        assertTrue(worstE < 1e-12 && worstF < 1e-10, "energy error " + worstE + ", force error " + worstF);
    }

    /** TorchMD-Net records no energy unit; md_energy_unit: kcal/mol converts the model to eV exactly (std, mean, atomref scaled). */
    @Test void convertsAModelTrainedInKcalPerMolToEv() throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, Files.readString(fixture("config.yaml")) + "\nmd_energy_unit: kcal/mol\n");
        Path out = dir.resolve("ev.model");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, importModel(config, fixture("weights.npz"), out, err), err.toString());
        Map<String, NpyArray> frames = Npz.read(fixture("frames.npz"));
        int[] z = frames.get("z").asInts();
        double toEv = md.core.Units.KCAL_PER_MOL_TO_EV;
        try (ForceField ff = ForceFields.create(new ForceFieldSpec("learned", Map.of("model", out.toString()), null))) {
            for (int k : new int[] {0, 7}) {
                double[] f = new double[3 * z.length];
                double e = ff.compute(new Atoms(z, frames.get("R").slice(k), Cell.NONE), NeighborList.allPairs(z.length, 6), f, null);
                assertEquals(frames.get("E").data()[k] * toEv, e, 1e-14, "frame " + k);
                double[] fr = frames.get("F").slice(k);
                for (int i = 0; i < f.length; i++) assertEquals(fr[i] * toEv, f[i], 1e-13, "frame " + k + " force " + i);
            }
        }
        Files.writeString(config, Files.readString(fixture("config.yaml")) + "\nmd_energy_unit: kcal\n");
        err.reset();
        assertEquals(2, importModel(config, fixture("weights.npz"), dir.resolve("bad.model"), err));
        assertTrue(err.toString().contains("md_energy_unit"), err.toString());
    }

    @Test void anUnplaceableTensorIsNamed() throws Exception {
        Map<String, NpyArray> sd = new LinkedHashMap<>(Npz.read(fixture("weights.npz")));
        String key = "representation_model.attention_layers.0.vec_norm.weight";
        sd.put(key, new NpyArray(key, "<f8", new int[] {32}, new double[32], null));
        Path weights = dir.resolve("extra.npz");
        NpyWriter.writeNpz(weights, sd);
        Path out = dir.resolve("extra.model");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, importModel(fixture("config.yaml"), weights, out, err));
        assertTrue(err.toString().contains(key), err.toString());
        assertFalse(Files.exists(out), "no model file is written");
    }

    @Test void anUnsupportedOptionIsNamed() throws Exception {
        String yaml = Files.readString(fixture("config.yaml"));
        for (String[] c : new String[][] {{"rbf_type: expnorm\n", "rbf_type: gauss\n", "'rbf_type' is 'gauss'"},
                                          {"reduce_op: add\n", "reduce_op: mean\n", "'reduce_op' is 'mean'"},
                                          {"cutoff_lower: 0.0\n", "cutoff_lower: 0.5\n", "'cutoff_lower' is 0.5"},
                                          {"model: equivariant-transformer\n", "model: tensornet\n", "'model' is 'tensornet'"},
                                          {"num_heads: 4\n", "num_heads: 4\nvecnorm_type: max_min\n", "'vecnorm_type'"}}) {
            assertTrue(yaml.contains(c[0]), c[0]);
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, yaml.replace(c[0], c[1]));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, importModel(config, fixture("weights.npz"), dir.resolve("m.model"), err));
            assertTrue(err.toString().contains(c[2]), c[1] + ": " + err);
        }
    }

    @Test void aMissingTensorIsNamed() throws Exception {
        Map<String, NpyArray> sd = new LinkedHashMap<>(Npz.read(fixture("weights.npz")));
        String key = "representation_model.attention_layers.2.dk_proj.bias";
        sd.remove(key);
        Path weights = dir.resolve("missing.npz");
        NpyWriter.writeNpz(weights, sd);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, importModel(fixture("config.yaml"), weights, dir.resolve("m.model"), err));
        assertTrue(err.toString().contains("missing '" + key + "'"), err.toString());
    }
}
