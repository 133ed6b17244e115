package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.engine.cli.UserError;
import md.forcefields.training.ForceHead;
import md.forcefields.training.LossWeights;

/** The loss keys form, energy (W_e), unit and force_head: values read as documented, mistakes reported at their line. */
class LossFormConfigTest {
    @TempDir Path dir;

    private Path write(String loss) throws Exception {
        TrainFixtures.extxyz(dir.resolve("d.extxyz"), 14, 1, 3);
        Path p = dir.resolve("t.yaml");
        Files.writeString(p, "data:\n  train: [{file: d.extxyz}]\n  split: {n_train: 8, n_val: 3}\noutput: {directory: out}\n"
                + "model: {family: se3-transformer, num_layers: 1}\nloss:\n" + loss);
        return p;
    }

    private LossWeights load(String loss) throws Exception { return TrainConfigLoader.load(write(loss)).training().loss(); }

    private void refused(String loss, String... parts) throws Exception {
        Path p = write(loss);
        String m = assertThrows(UserError.class, () -> TrainConfigLoader.load(p)).getMessage();
        for (String s : parts) assertTrue(m.contains(s), "'" + s + "' missing from: " + m);
    }

    @Test
    void workshopFormKeys() throws Exception {
        LossWeights w = load("  form: se3t_workshop\n  energy: 0.25\n  unit: kcal/mol\n  force_head: direct\n");
        assertEquals(LossWeights.Form.SE3T_WORKSHOP, w.form());
        assertEquals(0.25, w.energyPerAtom(), 0.0);
        assertEquals(1.0, w.forces(), 0.0); // the workshop form's default force weight
        assertEquals(4184.0 / 6.02214076e23 / 1.602176634e-19, w.unitEv(), 1e-15); // 1 kcal/mol in eV
        assertEquals(ForceHead.DIRECT, w.forceHead());
        LossWeights d = load("  forces: 10\n");
        assertEquals(LossWeights.Form.NEQUIP, d.form());
        assertEquals(1.0, d.energyPerAtom(), 0.0);
        assertTrue(Double.isNaN(d.unitEv()), "σ_F by default");
        assertEquals(3.0, d.unit(3.0), 0.0);
        assertTrue(Double.isNaN(load("  unit: sigma_F\n").unitEv()));
    }

    @Test
    void geomattFormKeysAndItsDefaults() throws Exception {
        LossWeights g = load("  form: geomatt\n");
        assertEquals(LossWeights.Form.GEOMATT, g.form());
        assertEquals(0.01, g.energyPerAtom(), 0.0); // the authors' rho
        assertEquals(1.0, g.forces(), 0.0);
        assertTrue(g.energyStdUnit(), "σ_E by default: the authors train on standardised energies");
        assertEquals(0.7, g.unit(3.0, 0.7), 0.0);
        LossWeights fixed = load("  form: geomatt\n  energy: 0.5\n  unit: eV\n");
        assertFalse(fixed.energyStdUnit());
        assertEquals(1.0, fixed.unit(3.0, 0.7), 0.0);
        assertEquals(0.5, fixed.energyPerAtom(), 0.0);
        // σ_E with another form
        assertTrue(load("  unit: sigma_E\n").energyStdUnit());
        refused("  form: geomatt\n  energy_per_atom: 1\n", "line 8", "key 'loss.energy_per_atom'", "rho");
    }

    @Test
    void stepSchedulerKeys() throws Exception {
        assertEquals(0, TrainConfigLoader.load(write("  forces: 1\n")).training().stepLrEpochs(), "plateau by default");
        Path p = write("  forces: 1\n");
        Files.writeString(p, Files.readString(p) + "training:\n  lr_scheduler: {name: step, step_size: 7, gamma: 0.5}\n");
        md.forcefields.training.Trainer.Options o = TrainConfigLoader.load(p).training();
        assertEquals(7, o.stepLrEpochs());
        assertEquals(0.5, o.stepLrGamma(), 0.0);
        Files.writeString(p, Files.readString(p).replace("{name: step, step_size: 7, gamma: 0.5}", "{name: step}"));
        o = TrainConfigLoader.load(p).training();
        assertEquals(1000, o.stepLrEpochs()); // the authors' StepLR(step_size=1000, gamma=0.96)
        assertEquals(0.96, o.stepLrGamma(), 0.0);
        Files.writeString(p, Files.readString(p).replace("{name: step}", "{name: step, patience: 3}"));
        String m = assertThrows(UserError.class, () -> TrainConfigLoader.load(p)).getMessage();
        assertTrue(m.contains("patience") && m.contains("plateau"), m);
        Files.writeString(p, Files.readString(p).replace("{name: step, patience: 3}", "{name: step, gamma: 2}"));
        m = assertThrows(UserError.class, () -> TrainConfigLoader.load(p)).getMessage();
        assertTrue(m.contains("gamma") && m.contains("(0, 1]"), m);
    }

    @Test
    void mistakesAreLocated() throws Exception {
        refused("  form: se3t_workshop\n  energy_per_atom: 1\n", "line 8", "key 'loss.energy_per_atom'", "W_e", "'energy'");
        refused("  energy: 1\n", "line 7", "key 'loss.energy'", "se3t_workshop", "geomatt");
        refused("  form: schnet\n", "line 7", "key 'loss.form'", "nequip");
        refused("  unit: furlongs\n", "line 7", "key 'loss.unit'", "sigma_F", "sigma_E");
        for (String s : List.of("conservative", "direct", "both")) assertEquals(s, load("  force_head: " + s + "\n").forceHead().key());
    }
}
