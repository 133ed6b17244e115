package md.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.engine.cli.Main;
import md.engine.cli.UserError;
import md.forcefields.training.Objective;
import md.forcefields.training.TrainingFrame;

/**
 * Stress labels of periodic training data: ASE's extended XYZ {@code stress} (written by ASE from a
 * SinglePointCalculator, Fortran-ordered 3×3) and {@code virial} (eV, W = −σV) read as ASE reads them; Voigt
 * stresses and mistakes; {@code md eval}'s stress of Lennard-Jones argon equal to ASE's own Lennard-Jones calculator;
 * and {@code md train} on those labels reporting and lowering the stress error (metrics.csv, test-report.json).
 */
// swaps System.out/err (to read what a command printed): not beside another class that does (pom.xml runs two at a time)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_OUT)
@org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_ERR)
class StressTrainingDataTest {
    @TempDir Path dir;

    static final Path PYTHON = Path.of("/usr/bin/python3");

    /** Whether /usr/bin/python3 imports ASE (the checks against it are skipped otherwise). */
    static boolean hasAse() {
        return Files.isExecutable(PYTHON) && md.core.PythonWorker.imports(PYTHON.toString(), "ase, numpy");
    }

    /** Runs a Python script with /usr/bin/python3 and returns its standard output; fails the test on an error. */
    String python(String script, String... args) throws Exception {
        Path file = dir.resolve("script.py");
        Files.writeString(file, script);
        List<String> argv = new java.util.ArrayList<>(List.of(file.toString()));
        argv.addAll(List.of(args));
        md.core.PythonWorker.Result r = md.core.PythonWorker.run(PYTHON.toString(), argv, 300);
        assertEquals(0, r.exitCode(), r.output());
        return r.stdout();
    }

    static TrainConfig.Source source(Path file) {
        return new TrainConfig.Source(file, "extxyz", Objective.ENERGY_AND_FORCES, "energy", "forces", "wb97x_dz", "data.train[0].file");
    }

    static double[] numbers(String line) {
        String[] t = line.strip().split("\\s+");
        double[] v = new double[t.length];
        for (int i = 0; i < t.length; i++) v[i] = Double.parseDouble(t[i]);
        return v;
    }

    @Test void aseStressAndVirialAreReadInAsesConvention() throws Exception {
        assumeTrue(hasAse(), "needs ASE at /usr/bin/python3");
        Path file = dir.resolve("ase.extxyz");
        // frame 0: a calculator's stress (Voigt in ASE, written as a 3x3 matrix); frame 1: an info 'virial' (not symmetric, to check the layout)
        String out = python("""
                import sys
                import numpy as np
                from ase import Atoms
                from ase.calculators.singlepoint import SinglePointCalculator
                from ase.io import write, read
                cell = [[5.1, 0, 0], [0.7, 4.9, 0], [-0.4, 0.3, 5.3]]
                a = Atoms('Ar4', positions=[[0, 0, 0], [2.5, 0.2, 0.1], [0.3, 2.4, 2.6], [2.6, 2.5, 2.4]], cell=cell, pbc=True)
                a.calc = SinglePointCalculator(a, energy=-1.5, forces=np.arange(12.0).reshape(4, 3) * 0.01,
                                               stress=np.array([0.011, -0.023, 0.005, 0.002, -0.004, 0.007]))
                b = Atoms('Ar4', positions=a.positions, cell=cell, pbc=True)
                b.info['virial'] = np.array([[0.3, 0.1, -0.2], [0.4, -0.5, 0.05], [-0.6, 0.7, 0.9]])
                b.calc = SinglePointCalculator(b, energy=-1.4, forces=np.zeros((4, 3)))
                write(sys.argv[1], [a, b], format='extxyz')
                back = read(sys.argv[1], index=':')
                print(' '.join(repr(x) for x in back[0].get_stress(voigt=False).ravel()))
                print(' '.join(repr(x) for x in (-back[1].info['virial'] / back[1].get_volume()).ravel()))
                """, file.toString());
        String[] lines = out.strip().split("\n");
        List<TrainingFrame> frames = TrainingData.read(source(file));
        assertEquals(2, frames.size());
        assertArrayEquals(numbers(lines[lines.length - 2]), frames.get(0).stressEvPerA3(), 1e-15, "stress as ASE's get_stress(voigt=False)");
        assertArrayEquals(numbers(lines[lines.length - 1]), frames.get(1).stressEvPerA3(), 1e-15, "−virial/V, the virial as ASE reads it");
        assertTrue(frames.get(0).trainsStress());
    }

