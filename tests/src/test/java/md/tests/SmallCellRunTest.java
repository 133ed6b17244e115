package md.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import md.core.Cell;
import md.engine.io.ExtxyzReader;
import md.engine.system.Frame;

/**
 * {@code md run} in a periodic cell narrower than twice the cutoff (2×2×2 fcc argon, 11.56 Å, cutoff
 * 8.5 Å), refused by earlier versions: it runs; its trajectory holds positions folded into the cell
 * with an images column (ASE reads both); the unwrapped positions read back equal those of a run with
 * {@code wrap: false}; {@code md eval} on its frames gives the run's energies and forces; and a resumed
 * run is bit-identical to an uninterrupted one.
 */
class SmallCellRunTest {
    @TempDir Path dir;

    static String input(long steps, String wrap) {
        String output = "  directory: out\n  trajectory: {every: 10, formats: [extxyz]" + wrap + "}\n  thermo: {every: 5}\n  checkpoint: {every: 50}\n";
        return Inputs.argon("  integrator: velocity-verlet\n  timestep_fs: 5\n  steps: " + steps + "\n", output)
                .replace("repeat: [3, 3, 3]", "repeat: [2, 2, 2]").replace("temperature_K: 120", "temperature_K: 300");
    }

    Path run(String name, long steps, String wrap, boolean resume) throws IOException {
        Path folder = dir.resolve(name);
        Path yaml = Cli.write(folder.resolve("input.yaml"), input(steps, wrap));
        Cli.Result r = resume ? Cli.run("run", "--quiet", "--resume", yaml.toString()) : Cli.run("run", "--quiet", yaml.toString());
        assertEquals(0, r.exitCode(), r.err());
        return folder.resolve("out");
    }

    @Test void runsWrapsAndResumesBitIdentically() throws IOException {
        Path wrapped = run("wrapped", 200, "", false);
        Path unwrapped = run("unwrapped", 200, ", wrap: false", false);
        List<Frame> a = ExtxyzReader.readAll(wrapped.resolve("trajectory.extxyz"));
        List<Frame> b = ExtxyzReader.readAll(unwrapped.resolve("trajectory.extxyz"));
        assertEquals(21, a.size());
        Cell cell = a.get(0).cell();
        for (double w : cell.perpendicularWidths()) assertTrue(w < 2 * 8.5, "the cell is narrower than twice the cutoff");

        // the file: positions folded into the cell, an integer images column; some atoms left the box at 300 K
        List<String> lines = Files.readAllLines(wrapped.resolve("trajectory.extxyz"));
        assertTrue(lines.get(1).contains(":images:I:3"), lines.get(1));
        assertTrue(!Files.readString(unwrapped.resolve("trajectory.extxyz")).contains("images"), "wrap: false writes no images column");
        int last = lines.size() - 32;
        boolean crossed = false;
        double[] s = new double[3];
        for (int i = 0; i < 32; i++) {
            String[] t = lines.get(last + i).strip().split("\\s+");
            double[] x = {Double.parseDouble(t[1]), Double.parseDouble(t[2]), Double.parseDouble(t[3])};
            cell.toFractional(x, 0, s);
            for (int k = 0; k < 3; k++) assertTrue(s[k] >= -1e-12 && s[k] < 1 + 1e-12, "wrapped fractional coordinate " + s[k]);
            for (int k = t.length - 3; k < t.length; k++) crossed |= Integer.parseInt(t[k]) != 0;
        }
        assertTrue(crossed, "some atom should have crossed a face in 1 ps at 300 K");

        // read back (images added back): the unwrapped run's positions, up to the rounding of x − n·L + n·L
        for (int f = 0; f < a.size(); f++)
            for (int k = 0; k < a.get(f).positions().length; k++)
                assertEquals(b.get(f).positions()[k], a.get(f).positions()[k], 1e-11, "frame " + f + " coordinate " + k);

        // md eval on the wrapped frames (a run input as the force field): the run's energies and forces
        Path evaluated = dir.resolve("eval.extxyz");
        Cli.Result e = Cli.run("eval", "--quiet", "--forcefield", dir.resolve("wrapped/input.yaml").toString(), "-o", evaluated.toString(),
                wrapped.resolve("trajectory.extxyz").toString());
        assertEquals(0, e.exitCode(), e.err());
        List<Frame> ev = ExtxyzReader.readAll(evaluated);
        assertEquals(a.size(), ev.size());
        for (int f = 0; f < a.size(); f++) {
            assertEquals(a.get(f).energyEv(), ev.get(f).energyEv(), 1e-10, "energy of frame " + f);
            for (int k = 0; k < a.get(f).forces().length; k++)
                assertEquals(a.get(f).forces()[k], ev.get(f).forces()[k], 1e-10, "force component " + k + " of frame " + f);
        }

        // resume: the first part stops at 130, then continues to 200; every file equal to the whole run's
        run("split", 130, "", false);
        Path split = run("split", 200, "", true);
        ResumeTest.assertSameOutputs(wrapped, split);
    }

    /**
     * ASE (independent reader) sees positions inside the cell and the images column as an integer array;
     * pos + images · cell, computed by NumPy, gives the positions of the {@code wrap: false} run.
     */
    @Test void aseReadsWrappedPositionsAndImageCounts() throws IOException {
        AsePython.require();
        Path wrapped = run("wrapped", 100, "", false);
        Path unwrapped = run("unwrapped", 100, ", wrap: false", false);
        String out = AsePython.runScript(dir, """
                import sys, numpy as np, ase.io
                a = ase.io.read(sys.argv[1], index=':')
                b = ase.io.read(sys.argv[2], index=':')
                assert len(a) == len(b) == 11, (len(a), len(b))
                worst, crossed = 0.0, 0
                for fa, fb in zip(a, b):
                    n = fa.arrays['images']
                    assert n.dtype.kind == 'i' and n.shape == (len(fa), 3), n.dtype
                    s = fa.get_scaled_positions(wrap=False)
                    assert s.min() >= -1e-12 and s.max() < 1 + 1e-12, (s.min(), s.max())
                    worst = max(worst, np.abs(fa.positions + n @ fa.cell.array - fb.positions).max())
                    crossed += int(np.count_nonzero(n))
                print(worst, crossed)
                """, wrapped.resolve("trajectory.extxyz").toString(), unwrapped.resolve("trajectory.extxyz").toString());
        String[] t = out.strip().split("\\s+");
        assertTrue(Double.parseDouble(t[0]) < 1e-11, "ASE's pos + images·cell vs the unwrapped run: " + out);
        assertTrue(Integer.parseInt(t[1]) > 0, "some atoms should have left the box: " + out);
    }
}