    static final String ATOMS = "Ar 0 0 0 0 0 0\nAr 2 0 0 0 0 0\n";
    static final String PROPS = "Properties=species:S:1:pos:R:3:forces:R:3";

    @Test void voigtStressesAndMistakes() throws Exception {
        Path voigt = dir.resolve("voigt.extxyz");
        Files.writeString(voigt, "2\nLattice=\"4 0 0 0 4 0 0 0 4\" pbc=\"T T T\" energy=-1 stress=\"1 2 3 4 5 6\" " + PROPS + "\n" + ATOMS);
        assertArrayEquals(new double[] {1, 6, 5, 6, 2, 4, 5, 4, 3}, TrainingData.read(source(voigt)).get(0).stressEvPerA3(), 0);

        Path none = dir.resolve("none.extxyz");
        Files.writeString(none, "2\nLattice=\"4 0 0 0 4 0 0 0 4\" pbc=\"T T T\" energy=-1 " + PROPS + "\n" + ATOMS);
        assertNull(TrainingData.read(source(none)).get(0).stressEvPerA3(), "no label: no stress term");

        Path molecule = dir.resolve("molecule.extxyz");
        Files.writeString(molecule, "2\nenergy=-1 stress=\"1 0 0 0 1 0 0 0 1\" " + PROPS + "\n" + ATOMS);
        UserError e = assertThrows(UserError.class, () -> TrainingData.read(source(molecule)));
        assertTrue(e.getMessage().contains("molecule.extxyz, frame 0") && e.getMessage().contains("periodic along all three axes"), e.getMessage());

        Path slab = dir.resolve("slab.extxyz");
        Files.writeString(slab, "2\nLattice=\"4 0 0 0 4 0 0 0 4\" pbc=\"T T F\" energy=-1 virial=\"1 0 0 0 1 0 0 0 1\" " + PROPS + "\n" + ATOMS);
        e = assertThrows(UserError.class, () -> TrainingData.read(source(slab)));
        assertTrue(e.getMessage().contains("'virial'") && e.getMessage().contains("some axes only"), e.getMessage());

        Path four = dir.resolve("four.extxyz");
        Files.writeString(four, "2\nLattice=\"4 0 0 0 4 0 0 0 4\" pbc=\"T T T\" energy=-1 stress=\"1 2 3 4\" " + PROPS + "\n" + ATOMS);
        e = assertThrows(UserError.class, () -> TrainingData.read(source(four)));
        assertTrue(e.getMessage().contains("four.extxyz, frame 0") && e.getMessage().contains("9 numbers") && e.getMessage().contains("got 4"), e.getMessage());
    }

    /** Unlabelled 32-atom fcc argon frames at lattice constants 5.15–5.45 Å, sheared up to 2%, atoms displaced by 0.12 Å. */
    static String argonFrames(int count, long seed) {
        Random r = new Random(seed);
        double[][] basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < count; k++) {
            double a = 5.15 + 0.30 * r.nextDouble();
            double[] h = {2 * a, 0, 0, 0, 2 * a, 0, 0, 0, 2 * a};
            for (int i = 0; i < 9; i++) if (i % 4 != 0) h[i] += 0.02 * 2 * a * (2 * r.nextDouble() - 1);
            Cell cell = new Cell(h, new boolean[] {true, true, true});
            sb.append("32\nLattice=\"");
            for (int i = 0; i < 9; i++) sb.append(i > 0 ? " " : "").append(String.format(Locale.ROOT, "%.12f", h[i]));
            sb.append("\" pbc=\"T T T\" Properties=species:S:1:pos:R:3\n");
            double[] x = new double[3];
            for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) for (int l = 0; l < 2; l++)
                for (double[] b : basis) {
                    cell.toCartesian(new double[] {(i + b[0]) / 2, (j + b[1]) / 2, (l + b[2]) / 2}, x, 0);
                    sb.append(String.format(Locale.ROOT, "Ar %.12f %.12f %.12f%n", x[0] + 0.12 * r.nextGaussian(),
                            x[1] + 0.12 * r.nextGaussian(), x[2] + 0.12 * r.nextGaussian()));
                }
        }
        return sb.toString();
    }

    static int run(PrintStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(out);
        try {
            int rc = Main.run(args, new PrintStream(err));
            assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
            return rc;
        } finally {
            System.setOut(old);
        }
    }

    @Test void mdEvalLabelsArgonWithAsesStressAndMdTrainFitsIt() throws Exception {
        Files.writeString(dir.resolve("argon.extxyz"), argonFrames(30, 4));
        Path labelled = dir.resolve("argon.eval.extxyz");
        run(new PrintStream(new ByteArrayOutputStream()), "eval", "--quiet", "--forcefield",
                "{type: lennard-jones, cutoff: 5.0, shift: energy, species: {Ar: {epsilon: 0.0104, sigma: 3.4}}}",
                "-o", labelled.toString(), dir.resolve("argon.extxyz").toString());
        List<TrainingFrame> frames = TrainingData.read(source(labelled));
        assertEquals(30, frames.size());
        for (TrainingFrame f : frames) assertTrue(f.trainsStress(), "md eval writes the stress of periodic frames");

        if (hasAse()) { // ASE's Lennard-Jones calculator (energy-shifted at rc, its own neighbour list) on md eval's output
            String out = python("""
                    import sys
                    import numpy as np
                    from ase.io import read
                    from ase.calculators.lj import LennardJones
                    worst_s = worst_e = 0.0
                    for a in read(sys.argv[1], index=':'):
                        mine_s, mine_e = a.get_stress(voigt=False), a.get_potential_energy()
                        a.calc = LennardJones(sigma=3.4, epsilon=0.0104, rc=5.0, smooth=False)
                        worst_s = max(worst_s, np.abs(a.get_stress(voigt=False) - mine_s).max())
                        worst_e = max(worst_e, abs(a.get_potential_energy() - mine_e))
                    print(worst_s, worst_e)
                    """, labelled.toString());
            double[] worst = numbers(out.strip().split("\n")[out.strip().split("\n").length - 1]);
            System.out.printf(Locale.ROOT, "md eval vs ASE LennardJones on 30 argon frames: max|Δσ| %.1e eV/Å³, max|ΔE| %.1e eV%n", worst[0], worst[1]);
            assertTrue(worst[0] < 1e-10, "stress vs ASE: " + worst[0]);
            assertTrue(worst[1] < 1e-9, "energy vs ASE: " + worst[1]);
        }

        Files.writeString(dir.resolve("train.yaml"), """
                seed: 1
                data:
                  train: [{file: argon.eval.extxyz}]
                  split: {n_train: 24, n_val: 3, n_test: 3}
                model: {family: nequip, l_max: 1, num_features: 4, num_layers: 2, r_max: 5.0, num_basis: 6, invariant_layers: 1, invariant_neurons: 8}
                loss: {energy_per_atom: 100, forces: 100, stress: 1.0e+5}
                training: {max_epochs: 30, batch_size: 4, learning_rate: 0.01, ema_decay: 0}
                output: {directory: out}
                """);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        run(new PrintStream(console), "train", dir.resolve("train.yaml").toString());
        List<String> rows = Files.readAllLines(dir.resolve("out/metrics.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        int col = header.indexOf("val_stress_mae_meV_per_A3"), loss = header.indexOf("train_stress_loss");
        assertTrue(col > 0 && loss > 0, "stress columns: " + header);
        double first = Double.parseDouble(rows.get(1).split(",")[col]), last = Double.parseDouble(rows.get(rows.size() - 1).split(",")[col]);
        System.out.printf(Locale.ROOT, "md train on md eval's argon: validation stress MAE %.3f -> %.3f meV/Å³ over %d epochs%n", first, last, rows.size() - 1);
        assertTrue(last < 0.7 * first, "validation stress error did not fall: " + first + " -> " + last);
        assertTrue(Double.parseDouble(rows.get(1).split(",")[loss]) > 0, "the stress term is in the training loss");
        String report = Files.readString(dir.resolve("out/test-report.json"));
        assertTrue(report.contains("\"stress_meV_per_A3\": {") && report.contains("\"count\": 27") && report.contains("\"stress_GPa\""), report);
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("stress (meV/Å³)"), console.toString(StandardCharsets.UTF_8));
    }
}
